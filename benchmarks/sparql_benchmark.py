"""Throughput and latency of `virsis serve`'s ``/sparql`` next to `oxigraph serve` on the same data (issue 6).

    python benchmarks/sparql_benchmark.py                               # 100 000 services
    python benchmarks/sparql_benchmark.py --services 2000 --seconds 5   # a quick run
    python benchmarks/sparql_benchmark.py --store PATH --concurrency 8  # a register already imported

In one run it

1. makes or reuses the embedded store of a synthetic register of ``--services``
   services, as ``query_benchmark.py`` does (generated into ``--work`` and
   imported with ``virsis import --no-validate``; the import benchmark's store
   is reused when it holds that register), or takes ``--store PATH``;
2. picks, with a random generator seeded by ``--seed``, ``--samples`` records
   of each kind the query mix needs, and binds them as ``virsis query`` does
   (``VALUES``): ``trace-life-situation`` (a life situation),
   ``trace-need`` (a need), ``impact-of-resource`` (a resource),
   ``catalogue-public`` (an institution: one institution's part of the public
   catalogue; the whole catalogue is a page of its own, not a lookup) and
   ``DESCRIBE <service IRI>``;
3. writes a copy of the public mirror ``virsis serve`` answers from (the same
   ``build_mirror``: model graphs and public data) for ``oxigraph
   serve-read-only --union-default-graph`` (virsis answers over the union of
   the named graphs too), then starts both servers on free loopback ports:
   ``virsis serve --store PATH --read-only`` — timing its start-up, the public
   mirror it makes before listening, and until it answers — and oxigraph;
4. sends every sampled request once to each server (the same HTTP request:
   POST ``application/sparql-query``, ``Accept: application/sparql-results+json``,
   ``text/turtle`` for DESCRIBE) and checks that both give the same number of
   rows (triples for DESCRIBE), printing every mismatch or error loudly;
5. loads each server in turn for ``--seconds`` with ``--concurrency`` workers
   in a closed loop (each sends its next request as soon as the previous is
   answered; the kinds in turn, a sampled record at random, the same sequence
   for both servers), and prints, side by side per server: requests, errors,
   throughput (answers/s), p50 and p99 latency, overall and per kind, the
   ratio of virsis's throughput to oxigraph's (goal: at least 0.5), and the
   CPU the servers and the load generator used meanwhile;
6. times ``--pages`` service pages (``GET /id/service/{id}``, ``Accept:
   text/html``) on virsis, p50 and p95, next to the same services as Turtle.

Both servers and their processes are stopped at the end, whatever happens.
The load generator runs in this process (threads with ``httpx.Client``), so on
a small machine it takes CPU from the server it loads; the CPU line shows how
much. It prints figures only and asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from oxigraph_server import free_port, oxigraph_executable  # noqa: E402
from generate_register import register_options  # noqa: E402
from query_benchmark import percentile, prepare, sample_values  # noqa: E402

from virsis_graph import queries  # noqa: E402
from virsis_graph.settings import base_iri  # noqa: E402
from virsis_graph.store import EmbeddedStore  # noqa: E402
from virsis_graph.web.query_pool import build_mirror  # noqa: E402

GOAL_RATIO = 0.5
JSON_RESULTS = "application/sparql-results+json"
TURTLE = "text/turtle"
DESCRIBE = "DESCRIBE service"
MIX = (  # (kind of request, named query or None, its parameter, the IRI segment of the records it takes)
    ("trace-life-situation", "trace-life-situation", "life_situation", "life-situation"),
    ("trace-need", "trace-need", "need", "need"),
    ("impact-of-resource", "impact-of-resource", "resource", "resource"),
    ("catalogue-public", "catalogue-public", "institution", "organisation"),
    (DESCRIBE, None, None, "service"),
)
REQUEST_TIMEOUT = 120.0
"""Seconds a benchmark request may take; virsis stops a query after its --query-timeout (30 s) anyway."""
STOP_TIMEOUT = 60.0
"""Seconds a server may take to stop: virsis serve removes its public mirror (a gigabyte at 100 000 services)."""


@dataclass(frozen=True)
class Request:
    """One SPARQL request of the mix, sent the same way to both servers."""

    kind: str
    record: str
    body: bytes
    accept: str


@dataclass
class Server:
    """A running server process and what its start-up took."""

    name: str
    url: str
    """Where queries are POSTed."""
    process: subprocess.Popen
    log: Path
    started: dict[str, float] = field(default_factory=dict)
    """Seconds from the start of the process to each milestone of its log, and to its first answer."""


@dataclass
class Phase:
    """One closed-loop load on one server."""

    samples: list[tuple[str, float, bool]]
    """(kind, seconds, answered with 200) of every request."""
    wall: float
    client_cpu: float
    server_cpu: float | None


# -- the requests ------------------------------------------------------------


def requests_for(store: EmbeddedStore, samples: int, rng: random.Random) -> dict[str, list[Request]]:
    """``samples`` requests of each kind of the mix, each for a record of the right kind picked at random."""
    library = queries.library()
    mix: dict[str, list[Request]] = {}
    for kind, name, param, segment in MIX:
        records = sample_values(store, segment, samples, rng)
        if name is None:
            texts = [f"DESCRIBE {ox.NamedNode(f'{base_iri()}id/{segment}/{record}')}" for record in records]
            accept = TURTLE
        else:
            query = library[name]
            texts = [queries.prepared(query, queries.bind(query, {param: record}, store)) for record in records]
            accept = JSON_RESULTS
        mix[kind] = [Request(kind, record, text.encode("utf-8"), accept) for record, text in zip(records, texts)]
    return mix


def post(client: httpx.Client, url: str, request: Request) -> httpx.Response:
    return client.post(url, content=request.body, headers={"Content-Type": "application/sparql-query", "Accept": request.accept})


def size(response: httpx.Response, accept: str) -> int:
    """Rows of a SPARQL JSON answer, or triples of a Turtle one."""
    if accept == TURTLE:
        return sum(1 for _ in ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    return len(response.json()["results"]["bindings"])


# -- the servers -------------------------------------------------------------


def start(name: str, command: list[str], url: str, ready: str, log: Path, env: dict[str, str], timeout: float,
          milestones: dict[str, str] | None = None) -> Server:
    """Start ``command`` and wait until GET ``ready`` answers 200, noting when each milestone's text appears in its log."""
    with log.open("wb") as out:
        # A log file rather than a pipe: a pipe nobody reads can fill and stall the server.
        began = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    server = Server(name, url, process, log)
    try:
        deadline = began + timeout
        with httpx.Client(timeout=5.0) as client:
            while True:
                now = time.perf_counter()
                # rich may wrap a long line: compare with single spaces.
                raw = log.read_text(encoding="utf-8", errors="replace")
                text = " ".join(raw.split())
                for label, marker in (milestones or {}).items():
                    if label not in server.started and marker in text:
                        server.started[label] = now - began
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with code {process.returncode}; its log, {log}:\n{raw[-4000:]}")
                if now > deadline:
                    raise RuntimeError(f"{name} did not answer on {ready} within {timeout:g} s; see {log}")
                try:
                    if client.get(ready).status_code == 200:
                        server.started["answers"] = time.perf_counter() - began
                        return server
                except httpx.TransportError:
                    pass  # not listening yet
                time.sleep(0.05)
    except BaseException:
        stop(server)
        raise


