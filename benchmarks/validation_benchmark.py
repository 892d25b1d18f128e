"""Validation benchmark: the compiled engine against plain pyshacl, whole register and one changed record.

    python benchmarks/validation_benchmark.py --services 10000

On a synthetic register (benchmarks/generate_register.py) imported into an
in-memory embedded store, prints side by side in one run:

(a) `virsis validate --store` with the default engine (``--engine auto``: the
    shapes compiled into SPARQL queries over the store, results tied to
    records), wall time, and its steps (``Report.timings``: reading where
    records came from, the checks, filing results under records); then
    writing the report in each format but ttl (text, json, junit, sarif),
    with its size;
(b) plain ``pyshacl.validate`` on an rdflib Graph parsed from the same triples,
    with the same shapes — the baseline (only up to ``--pyshacl-max`` services:
    it takes minutes at 10 000; "skipped" above);
(c) whether the two result sets are the same (focus, path, value, source shape,
    constraint component, severity; counted) — they must be — and (b)/(a);
(d) validating one changed record (with what it owns) as an import or an edit
    does: the compiled engine with the record bound as focus node, next to the
    pyshacl neighbourhood validation, p50 and p95 over ``--records`` records;
    and whether, for each of these records, the two give the same results as
    the whole-register report (a) files under it — the check of results that
    still runs where (b) is skipped;
(e) peak RSS of this process;
(f) with ``--workers N``: the register in memory and the same register on
    disk, each validated with one thread and with N threads running the checks
    (``virsis validate --workers``), wall time side by side, and whether the
    results are the same.

Targets of the national-scale issue: (b)/(a) ≥ 50 at 10 000 services; (a)
under 10 s at 100 000; (d) p50 under 50 ms at 100 000. Figures only; nothing is
asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate
from rdflib import Graph

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_register import main as generate, register_options  # noqa: E402
from query_benchmark import percentile  # noqa: E402

from virsis_graph.importing import import_files  # noqa: E402
from virsis_graph.shacl.engine import plan, shapes_of  # noqa: E402
from virsis_graph.shacl.compare import report_results  # noqa: E402
from virsis_graph.store import EmbeddedStore  # noqa: E402
from virsis_graph.reports import chunks  # noqa: E402
from virsis_graph.validation import all_shapes, model_graph, validate_records, validate_store  # noqa: E402


def result_key(r) -> tuple:
    """A result as a report files it: record, focus, path, value, shape, severity, messages."""
    return (r.record, r.focus, r.path, r.value, r.shape, r.severity, tuple(sorted(r.message.items())))


def percentiles(timings: list[float]) -> str:
    return f"p50 {percentile(timings, 50) * 1000:.0f} ms, p95 {percentile(timings, 95) * 1000:.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    register_options(parser, services=10_000, work=Path(tempfile.gettempdir()) / "virsis-validation-benchmark")
    parser.add_argument("--records", type=int, default=100, help="records for the one-record timing (default 100)")
    parser.add_argument("--pyshacl-max", type=int, default=10_000, help="largest register plain pyshacl runs on (default 10 000)")
    parser.add_argument("--workers", type=int, default=0, help="(f): also validate with 1 and with N threads, in memory and on disk (default: skip)")
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

    print("(a) virsis validate (whole store, compiled engine) ...", flush=True)
    checks, fallback, compiled = plan(shapes_of(shapes), store)
    started = time.perf_counter()
    report = validate_store(store, engine="auto")
    ours = time.perf_counter() - started
    writing = {}
    for fmt in ("text", "json", "junit", "sarif"):
        started = time.perf_counter()
        with tempfile.TemporaryFile("w", encoding="utf-8") as out:
            out.writelines(chunks(report, fmt))  # as `virsis validate --format FMT -o FILE` writes it
            size = out.tell()
        writing[fmt] = (time.perf_counter() - started, size)
    ours_set = report_results(report.graph)

    threads = {}
    if args.workers > 1:
        print(f"(f) one thread, then {args.workers}, in memory and on disk ...", flush=True)

        def one_and_many(where: EmbeddedStore) -> tuple[list[float], bool]:
            timings, sets = [], []
            for workers in (1, args.workers):
                started = time.perf_counter()
                validated = validate_store(where, engine="auto", workers=workers)
                timings.append(time.perf_counter() - started)
                sets.append(report_results(validated.graph))
            return timings, sets[0] == sets[1] == ours_set

        threads["in memory"] = one_and_many(store)
        with tempfile.TemporaryDirectory() as folder:
            raw = ox.Store(str(Path(folder) / "store"))
            raw.bulk_extend(store.quads())
            raw.flush()
            del raw
            disk = EmbeddedStore(Path(folder) / "store")
            threads["on disk"] = one_and_many(disk)
            disk.close()

    baseline = baseline_set = None
    if args.services <= args.pyshacl_max:
        print("(b) plain pyshacl.validate on an rdflib Graph ...", flush=True)
        triples = (ox.Triple(q.subject, q.predicate, q.object) for q in store.quads())
        data = Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt") + model_graph()
        started = time.perf_counter()
        _, baseline_graph, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
        baseline = time.perf_counter() - started
        baseline_set = report_results(baseline_graph)

    services = [r["s"].value for r in store.query("SELECT ?s WHERE { ?s a <https://w3id.org/virsis/ontology#SimpleService> }")]
    sample = random.Random(args.seed).sample(services, min(args.records, len(services)))
    print(f"(d) one record at a time, {len(sample)} records, both engines ...", flush=True)
    filed: dict[str, set[tuple]] = {}
    for r in report.results:
        filed.setdefault(r.record, set()).add(result_key(r))
    fast_timings, pyshacl_timings = [], []
    agreeing = 0
    for iri in sample:
        started = time.perf_counter()
        fast_report = validate_records(store, [iri], engine="fast")
        fast_timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        pyshacl_report = validate_records(store, [iri], engine="pyshacl")
        pyshacl_timings.append(time.perf_counter() - started)
        whole = filed.get(iri, set())
        agreeing += {result_key(r) for r in fast_report.results} == whole == {result_key(r) for r in pyshacl_report.results}

    print()
    print(f"register: {args.services:,} services (seed {args.seed}), {store.count():,} triples, {report.records:,} records")
    print(f"machine:  {platform.machine()}, Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")
    print()
    print(f"{'':34} {'(a) virsis validate':>20} {'(b) plain pyshacl':>20}")
    print(f"{'whole register, s':34} {ours:>20.2f} {f'{baseline:.2f}' if baseline is not None else 'skipped':>20}")
    for step, label in (("locations", "record locations"), ("checks", "checks (compiled queries)"), ("filing", "filing results")):
        print(f"{f'  {label}, s':34} {report.timings[step]:>20.2f}")
    for fmt, (seconds, size) in writing.items():
        print(f"{f'report written as {fmt}, s':34} {seconds:>20.2f}   {size / 1e6:,.0f} MB")
    print(f"{'results':34} {len(report.results):>20,} {f'{sum(baseline_set.values()):,}' if baseline_set is not None else 'skipped':>20}")
    if baseline is not None:
        print(f"(c) same results: {'yes' if ours_set == baseline_set else 'NO'}; (b)/(a): {baseline / ours:.0f}x")
    else:
        print(f"(c) same results: not compared (pyshacl skipped above {args.pyshacl_max:,} services)")
    print(f"    shapes compiled: {len(compiled)}, left to pyshacl: {len(fallback)}, queries: {len(checks)}")
    print(f"(d) one record: compiled {percentiles(fast_timings)}; pyshacl neighbourhood {percentiles(pyshacl_timings)}")
    print(f"    same results as (a) files under the record, both engines: {agreeing} of {len(sample)} records "
          f"({sum(len(filed.get(i, ())) for i in sample):,} results)")
    print(f"(e) peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    for where, ((one, many), same) in threads.items():
        print(f"(f) {where}: 1 thread {one:.2f} s, {args.workers} threads {many:.2f} s, "
              f"ratio {one / many:.2f}; same results as (a): {'yes' if same else 'NO'} ({os.cpu_count()} CPUs here)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
