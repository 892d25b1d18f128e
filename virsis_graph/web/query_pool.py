"""Running public SPARQL queries with limits that hold: worker processes that can be killed.

pyoxigraph cannot interrupt a query, so each query runs in a worker process
holding a read-only handle on the *public mirror* — a copy of the register
without personal data (:func:`virsis_graph.privacy.public_quads`) and with the
model graphs, made once when the server starts. A query that overruns its time
is stopped by killing its worker, which is then replaced; the number of
workers bounds the queries running at once; answers longer than the row cap
are refused. The mirror also keeps the public endpoint away from personal data
by construction, whatever the query.

After a write the mirror takes the write's delta (:meth:`QueryPool.refresh`):
the quads added and removed, through the same privacy rule, go into the mirror's
read-write copy, which is then published as a new *version* — a RocksDB
checkpoint, made of hard links in milliseconds. Each query tells its worker the
current version, and a worker on an older one reopens before it answers, so the
next query sees the write. When the delta is not enough (a record stops being a
person, so statements that were private become public) the mirror is also made
again in a background thread; queries keep using the current version meanwhile,
and the new mirror takes its place when done.
"""

from __future__ import annotations

import json
import logging
import multiprocessing as mp
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from ..importing import MODEL_GRAPHS
from ..privacy import PUBLIC_PERSON_PROPERTIES, people_of, public_quads
from ..privacy import publishable as is_public
from ..store import Store

log = logging.getLogger(__name__)

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


def publishable(quads: Iterable[ox.Quad], persons: set) -> list[ox.Quad]:
    """Those of ``quads`` the mirror holds: the model graphs whole, the rest by :func:`~virsis_graph.privacy.publishable`."""
    return [q for q in quads if (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in MODEL_GRAPHS) or is_public(q, persons)]


def _private_statements(mirror: ox.Store, persons: Iterable) -> list[ox.Quad]:
    """What ``mirror`` holds of the personal data of ``persons`` (to be taken out)."""
    model = {ox.NamedNode(g) for g in MODEL_GRAPHS}
    return [
        q for p in persons for q in mirror.quads_for_pattern(p, None, None)
        if q.predicate.value not in PUBLIC_PERSON_PROPERTIES and q.graph_name not in model
    ]


def _needs_more(store: Store, former: set, added: list[ox.Quad]) -> bool:
    """Whether people who are no longer people (``former``) have statements outside ``added`` that were private.

    Those statements are public now, and only the store has them: the delta is
    not enough and the mirror must be made again.
    """
    if not former:
        return False
    if any(not isinstance(p, ox.NamedNode) for p in former):
        return True  # a blank node cannot be asked for by name
    fresh = set(added)
    wanted = list(former)
    for start in range(0, len(wanted), 500):
        # The IRIs come from the store as ox.NamedNode and are written in its own syntax.
        values = " ".join(str(p) for p in wanted[start : start + 500])
        rows = store.query(f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}")
        for r in rows:
            if r["p"].value not in PUBLIC_PERSON_PROPERTIES and r["g"].value not in MODEL_GRAPHS:
                if ox.Quad(r["s"], r["p"], r["o"], r["g"]) not in fresh:
                    return True
    return False