def stop(server: Server) -> None:
    """Stop the server as Ctrl-C does, SIGKILL if it hangs.

    On SIGINT virsis serve shuts down (stopping its query workers and removing
    its public mirror) and then closes its store; after a SIGTERM uvicorn
    re-raises the signal, which ends the process before the store is closed.
    """
    if server.process.poll() is not None:
        return
    server.process.send_signal(signal.SIGINT)
    try:
        server.process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def cpu_seconds(root: int) -> float | None:
    """CPU time (user + system) so far of process ``root`` and its live descendants; None without /proc."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    parent: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        fields = text[text.rindex(")") + 2:].split()  # after "pid (command) ": state, ppid, ..., utime (12th), stime
        parent[int(entry.name)], ticks[int(entry.name)] = int(fields[1]), int(fields[11]) + int(fields[12])
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, ppid in parent.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(ticks.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


# -- the measurements ----------------------------------------------------------


def compare(servers: list[Server], mix: dict[str, list[Request]]) -> tuple[dict[str, list[int]], list[str]]:
    """Send every request once to each server; the sizes of the first server's answers per kind, and every disagreement."""
    sizes: dict[str, list[int]] = {kind: [] for kind in mix}
    problems: list[str] = []
    with httpx.Client(timeout=REQUEST_TIMEOUT) as client:
        for kind, requests in mix.items():
            for request in requests:
                found: list[int | None] = []
                for server in servers:
                    try:
                        response = post(client, server.url, request)
                    except httpx.HTTPError as exc:
                        problems.append(f"{kind} {request.record}: {server.name} failed: {exc!r}")
                        found.append(None)
                        continue
                    if response.status_code != 200:
                        problems.append(f"{kind} {request.record}: {server.name} answered {response.status_code}: {response.text[:200]}")
                        found.append(None)
                        continue
                    found.append(size(response, request.accept))
                if found[0] is not None:
                    sizes[kind].append(found[0])
                if None not in found and len(set(found)) > 1:
                    counts = ", ".join(f"{s.name} {n}" for s, n in zip(servers, found))
                    problems.append(f"{kind} {request.record}: different numbers of results: {counts}")
    return sizes, problems


