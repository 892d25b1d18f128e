"""How the register scales: import, disk, queries and validation from 10 000 to 1 000 000 services (issue 7).

    python benchmarks/scale_benchmark.py                                  # 10k, 100k and 1M services: an hour or more
    python benchmarks/scale_benchmark.py --sizes 2000,20000               # a quick run
    python benchmarks/scale_benchmark.py --sizes 1000000 --no-validate    # one size, no validation

For each size it generates the synthetic register (``generate_register.py``,
reused by later runs), then measures, each as its own process where it is one
for a user:

- ``virsis import --no-validate`` of the CSV files into a fresh embedded store:
  wall time, triples/s and peak RSS (``os.wait4``);
- the store's size on disk, after the import (RocksDB compacts in the
  background; the size is read once the importing process has exited);
- p50 latency of the trace and impact queries and of one institution's public
  catalogue, on ``--samples`` records picked with a seeded generator, next to
  the baseline of reading one record's own statements;
- ``virsis validate --store`` of the whole register (the fast engine when the
  command offers ``--engine``; with pyshacl alone only up to
  ``--pyshacl-limit`` services, beyond which it would take hours): wall time and
  peak RSS.

The table puts the sizes side by side, the smallest being the baseline: for
each figure, how many times it grew against how many times the data grew. A
figure that grows faster than the data is where the curve bends. Figures
only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_register import register_options  # noqa: E402
from import_benchmark import data_rows, mb, measure, register  # noqa: E402
from query_benchmark import percentile, sample_values, timed  # noqa: E402

from virsis_graph import queries  # noqa: E402
from virsis_graph.settings import base_iri  # noqa: E402
from virsis_graph.store import EmbeddedStore  # noqa: E402

TIMED_QUERIES = {  # named query → the parameter it is timed with and the kind of record that takes
    "trace-life-situation": ("life_situation", "life-situation"),
    "trace-need": ("need", "need"),
    "impact-of-resource": ("resource", "resource"),
    "catalogue-public": ("institution", "organisation"),
}


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def validate_engine_option() -> list[str]:
    """``--engine fast`` when ``virsis validate`` has it (the compiled validator), else nothing."""
    help_text = subprocess.run([sys.executable, "-m", "virsis_graph", "validate", "--help"], capture_output=True, text=True).stdout
    return ["--engine", "fast"] if "--engine" in help_text else []


def measure_size(services: int, args: argparse.Namespace, engine: list[str]) -> dict[str, float | str]:
    files = register(args.work, services, args.seed)
    rows = data_rows(files)
    store_path = args.work / f"scale-store-{services}"
    shutil.rmtree(store_path, ignore_errors=True)
    print(f"[{services:,}] virsis import ...", flush=True)
    run = measure([sys.executable, "-m", "virsis_graph", "import", *map(str, files), "--store", str(store_path), "--no-validate"], args.work / f"scale-import-{services}.log")
    if run.returncode != 0:
        raise SystemExit(f"the import of {services:,} services failed:\n{run.output[-3000:]}")
    figures: dict[str, float | str] = {"rows": rows, "import s": run.seconds, "import RSS MB": run.max_rss / 2**20}
    figures["disk MB"] = folder_size(store_path) / 2**20

    store = EmbeddedStore(store_path)
    try:
        figures["triples"] = len(store._store)
        figures["triples/s"] = figures["triples"] / run.seconds
        rng = random.Random(args.seed)
        base = []
        for identifier in sample_values(store, "service", args.samples, rng):
            iri = ox.NamedNode(f"{base_iri()}id/service/{identifier}")
            base.append(timed(store, f"SELECT ?p ?o WHERE {{ {iri} ?p ?o }}")[0])
        figures["one record ms"] = statistics.median(base) * 1000
        library = queries.library()
        for name, (param, kind) in TIMED_QUERIES.items():
            print(f"[{services:,}] {name} ...", flush=True)
            times = []
            for value in sample_values(store, kind, args.samples, rng):
                query = library[name]
                times.append(timed(store, queries.prepared(query, queries.bind(query, {param: value}, store)))[0])
            figures[f"{name} p50 ms"] = percentile(times, 50) * 1000
    finally:
        store.close()

    if args.validate and (engine or services <= args.pyshacl_limit):
        print(f"[{services:,}] virsis validate {' '.join(engine) or '(pyshacl)'} ...", flush=True)
        out = args.work / f"scale-validate-{services}.json"
        check = measure([sys.executable, "-m", "virsis_graph", "validate", "--store", str(store_path), *engine, "--format", "json", "-o", str(out)],
                        args.work / f"scale-validate-{services}.log")
        figures["validate s"] = check.seconds if check.returncode in (0, 1) else f"failed ({check.returncode})"
        figures["validate RSS MB"] = check.max_rss / 2**20
    else:
        figures["validate s"] = "skipped"
        figures["validate RSS MB"] = "skipped"
    if not args.keep:
        shutil.rmtree(store_path, ignore_errors=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    register_options(parser, services=None, work_help="folder for the registers and stores")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="services in each register, comma-separated (default 10000,100000,1000000)")
    parser.add_argument("--samples", type=int, default=20, help="records per timed query (default 20)")
    parser.add_argument("--no-validate", dest="validate", action="store_false", help="do not time whole-register validation")
    parser.add_argument("--pyshacl-limit", type=int, default=10_000, help="largest register validated when only pyshacl is there (default 10000)")
    parser.add_argument("--keep", action="store_true", help="keep the stores (scale-store-N) after measuring")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    engine = validate_engine_option() if args.validate else []
    started = time.perf_counter()
    results = {n: measure_size(n, args, engine) for n in sizes}

    print(f"\nmachine: {platform.machine()}, Python {platform.python_version()}, pyoxigraph {ox.__version__}, {dt.date.today()}; "
          f"validation: {' '.join(engine) or 'pyshacl'}; {time.perf_counter() - started:,.0f} s in all")
    first = sizes[0]
    names = list(results[first])
    header = f"{'':26}" + "".join(f"{n:>16,}" for n in sizes) + (f"   × growth against {first:,} (data ×{'/'.join(f'{n // first}' for n in sizes[1:])})" if len(sizes) > 1 else "")
    print(header)
    print("-" * len(header))
    for name in names:
        cells = [results[n][name] for n in sizes]
        shown = "".join(f"{c:>16,.1f}" if isinstance(c, float) else f"{c:>16,}" if isinstance(c, int) else f"{c:>16}" for c in cells)
        growth = ""
        if len(sizes) > 1 and all(isinstance(c, (int, float)) and c for c in cells):
            growth = "   " + " / ".join(f"×{c / cells[0]:,.1f}" for c in cells[1:])
        print(f"{name:26}{shown}{growth}")
    print("\nstore size per million triples: " + ", ".join(
        f"{n:,}: {mb(int(results[n]['disk MB'] * 2**20 / results[n]['triples'] * 1e6))}" for n in sizes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