def _json_term(term: object) -> dict:
    """One RDF term in the SPARQL 1.1 Query Results JSON Format (§3.2.2)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            return {"type": "literal", "value": term.value}
        return {"type": "literal", "value": term.value, "datatype": term.datatype.value}
    return {"type": "triple", "value": {k: _json_term(getattr(term, k)) for k in ("subject", "predicate", "object")}}


def sparql_json(variables: list[ox.Variable], solutions: list[ox.QuerySolution]) -> bytes:
    """Solutions already read, as SPARQL 1.1 Query Results JSON (what pyoxigraph writes, without running the query again)."""
    names = [v.value for v in variables]
    bindings = [{n: _json_term(s[n]) for n in names if s[n] is not None} for s in solutions]
    return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False, separators=(",", ":")).encode()


def _too_long(max_rows: int, lv: str, en: str) -> Answer:
    """400 for an answer over the row cap, saying how to page it."""
    return Answer(400, (
        f"atbildē ir vairāk nekā {max_rows} {lv}: pievienojiet LIMIT {max_rows} (un OFFSET lapošanai) / "
        f"the answer has more than {max_rows} {en}: add LIMIT {max_rows} (and OFFSET to page)\n"
    ).encode(), "text/plain")


def _solutions_answer(result, media_type: str | None, max_rows: int, again) -> Answer:
    if isinstance(result, ox.QueryBoolean):
        fmt = RESULT_FORMATS.get(media_type or "", ox.QueryResultsFormat.JSON)
        return Answer(200, result.serialize(format=fmt), media_type or "application/sparql-results+json")
    if isinstance(result, ox.QuerySolutions):
        # Counted first and only then serialised: pyoxigraph serialises a whole
        # result or nothing, and a refused answer should cost no more than
        # max_rows rows. SPARQL JSON (what clients ask for) is written from the
        # rows read; the other formats run the query again.
        variables = result.variables
        rows = []
        for solution in result:
            rows.append(solution)
            if len(rows) > max_rows:
                return _too_long(max_rows, "rindu", "rows")
        fmt = RESULT_FORMATS.get(media_type or "", ox.QueryResultsFormat.JSON)
        if fmt == ox.QueryResultsFormat.JSON:
            return Answer(200, sparql_json(variables, rows), "application/sparql-results+json")
        return Answer(200, again().serialize(format=fmt), media_type)
    triples = []
    for t in result:
        triples.append(t)
        if len(triples) > max_rows:
            return _too_long(max_rows, "trijnieku", "triples")
    fmt = GRAPH_FORMATS.get(media_type or "", ox.RdfFormat.TURTLE)
    return Answer(200, ox.serialize(triples, format=fmt), media_type if media_type in GRAPH_FORMATS else "text/turtle")


def _worker(path: str, conn) -> None:  # runs in the worker process
    store = ox.Store.read_only(path)
    while True:
        job = conn.recv()
        if job is None:
            return
        version, sparql, default_graphs, named_graphs, media_type, max_rows = job
        if version != path:
            # A write made a newer version of the mirror: answer from it. Dropping the
            # old handle lets the pool remove the old version once this answer is sent.
            store, path = ox.Store.read_only(version), version

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
            answer = Answer(400, f"vaicājums nav derīgs SPARQL / the query is not valid SPARQL: {exc}\n".encode(), "text/plain")
        except (ValueError, OSError, RuntimeError) as exc:
            answer = Answer(400, f"vaicājums neizdevās / the query failed: {exc}\n".encode(), "text/plain")
        conn.send(answer)


class _Worker:
    def __init__(self, ctx, path: str) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(path, child), daemon=True, name="virsis-sparql-worker")
        self.process.start()
        child.close()
        self.holding = {path}
        """Versions of the mirror this worker may have open (two while it switches)."""


class QueryPool:
    """``workers`` processes answering SPARQL over the public mirror of ``store``, each query within ``timeout`` seconds.

    :meth:`refresh` keeps the mirror current after a write; :meth:`rebuild`
    makes it again in the background.
    """

    def __init__(self, store: Store, *, workers: int = 2, timeout: float = 30.0, max_rows: int = 100_000, queue_wait: float = 10.0) -> None:
        self.timeout, self.max_rows, self.queue_wait = timeout, max_rows, queue_wait
        self._folder = Path(tempfile.mkdtemp(prefix="virsis-public-"))
        self._made = 0
        # The mirror's read-write copy, its folder and whom it treats as people.
        # _mirror_lock guards them and orders deltas against a rebuild's swap.
        self._mirror_lock = threading.Lock()
        self._mirror_folder, self._mirror, self._persons = self._build(store)
        self._lock = threading.Lock()  # the workers, the current version and the versions kept
        self._idle: list[_Worker] = []
        self._busy: list[_Worker] = []
        self._versions: set[str] = set()
        self._path = ""
        self._publish()
        self._ctx = mp.get_context("spawn")  # no fork: the parent holds RocksDB handles and threads
        self._idle = [_Worker(self._ctx, self._path) for _ in range(workers)]
        self._free = threading.Semaphore(workers)
        self._rebuilding: threading.Thread | None = None
        self._again = False
        self._pending: list[tuple[list[ox.Quad], list[ox.Quad]]] = []
        self._closed = False
        self.killed = 0
        self.rebuilds = 0
        """Mirrors made again and swapped in (after a delta that was not enough, or :meth:`rebuild`)."""

    # -- the mirror ----------------------------------------------------------------

    def _next(self, name: str) -> Path:
        self._made += 1
        return self._folder / f"{name}-{self._made}"

    def _build(self, store: Store) -> tuple[Path, ox.Store, set]:
        """A new read-write mirror of ``store``: its folder, the store, and the people it was made for.

        The people are read before the data, so that anyone who becomes a person
        while the mirror is made is someone a later delta or the swap scrubs.
        """
        persons = people_of(store)
        folder = build_mirror(store, self._next("mirror"))
        return folder, ox.Store(str(folder)), persons

    def _publish(self) -> None:
        """Make a new version of the mirror (a checkpoint of its read-write copy) the one queries get."""
        version = self._next("version")
        self._mirror.flush()
        self._mirror.backup(str(version))
        with self._lock:
            self._path = str(version)
            self._versions.add(self._path)
            self._collect()

    def _collect(self) -> None:  # holding _lock
        """Remove the versions that no worker may have open and that queries no longer get."""
        kept = {self._path}.union(*(w.holding for w in chain(self._idle, self._busy)))
        for version in self._versions - kept:
            shutil.rmtree(version, ignore_errors=True)
        self._versions &= kept

    def refresh(self, store: Store, added: list[ox.Quad], removed: list[ox.Quad]) -> bool:
        """Bring the mirror up to ``store`` after a write that ``added`` and ``removed`` these quads.

        Applies the public part of the delta (by the privacy rule of the whole
        mirror), takes out the statements of new people that the mirror held,
        and publishes the result before returning, so the next query sees the
        write. Returns False when that is not the whole change — people who
        stopped being people have statements that only the store holds — and a
        rebuild has started in the background (queries get the refreshed
        mirror until it is done).
        """
        if not added and not removed:
            return True
        with self._mirror_lock:
            if self._closed:
                return True
            persons = people_of(store)
            complete = not _needs_more(store, self._persons - persons, added)
            try:
                _apply(self._mirror, added, removed, persons, persons - self._persons)
            except OSError:
                log.exception("the public mirror could not take a write; it is made again")
                complete = False
            self._persons = persons
            if self._rebuilding is not None:
                self._pending.append((added, removed))
            if not complete:
                self._start_rebuild(store)
            self._publish()
        return complete

    def rebuild(self, store: Store) -> None:
        """Make the mirror again from ``store`` in a background thread; queries get the current one until it is done."""
        with self._mirror_lock:
            if not self._closed:
                self._start_rebuild(store)

    def _start_rebuild(self, store: Store) -> None:  # holding _mirror_lock
        if self._rebuilding is not None:
            self._again = True  # the running build may have read the store before this change
            return
        self._again, self._pending = False, []
        self._rebuilding = threading.Thread(target=self._rebuild, args=(store,), daemon=True, name="virsis-mirror-rebuild")
        self._rebuilding.start()

    def _rebuild(self, store: Store) -> None:  # the background thread
        while True:
            try:
                folder, mirror, _ = self._build(store)
            except Exception:  # noqa: BLE001 — the current mirror keeps serving; a later write tries again
                log.exception("the public mirror could not be made again")
                with self._mirror_lock:
                    self._rebuilding = None
                return
            with self._mirror_lock:
                if self._closed or self._again:
                    del mirror
                    shutil.rmtree(folder, ignore_errors=True)
                    if self._closed:
                        self._rebuilding = None
                        return
                    self._again, self._pending = False, []
                    continue
                # Writes made while the build ran may or may not be in it: their deltas go
                # in again (adding or removing twice changes nothing), by the people of now.
                persons = people_of(store)
                for added, removed in self._pending:
                    _apply(mirror, added, removed, persons, ())
                for q in _private_statements(mirror, persons):
                    mirror.remove(q)
                old_folder = self._mirror_folder
                self._mirror_folder, self._mirror, self._persons = folder, mirror, persons
                self._pending, self._rebuilding = [], None
                self._publish()
                self.rebuilds += 1
            # Workers read versions only, which are checkpoints of their own: the old copy can go.
            shutil.rmtree(old_folder, ignore_errors=True)
            return

    def settled(self, timeout: float | None = None) -> bool:
        """Wait until no rebuild is running; False when one still is after ``timeout`` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._mirror_lock:
                thread = self._rebuilding
            if thread is None:
                return True
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                return False

    # -- queries -------------------------------------------------------------------

    def run(self, sparql: str, *, media_type: str | None = None, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None) -> Answer:
        """The answer to ``sparql`` from the current version of the mirror; 503 when every worker stays busy, 503 with a reason when it times out."""
        if not self._free.acquire(timeout=self.queue_wait):
            return Answer(503, "visi vaicājumu izpildītāji ir aizņemti: mēģiniet vēlreiz pēc brīža / every query worker is busy: try again in a moment\n".encode(), "text/plain")
        with self._lock:
            worker = self._idle.pop()
            version = self._path
            worker.holding = worker.holding | {version}
            self._busy.append(worker)
        try:
            worker.conn.send((version, sparql, default_graphs or [], named_graphs or [], media_type, self.max_rows))
            if worker.conn.poll(self.timeout):
                answer = worker.conn.recv()
                worker.holding = {version}  # it answered from this version, having let go of any older one
            else:
                # pyoxigraph cannot be interrupted: stop the work by stopping its process.
                worker.process.kill()
                worker.process.join()
                self.killed += 1
                worker = self._replace(worker)
                answer = Answer(503, (
                    f"vaicājums izpildījās ilgāk par {self.timeout:g} s un tika apturēts: sašauriniet to vai pievienojiet LIMIT / "
                    f"the query ran longer than {self.timeout:g} s and was stopped: narrow it down or add LIMIT\n"
                ).encode(), "text/plain")
        except (EOFError, BrokenPipeError, OSError):
            worker = self._replace(worker)
            answer = Answer(500, "vaicājuma izpildītājs avarēja un ir palaists no jauna / the query worker failed; it has been restarted\n".encode(), "text/plain")
        finally:
            with self._lock:
                self._busy.remove(worker)
                self._idle.append(worker)
                self._collect()
            self._free.release()
        return answer

    def _replace(self, worker: _Worker) -> _Worker:
        """A new worker on the current version in place of ``worker`` (stopped or failed)."""
        with self._lock:
            fresh = _Worker(self._ctx, self._path)
            self._busy[self._busy.index(worker)] = fresh
        return fresh

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._idle]

    def close(self) -> None:
        with self._mirror_lock:
            self._closed = True
            thread = self._rebuilding
        if thread is not None:
            thread.join(timeout=30)  # it stops at its next step: a build in flight finishes first
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
        with self._mirror_lock:
            del self._mirror
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                shutil.rmtree(self._folder)
                return
            except OSError:
                time.sleep(0.1)


def _apply(mirror: ox.Store, added: list[ox.Quad], removed: list[ox.Quad], persons: set, new_people: Iterable) -> None:
    """Put a write's delta into ``mirror``: its public part, and out what ``new_people``'s statements it held."""
    for q in publishable(removed, persons):
        mirror.remove(q)
    mirror.extend(publishable(added, persons))
    for q in _private_statements(mirror, new_people):
        mirror.remove(q)
