"""``virsis import``: read files, check them, compare them with the store, write the difference.

:func:`import_files` reads every file once to check its shape and learn the
records it defines, then again row by row, turning rows into triples, resolving
links and comparing each record with what the store holds from that source,
writing the difference chunk by chunk through one atomic :meth:`Store.writing`
session. A file with any error, or a run that ends in one, therefore leaves the
store exactly as it was; importing an unchanged file changes nothing (not even
its provenance).

Each source file lands in its own named graph ``{base}graph/source/{file name}``;
its provenance (file name, SHA-256, time, tool, agent, counts) is kept in
``{base}graph/provenance`` with PROV-O, VoID and SPDX terms.
"""

from __future__ import annotations

import datetime as dt
import difflib
import getpass
import hashlib
from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import chain
from pathlib import Path
from urllib.parse import quote, unquote

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from . import __version__, resources
from .importers import is_rdf, read_tables, row
from .importers.rdf import read_rdf
from .records import IDENTIFIER, KINDS, RDF_TYPE, Kind, Link, Problem, Record, Row, kind_named, kind_of_header, record_identifier, stored_literal
from .codelists import normalise
from .plural import singular
from .settings import base_iri
from .collector import collector_paused
from .store import GraphChange, RegisterError, Store, Writes, rdf_format

ONTOLOGY_GRAPH = "https://w3id.org/virsis/graph/ontology"
VOCABULARIES_GRAPH = "https://w3id.org/virsis/graph/vocabularies"
SHAPES_GRAPH = "https://w3id.org/virsis/graph/shapes"
MODEL_GRAPHS = (ONTOLOGY_GRAPH, VOCABULARIES_GRAPH, SHAPES_GRAPH)

PROV = "http://www.w3.org/ns/prov#"
VOID = "http://rdfs.org/ns/void#"
SPDX = "http://spdx.org/rdf/terms#"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
TOOL = ox.NamedNode(f"https://w3id.org/virsis/tool/virsis-graph/{__version__}")


def provenance_graph(base: str | None = None) -> str:
    """The named graph that records where every source graph came from."""
    return f"{base or base_iri()}graph/provenance"


def source_graph(path: Path, base: str | None = None) -> str:
    """The named graph of one source file: ``{base}graph/source/{file name}``."""
    return f"{base or base_iri()}graph/source/{quote(path.name, safe='._-')}"


# ---------------------------------------------------------------------------
# The model graphs (`virsis init`)
# ---------------------------------------------------------------------------


def _parse(paths: Iterable[Path]) -> list[ox.Triple]:
    return [
        ox.Triple(q.subject, q.predicate, q.object)
        for p in paths
        for q in ox.parse(path=str(p), format=rdf_format(p), base_iri=base_iri())
    ]


def model_changes() -> list[GraphChange]:
    """Changes that (re)load the ontology, vocabularies and shapes into their graphs."""
    ontology = [resources.ontology_file(), resources.reused_terms_file()]
    shapes = sorted((resources.data_root() / "shapes").glob("*.ttl"))
    return [
        GraphChange(ONTOLOGY_GRAPH, add=_parse(ontology), replace=True),
        GraphChange(VOCABULARIES_GRAPH, add=_parse(resources.vocabulary_files()), replace=True),
        GraphChange(SHAPES_GRAPH, add=_parse(shapes), replace=True),
    ]


def initialise(store: Store) -> dict[str, int]:
    """Load or upgrade the model graphs in place; data graphs are not touched.

    Returns the number of triples in each model graph.
    """
    changes = model_changes()
    store.apply(changes)
    return {c.graph: len(c.add) for c in changes}


def is_initialised(store: Store) -> bool:
    """Whether the ontology graph is in the store."""
    return ONTOLOGY_GRAPH in store.graphs()


# ---------------------------------------------------------------------------
# Importing
# ---------------------------------------------------------------------------


@dataclass
class Counts:
    """Records of one kind by what the import does to them."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    kept: int = 0
    invalid: int = 0


@dataclass
class Source:
    """One file: the graph it lands in, and what the first reading found in it."""

    path: Path
    graph: str
    sha256: str
    rdf: bool
    triples: list[ox.Triple] = field(default_factory=list)
    """An RDF file's triples (tabular files are read again, row by row, while importing)."""
    tables: list[tuple[Kind, dict[str, str], int] | None] = field(default_factory=list)
    """Per table of a tabular file: its record kind, header → column and rows, or None if unusable."""
    records: int = 0
    """Valid records read from it."""


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do)."""

    sources: list[Source] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dangling: int = 0
    """How many of the warnings are links to nothing (``--strict`` makes them errors)."""
    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    added: int = 0
    """Triples added to the data graphs."""
    removed: int = 0
    """Triples removed from the data graphs."""
    written: bool = False
    """Whether the store was changed (False on errors, violations and dry runs)."""
    records: list[str] = field(default_factory=list)
    """IRIs of the records read (when asked for with ``validate`` or ``locate``)."""
    locations: dict[str, tuple[Path, str]] = field(default_factory=dict)
    """Record IRI → (file, ``services.csv rinda / row 5``), when asked for with ``locate``."""
    report: object = None
    """The validation report of the imported records (with ``validate``)."""

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings do not stop an import)."""
        return not self.errors


