"""How long `virsis serve` takes to make the public mirror its SPARQL endpoint answers from.

    python benchmarks/mirror_benchmark.py --store /tmp/virsis-benchmark/import-store

Prints, in one run: the time to read every quad of the store (the baseline:
what any copy must at least do), the time to build the mirror (read, drop
personal data, bulk-load into a new on-disk store), their ratio, the mirror's
size on disk and the peak RSS. Run ``import_benchmark.py`` first to have a
100 000-service store. Figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from virsis_graph.store import EmbeddedStore
from virsis_graph.web.query_pool import build_mirror


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--store", type=Path, default=Path(tempfile.gettempdir()) / "virsis-benchmark" / "import-store")
    args = parser.parse_args()
    store = EmbeddedStore(args.store)
    started = time.perf_counter()
    quads = sum(1 for _ in store._store.quads_for_pattern(None, None, None))
    read = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        build_mirror(store, Path(folder) / "mirror")
        built = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())
    print(f"store: {args.store} ({quads:,} quads)")
    print(f"{'read every quad (baseline)':34} {read:8.1f} s")
    print(f"{'build the public mirror':34} {built:8.1f} s   ratio {built / read:.1f}")
    print(f"{'mirror on disk':34} {size / 1e6:8.0f} MB")
    print(f"{'peak RSS':34} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.0f} MB")


if __name__ == "__main__":
    main()
