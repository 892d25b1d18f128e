"""Latency of the named queries on a synthetic national register (issue 5).

    python benchmarks/query_benchmark.py                       # 100 000 services
    python benchmarks/query_benchmark.py --services 2000       # a quick run
    python benchmarks/query_benchmark.py --store PATH          # a register already imported

In one run it

1. generates a synthetic register (``generate_register.py``) and imports it with
   ``virsis import --no-validate`` into ``--work`` (both reused by later runs of
   the same size and seed; the import benchmark's store is reused when present);
2. picks, with a seeded random generator, ``--samples`` typical parameter values
   for each query (life situations, needs, services, resources and institutions
   that exist in the register);
3. runs each named query once per sample on the embedded store, as
   ``virsis query`` does (binding with ``VALUES``), reading every row;
4. prints p50 and p95 latency per query next to the baseline measured in the
   same run — reading one record's own statements, the cheapest question a
   store answers — and the ratio of each p50 to it; the trace and impact
   queries have the goal of p50 under 50 ms.

It prints figures only and asserts nothing. The register-wide analyses
(``single-points-of-failure``, ``shared-service-uptake``) run ``--repeat`` times
without parameters instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_register import register_options, write_register  # noqa: E402

from virsis_graph import queries  # noqa: E402
from virsis_graph.importing import sources  # noqa: E402
from virsis_graph.settings import base_iri  # noqa: E402
from virsis_graph.store import EmbeddedStore, StoreLockedError  # noqa: E402

GOAL_MS = 50
GOAL_QUERIES = {"trace-life-situation", "trace-need", "service-dependencies", "impact-of-resource"}
PARAMETER = {  # the parameter each query is timed with, and the kind of record it takes
    "trace-life-situation": "life_situation", "trace-need": "need", "service-dependencies": "service",
    "impact-of-resource": "resource", "unmet-needs": "life_situation", "life-situation-coverage": "life_situation",
    "services-without-owner": "institution", "owner-load": "institution", "smart-service-candidates": "life_situation",
    "duplicate-services": "need", "lifecycle-pipeline": "institution",
    "catalogue-public": "institution", "catalogue-business": "institution", "catalogue-inter-institutional": "institution",
}


def prepare(work: Path, services: int, seed: int) -> Path:
    """An embedded store holding the generated register, imported once and reused."""
    reused = work / "import-store"
    folder = work / f"register-{services}-seed{seed}"
    if reused.is_dir() and folder.is_dir() and imported_from(reused, folder):
        return reused
    if not folder.is_dir():
        print(f"generating {services:,} services (seed {seed}) into {folder} ...", flush=True)
        write_register(folder, services, seed)
    store = work / f"query-store-{services}-seed{seed}"
    if not store.is_dir():
        print(f"importing into {store} ...", flush=True)
        files = sorted(str(p) for p in folder.glob("*.csv"))
        subprocess.run([sys.executable, "-m", "virsis_graph", "import", *files, "--store", str(store), "--no-validate"], check=True, stdout=subprocess.DEVNULL)
    return store


def imported_from(path: Path, folder: Path) -> bool:
    """Whether the store at ``path`` holds the CSV files of ``folder``: their SHA-256 in its provenance.

    The import benchmark's store holds whichever register it imported last; one
    that another process holds (an import benchmark running) is not used.
    """
    try:
        store = EmbeddedStore(path)
    except StoreLockedError:
        return False
    try:
        imported = {source.file: source.sha256 for source in sources(store)}
    finally:
        store.close()
    files = sorted(folder.glob("*.csv"))
    return bool(files) and all(imported.get(f.name) == hashlib.sha256(f.read_bytes()).hexdigest() for f in files)


def sample_values(store: EmbeddedStore, kind: str, n: int, rng: random.Random) -> list[str]:
    """``n`` identifiers of records of ``kind`` (by their minted IRIs), picked at random."""
    prefix = f"{base_iri()}id/{kind}/"
    identifier = ox.NamedNode("http://purl.org/dc/terms/identifier")
    found = sorted({q.subject.value[len(prefix):] for q in store._store.quads_for_pattern(None, identifier, None) if q.subject.value.startswith(prefix)})
    return rng.sample(found, min(n, len(found)))


def timed(store: EmbeddedStore, text: str) -> tuple[float, int]:
    start = time.perf_counter()
    result = store.query(text)
    rows = sum(1 for _ in result)
    return time.perf_counter() - start, rows


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    register_options(parser, store="an embedded store that already holds a register (instead of --services)")
    parser.add_argument("--samples", type=int, default=30, help="parameter values per query (default 30)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of a query timed without parameters (default 5)")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    path = args.store or prepare(args.work, args.services, args.seed)
    store = EmbeddedStore(path)
    rng = random.Random(args.seed)
    kinds = {"life_situation": "life-situation", "need": "need", "service": "service", "resource": "resource", "institution": "organisation"}
    pools = {param: sample_values(store, kind, args.samples, rng) for param, kind in kinds.items()}
    counts = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    triples = int(next(iter(counts))["n"].value)

    # Baseline: one record's own statements.
    base_times = []
    for identifier in pools["service"]:
        iri = ox.NamedNode(f"{base_iri()}id/service/{identifier}")
        base_times.append(timed(store, f"SELECT ?p ?o WHERE {{ {iri} ?p ?o }}")[0])
    base = statistics.median(base_times)

    print(f"\nregister: {path} ({triples:,} triples)")
    print(f"machine:  {platform.machine()}, Python {platform.python_version()}, pyoxigraph {ox.__version__}, {dt.date.today()}")
    print(f"baseline: one record's own statements, p50 {base * 1000:.2f} ms over {len(base_times)} records\n")
    header = f"{'query':32} {'runs':>5} {'rows p50':>9} {'p50 ms':>9} {'p95 ms':>9} {'p50/baseline':>13}  goal"
    print(header)
    print("-" * len(header))
    for name, query in queries.library().items():
        param = PARAMETER.get(name)
        runs: list[tuple[float, int]] = []
        values_list = [{param: v} for v in pools[param]] if param else [{}] * args.repeat
        for values in values_list:
            text = queries.prepared(query, queries.bind(query, values, store))
            runs.append(timed(store, text))
        times = [t for t, _ in runs]
        rows = statistics.median(r for _, r in runs)
        p50, p95 = percentile(times, 50), percentile(times, 95)
        goal = ("met" if p50 * 1000 < GOAL_MS else "NOT met") + f" (< {GOAL_MS} ms)" if name in GOAL_QUERIES else ""
        label = name + ("" if values_list[0] else " (whole register)")
        print(f"{label:32} {len(runs):>5} {rows:>9.0f} {p50 * 1000:>9.1f} {p95 * 1000:>9.1f} {p50 / base:>13.0f}  {goal}")
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