@cache
def record_classes() -> dict[str, str]:
    """Class IRI → record kind name, for every record class and its subclasses."""
    graph = Graph()
    for path in (resources.ontology_file(), resources.reused_terms_file()):
        graph.parse(path, format="turtle")
    roots = {
        "services": "https://w3id.org/virsis/ontology#Service",
        "needs": "https://w3id.org/virsis/ontology#Need",
        "life_situations": "https://w3id.org/virsis/ontology#LifeSituation",
        "resources": "https://w3id.org/virsis/ontology#Resource",
        "organisations": "http://www.w3.org/ns/org#Organization",
        "people": "http://xmlns.com/foaf/0.1/Person",
        "roles": "https://w3id.org/virsis/ontology#RoleAssignment",
    }
    return {str(c): kind for kind, root in roots.items() for c in graph.transitive_subjects(RDFS.subClassOf, URIRef(root))}


Progress = Callable[[str, int, int], None]
"""Called as ``progress(what, done, total)`` while rows are turned into records."""

IDENTIFIER_PREDICATE = ox.NamedNode(DCT + "identifier")
REPLACES = ox.NamedNode(DCT + "replaces")
CHUNK_RECORDS = 2000
"""Records turned into triples, compared and written at a time: small enough that
an import's memory does not grow with the file, large enough for the bulk loader."""


def _survey(path: Path, options: dict, errors: list[str], base: str, defined: set[ox.NamedNode]) -> Source | None:
    """First reading: check the file's shape and learn which records it defines (for links)."""
    graph = options.get("graph") or source_graph(path, base)
    try:
        if is_rdf(path):
            triples = read_rdf(path, base)
            defined.update(t.subject for t in triples if t.predicate == IDENTIFIER_PREDICATE)
            return Source(path, graph, _sha256(path), rdf=True, triples=triples)
        tables = read_tables(path, options.get("sheet"), options.get("delimiter"))
    except RegisterError as exc:
        errors.append(str(exc))
        return None
    source = Source(path, graph, _sha256(path), rdf=False)
    for table in tables:
        kind = _table_kind(table, options.get("kind"), errors)
        columns = _map_header(table, kind, errors) if kind is not None else None
        if columns is None:
            source.tables.append(None)
            continue
        # Only the columns an identifier is made of are read now.
        wanted = {h: c for h, c in columns.items() if c == "identifier" or not kind.identified}
        prefix = f"{base}id/{kind.path}/"
        rows = 0
        try:
            for _, cells in table.rows:
                rows += 1
                identifier = record_identifier(kind, {c: cells.get(h, "") for h, c in wanted.items()})
                if IDENTIFIER.fullmatch(identifier):
                    defined.add(ox.NamedNode(prefix + identifier))
        except RegisterError as exc:  # a CSV row that cannot be read
            errors.append(str(exc))
            source.tables.append(None)
            continue
        if not rows:
            errors.append(f"{table.source}: nav ierakstu; pievienojiet rindas zem galvenes rindas / has no records: add rows under the header row")
            source.tables.append(None)
            continue
        source.tables.append((kind, columns, rows))
    return source


def _rows(source: Source, options: dict) -> Iterator[tuple[str, Kind, dict[str, str], int, int]]:
    """Second reading of a tabular file: (table name, kind, cells by column, row number, rows)."""
    tables = read_tables(source.path, options.get("sheet"), options.get("delimiter"))
    for table, decided in zip(tables, source.tables):
        if decided is None:
            continue
        kind, columns, total = decided
        for done, (where, cells) in enumerate(table.rows, 1):
            yield table.source, kind, where, {columns[h]: value for h, value in cells.items() if h in columns}, done, total


def _table_kind(table, kind_option: str | None, errors: list[str]) -> Kind | None:
    if kind_option:
        kind = kind_named(kind_option)
        if kind is None:
            errors.append(f"--kind {kind_option!r} nav ierakstu veids / is not a record kind; "
                          f"izvēlieties kādu no / use one of: {', '.join(k.name for k in KINDS)}")
        return kind
    kind = kind_named(table.name) or kind_of_header(table.header)
    if kind is None:
        # A name that starts like a kind's (services_2024) most likely is one whose header lacks a required column.
        near = next((k.name for k in KINDS if normalise(table.name).startswith(normalise(k.name).rstrip("s"))), None)
        hint = f" Vai domājāt / did you mean --kind {near}?" if near else ""
        sheet = " Darbgrāmatā --sheet izvēlas lapu / in a workbook, --sheet picks the sheet." if " / sheet " in table.source else ""
        errors.append(
            f"{table.source}: nevar noteikt, kāda veida ierakstus tas satur; nosauciet to pēc veida, lietojiet veidnes galveni vai norādiet --kind / "
            f"cannot tell which kind of records it holds: name it after the kind "
            f"({', '.join(k.name for k in KINDS)}), use the template's header, or give --kind.{hint}{sheet}"
        )
    return kind