def load(server: Server, mix: dict[str, list[Request]], concurrency: int, seconds: float, seed: int) -> Phase:
    """``concurrency`` workers, each sending its next request as soon as the previous is answered, for ``seconds``."""
    kinds = list(mix)
    results: list[list[tuple[str, float, bool]]] = [[] for _ in range(concurrency)]
    gate = threading.Barrier(concurrency + 1)
    end = [0.0]

    def work(index: int) -> None:
        rng = random.Random(f"{seed}-{index}")  # the same sequence of requests for both servers
        mine = results[index]
        with httpx.Client(timeout=REQUEST_TIMEOUT) as client:
            gate.wait()
            turn = index
            while time.perf_counter() < end[0]:
                kind = kinds[turn % len(kinds)]
                turn += 1
                request = rng.choice(mix[kind])
                began = time.perf_counter()
                try:
                    ok = post(client, server.url, request).status_code == 200
                except httpx.HTTPError:
                    ok = False
                mine.append((kind, time.perf_counter() - began, ok))

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    client_cpu, server_cpu = time.process_time(), cpu_seconds(server.process.pid)
    began = time.perf_counter()
    end[0] = began + seconds
    gate.wait()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    server_after = cpu_seconds(server.process.pid)
    return Phase(
        [s for mine in results for s in mine], wall, time.process_time() - client_cpu,
        None if server_cpu is None or server_after is None else server_after - server_cpu,
    )


def pages(url: str, services: list[str]) -> dict[str, list[float]]:
    """Seconds to GET each service's page as HTML and as Turtle, one request at a time (errors are reported)."""
    times: dict[str, list[float]] = {"text/html": [], TURTLE: []}
    failed = Counter()
    with httpx.Client(timeout=REQUEST_TIMEOUT) as client:
        client.get(f"{url}/id/service/{services[0]}", headers={"Accept": "text/html"})  # warm-up, not timed
        for identifier in services:
            for accept in times:
                began = time.perf_counter()
                response = client.get(f"{url}/id/service/{identifier}", headers={"Accept": accept})
                elapsed = time.perf_counter() - began
                if response.status_code == 200:
                    times[accept].append(elapsed)
                else:
                    failed[(accept, response.status_code)] += 1
    for (accept, status), n in failed.items():
        print(f"!!! {n} service page(s) as {accept} answered {status}")
    return times


# -- the report ----------------------------------------------------------------


