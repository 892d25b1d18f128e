"""The same register on three engines: the embedded store, ``oxigraph serve`` and Virtuoso 7, in one table.

    python benchmarks/engines_benchmark.py                                  # 100 000 services: half an hour or more here
    python benchmarks/engines_benchmark.py --services 2000                  # a quick run: under a minute
    python benchmarks/engines_benchmark.py --store ./virsis-store --validation-timeout 600
    python benchmarks/engines_benchmark.py --services 10000 --reuse --engines virtuoso   # one server, on what an earlier run left

For one register (``generate_register.py``, ``--services`` and ``--seed``;
reused from ``--work`` when an earlier run left it) it measures, engine after
engine so that only one holds the register in memory at a time:

1. **embedded**: ``virsis import --no-validate`` of the CSV files into a fresh
   store in ``--work`` (its own process: wall time, peak RSS from
   ``os.wait4``), then ``virsis export --format nq`` of it to one file. With
   ``--store PATH`` the store is copied into ``--work`` instead (never written
   to) and the import is not timed; with ``--reuse`` the store, the N-Quads
   and the embedded validation report an earlier run left there are used as
   they are (and not timed). ``--engines`` chooses the servers.
2. **oxigraph serve**: ``oxigraph load`` of the N-Quads into a fresh data
   folder (wall time, peak RSS), then ``oxigraph serve`` on it (time until it
   answers). **Virtuoso 7**: a throw-away server (``tests/virtuoso_server.py``,
   with ``--virtuoso-buffers`` of 8 KB, the folder of the N-Quads in
   ``DirsAllowed``, no limit on query time or answer rows), then its bulk
   loader through ``isql-vt``: ``ld_dir``, ``rdf_loader_run()`` (one loader),
   ``checkpoint`` (wall time of the three; the loader runs inside the server,
   so its memory is the server's). Each engine's triple count is read back
   through the product's store.
3. The trace and impact queries (``trace-life-situation``, ``trace-need``,
   ``impact-of-resource``, as in ``scale_benchmark.py``) and the baseline of
   one record's own statements, on ``--samples`` records of the right kind
   picked with a generator seeded by ``--seed`` — the same query texts, bound
   as ``virsis query`` binds them, sent through the product's Store API
   (``EmbeddedStore`` and ``RemoteStore``), each answer read to its last row:
   p50, p95 and the median rows per engine. One untimed query per remote store
   first learns the engine (and, on Virtuoso, the register's graphs). A server
   that does not answer one within ``--query-timeout`` ends that query's batch
   (the cell says after how many); the server may go on computing the
   abandoned query, which then slows what follows on it.
4. Whole-register validation as a user runs it, its own process:
   ``virsis validate --store`` and ``virsis validate --endpoint URL``, with
   ``--format json -o FILE``; stopped after ``--validation-timeout`` seconds
   (the cell then says so). Its results (focus, path, value, shape, severity)
   are compared with the embedded store's, as multisets.

One table follows: a row per figure, a column per engine, the embedded store
being the baseline to which each remote figure is given as a ratio. An engine
stopped by an error keeps the figures it reached. Figures only; nothing is
asserted. Logs and reports are written to ``--work``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent / "tests"))
from generate_register import register_options  # noqa: E402
from import_benchmark import Run, data_rows, measure, register  # noqa: E402
from oxigraph_server import free_port, oxigraph_executable, stop, wait_until_answers  # noqa: E402
from query_benchmark import percentile, sample_values, timed  # noqa: E402
from scale_benchmark import TIMED_QUERIES as SCALE_QUERIES  # noqa: E402
from virtuoso_server import VirtuosoServer, executable, virtuoso_server  # noqa: E402

from virsis_graph import queries  # noqa: E402
from virsis_graph.remote import RemoteStore  # noqa: E402
from virsis_graph.settings import base_iri  # noqa: E402
from virsis_graph.store import EmbeddedStore, RegisterError, Store  # noqa: E402

TIMED_QUERIES = {name: SCALE_QUERIES[name] for name in ("trace-life-situation", "trace-need", "impact-of-resource")}
ENGINES = ("embedded", "oxigraph serve", "Virtuoso 7")
ENDPOINT_SETTINGS = ("VIRSIS_ENDPOINT", "VIRSIS_UPDATE_ENDPOINT", "VIRSIS_GRAPH_STORE", "VIRSIS_ENDPOINT_USER", "VIRSIS_ENDPOINT_PASSWORD")
SERVER_START_TIMEOUT = 300.0
"""Seconds a loaded `oxigraph serve` may take to answer (it opens the store before it listens)."""


@dataclass
class Column:
    """What was measured on one engine; a missing figure stays absent and prints as "—"."""

    figures: dict[str, float | int | str] = field(default_factory=dict)
    rows: dict[str, list[int]] = field(default_factory=dict)
    """Rows answered, per query, one entry per sampled record (same order on every engine)."""
    results: Counter | None = None
    """Validation results as a multiset of digests, when the validation finished."""
    report: Path | None = None


# -- processes -------------------------------------------------------------------


def measure_until(command: list[str], log: Path, timeout: float, env: dict[str, str] | None = None) -> Run | None:
    """``measure`` with a deadline: None when the command was still running after ``timeout`` s (it is then stopped).

    The command runs in a process group of its own, so that the processes it
    starts (the validator's workers) are stopped with it.
    """
    with log.open("wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                return None
            time.sleep(0.2)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4 already
    max_rss = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return Run(seconds, max_rss, process.returncode, log.read_text(encoding="utf-8", errors="replace"))


def peak_rss(pid: int) -> int | None:
    """The peak resident set size (``VmHWM``) of a running process, in bytes (Linux; None elsewhere or when gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def child_pid(name: str) -> int | None:
    """The process id of this process's child running ``name`` (the Virtuoso server the tests' helper started)."""
    me = os.getpid()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        command, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        if command == name and int(rest[1]) == me:
            return int(stat.parent.name)
    return None


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "virsis_graph", *args]


def clean_env(**settings: str) -> dict[str, str]:
    """This environment without any endpoint setting a user may have, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if k not in ENDPOINT_SETTINGS}
    env.update(settings)
    return env


# -- the engines -----------------------------------------------------------------


@contextmanager
def oxigraph_serving(location: Path, log: Path) -> Iterator[tuple[str, subprocess.Popen, float]]:
    """``oxigraph serve`` on the data folder ``location`` while the block runs: (base URL, process, seconds until it answered)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen([oxigraph_executable(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                                   stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_until_answers(f"{url}/query", process, "oxigraph serve", lambda: log.read_text(errors="replace")[-2000:], SERVER_START_TIMEOUT)
        yield url, process, time.perf_counter() - start
    finally:
        stop(process)


def isql(server: VirtuosoServer, statement: str, log: Path) -> Run:
    """One SQL statement through ``isql-vt``, timed, however long it takes (the tests' helper stops at 30 s)."""
    run = measure([executable("isql-vt"), str(server.sql_port), server.user, server.password, f"exec={statement}"], log)
    if run.returncode != 0 or "*** Error" in run.output:
        raise RuntimeError(f"isql-vt failed on {statement!r}: {run.output.strip()[-2000:]}")
    return run


def remote(url: str, graph_store: str = "", timeout: float = 600.0) -> RemoteStore:
    """The product's store on ``url``, waiting up to ``timeout`` s for an answer."""
    return RemoteStore(url, update_endpoint="", graph_store=graph_store, user="", password="", timeout=timeout)


# -- measuring -------------------------------------------------------------------


def time_queries(store: Store, texts: dict[str, list[str]], column: Column) -> None:
    """Each query text once, in order, read to its last row: p50 and p95 in ms and the rows answered.

    A query that fails (on a server: no answer within its deadline) ends its
    batch; its cells then say so and how many samples had been answered.
    """
    for name, batch in texts.items():
        runs = []
        for text in batch:
            try:
                runs.append(timed(store, text))
            except RegisterError as exc:
                column.figures[f"{name} p50 ms"] = f"failed after {len(runs)}/{len(batch)}"
                print(f"[{name}] sample {len(runs) + 1}: {exc}", flush=True)
                break
        else:
            times = [t for t, _ in runs]
            column.figures[f"{name} p50 ms"] = percentile(times, 50) * 1000
            column.figures[f"{name} p95 ms"] = percentile(times, 95) * 1000
            column.rows[name] = [r for _, r in runs]


def result_key(result: dict) -> bytes:
    """A validation result as what identifies it (focus, path, value, shape, severity), digested to 16 bytes."""
    key = json.dumps([result.get("focus"), result.get("path"), result.get("value"), result.get("shape"), result.get("severity")], ensure_ascii=False)
    return hashlib.blake2b(key.encode(), digest_size=16).digest()


def read_report(path: Path) -> tuple[dict[str, int], int, Counter]:
    """A ``virsis validate --format json`` report, read line by line: (counts by severity, records, results as a multiset of digests).

    The report writes one result a line, so a report of a million results is
    never held whole.
    """
    counts: dict[str, int] = {}
    records = 0
    found: Counter = Counter()
    with path.open(encoding="utf-8") as f:
        for line in f:
            text = line.strip().rstrip(",")
            if text.startswith('"counts":'):
                counts = json.loads(text.split(":", 1)[1])
            elif text.startswith('"records":'):
                records = int(text.split(":", 1)[1])
            elif text.startswith("{") and text.endswith("}"):
                found[result_key(json.loads(text))] += 1
    return counts, records, found


def examples(path: Path, wanted: Counter, n: int = 3) -> list[dict]:
    """Up to ``n`` results of the report at ``path`` whose digests are in ``wanted``."""
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            text = line.strip().rstrip(",")
            if text.startswith("{") and text.endswith("}"):
                result = json.loads(text)
                if result_key(result) in wanted:
                    out.append({k: result.get(k) for k in ("focus", "path", "value", "shape", "severity")})
                    if len(out) == n:
                        break
    return out


def validate(column: Column, command: list[str], work: Path, label: str, timeout: float, env: dict[str, str] | None = None) -> None:
    """``virsis validate … --format json -o FILE`` as its own process, stopped after ``timeout`` s."""
    report = work / f"engines-validate-{label}.json"  # label: engine, size and seed
    report.unlink(missing_ok=True)
    print(f"[{label}] virsis validate (up to {timeout:g} s) ...", flush=True)
    run = measure_until([*command, "--format", "json", "-o", str(report)], work / f"engines-validate-{label}.log", timeout, env)
    if run is None:
        column.figures["validation s"] = f"timeout after {timeout:g} s"
        return
    column.figures["validation client peak RSS MB"] = run.max_rss / 2**20
    if run.returncode not in (0, 1) or not report.is_file():
        column.figures["validation s"] = f"failed (exit {run.returncode}, {run.seconds:.0f} s)"
        print(f"[{label}] validation failed:\n{run.output[-3000:]}", flush=True)
        return
    column.figures["validation s"] = run.seconds
    counts, records, found = read_report(report)
    column.figures["validation results"] = sum(found.values())
    column.figures["  violations / warnings / infos"] = f"{counts.get('violation', 0):,} / {counts.get('warning', 0):,} / {counts.get('info', 0):,}"
    column.figures["  records"] = records
    column.results, column.report = found, report


def pick(store: EmbeddedStore, samples: int, seed: int) -> tuple[list[str], dict[str, list[str]]]:
    """The query texts timed on every engine: one record's statements, then each timed query, bound to sampled records."""
    rng = random.Random(seed)
    baseline = [f"SELECT ?p ?o WHERE {{ {ox.NamedNode(f'{base_iri()}id/service/{i}')} ?p ?o }}" for i in sample_values(store, "service", samples, rng)]
    library = queries.library()
    texts = {}
    for name, (param, kind) in TIMED_QUERIES.items():
        query = library[name]
        texts[name] = [queries.prepared(query, queries.bind(query, {param: value}, store)) for value in sample_values(store, kind, samples, rng)]
    return baseline, texts


def on_remote(label: str, column: Column, url: str, graph_store: str, baseline: list[str], texts: dict[str, list[str]], timeout: float) -> None:
    with remote(url, graph_store) as store:
        store.graphs()  # learns the engine and its own graphs: what any first query of a process pays once
        column.figures["triples, as the store counts them"] = store.count()
    print(f"[{label}] queries (each up to {timeout:g} s) ...", flush=True)
    with remote(url, graph_store, timeout) as store:
        store.graphs()
        time_queries(store, {"one record's statements": baseline, **texts}, column)


# -- the run ---------------------------------------------------------------------


def embedded_store(args: argparse.Namespace, files: list[Path], column: Column) -> tuple[Path, Path]:
    """The embedded store and its N-Quads export, made (and timed) or reused as the options say."""
    name = f"engines-{args.services}-seed{args.seed}"
    store_path, nq = args.work / f"{name}-store", args.work / f"{name}.nq"
    if args.reuse and store_path.is_dir() and nq.is_file():
        print(f"[embedded] reusing {store_path} and {nq}", flush=True)
        column.figures["import / load s"] = "reused (not timed)"
        return store_path, nq
    shutil.rmtree(store_path, ignore_errors=True)
    nq.unlink(missing_ok=True)
    if args.store:
        print(f"[embedded] copying {args.store} to {store_path} ...", flush=True)
        shutil.copytree(args.store, store_path)
        column.figures["import / load s"] = "given store (not timed)"
    else:
        print("[embedded] virsis import --no-validate ...", flush=True)
        run = measure(cli("import", *map(str, files), "--store", str(store_path), "--no-validate"), args.work / f"{name}-import.log")
        if run.returncode != 0:
            raise SystemExit(f"the import failed:\n{run.output[-3000:]}")
        column.figures["import / load s"] = run.seconds
        column.figures["import / load peak RSS MB"] = run.max_rss / 2**20
    print("[embedded] virsis export --format nq ...", flush=True)
    run = measure(cli("export", "--format", "nq", "-o", str(nq), "--store", str(store_path)), args.work / f"{name}-export.log")
    if run.returncode != 0:
        raise SystemExit(f"the export failed:\n{run.output[-3000:]}")
    column.figures["export .nq s (embedded only)"] = run.seconds
    return store_path, nq


def on_oxigraph(args: argparse.Namespace, column: Column, nq: Path, baseline: list[str], texts: dict[str, list[str]], facts: dict[str, object]) -> None:
    """Load, query and validate on `oxigraph serve`."""
    location = args.work / f"engines-{args.services}-seed{args.seed}-oxigraph"
    shutil.rmtree(location, ignore_errors=True)
    print("[oxigraph serve] oxigraph load ...", flush=True)
    run = measure([oxigraph_executable(), "load", "--location", str(location), "--file", str(nq)], args.work / f"engines-oxigraph-load-{args.services}.log")
    if run.returncode != 0:
        raise RuntimeError(f"oxigraph load failed:\n{run.output[-3000:]}")
    column.figures["import / load s"] = run.seconds
    column.figures["import / load peak RSS MB"] = run.max_rss / 2**20
    with oxigraph_serving(location, args.work / f"engines-oxigraph-serve-{args.services}.log") as (url, process, started):
        column.figures["server answers after s"] = started
        on_remote("oxigraph serve", column, f"{url}/query", f"{url}/store", baseline, texts, args.query_timeout)
        validate(column, cli("validate", "--endpoint", f"{url}/query"), args.work, f"oxigraph-{args.services}-seed{args.seed}", args.validation_timeout,
                 clean_env(VIRSIS_GRAPH_STORE=f"{url}/store"))
        rss = peak_rss(process.pid)
        if rss:
            column.figures["server peak RSS MB"] = rss / 2**20
    if not args.keep:
        shutil.rmtree(location, ignore_errors=True)


def on_virtuoso(args: argparse.Namespace, column: Column, nq: Path, baseline: list[str], texts: dict[str, list[str]], facts: dict[str, object]) -> None:
    """Load, query and validate on Virtuoso 7."""
    settings = {
        "Parameters": {"NumberOfBuffers": str(args.virtuoso_buffers), "MaxDirtyBuffers": str(args.virtuoso_buffers * 3 // 4)},
        # Our own deadline (--validation-timeout) bounds the run; Virtuoso's 60 s would cut answers instead.
        "SPARQL": {"MaxQueryExecutionTime": "0"},
    }
    print("[Virtuoso 7] starting ...", flush=True)
    start = time.perf_counter()
    with virtuoso_server(max_rows=10**9, dirs_allowed=[nq.parent], settings=settings) as server:
        column.figures["server answers after s"] = time.perf_counter() - start
        version = re.search(r"\d+\.\d+\.\d+", server.sql("select sys_stat('st_dbms_ver');"))
        facts["Virtuoso"] = version.group(0) if version else "?"
        print("[Virtuoso 7] bulk load: ld_dir, rdf_loader_run(), checkpoint ...", flush=True)
        steps = [
            isql(server, f"ld_dir('{nq.parent}', '{nq.name}', 'urn:x-virsis:bulk-load-default');", args.work / f"engines-virtuoso-ld_dir-{args.services}.log"),
            isql(server, "rdf_loader_run();", args.work / f"engines-virtuoso-loader-{args.services}.log"),
            isql(server, "checkpoint;", args.work / f"engines-virtuoso-checkpoint-{args.services}.log"),
        ]
        column.figures["import / load s"] = sum(s.seconds for s in steps)
        failed = server.sql("select ll_file, ll_error from DB.DBA.load_list where ll_error is not null or ll_state <> 2;")
        if nq.name in failed:
            raise RuntimeError(f"Virtuoso's bulk loader did not load {nq}:\n{failed}")
        on_remote("Virtuoso 7", column, server.sparql, "", baseline, texts, args.query_timeout)
        validate(column, cli("validate", "--endpoint", server.sparql), args.work, f"virtuoso-{args.services}-seed{args.seed}", args.validation_timeout, clean_env())
        pid = child_pid("virtuoso-t")
        rss = peak_rss(pid) if pid else None
        if rss:
            column.figures["server peak RSS MB"] = rss / 2**20


def measure_all(args: argparse.Namespace) -> tuple[dict[str, Column], dict[str, object]]:
    files = register(args.work, args.services, args.seed)
    columns = {engine: Column() for engine in ENGINES}
    facts: dict[str, object] = {"rows": data_rows(files)}
    embedded = columns["embedded"]
    store_path, nq = embedded_store(args, files, embedded)
    facts["quads in the .nq"] = sum(1 for _ in nq.open("rb"))
    facts[".nq MB"] = nq.stat().st_size / 2**20

    store = EmbeddedStore(store_path)
    try:
        embedded.figures["triples, as the store counts them"] = store.count()
        baseline, texts = pick(store, args.samples, args.seed)
        print("[embedded] queries ...", flush=True)
        time_queries(store, {"one record's statements": baseline, **texts}, embedded)
    finally:
        store.close()
    report = args.work / f"engines-validate-embedded-{args.services}-seed{args.seed}.json"
    if args.reuse and report.is_file() and report.stat().st_mtime > nq.stat().st_mtime:
        print(f"[embedded] reusing the validation report {report}", flush=True)
        embedded.figures["validation s"] = "reused report (not timed)"
        counts, records, found = read_report(report)
        embedded.figures["validation results"] = sum(found.values())
        embedded.figures["  violations / warnings / infos"] = f"{counts.get('violation', 0):,} / {counts.get('warning', 0):,} / {counts.get('info', 0):,}"
        embedded.figures["  records"] = records
        embedded.results, embedded.report = found, report
    else:
        validate(embedded, cli("validate", "--store", str(store_path)), args.work, f"embedded-{args.services}-seed{args.seed}", args.validation_timeout, clean_env())

    for engine, measure_engine in (("oxigraph serve", on_oxigraph), ("Virtuoso 7", on_virtuoso)):
        if engine.split()[0].lower() not in args.engines:
            continue
        try:
            measure_engine(args, columns[engine], nq, baseline, texts, facts)
        except (RuntimeError, RegisterError, OSError, subprocess.SubprocessError) as exc:
            columns[engine].figures["stopped by an error"] = str(exc)[:60]
            print(f"[{engine}] stopped: {exc}", flush=True)
    return columns, facts


# -- the table -------------------------------------------------------------------


def cell(value: float | int | str | None, base: float | int | str | None, ratio: bool) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    shown = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}" if value >= 10 else f"{value:,.2f}"
    if ratio and isinstance(base, (int, float)) and base and not isinstance(value, int):
        shown += f" (×{value / base:,.2f})"
    return shown


def print_table(columns: dict[str, Column], facts: dict[str, object], args: argparse.Namespace) -> None:
    embedded = columns["embedded"]
    for engine in ENGINES[1:]:
        for name, counts in columns[engine].rows.items():
            base = embedded.rows.get(name, [])
            shown = f"{statistics.median(counts):,g}"
            if counts != base:
                shown += f" ({sum(1 for a, b in zip(counts, base) if a != b)}/{len(counts)} differ)"
            columns[engine].figures[f"{name} rows p50"] = shown
    for name, counts in embedded.rows.items():
        embedded.figures[f"{name} rows p50"] = f"{statistics.median(counts):,g}"
    order = ["import / load s", "import / load peak RSS MB", "export .nq s (embedded only)", "server answers after s", "triples, as the store counts them"]
    for name in ["one record's statements", *TIMED_QUERIES]:
        order += [f"{name} p50 ms", f"{name} p95 ms", f"{name} rows p50"]
    order += ["validation s", "validation results", "  violations / warnings / infos", "  records", "validation client peak RSS MB", "server peak RSS MB"]
    for engine in ENGINES[1:]:
        other = columns[engine]
        if embedded.results is not None and other.results is not None:
            missing, extra = embedded.results - other.results, other.results - embedded.results
            other.figures["  same results as embedded"] = "yes" if not missing and not extra else f"no: {sum(missing.values()):,} missing, {sum(extra.values()):,} more"
    order += ["  same results as embedded", "stopped by an error"]
    no_ratio = {"triples, as the store counts them", "validation results", "  records"}

    width = max(len(n) for n in order) + 2
    header = f"{'':{width}}" + "".join(f"{e:>26}" for e in ENGINES)
    print()
    print(header)
    print("-" * len(header))
    for name in order:
        if not any(name in c.figures for c in columns.values()):
            continue
        base = embedded.figures.get(name)
        cells = [cell(embedded.figures.get(name), None, False)]
        cells += [cell(columns[e].figures.get(name), base, name not in no_ratio and "rows" not in name) for e in ENGINES[1:]]
        print(f"{name:{width}}" + "".join(f"{c:>26}" for c in cells))
    print("\nratios (×) are to the embedded store; import / load is `virsis import` of the CSV files for the embedded store "
          "and the engine's bulk load of its N-Quads export for the servers.")

    for engine in ENGINES[1:]:
        for name, counts in columns[engine].rows.items():
            if counts != embedded.rows.get(name):
                print(f"\n{name}: rows per sampled record, embedded {embedded.rows.get(name)}, {engine} {counts}")
    for engine in ENGINES[1:]:
        other = columns[engine]
        if embedded.results is None or other.results is None or (embedded.results == other.results):
            continue
        missing, extra = embedded.results - other.results, other.results - embedded.results
        for what, report, digests in (("the embedded store reports and {engine} does not", embedded.report, missing),
                                      ("{engine} reports and the embedded store does not", other.report, extra)):
            if digests:
                print(f"\n{engine}: results {what.format(engine=engine)} ({sum(digests.values()):,}), e.g.:")
                for example in examples(report, digests):
                    print(f"  {example}")


def machine() -> str:
    memory = next((int(line.split()[1]) * 1024 for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal:")), 0) \
        if Path("/proc/meminfo").is_file() else 0
    oxigraph = subprocess.run([oxigraph_executable(), "--version"], capture_output=True, text=True).stdout.strip()
    return (f"{platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs, {memory / 2**30:.0f} GB; "
            f"Python {platform.python_version()}, pyoxigraph {ox.__version__}, {oxigraph}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    register_options(parser, store="an embedded store that already holds this register: copied into --work, never written to",
                     work_help="folder for the register, store, N-Quads, logs and reports")
    parser.add_argument("--samples", type=int, default=20, help="records per timed query (default 20)")
    parser.add_argument("--reuse", action="store_true", help="use the store, N-Quads and embedded validation report an earlier run left in --work (then not timed)")
    parser.add_argument("--engines", default="oxigraph,virtuoso", help="the servers to measure next to the embedded store (default oxigraph,virtuoso)")
    parser.add_argument("--query-timeout", type=float, default=120.0, help="seconds a server may take to answer one timed query; a query that takes longer ends its batch (default 120)")
    parser.add_argument("--validation-timeout", type=float, default=1800.0, help="seconds each validation may run before it is stopped (default 1800)")
    parser.add_argument("--virtuoso-buffers", type=int, default=340_000,
                        help="Virtuoso's NumberOfBuffers, 8 KB each (default 340000: the package file's line for 4 GB free; MaxDirtyBuffers ¾ of it)")
    parser.add_argument("--keep", action="store_true", help="keep oxigraph's data folder after measuring")
    args = parser.parse_args(argv)
    args.work = args.work.resolve()
    args.engines = {e.strip().lower() for e in args.engines.split(",") if e.strip()}
    args.work.mkdir(parents=True, exist_ok=True)
    started, load = time.perf_counter(), os.getloadavg()
    columns, facts = measure_all(args)
    print(f"\nregister: {args.services:,} services (seed {args.seed}), {facts['rows']:,} CSV rows; "
          f"{facts['quads in the .nq']:,} quads in the N-Quads export ({facts['.nq MB']:,.0f} MB); {args.samples} records per query")
    print(f"machine:  {machine()}")
    print(f"          Virtuoso {facts.get('Virtuoso', '(not reached)')} (NumberOfBuffers {args.virtuoso_buffers:,}); {dt.datetime.now():%Y-%m-%d %H:%M}; "
          f"load average {load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; {time.perf_counter() - started:,.0f} s in all")
    print_table(columns, facts, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