def _map_header(table, kind: Kind, errors: list[str]) -> dict[str, str] | None:
    known = kind.column_names()
    columns, bad = {}, False
    for header in table.header:
        if not header:
            continue
        canonical = known.get(normalise(header))
        if canonical is None:
            names = [c.name for c in kind.columns]
            nearest = difflib.get_close_matches(normalise(header), list(known), n=1, cutoff=0.6)
            hint = f"vai domājāt / did you mean {known[nearest[0]]!r}? " if nearest else ""
            errors.append(f"{table.source} {row(1)}: nezināma kolonna {header!r} veidam {kind.name} / unknown column {header!r} for {kind.name}: "
                          f"{hint}kolonnas / the columns are {', '.join(names)}")
            bad = True
        elif canonical in columns.values():
            errors.append(f"{table.source} {row(1)}: kolonna {canonical!r} ir divreiz / column {canonical!r} appears twice")
            bad = True
        else:
            columns[header] = canonical
    missing = [c.name for c in kind.columns if c.required and c.name not in columns.values()]
    if missing:
        errors.append(f"{table.source} {row(1)}: trūkst veidam {kind.name} obligāto kolonnu / required column(s) missing for {kind.name}: {', '.join(missing)}")
        bad = True
    return None if bad else columns


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _candidates(link: Link, base: str) -> list[ox.NamedNode]:
    if ":" in link.identifier:
        kind, identifier = link.identifier.split(":", 1)
        return [ox.NamedNode(f"{base}id/{kind}/{identifier}")]
    return [ox.NamedNode(f"{base}id/{k}/{link.identifier}") for k in link.kinds]


# While importing, a triple is a ``(subject, predicate, object)`` tuple of pyoxigraph
# terms: the records' own tuples, not copies. An ox.Triple costs ~1.7 µs and a few
# hundred bytes to make, and a national register has millions of triples.
Terms = tuple


class TripleList(Sequence):
    """Triples held as :data:`Terms` tuples, read as pyoxigraph Triples (made one at a time).

    The embedded store writes the tuples as they are (:meth:`terms`); any other
    reader (a remote store, a count) sees an ordinary sequence of ox.Triple.
    """

    __slots__ = ("_terms",)

    def __init__(self, terms: list[Terms]) -> None:
        self._terms = terms

    def __len__(self) -> int:
        return len(self._terms)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [ox.Triple(*t) for t in self._terms[index]]
        return ox.Triple(*self._terms[index])

    def __iter__(self):
        return (ox.Triple(*t) for t in self._terms)

    def __repr__(self) -> str:
        return f"TripleList({len(self)} triples)"

    def terms(self) -> list[Terms]:
        """The triples as (subject, predicate, object) tuples, without making Triple objects."""
        return self._terms


def _by_subject(triples: Iterable[Terms]) -> dict[object, list[Terms]]:
    by_subject: dict[object, list[Terms]] = defaultdict(list)
    for t in triples:
        by_subject[t[0]].append(t)
    return by_subject


def _group(record: ox.NamedNode, by_subject: dict[object, list[Terms]], records: Container[ox.NamedNode]) -> set[Terms]:
    """Triples of one record: its own, and those of the non-record nodes it links to (channels, costs)."""
    owned, stack, seen = set(), [record], {record}
    while stack:
        node = stack.pop()
        for t in by_subject.get(node, ()):
            owned.add(t)
            if t[2] in by_subject and t[2] not in records and t[2] not in seen:
                seen.add(t[2])
                stack.append(t[2])
    return owned


class _Either:
    """Membership in either of two containers (without merging them)."""

    __slots__ = ("a", "b")

    def __init__(self, a: Container, b: Container) -> None:
        self.a, self.b = a, b

    def __contains__(self, item: object) -> bool:
        return item in self.a or item in self.b


_PLAIN = {"http://www.w3.org/2001/XMLSchema#string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}


def _canonical(triples: Iterable[ox.Triple]) -> list[Terms]:
    """Triples with typed literals in the store's canonical form, so diffs compare like with like.

    Rows make their typed literals in that form already (:func:`stored_literal`);
    this is for RDF files.
    """
    return [
        (t.subject, t.predicate, stored_literal(t.object))
        if isinstance(t.object, ox.Literal) and t.object.datatype.value not in _PLAIN
        else (t.subject, t.predicate, t.object)
        for t in triples
    ]


def _records_in(triples: Iterable[Terms]) -> dict[ox.NamedNode, str]:
    classes = record_classes()
    return {s: classes[o.value] for s, p, o in triples if p == RDF_TYPE and isinstance(o, ox.NamedNode) and o.value in classes}


def _stored_records(store: Store, graph: str) -> dict[ox.NamedNode, str]:
    """The records a source graph holds (IRI → kind), read before anything is written."""
    g = ox.NamedNode(graph)  # our own IRI, validated by NamedNode
    classes = record_classes()
    rows = store.query(f"SELECT ?s ?c WHERE {{ GRAPH {g} {{ ?s a ?c }} }}")
    return {r["s"]: classes[r["c"].value] for r in rows if isinstance(r["s"], ox.NamedNode) and r["c"].value in classes}


def _diff(source: Source, old: list[Terms], keep_missing: bool, counts: dict[str, Counts]) -> GraphChange | None:
    """An RDF source against what its graph holds, both whole (RDF files are read whole)."""
    new = _canonical(source.triples)
    new_records = _records_in(new)
    old_records = _records_in(old)
    # Triples are compared subject by subject (equal triples have equal subjects),
    # and a record's group is made only while it is compared.
    new_by = _by_subject(new) if old else {}
    old_by = _by_subject(old)
    for record, kind in new_records.items():
        if record not in old_records:
            counts[kind].new += 1
        elif _group(record, old_by, old_records) == _group(record, new_by, new_records):
            counts[kind].unchanged += 1
        else:
            counts[kind].changed += 1
    kept: set[Terms] = set()
    for record, kind in old_records.items():
        if record not in new_records:
            if keep_missing:
                counts[kind].kept += 1
                kept |= _group(record, old_by, old_records)
            else:
                counts[kind].removed += 1
    if any(isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode) for s, _, o in new):
        # Blank nodes from two parses never compare equal: a changed file replaces its graph.
        return GraphChange(source.graph, add=TripleList(list({**dict.fromkeys(new), **dict.fromkeys(kept)})), replace=True)
    if not old:
        add, remove = list(dict.fromkeys(new)), []  # dict, not set: file order, no duplicates
    else:
        add, remove = [], []
        for subject in {**new_by, **old_by}:
            target = dict.fromkeys(new_by.get(subject, ()))
            stored = old_by.get(subject, ())
            if kept:
                target.update(dict.fromkeys(t for t in stored if t in kept))
            stored_set = set(stored)
            add += [t for t in target if t not in stored_set]
            remove += [t for t in stored if t not in target]
    return GraphChange(source.graph, add=TripleList(add), remove=TripleList(remove)) if add or remove else None


