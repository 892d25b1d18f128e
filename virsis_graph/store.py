"""The register's RDF store: one interface, two kinds of backend.

- :class:`EmbeddedStore`: pyoxigraph on disk (the default) or in memory (tests).
- :class:`virsis_graph.remote.RemoteStore`: any SPARQL 1.1 endpoint over HTTP.

The rest of the code talks to :class:`Store` only. Results are pyoxigraph terms
and result objects whichever backend answers, so code never needs to know which
one it talks to. Every write goes through a :meth:`Store.writing` session
(:meth:`Store.apply` is one session): atomic, so after a crash (even
``kill -9``), an error or a discarded session the store is as before it or, once
it commits, as after it.
"""

from __future__ import annotations

import gc

import json
import os
import shutil
import sys
from abc import ABC, abstractmethod
from contextlib import contextmanager
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from .namespaces import PREFIXES
from .settings import STORE_PATH
from .sparql import Bindings, with_values


class RegisterError(Exception):
    """A problem a person can fix, with a message that says where and how."""


class StoreLockedError(RegisterError):
    """The embedded store is open in another process."""


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF serialisation of ``path`` judged by its extension (``.ttl``, ``.nt``, ``.jsonld`` ...)."""
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower())
    if fmt is None:
        raise RegisterError(
            f"{path}: nezināms RDF faila paplašinājums {path.suffix!r} / unknown RDF file extension {path.suffix!r}; "
            "izvēlieties kādu no / use one of: .ttl, .nt, .nq, .trig, .jsonld, .rdf"
        )
    return fmt


@dataclass
class GraphChange:
    """What one write does to one named graph.

    ``replace`` empties the graph first; otherwise ``remove`` triples go and ``add``
    triples come. Triples are pyoxigraph :class:`~pyoxigraph.Triple` objects.
    """

    graph: str
    add: list[ox.Triple] = field(default_factory=list)
    remove: list[ox.Triple] = field(default_factory=list)
    replace: bool = False

    def quads(self, triples: Iterable[ox.Triple]) -> Iterator[ox.Quad]:
        g = ox.NamedNode(self.graph)
        return (ox.Quad(t.subject, t.predicate, t.object, g) for t in triples)


class Writes:
    """The handle of one :meth:`Store.writing` session."""

    visible = False
    """Whether the store's reads see what was written before the session ends."""

    def __init__(self) -> None:
        self.discarded = False

    def write(self, change: GraphChange) -> None:
        """Make one change as part of the session."""
        raise NotImplementedError

    def discard(self) -> None:
        """End the session without its changes: the store stays as it was before it."""
        self.discarded = True

    def settle(self) -> None:
        """Wait until everything written so far can be read back (when ``visible``)."""


class BufferedWrites(Writes):
    """Keeps the changes until the session ends (remote stores, dry runs that do not validate)."""

    def __init__(self) -> None:
        super().__init__()
        self.changes: list[GraphChange] = []

    def write(self, change: GraphChange) -> None:
        self.changes.append(change)


