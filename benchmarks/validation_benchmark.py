"""Validation benchmark: `virsis validate` against plain pyshacl, and one changed record.

    python benchmarks/validation_benchmark.py --services 10000

On a synthetic register (benchmarks/generate_register.py) imported into an
embedded store, prints side by side in one run:

(a) whole-register validation as `virsis validate --store` does it (store →
    in-memory rdflib graph → pyshacl), wall time;
(b) plain ``pyshacl.validate`` on an rdflib Graph parsed from the same triples,
    with the same shapes — the baseline;
(c) whether the two result sets are the same (they must be);
(d) validating one changed record in its neighbourhood, as an import does, p50
    and p95 over 100 records.

pyshacl is the engine in (a) and (b), so (a)/(b) shows the cost of what
`virsis validate` adds (reading the store, tying results to records). The trap
the issue warns of — pyshacl on a pyoxigraph-backed rdflib graph counting the
whole store for every result — is avoided by design: validation always runs on
an in-memory rdflib graph. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import RDF, SH

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_register import main as generate  # noqa: E402

from virsis_graph.importing import import_files  # noqa: E402
from virsis_graph.store import EmbeddedStore  # noqa: E402
from virsis_graph.validation import all_shapes, model_graph, validate_records, validate_store  # noqa: E402


def result_set(graph: Graph) -> set[tuple[str, str, str, str]]:
    """(focus, source shape or its parent+path, path, severity) of every result."""
    out = set()
    for r in graph.subjects(RDF.type, SH.ValidationResult):
        shape = graph.value(r, SH.sourceShape)
        out.add((str(graph.value(r, SH.focusNode)), str(shape) if not shape.n3().startswith("_:") else "bnode",
                 str(graph.value(r, SH.resultPath)), str(graph.value(r, SH.resultSeverity))))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--records", type=int, default=100, help="records for the one-record timing (default 100)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "virsis-validation-benchmark")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    register = work / f"register-{args.services}-{args.seed}"
    if not (register / "services.csv").exists():
        generate(["--services", str(args.services), "--seed", str(args.seed), "--out", str(register)])
    store = EmbeddedStore()
    files = sorted(register.glob("*.csv"))
    print(f"importing {len(files)} files into an in-memory store ...", flush=True)
    import_files(store, files)
    shapes = all_shapes()

    print("(a) virsis validate (whole store) ...", flush=True)
    started = time.perf_counter()
    report = validate_store(store)
    ours = time.perf_counter() - started

    print("(b) plain pyshacl.validate on an rdflib Graph ...", flush=True)
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in store.quads())
    data = Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt") + model_graph()
    started = time.perf_counter()
    _, baseline_graph, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    baseline = time.perf_counter() - started
    same = result_set(report.graph) == result_set(baseline_graph)

    services = [r["s"].value for r in store.query("SELECT ?s WHERE { ?s a <https://w3id.org/virsis/ontology#SimpleService> }")]
    sample = random.Random(args.seed).sample(services, min(args.records, len(services)))
    print(f"(d) one record at a time, {len(sample)} records ...", flush=True)
    timings = []
    for iri in sample:
        started = time.perf_counter()
        validate_records(store, [iri])
        timings.append(time.perf_counter() - started)
    timings.sort()

    print()
    print(f"register: {args.services:,} services (seed {args.seed}), {store.count():,} triples, {report.records:,} records")
    print(f"machine:  {platform.machine()}, Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")
    print()
    print(f"{'':28} {'(a) virsis validate':>20} {'(b) plain pyshacl':>20}")
    print(f"{'whole register, s':28} {ours:>20.2f} {baseline:>20.2f}")
    print(f"{'results':28} {len(report.results):>20,} {len(result_set(baseline_graph)):>20,}")
    print(f"(a)/(b) time: {ours / baseline:.2f}")
    print(f"(c) same results: {'yes' if same else 'NO'}")
    print(f"(d) one record: p50 {statistics.median(timings) * 1000:.0f} ms, p95 {timings[int(len(timings) * 0.95) - 1] * 1000:.0f} ms")
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