def _stored_triples(store: Store, graph: str) -> list[Terms]:
    """The triples a graph holds, as :data:`Terms` tuples (repeated terms shared)."""
    shared: dict[object, object] = {}
    triples = []
    for q in store.quads(graph):
        s, p, o = q.subject, q.predicate, q.object
        if type(o) is ox.NamedNode:
            o = shared.setdefault(o, o)
        triples.append((shared.setdefault(s, s), shared.setdefault(p, p), o))
    return triples


@dataclass
class _Table:
    """What importing one tabular source has found so far."""

    old_records: dict[ox.NamedNode, str]
    seen: set[ox.NamedNode] = field(default_factory=set)
    referenced: set = field(default_factory=set)
    """Non-record nodes (channels, costs, groups) the file's records point at."""
    orphans: list[Terms] = field(default_factory=list)
    """Stored statements about nodes a changed or removed record no longer points at."""
    added: int = 0
    removed: int = 0
    distinct: set[Terms] = field(default_factory=set)
    """Triples added, kept only when the store cannot count them afterwards (buffered writes)."""


class _Import:
    """One run of ``virsis import``: read, check, compare and write, chunk by chunk.

    Tabular files are read twice. The first reading checks every file's shape
    and learns which records the files define, so that links resolve; nothing
    of the rows is kept. The second turns :data:`CHUNK_RECORDS` rows at a time
    into triples, compares them with what the store holds from that source and
    writes the difference through one :meth:`Store.writing` session: memory
    stays bounded however large the files are, and on the embedded store the
    writing of one chunk overlaps the reading of the next. A problem found late
    (a bad cell in the last row, a cycle, a violation) ends the session without
    its changes, so the store is exactly as it was before the import.
    """

    def __init__(self, store: Store, options: dict, keep_missing: bool, progress: Progress | None, keep: bool) -> None:
        self.store, self.options, self.keep_missing, self.progress, self.keep = store, options, keep_missing, progress, keep
        self.result = ImportResult()
        self.base = base_iri()
        self.id_prefix = f"{self.base}id/"
        self.defined: set[ox.NamedNode] = set()
        self.known: set[ox.NamedNode] = set()  # link targets found in the store
        self.asked: set[ox.NamedNode] = set()
        self.resolved: dict[tuple[str, tuple[str, ...]], ox.NamedNode | None] = {}
        self.replaces: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
        self.replaces_where: dict[ox.NamedNode, str] = {}
        self.subjects: set = set()  # of what RDF files add or remove: the records they touch are validated too
        self.writes: Writes | None = None
        self.wrote = False

    def survey(self, paths: list[Path]) -> None:
        """The first reading of every file; file-level problems become errors."""
        for path in paths:
            source = _survey(path, self.options, self.result.errors, self.base, self.defined)
            if source is not None:
                self.result.sources.append(source)
        graphs = [s.graph for s in self.result.sources]
        for g in sorted({g for g in graphs if graphs.count(g) > 1}):
            self.result.errors.append(f"divi faili nonāktu vienā grafā {g}; dodiet tiem dažādus nosaukumus / two files would land in the same graph {g}: give them different names")

    def run(self, writes: Writes, agent: str, now: dt.datetime) -> None:
        """The second reading: every source compared and written through ``writes``."""
        self.writes = writes
        # Edges of records this import does not bring, read before anything is written.
        stored_replaces = [(r["a"], r["b"]) for r in self.store.query(f"SELECT ?a ?b WHERE {{ ?a {REPLACES} ?b }}")]
        if not is_initialised(self.store):
            self._write(model_changes())
        for source in self.result.sources:
            self._source(source, agent, now)
        for a, b in stored_replaces:
            if a not in self.defined:
                self.replaces[a].add(b)
        self.result.errors += _cycles(self.replaces, self.replaces_where)

    def _write(self, changes: list[GraphChange]) -> None:
        if not self.result.errors:  # after the first error only checking goes on
            for change in changes:
                self.writes.write(change)
                self.wrote = True

    def _source(self, source: Source, agent: str, now: dt.datetime) -> None:
        unchanged_file = recorded_sha256(self.store, source.graph, self.base) == source.sha256
        if source.rdf:
            if unchanged_file:
                return  # the same bytes say the same triples
            changed, size = self._rdf(source)
        else:
            changed, size = self._table(source)
        if not self.result.errors and (changed or not unchanged_file):
            self._write([_provenance(source, self.store, self.base, agent, now, size)])

    # -- RDF files: read whole, compared whole ----------------------------------------

    def _rdf(self, source: Source) -> tuple[bool, int]:
        self._report_rdf_dangling(source)
        records = _records_in((t.subject, t.predicate, t.object) for t in source.triples)
        source.records = len(records)
        if self.keep:
            self.result.records += [r.value for r in records]
        old = _stored_triples(self.store, source.graph)
        change = _diff(source, old, self.keep_missing, self.result.counts)
        if change is None:
            return False, len(old)
        if self.keep:
            # A file may say things about a record it does not type, described in another file.
            gone = old if change.replace else change.remove.terms()
            self.subjects.update(s for s, _, _ in chain(change.add.terms(), gone))
        removed = len(old) if change.replace else len(change.remove)
        self.result.added += len(change.add)
        self.result.removed += removed
        self._write([change])
        return True, len(old) - removed + len(change.add)

    def _report_rdf_dangling(self, source: Source) -> None:
        """In RDF files, a link to a record IRI (``{base}id/...``) that nothing defines is reported too."""
        links = [t for t in source.triples if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(self.id_prefix) and t.predicate != RDF_TYPE]
        missing = {t.object for t in links} - self.defined
        missing -= self.store.existing(missing)
        names = {t.subject: t.object.value for t in source.triples if t.predicate == IDENTIFIER_PREDICATE}
        for t in links:
            if t.object in missing:
                who = names.get(t.subject, t.subject.value)
                self.result.dangling += 1
                self.result.warnings.append(f"{source.path.name}: {who} {t.predicate.value.rsplit('#', 1)[-1].rsplit('/', 1)[-1]} → {t.object.value}: "
                                            "tāda ieraksta nav ne failos, ne reģistrā (karājoša saite) / names no record in the files or the store (a dangling link)")

    # -- tabular files: streamed -------------------------------------------------------

    def _table(self, source: Source) -> tuple[bool, int]:
        graph = source.graph
        state = _Table(_stored_records(self.store, graph))
        before = self.store.count(graph)
        chunk: list[Record] = []
        seen: dict[str, str] = {}
        for name, kind, where, cells, done, total in _rows(source, self.options):
            if self.progress and done % 1000 == 0:
                self.progress(name, done, total)
            chunk.append(self._record(kind, where, cells, seen))
            if len(chunk) >= CHUNK_RECORDS:
                self._chunk(source, chunk, state)
                chunk = []
        self._chunk(source, chunk, state)
        self._missing(source, state)
        if self.result.errors or not (state.added or state.removed):
            return False, before
        if self.writes.visible:
            # Records may share nodes (a service group): the store knows the true count.
            self.writes.settle()
            size = self.store.count(graph)
            added = size - before + state.removed
        else:
            added = len(state.distinct)
            size = before - state.removed + added
        self.result.added += added
        self.result.removed += state.removed
        return True, size

    def _record(self, kind: Kind, where: str, cells: dict[str, str], seen: dict[str, str]) -> Record:
        problems: list[Problem] = []
        identifier = record_identifier(kind, cells)
        made_of = "identifier" if kind.identified else "person, role, scope"  # a role's identifier is composed of these
        if kind.identified and not identifier:
            problems.append(Problem(where, "nav identifikatora, tas vajadzīgs katram ierakstam / has no identifier: every record needs one", "identifier"))
        elif not IDENTIFIER.fullmatch(identifier):
            problems.append(Problem(where, f"{identifier!r} nav derīgs identifikators; lietojiet burtus, ciparus, '.', '_' vai '-' / "
                                          "is not a valid identifier: use letters, digits, '.', '_' or '-'", made_of))
        elif identifier in seen:
            problems.append(Problem(where, f"identifikators {identifier!r} jau lietots: {seen[identifier]}; katrs ieraksts failā vienreiz / "
                                          f"identifier {identifier!r} is already used in {seen[identifier]}: each record once per file", made_of))
        else:
            seen[identifier] = where
        for column in _required(kind):
            if not cells.get(column, "").strip():
                problems.append(Problem(where, "ir tukša, bet obligāta / is empty but required", column))
        path_id = identifier if IDENTIFIER.fullmatch(identifier or "-") else "invalid"
        record = Record(kind, identifier, ox.NamedNode(f"{self.base}id/{kind.path}/{path_id}"), where)
        kind.build(Row(kind, cells, where, self.base, problems), record)
        if problems:
            self.result.errors.extend(str(p) for p in problems)
            record.triples.clear()
            record.identifier = ""  # marks the record invalid for the counts
        return record

    def _chunk(self, source: Source, chunk: list[Record], state: _Table) -> None:
        valid = []
        for record in chunk:
            if record.identifier:
                valid.append(record)
            else:
                self.result.counts[record.kind.name].invalid += 1
        if not valid:
            return
        source.records += len(valid)
        self._described_elsewhere(source, valid)
        self._resolve(valid)
        if self.keep:
            for record in valid:
                self.result.records.append(record.iri.value)
                self.result.locations[record.iri.value] = (source.path, record.where)
        if self.result.errors:
            return  # nothing will be written: the rows are only checked from here on
        new = [t for r in valid for t in r.triples]
        self._compare(source.graph, new, {r.iri: r.kind.name for r in valid}, state)

    def _described_elsewhere(self, source: Source, records: list[Record]) -> None:
        """Warn of records that another graph already describes: most often a renamed copy of a file.

        The record would then live in both graphs: two titles break the
        registration rules, and removing its row from one file leaves it in the other.
        """
        rows = self.store.query_batched([r.iri for r in records], "SELECT DISTINCT ?s ?g WHERE { VALUES ?s { %s } "
                                        "GRAPH ?g { ?s <http://purl.org/dc/terms/identifier> [] } }")
        elsewhere: dict[ox.NamedNode, list[str]] = defaultdict(list)
        for r in rows:
            if r["g"].value != source.graph:
                elsewhere[r["s"]].append(r["g"].value)
        prefix = f"{self.base}graph/source/"
        for record in records:
            for graph in sorted(elsewhere.get(record.iri, ())):
                name = unquote(graph.removeprefix(prefix)) if graph.startswith(prefix) else graph
                self.result.warnings.append(
                    f"{record.where}: {record.identifier} jau apraksta {name}; importējiet vēlreiz to failu vai dzēsiet tā grafu (virsis drop-graph) / "
                    f"{record.identifier} is already described by {name}: import that file again, or drop its graph (virsis drop-graph)")

    def _resolve(self, records: list[Record]) -> None:
        """Links by identifier → the IRIs of the records they name (in the files or the store).

        Also notes who replaces whom, for the cycle check at the end.
        """
        places = [(r, i, r.triples[i][2]) for r in records for i in r.links]
        fresh: dict[tuple[str, tuple[str, ...]], list[ox.NamedNode]] = {}
        for _, _, link in places:
            key = (link.identifier, link.kinds)
            if key not in self.resolved and key not in fresh:
                fresh[key] = _candidates(link, self.base)
        # The store is asked only about candidates that come before the first one
        # defined in the files: the others cannot change which one is chosen.
        wanted = set()
        for found in fresh.values():
            for c in found:
                if c in self.defined:
                    break
                if c not in self.asked:
                    wanted.add(c)
        if wanted:
            self.known |= self.store.existing(wanted)
            self.asked |= wanted
        for key, found in fresh.items():
            self.resolved[key] = next((c for c in found if c in self.defined or c in self.known), None)
        for record, i, link in places:
            target = self.resolved[(link.identifier, link.kinds)]
            if target is None:
                kinds = " or ".join(link.kinds)
                latvian = " vai ".join(LATVIAN_KINDS.get(k, k) for k in link.kinds)
                self.result.dangling += 1
                self.result.warnings.append(f"{link.where}, kolonna / column {link.column}: {link.identifier!r}: tāda ieraksta ({latvian}) nav ne failos, ne reģistrā "
                                            f"(karājoša saite) / names no {kinds} record in the files or the store (a dangling link)")
                target = _candidates(link, self.base)[0]
            s, p, _ = record.triples[i]
            record.triples[i] = (s, p, target)
            if link.column == "replaces":
                self.replaces[s].add(target)
                self.replaces_where[s] = record.where
        for record in records:
            record.links.clear()

    def _old_groups(self, graph: str, records: list[ox.NamedNode], state: _Table) -> list[Terms]:
        """What the store's graph says about ``records`` and the nodes they own (minted under ``{base}id/``)."""
        known_records = _Either(self.defined, state.old_records)
        found: list[Terms] = []
        frontier, seen = records, set(records)
        while frontier:
            triples = self.store.about(frontier, graph)
            found += triples
            frontier = []
            for _, _, o in triples:
                if type(o) is ox.NamedNode and o not in seen and o.value.startswith(self.id_prefix) and o not in known_records:
                    seen.add(o)
                    frontier.append(o)
        return found

    def _compare(self, graph: str, new: list[Terms], records: dict[ox.NamedNode, str], state: _Table) -> None:
        counts = self.result.counts
        state.seen.update(records)
        if not state.old_records:  # nothing of this source in the store yet: all of it is new
            for kind in records.values():
                counts[kind].new += 1
            # Records may repeat a shared node's statements (a service group): the
            # store keeps one of each, and the counts are taken from it (or from
            # ``state.distinct`` when the writes are buffered).
            self._add(graph, new, state)
            return
        known_records = _Either(self.defined, state.old_records)
        new_by = _by_subject(new)
        old_by = _by_subject(self._old_groups(graph, [r for r in records if r in state.old_records], state))
        add: list[Terms] = []
        remove: list[Terms] = []
        for record, kind in records.items():
            new_group = _group(record, new_by, known_records)
            owned = {t[0] for t in new_group} - {record}
            state.referenced |= owned
            if record not in state.old_records:
                counts[kind].new += 1
                add += new_group
                continue
            old_group = _group(record, old_by, known_records)
            if old_group == new_group:
                counts[kind].unchanged += 1
                continue
            counts[kind].changed += 1
            add += new_group - old_group
            for t in old_group - new_group:
                # A node the record no longer points at may be another record's (a shared group).
                (remove if t[0] == record or t[0] in owned else state.orphans).append(t)
        self._add(graph, list(dict.fromkeys(add)), state)
        self._remove(graph, list(dict.fromkeys(remove)), state)

    def _missing(self, source: Source, state: _Table) -> None:
        """Records the store holds from this source that the file no longer has."""
        gone = [r for r in state.old_records if r not in state.seen]
        if self.result.errors:
            return
        remove: list[Terms] = []
        if gone:
            old_by = _by_subject(self._old_groups(source.graph, gone, state))
            known_records = _Either(self.defined, state.old_records)
            counts = self.result.counts
            for record in gone:
                group = _group(record, old_by, known_records)
                if self.keep_missing:
                    counts[state.old_records[record]].kept += 1
                    state.referenced |= {t[0] for t in group}
                    continue
                counts[state.old_records[record]].removed += 1
                for t in group:
                    (remove if t[0] == record else state.orphans).append(t)
        remove += [t for t in state.orphans if t[0] not in state.referenced]
        self._remove(source.graph, list(dict.fromkeys(remove)), state)

    def _add(self, graph: str, add: list[Terms], state: _Table) -> None:
        if add:
            state.added += len(add)
            if not self.writes.visible:
                state.distinct.update(add)
            self._write([GraphChange(graph, add=TripleList(add))])

    def _remove(self, graph: str, remove: list[Terms], state: _Table) -> None:
        if remove:
            if self.keep:
                # A record the file no longer has may be one others link to (its owner, a resource they use).
                self.subjects.update(t[0] for t in remove)
            state.removed += len(remove)
            self._write([GraphChange(graph, remove=TripleList(remove))])