def figures(phase: Phase, kind: str | None) -> tuple[int, int, float, float | None, float | None]:
    """Requests, errors, answers/s, p50 and p99 in ms, of one kind (None: all)."""
    chosen = [(t, ok) for k, t, ok in phase.samples if kind is None or k == kind]
    answered = [t for t, ok in chosen if ok]
    p50 = percentile(answered, 50) * 1000 if answered else None
    p99 = percentile(answered, 99) * 1000 if answered else None
    return len(chosen), len(chosen) - len(answered), len(answered) / phase.wall, p50, p99


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def report_load(phases: dict[str, Phase], kinds: list[str], concurrency: int, seconds: float) -> None:
    names = list(phases)
    cells = f" {'requests':>9} {'errors':>7} {'answers/s':>10} {'p50 ms':>8} {'p99 ms':>8}"
    print(f"\nclosed loop: {concurrency} workers, {seconds:g} s per server, the kinds in turn; ms are of answered requests\n")
    print(f"{'':22}" + "".join(f" {name:^{len(cells) - 1}}" for name in names) + f" {'ratio':>9}")
    print(f"{'kind':22}" + cells * len(names) + f" {'answers/s':>9}")
    print("-" * (22 + len(cells) * len(names) + 10))
    for kind in [*kinds, None]:
        row = [figures(phases[name], kind) for name in names]
        line = f"{kind or 'all':22}"
        for requests, errors, rate, p50, p99 in row:
            line += f" {requests:>9,} {errors:>7,} {rate:>10.1f} {ms(p50):>8} {ms(p99):>8}"
        ratio = row[0][2] / row[1][2] if row[1][2] else None
        print(line + f" {'—' if ratio is None else f'{ratio:.2f}':>9}")
    rates = [figures(phases[name], None)[2] for name in names]
    if rates[1]:
        ratio = rates[0] / rates[1]
        print(f"\nthroughput {names[0]} / {names[1]}: {ratio:.2f}  (goal >= {GOAL_RATIO}: {'met' if ratio >= GOAL_RATIO else 'NOT met'})")
    for name, phase in phases.items():
        server = "?" if phase.server_cpu is None else f"{phase.server_cpu / phase.wall:.2f}"
        print(f"CPU while {name} was loaded: the server and its processes {server} cores, the load generator {phase.client_cpu / phase.wall:.2f} cores")