class Store(ABC):
    """What every backend offers. Queries see the union of all named graphs."""

    description: str
    """Where the data lives, for messages (a folder or an endpoint URL)."""

    @abstractmethod
    def query(self, sparql: str, bindings: Bindings | None = None) -> ox.QuerySolutions | ox.QueryBoolean | Iterable[ox.Triple]:
        """Run a SPARQL 1.1 query over the union of all graphs.

        ``bindings`` are substituted by the engine or sent as typed terms, never
        spliced into the query text.
        """

    @abstractmethod
    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Every quad of ``graph``, or of all named graphs when None."""

    @abstractmethod
    def graphs(self) -> list[str]:
        """IRIs of the non-empty named graphs, sorted."""

    @abstractmethod
    def apply(self, changes: list[GraphChange]) -> None:
        """Make all ``changes`` at once: after a crash, all or none of them are in the store."""

    @contextmanager
    def writing(self, buffered: bool = False) -> Iterator[Writes]:
        """An atomic write session: what is written through it lands all together or not at all.

        Leaving the block normally commits; an exception, or :meth:`Writes.discard`
        called inside it, leaves the store exactly as it was. Here the changes are
        kept in memory and sent at the end as one :meth:`apply`, so reads inside
        the block do not see them (``writes.visible`` is False); the embedded
        store writes as it goes (see :meth:`EmbeddedStore.writing`).
        """
        writes = BufferedWrites()
        yield writes
        if not writes.discarded:
            self.apply(writes.changes)

    def about(self, subjects: Iterable[ox.NamedNode | ox.BlankNode], graph: str) -> list[tuple]:
        """Every triple of ``graph`` whose subject is one of ``subjects``, as (s, p, o) tuples."""
        g = ox.NamedNode(graph)
        rows = self.query_batched((s for s in subjects if isinstance(s, ox.NamedNode)), f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ %s }} GRAPH {g} {{ ?s ?p ?o }} }}")
        return [(r["s"], r["p"], r["o"]) for r in rows]

    def query_batched(self, iris: Iterable[ox.NamedNode], sparql: str) -> Iterator:
        """The rows of ``sparql`` with its ``%s`` (a VALUES list) replaced by ``iris``, 500 at a time (one request stays small)."""
        wanted = list(iris)
        for start in range(0, len(wanted), 500):
            # IRIs were validated by ox.NamedNode and are written in its own syntax.
            yield from self.query(sparql % " ".join(str(i) for i in wanted[start : start + 500]))

    def existing(self, iris: Iterable[ox.NamedNode]) -> set[ox.NamedNode]:
        """Those of ``iris`` that are registered: the subject of a ``dct:identifier``."""
        rows = self.query_batched(iris, "SELECT DISTINCT ?s WHERE { VALUES ?s { %s } ?s <http://purl.org/dc/terms/identifier> ?id }")
        return {row["s"] for row in rows}

    def describe(self, iris: Iterable[ox.NamedNode | ox.BlankNode]) -> list[ox.Triple]:
        """Every triple, in any graph, whose subject is one of ``iris``.

        Blank nodes are described only by the embedded store, which keeps their
        labels: SPARQL cannot name one, so a server engine leaves them out.
        """
        rows = self.query_batched((i for i in iris if isinstance(i, ox.NamedNode)), "SELECT ?s ?p ?o WHERE { VALUES ?s { %s } GRAPH ?g { ?s ?p ?o } }")
        return [ox.Triple(r["s"], r["p"], r["o"]) for r in rows]

    def linking(self, nodes: Iterable[ox.NamedNode | ox.BlankNode]) -> dict[ox.NamedNode | ox.BlankNode, set[ox.NamedNode | ox.BlankNode]]:
        """Per node, the subjects of the statements whose object it is (nodes without any are left out).

        A blank node has subjects only where its label names it from one
        request to the next, the embedded store: SPARQL cannot name one, so
        a server engine finds none.
        """
        found: dict[ox.NamedNode | ox.BlankNode, set[ox.NamedNode | ox.BlankNode]] = {}
        rows = self.query_batched((n for n in nodes if isinstance(n, ox.NamedNode)), "SELECT DISTINCT ?s ?o WHERE { VALUES ?o { %s } ?s ?p ?o }")
        for r in rows:
            found.setdefault(r["o"], set()).add(r["s"])
        return found

    def drop_graph(self, graph: str) -> int:
        """Remove a named graph; return how many triples it held."""
        n = self.count(graph)
        self.apply([GraphChange(graph, replace=True)])
        return n

    def count(self, graph: str | None = None) -> int:
        """Number of triples in ``graph``, or in all named graphs when None."""
        return sum(1 for _ in self.quads(graph))

    def select(self, sparql: str, **bindings: ox.NamedNode | ox.Literal) -> list[dict[str, object]]:
        """Run a SELECT with the project's prefixes; rows as ``{variable: python value}``."""
        solutions = self.query(prologue() + sparql, bindings)
        names = [v.value for v in solutions.variables]
        return [{n: python_value(row[n]) for n in names} for row in solutions]

    def ask(self, sparql: str, **bindings: ox.NamedNode | ox.Literal) -> bool:
        """Run an ASK with the project's prefixes."""
        return bool(self.query(prologue() + sparql, bindings))

    def dump(self, output: BinaryIO, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        """Serialise ``graph`` (or every named graph, as a dataset) to ``output``."""
        if graph is None and fmt.supports_datasets:
            ox.serialize(self.quads(None), output, fmt, prefixes=PREFIXES)
        else:
            triples = (ox.Triple(q.subject, q.predicate, q.object) for q in self.quads(graph))
            ox.serialize(triples, output, fmt, prefixes=PREFIXES)

    def close(self) -> None:
        """Release the store (the embedded store's lock)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def prologue() -> str:
    """PREFIX declarations of the namespaces the project uses."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def python_value(term: object) -> object:
    """A pyoxigraph term as a plain Python value (IRIs and strings as ``str``)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt.endswith(("#integer", "#int", "#long", "#nonNegativeInteger")):
            return int(term.value)
        if dt.endswith(("#decimal", "#double", "#float")):
            return float(term.value)
        return term.value
    return term.value


# ---------------------------------------------------------------------------
# Embedded pyoxigraph
# ---------------------------------------------------------------------------

_SMALL = 1_000  # up to this many quads a write is a transaction; more go to the bulk loader (files, not memtables)
_CHUNK = 100_000
"""Triples per bulk load: the loader buffers a whole load in memory (one load of
millions of triples takes gigabytes); a chunk of 100 000 takes a few hundred MB
at most and is barely slower."""
_NOT_TEXT = (ox.BlankNode, ox.Triple)
"""Terms that do not survive a trip through N-Triples text into the bulk loader:
it gives blank nodes new identifiers on every load (and triple terms are rare)."""


class EmbeddedStore(Store):
    """pyoxigraph in this process: ``EmbeddedStore(path)`` on disk, ``EmbeddedStore()`` in memory.

    Crash safety on disk: before a write, a RocksDB checkpoint of the store is
    taken next to it (hard links, so it is quick and small); the checkpoint is
    dropped once the write is flushed. Opening a store that still has a
    checkpoint means the last write was interrupted, and the checkpoint is
    restored first. In memory there is nothing to survive a crash.

    ``create``: make the store when ``path`` holds none (an empty or new
    folder). When False, a path without a store is a :class:`RegisterError`,
    so that a mistyped ``--store`` of a command that only reads is not taken
    for an empty register. A folder that holds other files is never made a
    store.
    """

    def __init__(self, path: Path | str | None = None, create: bool = True) -> None:
        self.path = Path(path).resolve() if path is not None else None
        self.description = str(self.path) if self.path else "in memory"
        if self.path is None:
            self._store = ox.Store()
            return
        if not holds_store(self.path):
            if not create:
                raise RegisterError(
                    f"{self.path}: šeit nav reģistra; izveidojiet to ar `virsis init` vai `virsis import`, vai pārbaudiet --store / "
                    "no register here: make one with `virsis init` or `virsis import`, or check --store (VIRSIS_STORE)")
            if self.path.exists() and (not self.path.is_dir() or any(self.path.iterdir())):
                raise RegisterError(
                    f"{self.path}: nav reģistrs, bet {'fails' if not self.path.is_dir() else 'mape ar citiem failiem'}; norādiet jaunu vai tukšu mapi / "
                    f"not a register but a {'file' if not self.path.is_dir() else 'folder of other files'}: name a new or empty folder")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists() and self._checkpoint.exists() and self._side("interrupted").exists():
            self._checkpoint.rename(self.path)  # a crash cut a restore short: finish it
        self._store = self._open()
        # With the lock held, no other process is writing: clear what a crash left.
        for leftover in ("checkpoint-tmp", "checkpoint-done", "interrupted"):
            shutil.rmtree(self._side(leftover), ignore_errors=True)
        if self._checkpoint.exists():
            # The previous write did not finish: go back to the state before it.
            del self._store
            self._restore()
            self._store = self._open()
        self._owner_file.write_text(json.dumps({"pid": os.getpid(), "command": " ".join(sys.argv)}), encoding="utf-8")

    # -- locking and recovery ------------------------------------------------

    def _side(self, suffix: str) -> Path:
        return _beside(self.path, suffix)

    @property
    def _checkpoint(self) -> Path:
        return self._side("checkpoint")

    @property
    def _owner_file(self) -> Path:
        return self._side("owner.json")

    def _open(self) -> ox.Store:
        try:
            return ox.Store(str(self.path))
        except OSError as exc:
            if "lock" not in str(exc).lower():
                raise RegisterError(f"{self.path}: krātuvi nevar atvērt / cannot open the store: {exc}") from exc
            raise StoreLockedError(self._locked_message()) from exc

    def _locked_message(self) -> str:
        try:
            owner = json.loads(self._owner_file.read_text(encoding="utf-8"))
            who = f"process {owner['pid']} ({owner['command']})"
        except (OSError, ValueError, KeyError):
            owner, who = {}, "another process"
        if " serve" in owner.get("command", ""):
            # The site holds its store for as long as it runs; its SPARQL endpoint answers reads, not imports.
            return (
                f"Krātuvi {self.path} tur atvērtu vietne ({who}). Lasīšanai sūtiet komandu caur vietni: --endpoint http://…/sparql; "
                "importam sūtiet failus caur vietni ar savas iestādes pilnvaru: VIRSIS_TOKEN=… virsis import FAILS --site http://… "
                "(vai apturiet vietni un pēc importa palaidiet to vēlreiz). / "
                f"The store {self.path} is held by the site ({who}). To read, send the command through the site: --endpoint http://…/sparql; "
                "to import, send the files through the site with your institution's token: VIRSIS_TOKEN=… virsis import FILE --site http://… "
                "(or stop the site, and start it again after the import)."
            )
        return (
            f"Krātuve {self.path} ir atvērta citā procesā; pagaidiet, līdz tas beidz, apturiet to vai sūtiet komandu caur tā serveri ar --endpoint. / "
            f"The store {self.path} is in use by {who}: wait for it to finish or stop it, or send this command through its server with --endpoint."
        )

    def _restore(self) -> None:
        broken = self._side("interrupted")
        self.path.rename(broken)
        self._checkpoint.rename(self.path)
        shutil.rmtree(broken, ignore_errors=True)

    def flush(self) -> None:
        """Write to disk what the store holds in memory, so a process that opens it read-only sees every write."""
        if self.path is not None:
            self._store.flush()

    def close(self) -> None:
        if self.path is not None and hasattr(self, "_store"):
            self._store.flush()
            del self._store
            self._owner_file.unlink(missing_ok=True)

    # -- reading ---------------------------------------------------------------

    def query(self, sparql, bindings=None):
        try:
            return self._store.query(
                sparql,
                use_default_graph_as_union=True,
                substitutions={ox.Variable(k): v for k, v in (bindings or {}).items()},
            )
        except RuntimeError as exc:
            # pyoxigraph substitutes only projected variables; bind the others with VALUES.
            if not bindings or "projection" not in str(exc):
                raise
            return self._store.query(with_values(sparql, bindings), use_default_graph_as_union=True)

    def quads(self, graph=None):
        if graph is None:
            return (q for q in self._store.quads_for_pattern(None, None, None) if not isinstance(q.graph_name, ox.DefaultGraph))
        return self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))

    def graphs(self):
        return sorted(g.value for g in self._store.named_graphs() if next(self._store.quads_for_pattern(None, None, None, g), None))

    def describe(self, iris):
        return [ox.Triple(q.subject, q.predicate, q.object) for i in iris for q in self._store.quads_for_pattern(i, None, None) if not isinstance(q.graph_name, ox.DefaultGraph)]

    def linking(self, nodes):
        nodes = list(nodes)
        found = super().linking(nodes)
        for node in nodes:
            if isinstance(node, ox.BlankNode):
                # Named by its label here: the store keeps it.
                subjects = {q.subject for q in self._store.quads_for_pattern(None, None, node) if not isinstance(q.graph_name, ox.DefaultGraph)}
                if subjects:
                    found[node] = subjects
        return found

    def existing(self, iris):
        identifier = ox.NamedNode("http://purl.org/dc/terms/identifier")
        return {i for i in iris if next(self._store.quads_for_pattern(i, identifier, None), None) is not None}

    def count(self, graph=None):
        if graph is None:
            return len(self._store) - sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        # Counted by the engine: a Python object per quad would cost seconds at national scale.
        g = ox.NamedNode(graph)  # validated: safe to write into the query in its own syntax
        rows = self._store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}")
        return int(next(iter(rows))["n"].value)

    # -- writing -----------------------------------------------------------------

    def about(self, subjects, graph):
        g = ox.NamedNode(graph)
        return [(q.subject, q.predicate, q.object) for s in subjects for q in self._store.quads_for_pattern(s, None, None, g)]

    def apply(self, changes):
        if not changes:
            return
        with self.writing() as writes:
            for change in changes:
                writes.write(change)

    @contextmanager
    def writing(self, buffered: bool = False) -> Iterator[Writes]:
        """A write session that writes as it goes (``visible``), unless ``buffered``.

        On disk, a RocksDB checkpoint of the store is taken first (hard links,
        so it is quick and small); committing flushes and drops it, and
        discarding — or a crash, even ``kill -9``, found at the next open —
        restores it. In memory, the session keeps an undo log instead. So an
        import can write chunk by chunk while it still reads its files, and
        still leave the store as before if a late row turns out wrong.
        """
        if buffered:
            with super().writing(buffered=True) as writes:
                yield writes
            return
        writes = LiveWrites(self)
        try:
            yield writes
        except BaseException:
            writes.end(commit=False)
            raise
        writes.end(commit=not writes.discarded)

    def _begin_checkpoint(self) -> None:
        tmp = self._side("checkpoint-tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        self._store.flush()
        self._store.backup(str(tmp))
        tmp.rename(self._checkpoint)  # from here on, a crash rolls back to the checkpoint

    def _commit_checkpoint(self) -> None:
        self._store.flush()
        done = self._side("checkpoint-done")
        self._checkpoint.rename(done)  # the commit point
        shutil.rmtree(done, ignore_errors=True)

    def _roll_back_checkpoint(self) -> None:
        del self._store  # closes the database (and its lock) before its folder is swapped
        # ... unless a query's answer still holds it, left in a reference cycle while the
        # collector is paused (an import validating with the compiled engine): collect those.
        gc.collect()
        self._restore()
        self._store = self._open()

    def load_file(self, path: Path, graph: str, base: str) -> None:
        """Load one RDF file straight into ``graph`` (model graphs; no diffing, one transaction)."""
        self._store.load(path=str(path), format=rdf_format(path), base_iri=base, to_graph=ox.NamedNode(graph))


class LiveWrites(Writes):
    """Writes straight into an :class:`EmbeddedStore`; the session can still be undone.

    Large additions go through the bulk loader as N-Triples text, one chunk in
    a writer thread while the caller prepares the next (``bulk_load`` runs
    without the GIL): an import's reading and checking overlap its writing.
    """

    visible = True

    def __init__(self, store: EmbeddedStore) -> None:
        super().__init__()
        self.store = store
        self.on_disk = store.path is not None
        self._pending: Future | None = None
        self.touched = False
        self._buffer: dict[ox.NamedNode, list] = {}  # additions waiting to fill a bulk-load chunk
        self._buffered = 0
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="virsis-bulk-load") if self.on_disk else None
        # In memory there is no checkpoint: log what to undo instead, in order.
        self._undo: list[tuple[bool, list[ox.Quad]]] = []  # (was added, quads)
        if self.on_disk:
            store._begin_checkpoint()

    def settle(self) -> None:
        self._flush()
        self._wait()

    def _flush(self, whole_chunks: bool = False) -> None:
        """Send the gathered additions to the loader (with ``whole_chunks``, only full chunks of them)."""
        for graph, rows in list(self._buffer.items()):
            cut = len(rows) - len(rows) % _CHUNK if whole_chunks else len(rows)
            if cut:
                self._bulk_add(rows[:cut], graph)
                del rows[:cut]
                self._buffered -= cut
            if not rows:
                del self._buffer[graph]

    def _wait(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def write(self, change: GraphChange) -> None:
        ox_store = self.store._store
        g = ox.NamedNode(change.graph)
        self.touched = True
        if change.replace or change.remove:
            self.settle()  # what was added before must be in before anything is taken out
        if change.replace:
            if not self.on_disk:
                self._undo.append((False, list(ox_store.quads_for_pattern(None, None, None, g))))
            ox_store.remove_graph(g)
        if change.remove:
            removed = [q for q in change.quads(change.remove) if self.on_disk or q in ox_store]
            if not self.on_disk:
                self._undo.append((False, removed))
            for quad in removed:
                ox_store.remove(quad)
        if not change.add:
            return
        if self.on_disk and len(change.add) > _SMALL:
            # Gathered into chunks of the bulk loader's size, whatever the callers' sizes.
            terms = getattr(change.add, "terms", None)
            rows = terms() if terms is not None else [tuple(t) for t in change.add]
            self._buffer.setdefault(g, []).extend(rows)
            self._buffered += len(rows)
            if self._buffered >= _CHUNK:
                self._flush(whole_chunks=True)
            return
        self.settle()
        quads = list(change.quads(change.add))
        if not self.on_disk:
            quads = [q for q in dict.fromkeys(quads) if q not in ox_store]
            self._undo.append((True, quads))
        ox_store.extend(quads)

    def _bulk_add(self, triples: list[tuple], graph: ox.NamedNode) -> None:
        """Add (subject, predicate, object) tuples with the bulk loader, as N-Triples text in chunks.

        Text is the fast way in: making an ox.Quad per triple costs more than the
        loader's parsing, and tuples (``TripleList.terms()``) save making Triples.
        Chunks with blank nodes go in as quads instead, which keeps their
        identifiers. Returns while the last chunk is still being written.
        """
        ox_store = self.store._store
        rows = iter(triples)
        while chunk := list(islice(rows, _CHUNK)):
            if any(type(s) in _NOT_TEXT or type(o) in _NOT_TEXT for s, _, o in chunk):
                self._wait()
                ox_store.bulk_extend(ox.Quad(s, p, o, graph) for s, p, o in chunk)
                continue
            # The terms were validated when made, so the loader need not check them again.
            text = "".join(["%s %s %s .\n" % t for t in chunk]).encode()
            self._wait()  # one chunk in the writer at a time: memory stays bounded
            self._pending = self._writer.submit(ox_store.bulk_load, text, ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)

    def end(self, commit: bool) -> None:
        """Commit or undo the session (called once, by :meth:`EmbeddedStore.writing`)."""
        try:
            if commit:
                self._flush()
            self._wait()
        except BaseException:
            commit = False
            raise
        finally:
            if self._writer is not None:
                self._writer.shutdown()
            if self.on_disk:
                if commit or not self.touched:  # nothing written: nothing to undo
                    self.store._commit_checkpoint()
                else:
                    self.store._roll_back_checkpoint()
            elif not commit:
                ox_store = self.store._store
                for added, quads in reversed(self._undo):
                    if added:
                        for quad in quads:
                            ox_store.remove(quad)
                    else:
                        ox_store.extend(quads)


def _beside(path: Path, suffix: str) -> Path:
    """A file or folder beside a store, e.g. ``virsis-store.checkpoint``."""
    return path.with_name(f"{path.name}.{suffix}")


def holds_store(path: Path) -> bool:
    """Whether ``path`` is an embedded store (RocksDB's ``CURRENT`` file), or one a crash left mid-restore."""
    return (path / "CURRENT").is_file() or (_beside(path, "checkpoint").exists() and _beside(path, "interrupted").exists())


def store_location(store: str | Path | None, endpoint: str | None) -> Path | None:
    """The folder of the embedded store a command points at (None for an endpoint or in memory)."""
    from .settings import ENDPOINT

    location = str(store or STORE_PATH.value())
    return None if endpoint or ENDPOINT.value() or location == ":memory:" else Path(location)


def open_store(store: str | Path | None = None, endpoint: str | None = None, create: bool = True, **remote_options: str | None) -> Store:
    """Open the store a command was pointed at.

    ``endpoint`` (or ``VIRSIS_ENDPOINT``) selects a remote SPARQL 1.1 endpoint;
    otherwise the embedded store at ``store`` (or ``VIRSIS_STORE``, default
    ``./virsis-store``), made there if ``create`` (see :class:`EmbeddedStore`).
    ``":memory:"`` opens an empty in-memory store.
    """
    from .settings import ENDPOINT

    endpoint = endpoint or ENDPOINT.value() or None
    if endpoint:
        from .remote import RemoteStore

        return RemoteStore(endpoint, **remote_options)
    location = store_location(store, None)
    return EmbeddedStore() if location is None else EmbeddedStore(location, create=create)


def loader(store: Store) -> Callable[[Path, str, str], None]:
    """A function that loads an RDF file into a graph of ``store`` whatever its backend."""
    if isinstance(store, EmbeddedStore):
        return store.load_file

    def via_apply(path: Path, graph: str, base: str) -> None:
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=rdf_format(path), base_iri=base)]
        store.apply([GraphChange(graph, add=triples, replace=True)])

    return via_apply