_REQUIRED: dict[str, tuple[str, ...]] = {}


def _required(kind: Kind) -> tuple[str, ...]:
    """The required columns of a kind (looked up by name: hashing a Kind hashes all its columns)."""
    found = _REQUIRED.get(kind.name)
    if found is None:
        found = _REQUIRED[kind.name] = tuple(c.name for c in kind.columns if c.required)
    return found


def _cycles(edges: dict[ox.NamedNode, set[ox.NamedNode]], where: dict[ox.NamedNode, str]) -> list[str]:
    """Services that replace each other in a cycle, reported at the rows that start one."""
    errors, reported = [], set()
    for start in where:
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in edges.get(node, ()):
                if nxt == start and start not in reported:
                    reported.update(path)
                    chain = " → ".join(p.value.rsplit("/", 1)[1] for p in [*path, start])
                    errors.append(f"{where[start]}, kolonna / column replaces: pakalpojumi aizstāj cits citu ciklā ({chain}); pakalpojums nevar aizstāt pats sevi ne tieši, ne caur citiem / "
                                  f"services replace each other in a cycle ({chain}): a service cannot replace itself, directly or through others")
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    return errors


def _provenance(source: Source, store: Store, base: str, agent: str, now: dt.datetime, triples: int) -> GraphChange:
    graph = ox.NamedNode(source.graph)
    file, checksum, activity = (ox.NamedNode(f"{source.graph}/{part}") for part in ("file", "checksum", "import"))
    prov_graph = provenance_graph(base)
    old = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(prov_graph) if q.subject in (graph, file, checksum, activity)]
    time = ox.Literal(now.isoformat(timespec="seconds"), datatype=ox.NamedNode(XSD + "dateTime"))

    def p(ns: str, name: str) -> ox.NamedNode:
        return ox.NamedNode(ns + name)

    add = [
        ox.Triple(graph, RDF_TYPE, p(PROV, "Entity")),
        ox.Triple(graph, RDF_TYPE, p(VOID, "Dataset")),
        ox.Triple(graph, p(DCT, "title"), ox.Literal(source.path.name)),
        ox.Triple(graph, p(PROV, "wasDerivedFrom"), file),
        ox.Triple(graph, p(PROV, "wasGeneratedBy"), activity),
        ox.Triple(graph, p(PROV, "generatedAtTime"), time),
        ox.Triple(graph, p(VOID, "triples"), ox.Literal(str(triples), datatype=p(XSD, "integer"))),
        ox.Triple(graph, p(VOID, "entities"), ox.Literal(str(source.records), datatype=p(XSD, "integer"))),
        ox.Triple(file, RDF_TYPE, p(PROV, "Entity")),
        ox.Triple(file, p(DCT, "title"), ox.Literal(source.path.name)),
        ox.Triple(file, p(SPDX, "checksum"), checksum),
        ox.Triple(checksum, RDF_TYPE, p(SPDX, "Checksum")),
        ox.Triple(checksum, p(SPDX, "algorithm"), p(SPDX, "checksumAlgorithm_sha256")),
        ox.Triple(checksum, p(SPDX, "checksumValue"), ox.Literal(source.sha256, datatype=p(XSD, "hexBinary"))),
        ox.Triple(activity, RDF_TYPE, p(PROV, "Activity")),
        ox.Triple(activity, p(PROV, "used"), file),
        ox.Triple(activity, p(PROV, "endedAtTime"), time),
        ox.Triple(activity, p(PROV, "wasAssociatedWith"), TOOL),
        ox.Triple(activity, p(DCT, "creator"), ox.Literal(agent)),
        ox.Triple(TOOL, RDF_TYPE, p(PROV, "SoftwareAgent")),
        ox.Triple(TOOL, p(DCT, "title"), ox.Literal(f"virsis-graph {__version__}")),
    ]
    old_set, add_set = set(old), set(add)
    return GraphChange(prov_graph, add=[t for t in add if t not in old_set], remove=[t for t in old if t not in add_set])