def main(argv: list[str] | None = None) -> int:
    head, usage, rest = __doc__.split("\n\n", 2)
    parser = argparse.ArgumentParser(description=f"{head}\n\n{usage}", epilog=rest,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    register_options(parser, store="an embedded store that already holds a register (instead of --services)")
    parser.add_argument("--seconds", metavar="SECONDS", type=float, default=30.0, help="seconds of load on each server (default 30)")
    parser.add_argument("--concurrency", metavar="N", type=int, default=4, help="workers of the load generator, each one request at a time (default 4)")
    parser.add_argument("--samples", metavar="N", type=int, default=30, help="records of each kind in the mix (default 30)")
    parser.add_argument("--pages", metavar="N", type=int, default=50, help="services whose page is timed (default 50)")
    parser.add_argument("--sparql-workers", metavar="N", type=int, default=2, help="virsis serve --workers: its query processes (default 2, the server's default)")
    parser.add_argument("--start-timeout", metavar="SECONDS", type=float, default=900.0, help="seconds a server may take to answer after it starts (default 900)")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    path = (args.store or prepare(work, args.services, args.seed)).resolve()

    rng = random.Random(args.seed)
    scratch = Path(tempfile.mkdtemp(prefix="sparql-benchmark-", dir=work))
    servers: list[Server] = []
    try:
        store = EmbeddedStore(path)
        try:
            quads = len(store._store)
            mix = requests_for(store, args.samples, rng)
            services = sample_values(store, "service", args.pages, rng)
            print(f"copying the public mirror of {path} for oxigraph ...", flush=True)
            began = time.perf_counter()
            copy = build_mirror(store, scratch / "oxigraph-data")
            mirror_copy = time.perf_counter() - began
        finally:
            store.close()  # virsis serve opens it next, and holds it
        mirror_quads = len(ox.Store.read_only(str(copy)))

        oxigraph_port = free_port()
        virsis_port = free_port()
        while virsis_port == oxigraph_port:
            virsis_port = free_port()
        oxigraph_url, virsis_url = f"http://127.0.0.1:{oxigraph_port}", f"http://127.0.0.1:{virsis_port}"
        print("starting oxigraph serve-read-only ...", flush=True)
        servers.append(start(
            "oxigraph serve", [oxigraph_executable(), "serve-read-only", "--location", str(copy), "--bind", f"127.0.0.1:{oxigraph_port}", "--union-default-graph"],
            f"{oxigraph_url}/query", f"{oxigraph_url}/query?query=ASK%7B%7D", work / "sparql-oxigraph.log", dict(os.environ), args.start_timeout,
        ))
        # The server serves the store named here, never a remote endpoint; its mirror goes into the scratch folder,
        # so that it is removed with it even if the server is killed.
        env = {k: v for k, v in os.environ.items() if k not in ("VIRSIS_ENDPOINT", "VIRSIS_UPDATE_ENDPOINT", "VIRSIS_GRAPH_STORE")}
        env.update(TMPDIR=str(scratch), COLUMNS="200")
        print("starting virsis serve --read-only (it makes its public mirror first) ...", flush=True)
        servers.insert(0, start(
            "virsis serve", [sys.executable, "-m", "virsis_graph", "serve", "--store", str(path), "--read-only", "--host", "127.0.0.1",
                             "--port", str(virsis_port), "--workers", str(args.sparql_workers)],
            f"{virsis_url}/sparql", f"{virsis_url}/sparql?query=ASK%7B%7D", work / "sparql-virsis.log", env, args.start_timeout,
            milestones={"mirror": "making the public mirror", "listening": "VIRSIS: http"},
        ))

        print("sending every request once to both servers ...", flush=True)
        sizes, problems = compare(servers, mix)
        phases: dict[str, Phase] = {}
        for server in servers:
            print(f"loading {server.name} for {args.seconds:g} s ...", flush=True)
            phases[server.name] = load(server, mix, args.concurrency, args.seconds, args.seed)
        print(f"timing {len(services)} service pages ...", flush=True)
        page_times = pages(virsis_url, services)
    finally:
        for server in servers:
            stop(server)
        shutil.rmtree(scratch, ignore_errors=True)

    virsis = servers[0].started
    print()
    print(f"register: {path} ({quads:,} quads; the public mirror both servers answer from: {mirror_quads:,})")
    print(f"machine:  {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, pyoxigraph {ox.__version__}, {dt.date.today()}")
    print()
    print("start-up, s from start:")
    if "mirror" in virsis and "listening" in virsis:
        print(f"  virsis serve   answers after {virsis['answers']:.1f}: start-up {virsis['mirror']:.1f}, public mirror {virsis['listening'] - virsis['mirror']:.1f}, "
              f"listening {virsis['answers'] - virsis['listening']:.1f}")
    else:
        print(f"  virsis serve   answers after {virsis['answers']:.1f} (its log had no milestones: {servers[0].log})")
    print(f"  oxigraph serve answers after {servers[1].started['answers']:.1f}; its copy of the mirror took {mirror_copy:.1f} (build_mirror, in this process)")
    print()
    print(f"{'kind':22} {'records':>8} {'results p50':>12} {'results max':>12}   (first answers, {servers[0].name})")
    for kind, found in sizes.items():
        print(f"{kind:22} {len(mix[kind]):>8} {statistics.median(found) if found else 0:>12.0f} {max(found, default=0):>12}")
    if problems:
        print(f"\n!!! {len(problems)} of {sum(map(len, mix.values()))} requests do NOT agree between the servers:")
        for problem in problems:
            print(f"!!!   {problem}")
    else:
        print("same number of results from both servers for every request: yes")
    report_load(phases, list(mix), args.concurrency, args.seconds)
    html, turtle = page_times["text/html"], page_times[TURTLE]
    if html and turtle:
        print(f"\nservice page GET /id/service/{{id}} on virsis, {len(html)} services, one at a time:")
        print(f"  text/html   p50 {percentile(html, 50) * 1000:7.1f} ms   p95 {percentile(html, 95) * 1000:7.1f} ms")
        print(f"  text/turtle p50 {percentile(turtle, 50) * 1000:7.1f} ms   p95 {percentile(turtle, 95) * 1000:7.1f} ms   (baseline)")
        print(f"  p50 ratio html / turtle: {percentile(html, 50) / percentile(turtle, 50):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
