"""Crash safety of the embedded store, and the message when another process holds it.

An import killed with SIGKILL at any moment must leave the store exactly as
before the import or exactly as after it, never in between.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from virsis_graph.store import EmbeddedStore, StoreLockedError

# Provenance times differ from run to run; everything else must match exactly.
VOLATILE = ("http://www.w3.org/ns/prov#generatedAtTime", "http://www.w3.org/ns/prov#endedAtTime")


def snapshot(path: Path) -> frozenset[str]:
    with EmbeddedStore(path) as store:
        return frozenset(str(q) for q in store.quads() if q.predicate.value not in VOLATILE)


def virsis(*args: str) -> list[str]:
    # Imports here pass --no-validate: the subject is crash safety, and validating
    # 12,000 records with pyshacl would take minutes.
    return [sys.executable, "-m", "virsis_graph", *args]


def write_register(folder: Path, needs: int) -> tuple[Path, Path]:
    life = folder / "life_situations.csv"
    life.write_text("identifier,title_lv,description_lv,audience\nls-01,Dzīve,Apraksts.,residents\n", encoding="utf-8")
    big = folder / "needs.csv"
    rows = ["identifier,title_lv,title_en,description_lv,description_en,life_situations"]
    rows += [f"n-{i},Vajadzība {i},Need {i},Vajadzības {i} apraksts.,Description of need {i}.,ls-01" for i in range(needs)]
    big.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return life, big


@pytest.mark.slow
def test_kill_9_during_an_import_leaves_the_store_as_before_or_as_after(tmp_path):
    life, big = write_register(tmp_path, 12_000)
    before_store = tmp_path / "before"
    subprocess.run(virsis("import", "--no-validate", str(life), "--store", str(before_store)), check=True, capture_output=True)
    before = snapshot(before_store)

    after_store = tmp_path / "after"
    shutil.copytree(before_store, after_store)
    started = time.monotonic()
    subprocess.run(virsis("import", "--no-validate", str(big), "--store", str(after_store)), check=True, capture_output=True)
    duration = time.monotonic() - started
    after = snapshot(after_store)
    assert len(after) > len(before) + 12_000 * 5

    rng = random.Random(20261127)
    outcomes = []
    for trial in range(8):
        store = tmp_path / f"trial-{trial}"
        shutil.copytree(before_store, store)
        process = subprocess.Popen(virsis("import", "--no-validate", str(big), "--store", str(store)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = snapshot(store)
        assert state in (before, after), f"trial {trial}: the store is neither as before nor as after"
        outcomes.append("before" if state == before else "after")
        # And the store works normally afterwards: finishing the import gives the after state.
        subprocess.run(virsis("import", "--no-validate", str(big), "--store", str(store)), check=True, capture_output=True)
        assert snapshot(store) == after
    assert "before" in outcomes  # the kills did land in the middle of imports


@contextmanager
def held(path, *argv: str):
    """Another process that opens the store at ``path`` and keeps it open (its command line ends in ``argv``)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from virsis_graph.store import EmbeddedStore; s = EmbeddedStore(sys.argv[1]); print('ready', flush=True); time.sleep(30)",
         str(path), *argv],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def test_a_store_in_use_names_the_process_holding_it(tmp_path):
    path = tmp_path / "store"
    with held(path) as holder:
        with pytest.raises(StoreLockedError) as info:
            EmbeddedStore(path)
        message = str(info.value)
        assert f"process {holder.pid}" in message and str(path) in message and "--endpoint" in message
        result = subprocess.run(virsis("stats", "--store", str(path)), capture_output=True, text=True)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr and f"process {holder.pid}" in " ".join(result.stderr.split())


def test_a_store_the_site_holds_says_how_to_read_and_import(tmp_path):
    """The general advice (send the command through its server's SPARQL endpoint) fails for an import: an import goes
    through the site's /import, with a token."""
    path = tmp_path / "store"
    with held(path, "serve") as holder:  # its command line ends in "serve", as `virsis serve`'s does
        with pytest.raises(StoreLockedError) as info:
            EmbeddedStore(path)
        message = str(info.value)
        assert message.startswith(f"Krātuvi {path} tur atvērtu vietne (process {holder.pid}")
        assert "To read, send the command through the site: --endpoint http://…/sparql" in message
        assert "to import, send the files through the site with your institution's token: VIRSIS_TOKEN=… virsis import FILE --site http://…" in message


def test_an_interrupted_write_is_rolled_back_when_the_store_is_next_opened(tmp_path):
    path = tmp_path / "store"
    with EmbeddedStore(path) as store:
        from virsis_graph.store import GraphChange
        import pyoxigraph as ox

        t = ox.Triple(ox.NamedNode("https://e.org/s"), ox.NamedNode("https://e.org/p"), ox.Literal("before"))
        store.apply([GraphChange("https://e.org/g", add=[t])])
        # Simulate a crash after the checkpoint was taken and the write began.
        store._store.flush()
        store._store.backup(str(store._checkpoint))
        store._store.add(ox.Quad(t.subject, t.predicate, ox.Literal("half-written"), ox.NamedNode("https://e.org/g")))
    with EmbeddedStore(path) as store:
        assert {q.object.value for q in store.quads()} == {"before"}
        assert not store._checkpoint.exists()