def recorded_sha256(store: Store, graph: str, base: str | None = None) -> str | None:
    """The SHA-256 recorded for the file a source graph was last imported from."""
    checksum = ox.NamedNode(f"{graph}/checksum")
    for q in store.quads(provenance_graph(base)):
        if q.subject == checksum and q.predicate.value == SPDX + "checksumValue":
            return q.object.value
    return None


LATVIAN_KINDS = {k.path: k.label_lv.lower() for k in KINDS}
"""A record kind's IRI path segment (``life-situation``) → its name in Latvian messages (``dzīves situācijas``)."""

DELIMITER_NAMES = {"tab": "\t", "\\t": "\t"}
"""What people type for a tab on a command line (``--delimiter tab`` or ``'\\t'``)."""


def import_files(
    store: Store,
    paths: list[Path],
    *,
    kind: str | None = None,
    sheet: str | None = None,
    graph: str | None = None,
    delimiter: str | None = None,
    keep_missing: bool = False,
    agent: str | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
    strict: bool = False,
    validate: bool = False,
    locate: bool = False,
    engine: str = "auto",
    planned: list[GraphChange] | None = None,
) -> ImportResult:
    """Import ``paths`` into ``store`` in one atomic write, or report why not.

    Promises: when the result has errors (a bad file, row or cell; a cycle;
    with ``strict``, a dangling link; with ``validate``, a Violation of the
    registration rules), or with ``dry_run``, the store is exactly as it was.
    Errors name the file, row or line and column. Importing an unchanged file
    changes nothing, not even its provenance. ``validate`` validates the
    imported records in their neighbourhood (the report is ``result.report``);
    ``locate`` keeps where each record was read (``result.locations``).
    ``engine`` validates the records once written to the embedded store,
    before committing (``validation.ENGINES``); a dry run that validates
    writes there too and then rolls back. An import into a server engine is
    validated before it is written, by pyshacl.

    ``planned`` (with ``dry_run``, without ``validate``) receives the changes the
    import would make, for another writer to validate and make: the site's
    ``/import`` does, under its own write lock.
    """
    if planned is not None and not (dry_run and not validate):
        raise ValueError("planned: tikai ar dry_run un bez validate / only with dry_run and without validate")
    if graph and len(paths) > 1:
        return ImportResult(errors=["--graph nosauc vienu grafu: importējiet ar to vienu failu / --graph names one graph: import one file with it"])
    if graph:
        try:
            ox.NamedNode(graph)
        except ValueError:
            return ImportResult(errors=[f"--graph {graph!r}: nav absolūts IRI, piem., https://data.example.lv/graph/x / "
                                        "is not an absolute IRI, e.g. https://data.example.lv/graph/x"])
    delimiter = DELIMITER_NAMES.get(delimiter.lower(), delimiter) if delimiter else delimiter
    if delimiter is not None and len(delimiter) != 1:
        return ImportResult(errors=[f"--delimiter {delimiter!r}: viena rakstzīme, piem., ';' vai tab / one character, e.g. ';' or tab"])
    options = {"kind": kind, "sheet": sheet, "graph": graph, "delimiter": delimiter}
    run = _Import(store, options, keep_missing, progress, keep=validate or locate)
    result = run.result
    with collector_paused():
        run.survey(paths)
        # A dry run that validates writes into the embedded store as the import would, validates
        # there and rolls back: its report is the import's, by the same engine, at any scale.
        with store.writing(buffered=dry_run and not validate) as writes:
            run.run(writes, agent or _agent(), now or dt.datetime.now(dt.timezone.utc))
            if strict and result.dangling:
                result.errors.append(f"{result.dangling} karājošas saites ar --strict / dangling link(s) with --strict")
            changed = result.added or result.removed
            if validate and changed and not result.errors:
                from .validation import validate_import

                writes.settle()  # the records are read back from the store
                result.report = validate_import(store, result, run.subjects, pending=None if writes.visible else writes.changes, engine=engine)
                if not result.report.conforms("violation"):
                    n = result.report.count("violation")
                    result.errors.append(
                        f"{n} {'pārkāpums' if singular(n, 'lv') else 'pārkāpumi'}; izlabojiet ierakstus vai importējiet ar --no-validate / "
                        f"{n} {'violation' if n == 1 else 'violations'}: fix the records, or import anyway with --no-validate"
                    )
            if planned is not None and not result.errors and run.wrote:
                planned.extend(writes.changes)  # buffered: a dry run that does not validate
            if result.errors or dry_run or not run.wrote:
                writes.discard()
            result.written = not writes.discarded
    return result


