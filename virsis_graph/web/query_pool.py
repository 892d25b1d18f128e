"""Running public SPARQL queries with limits that hold: worker processes that can be killed.

pyoxigraph cannot interrupt a query, so each query runs in a worker process
holding a read-only handle on the *public mirror* — a copy of the register
without personal data (:func:`virsis_graph.privacy.public_quads`) and with the
model graphs, made once when the server starts. A query that overruns its time
is stopped by killing its worker, which is then replaced; the number of
workers bounds the queries running at once; answers longer than the row cap
are refused. The mirror also keeps the public endpoint away from personal data
by construction, whatever the query.
"""

from __future__ import annotations

import multiprocessing as mp
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from ..importing import MODEL_GRAPHS
from ..privacy import public_quads
from ..store import Store

RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class Answer:
    """What a worker sends back: an HTTP status, the body and its media type."""

    status: int
    body: bytes
    media_type: str


def build_mirror(store: Store, folder: Path) -> Path:
    """Write the public mirror of ``store`` into ``folder`` (model graphs and public data only)."""
    mirror = ox.Store(str(folder))
    mirror.bulk_extend(chain(public_quads(store), *(store.quads(graph) for graph in MODEL_GRAPHS)))
    mirror.flush()
    del mirror
    return folder


def _solutions_answer(result, media_type: str | None, max_rows: int, again) -> Answer:
    if isinstance(result, ox.QueryBoolean):
        fmt = RESULT_FORMATS.get(media_type or "", ox.QueryResultsFormat.JSON)
        return Answer(200, result.serialize(format=fmt), media_type or "application/sparql-results+json")
    if isinstance(result, ox.QuerySolutions):
        # Counted first and only then serialised (by running the query again):
        # pyoxigraph serialises a whole result or nothing, and a refused answer
        # should cost no more than max_rows rows.
        rows = 0
        for _ in result:
            rows += 1
            if rows > max_rows:
                return Answer(400, f"the answer has more than {max_rows} rows: add LIMIT {max_rows} (and OFFSET to page)\n".encode(), "text/plain")
        fmt = RESULT_FORMATS.get(media_type or "", ox.QueryResultsFormat.JSON)
        return Answer(200, again().serialize(format=fmt), media_type or "application/sparql-results+json")
    triples = []
    for t in result:
        triples.append(t)
        if len(triples) > max_rows:
            return Answer(400, f"the answer has more than {max_rows} triples: add LIMIT {max_rows}\n".encode(), "text/plain")
    fmt = GRAPH_FORMATS.get(media_type or "", ox.RdfFormat.TURTLE)
    return Answer(200, ox.serialize(triples, format=fmt), media_type if media_type in GRAPH_FORMATS else "text/turtle")


def _worker(path: str, conn) -> None:  # runs in the worker process
    store = ox.Store.read_only(path)
    while True:
        job = conn.recv()
        if job is None:
            return
        sparql, default_graphs, named_graphs, media_type, max_rows = job

        def run():
            kwargs = {}
            if default_graphs:
                kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
            else:
                kwargs["use_default_graph_as_union"] = True
            if named_graphs:
                kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
            return store.query(sparql, **kwargs)

        try:
            answer = _solutions_answer(run(), media_type, max_rows, run)
        except SyntaxError as exc:
            answer = Answer(400, f"the query is not valid SPARQL: {exc}\n".encode(), "text/plain")
        except (ValueError, OSError, RuntimeError) as exc:
            answer = Answer(400, f"the query failed: {exc}\n".encode(), "text/plain")
        conn.send(answer)


class _Worker:
    def __init__(self, ctx, path: str) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(path, child), daemon=True, name="virsis-sparql-worker")
        self.process.start()
        child.close()


class QueryPool:
    """``workers`` processes answering SPARQL over the public mirror of ``store``, each query within ``timeout`` seconds."""

    def __init__(self, store: Store, *, workers: int = 2, timeout: float = 30.0, max_rows: int = 100_000, queue_wait: float = 10.0) -> None:
        self.timeout, self.max_rows, self.queue_wait = timeout, max_rows, queue_wait
        self._folder = Path(tempfile.mkdtemp(prefix="virsis-public-"))
        build_mirror(store, self._folder / "store")
        self._path = str(self._folder / "store")
        self._ctx = mp.get_context("spawn")  # no fork: the parent holds RocksDB handles and threads
        self._idle = [_Worker(self._ctx, self._path) for _ in range(workers)]
        self._lock = threading.Lock()
        self._free = threading.Semaphore(workers)
        self.killed = 0

    def run(self, sparql: str, *, media_type: str | None = None, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> Answer:
        """The answer to ``sparql``; 503 when every worker stays busy, 503 with a reason when it times out."""
        if not self._free.acquire(timeout=self.queue_wait):
            return Answer(503, b"every query worker is busy: try again in a moment\n", "text/plain")
        with self._lock:
            worker = self._idle.pop()
        try:
            worker.conn.send((sparql, default_graphs or [], named_graphs or [], media_type, self.max_rows))
            if worker.conn.poll(self.timeout):
                answer = worker.conn.recv()
            else:
                # pyoxigraph cannot be interrupted: stop the work by stopping its process.
                worker.process.kill()
                worker.process.join()
                self.killed += 1
                worker = _Worker(self._ctx, self._path)
                answer = Answer(503, f"the query ran longer than {self.timeout:g} s and was stopped: narrow it down or add LIMIT\n".encode(), "text/plain")
        except (EOFError, BrokenPipeError, OSError):
            worker = _Worker(self._ctx, self._path)
            answer = Answer(500, b"the query worker failed; it has been restarted\n", "text/plain")
        finally:
            with self._lock:
                self._idle.append(worker)
            self._free.release()
        return answer

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._idle]

    def close(self) -> None:
        with self._lock:
            workers, self._idle = self._idle, []
        for w in workers:
            try:
                w.conn.send(None)
            except OSError:
                pass
            w.process.join(timeout=2)
            if w.process.is_alive():
                w.process.kill()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                shutil.rmtree(self._folder)
                return
            except OSError:
                time.sleep(0.1)
