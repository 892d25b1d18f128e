"""Benchmark ``virsis import`` against pyoxigraph's raw ``bulk_load`` (issue 3).

    python benchmarks/import_benchmark.py                    # 100 000 services
    python benchmarks/import_benchmark.py --services 2000    # a quick run

In one run it

1. generates a synthetic register of ``--services`` services (or reuses the one
   a previous run left in ``--work``), see ``generate_register.py``;
2. (a) runs ``virsis import`` of its CSV files into a fresh on-disk store, as a
   separate process exactly as a person would (``python -m virsis_graph import``),
   timing it from start to exit and reading its peak memory (max RSS) from
   ``os.wait4``;
3. exports the data graphs the import wrote (the source graphs, not the model
   or the provenance) as one N-Triples file;
4. (b) loads that file with ``pyoxigraph.Store.bulk_load`` into another fresh
   on-disk store, also as a separate process timed from start to exit: the raw
   baseline. It loads into the default graph, as a plain N-Triples load does;
5. (b') loads the same triples as N-Quads into their named graphs, which is what
   the import has to write (oxigraph keeps six indexes for named graphs and
   three for the default graph, so this is the fastest the import could be);
6. prints the figures side by side: (c) the import's triples/s as a share of
   (b)'s (target: at least 0.5) and of (b')'s, and (d) the import's peak RSS
   (target: under 1 GB).

It prints figures only and asserts nothing. ``--reimport`` also times importing
the same files again into the filled store (which must change nothing).

``virsis import`` validates the imported records against the SHACL shapes
before committing (the compiled engine, in the whole register: about what
``virsis validate`` takes for it); the benchmark passes ``--no-validate`` and
measures the import itself, against bulk_load which validates nothing.
``--validate`` keeps the validation in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_register import ORDER, register_options, write_register  # noqa: E402

SOURCE_GRAPHS = "graph/source/"
TARGET_RATIO = 0.5
TARGET_RSS = 1024**3  # 1 GiB

BULK_LOAD = """
import sys
import pyoxigraph as ox
store = ox.Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.from_extension(sys.argv[1].rsplit(".", 1)[1]))
store.flush()
"""


@dataclass
class Run:
    """One measured child process."""

    seconds: float
    max_rss: int
    """Peak resident set size in bytes."""
    returncode: int
    output: str


def measure(command: list[str], log: Path, env: dict[str, str] | None = None) -> Run:
    """Run ``command`` to its end; its wall time and its own peak RSS (``os.wait4`` reports that child only)."""
    with log.open("wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4 already
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    max_rss = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return Run(seconds, max_rss, process.returncode, log.read_text(encoding="utf-8", errors="replace"))


def register(work: Path, services: int, seed: int) -> list[Path]:
    """The register's CSV files, generated unless a previous run left them complete."""
    folder = work / f"register-{services}-seed{seed}"
    done = folder / ".complete"
    if not done.exists():
        print(f"generating {services} services (seed {seed}) into {folder} ...", flush=True)
        shutil.rmtree(folder, ignore_errors=True)
        write_register(folder, services, seed)
        done.touch()
    else:
        print(f"reusing {folder}", flush=True)
    return [folder / f"{kind}.csv" for kind in ORDER]


def data_rows(files: list[Path]) -> int:
    """Records in the files: lines after the header (the generator writes no line breaks inside cells)."""
    total = 0
    for path in files:
        with path.open("rb") as f:
            total += sum(1 for _ in f) - 1
    return total


def export_data_graphs(store_path: Path, nt: Path, nq: Path) -> int:
    """Write the source graphs of the store as N-Triples and as N-Quads; return the triples."""
    store = ox.Store.read_only(str(store_path))
    graphs = sorted(g.value for g in store.named_graphs() if SOURCE_GRAPHS in g.value)
    triples = 0
    with nt.open("wb") as triples_file, nq.open("wb") as quads_file:
        for graph in graphs:
            data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
            triples += data.count(b"\n")  # N-Triples: one triple a line
            triples_file.write(data)
            # A line ends in " .\n" only there: line breaks inside literals are escaped.
            quads_file.write(data.replace(b" .\n", f" <{graph}> .\n".encode()))
    del store
    return triples


def mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    register_options(parser)
    parser.add_argument("--reimport", action="store_true", help="also time importing the same files again (an unchanged re-import)")
    parser.add_argument("--validate", action="store_true", help="let virsis import validate the records too (slow at scale)")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)

    files = register(work, args.services, args.seed)
    rows = data_rows(files)
    import_store, nt_store, nq_store = work / "import-store", work / "bulk-load-store", work / "bulk-load-named-store"
    nt, nq = work / "data.nt", work / "data.nq"
    for path in (import_store, nt_store, nq_store):
        for leftover in path.parent.glob(f"{path.name}*"):
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
    # The child imports into the embedded store named by --store, never a remote endpoint.
    env = {k: v for k, v in os.environ.items() if k not in ("VIRSIS_ENDPOINT", "VIRSIS_UPDATE_ENDPOINT", "VIRSIS_GRAPH_STORE")}
    command = [sys.executable, "-m", "virsis_graph", "import", *map(str, files), "--store", str(import_store), "--agent", "benchmark"]
    validation = "on"
    if not args.validate:
        help_text = subprocess.run([sys.executable, "-m", "virsis_graph", "import", "--help"], capture_output=True, text=True, env=env).stdout
        if "--no-validate" in help_text:
            command.append("--no-validate")
            validation = "skipped (--no-validate)"

    print(f"(a)  virsis import of {len(files)} CSV files, {rows:,} rows ...", flush=True)
    imported = measure(command, work / "import.log", env)
    if imported.returncode != 0:
        print(imported.output[-4000:])
        print(f"virsis import failed with exit code {imported.returncode}; see {work / 'import.log'}")
        return 1
    reimported = None
    if args.reimport:
        print("     virsis import of the same files again ...", flush=True)
        reimported = measure(command, work / "reimport.log", env)

    triples = export_data_graphs(import_store, nt, nq)
    print(f"(b)  pyoxigraph bulk_load of {nt.name}, {triples:,} triples ({mb(nt.stat().st_size)}) ...", flush=True)
    bulk = measure([sys.executable, "-c", BULK_LOAD, str(nt), str(nt_store)], work / "bulk-load.log")
    print(f"(b') pyoxigraph bulk_load of {nq.name} into the named graphs ...", flush=True)
    named = measure([sys.executable, "-c", BULK_LOAD, str(nq), str(nq_store)], work / "bulk-load-named.log")
    for run in (bulk, named):
        if run.returncode != 0:
            print(run.output[-4000:])
            return 1

    rate_a, rate_b, rate_named = (triples / run.seconds for run in (imported, bulk, named))
    ratio, like_for_like = rate_a / rate_b, rate_a / rate_named
    print()
    print(f"register: {args.services:,} services (seed {args.seed}), {rows:,} rows, {triples:,} data triples; validation {validation}")
    print(f"machine:  {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, pyoxigraph {ox.__version__}, {dt.date.today()}")
    print()
    w = 20
    print(f"{'':14} {'(a) virsis import':>{w}} {'(b) bulk_load .nt':>{w}} {'(b′) bulk_load .nq':>{w}}")
    print(f"{'into':14} {'named graphs':>{w}} {'default graph':>{w}} {'named graphs':>{w}}")
    print(f"{'wall time, s':14} {imported.seconds:>{w}.2f} {bulk.seconds:>{w}.2f} {named.seconds:>{w}.2f}")
    print(f"{'rows/s':14} {rows / imported.seconds:>{w},.0f}")
    print(f"{'triples/s':14} {rate_a:>{w},.0f} {rate_b:>{w},.0f} {rate_named:>{w},.0f}")
    print(f"{'peak RSS':14} {mb(imported.max_rss):>{w}} {mb(bulk.max_rss):>{w}} {mb(named.max_rss):>{w}}")
    print()
    print(f"(c) import / bulk_load triples/s: {ratio:.2f}  (target >= {TARGET_RATIO}: {'met' if ratio >= TARGET_RATIO else 'NOT met'}); "
          f"like for like, / bulk_load into named graphs: {like_for_like:.2f}")
    print(f"(d) import peak RSS: {mb(imported.max_rss)}  (target < {mb(TARGET_RSS)}: {'met' if imported.max_rss < TARGET_RSS else 'NOT met'})")
    if reimported is not None:
        print(f"    unchanged re-import: {reimported.seconds:.2f} s, peak RSS {mb(reimported.max_rss)}, exit code {reimported.returncode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