def import_examples(store: Store) -> ImportResult:
    """Load the model and the example registry (``data/examples/``) into ``store``.

    Raises :class:`RegisterError` if the examples do not import cleanly.
    """
    initialise(store)
    result = import_files(store, resources.example_files())
    if result.errors:
        raise RegisterError("\n".join(result.errors))
    return result


def _agent() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


# ---------------------------------------------------------------------------
# Listing and removing sources
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceInfo:
    """What the provenance graph says about one imported source graph."""

    graph: str
    file: str
    time: str
    records: int
    sha256: str


def sources(store: Store) -> list[SourceInfo]:
    """Every source graph with the file, time, record count and checksum of its last import."""
    graph = ox.NamedNode(provenance_graph())  # our own IRI, validated by NamedNode
    rows = store.query(
        f"SELECT ?g ?file ?time ?n ?sha WHERE {{ GRAPH {graph} {{ "
        f"?g <{PROV}wasDerivedFrom> ?f ; <{PROV}generatedAtTime> ?time ; <{VOID}entities> ?n . "
        f"?f <{DCT}title> ?file ; <{SPDX}checksum>/<{SPDX}checksumValue> ?sha }} }} ORDER BY ?g"
    )
    return [SourceInfo(r["g"].value, r["file"].value, r["time"].value, int(r["n"].value), r["sha"].value) for r in rows]


def drop_source(store: Store, graph: str) -> int:
    """Remove a source graph and its provenance in one atomic write; return the triples it held."""
    held = store.count(graph)
    subjects = {ox.NamedNode(graph), *(ox.NamedNode(f"{graph}/{part}") for part in ("file", "checksum", "import"))}
    prov_graph = provenance_graph()
    old = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(prov_graph) if q.subject in subjects]
    store.apply([GraphChange(graph, replace=True), GraphChange(prov_graph, remove=old)])
    return held
