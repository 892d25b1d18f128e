"""``virsis import``: read files, check them, work out the changes, apply them at once.

The work is split so that nothing is written until everything is known to be
right: :func:`plan_import` reads every file, turns rows into records, resolves
links, checks identifiers and cycles and compares each source with what the
store holds from it; :func:`apply_plan` then makes all the changes in one atomic
:meth:`Store.apply`. A file with any error therefore writes nothing, and
importing an unchanged file changes nothing (not even its provenance).

Each source file lands in its own named graph ``{base}graph/source/{file name}``;
its provenance (file name, SHA-256, time, tool, agent, counts) is kept in
``{base}graph/provenance`` with PROV-O, VoID and SPDX terms.
"""

from __future__ import annotations

import datetime as dt
import difflib
import gc
import getpass
import hashlib
from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from . import __version__, resources
from .importers import is_rdf, read_tables
from .importers.rdf import read_rdf
from .records import IDENTIFIER, KINDS, RDF_TYPE, Kind, Link, Problem, Record, Row, kind_named, kind_of_header, record_identifier, stored_literal
from .codelists import normalise
from .settings import base_iri
from .store import GraphChange, RegisterError, Store, rdf_format

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
# Planning
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
    """One file: the graph it lands in and the records and triples read from it."""

    path: Path
    graph: str
    sha256: str
    rdf: bool
    records: list[Record] = field(default_factory=list)
    triples: list[ox.Triple] = field(default_factory=list)


@dataclass
class ImportPlan:
    """Everything an import would do, worked out without writing."""

    sources: list[Source]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    changes: list[GraphChange] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings do not stop an import)."""
        return not self.errors

    @property
    def triples_added(self) -> int:
        return sum(len(c.add) for c in self.changes)

    @property
    def triples_removed(self) -> int:
        return sum(len(c.remove) for c in self.changes)


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


def _read_source(path: Path, options: dict, errors: list[str], base: str, progress: Progress | None = None) -> Source | None:
    raw_path = path
    try:
        if is_rdf(path):
            triples = read_rdf(path, base)
            source = Source(path, options.get("graph") or source_graph(path, base), _sha256(path), rdf=True, triples=triples)
            return source
        tables = read_tables(path, options.get("sheet"), options.get("delimiter"))
    except RegisterError as exc:
        errors.append(str(exc))
        return None
    source = Source(raw_path, options.get("graph") or source_graph(path, base), _sha256(path), rdf=False)
    for table in tables:
        kind = _table_kind(table, options.get("kind"), errors)
        if kind is None:
            continue
        columns = _map_header(table, kind, errors)
        if columns is None:
            continue
        if not table.rows:
            errors.append(f"{table.source}: has no records: add rows under the header row")
            continue
        seen: dict[str, str] = {}
        required = [c.name for c in kind.columns if c.required]
        for done, (where, cells) in enumerate(table.rows, 1):
            if progress and done % 1000 == 0:
                progress(table.source, done, len(table.rows))
            cells = {columns[h]: value for h, value in cells.items() if h in columns}
            problems: list[Problem] = []
            identifier = record_identifier(kind, cells)
            if kind.identified and not identifier:
                problems.append(Problem(where, "has no identifier: every record needs one", "identifier"))
            elif not IDENTIFIER.fullmatch(identifier):
                problems.append(Problem(where, f"{identifier!r} is not a valid identifier: use letters, digits, '.', '_' or '-'", "identifier"))
            elif identifier in seen:
                problems.append(Problem(where, f"identifier {identifier!r} is already used in {seen[identifier]}: each record once per file", "identifier"))
            else:
                seen[identifier] = where
            for column in required:
                if not cells.get(column, "").strip():
                    problems.append(Problem(where, "is empty but required", column))
            record = Record(kind, identifier, ox.NamedNode(f"{base}id/{kind.path}/{identifier}") if IDENTIFIER.fullmatch(identifier or "-") else ox.NamedNode(f"{base}id/{kind.path}/invalid"), where)
            kind.build(Row(kind, cells, where, base, problems), record)
            if problems:
                errors.extend(str(p) for p in problems)
                record.triples.clear()
                record.identifier = ""  # marks the record invalid for the counts
            source.records.append(record)
    return source


def _table_kind(table, kind_option: str | None, errors: list[str]) -> Kind | None:
    if kind_option:
        kind = kind_named(kind_option)
        if kind is None:
            errors.append(f"--kind {kind_option!r} is not a record kind: use one of {', '.join(k.name for k in KINDS)}")
        return kind
    kind = kind_named(table.name) or kind_of_header(table.header)
    if kind is None:
        errors.append(
            f"{table.source}: cannot tell which kind of records it holds: name it after the kind "
            f"({', '.join(k.name for k in KINDS)}), use the template's header, or give --kind"
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
            hint = f"did you mean {known[nearest[0]]!r}? " if nearest else ""
            errors.append(f"{table.source} row 1: unknown column {header!r} for {kind.name}: {hint}the columns are {', '.join(names)}")
            bad = True
        elif canonical in columns.values():
            errors.append(f"{table.source} row 1: column {canonical!r} appears twice")
            bad = True
        else:
            columns[header] = canonical
    missing = [c.name for c in kind.columns if c.required and c.name not in columns.values()]
    if missing:
        errors.append(f"{table.source} row 1: required column(s) missing for {kind.name}: {', '.join(missing)}")
        bad = True
    return None if bad else columns


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _candidates(link: Link, base: str) -> list[ox.NamedNode]:
    if ":" in link.identifier:
        kind, identifier = link.identifier.split(":", 1)
        return [ox.NamedNode(f"{base}id/{kind}/{identifier}")]
    return [ox.NamedNode(f"{base}id/{k}/{link.identifier}") for k in link.kinds]


IDENTIFIER_PREDICATE = ox.NamedNode(DCT + "identifier")


def _resolve_links(sources: list[Source], store: Store, base: str, warnings: list[str]) -> None:
    defined = {r.iri for s in sources for r in s.records if r.identifier}
    defined |= {t.subject for s in sources if s.rdf for t in s.triples if t.predicate == IDENTIFIER_PREDICATE}
    # Where each link sits, in reading order (warnings follow the rows).
    places = [(r.triples, i, o) for s in sources for r in s.records for i, (_, _, o) in enumerate(r.triples) if isinstance(o, Link)]
    # Rows name the same few targets over and over (an institution, an owner):
    # each distinct (identifier, kinds) is looked up once.
    candidates: dict[tuple[str, tuple[str, ...]], list[ox.NamedNode]] = {}
    for _, _, link in places:
        key = (link.identifier, link.kinds)
        if key not in candidates:
            candidates[key] = _candidates(link, base)
    # The store is asked only about candidates that come before the first one
    # defined in the files: the others cannot change which one is chosen.
    wanted = set()
    for found in candidates.values():
        for c in found:
            if c in defined:
                break
            wanted.add(c)
    known = store.existing(wanted)
    resolved = {key: next((c for c in found if c in defined or c in known), None) for key, found in candidates.items()}
    for triples, i, link in places:
        key = (link.identifier, link.kinds)
        target = resolved[key]
        if target is None:
            kinds = " or ".join(link.kinds)
            warnings.append(f"{link.where}, column {link.column}: {link.identifier!r} names no {kinds} record in the files or the store (a dangling link)")
            target = candidates[key][0]
        s, p, _ = triples[i]
        triples[i] = (s, p, target)
    _report_rdf_dangling(sources, store, base, defined, warnings)


def _report_rdf_dangling(sources: list[Source], store: Store, base: str, defined: set, warnings: list[str]) -> None:
    """In RDF files, a link to a record IRI (``{base}id/...``) that nothing defines is reported too."""
    prefix = f"{base}id/"
    for source in (s for s in sources if s.rdf):
        links = [t for t in source.triples if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(prefix) and t.predicate != RDF_TYPE]
        missing = {t.object for t in links} - defined
        missing -= store.existing(missing)
        names = {t.subject: t.object.value for t in source.triples if t.predicate == IDENTIFIER_PREDICATE}
        for t in links:
            if t.object in missing:
                who = names.get(t.subject, t.subject.value)
                warnings.append(f"{source.path.name}: {who} {t.predicate.value.rsplit('#', 1)[-1].rsplit('/', 1)[-1]} → {t.object.value} names no record in the files or the store (a dangling link)")


def _replacement_cycles(sources: list[Source], store: Store) -> list[str]:
    replaces = ox.NamedNode(DCT + "replaces")
    edges: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    where: dict[ox.NamedNode, str] = {}
    batch = {r.iri for s in sources for r in s.records}
    for row in store.query(f"SELECT ?a ?b WHERE {{ ?a <{replaces.value}> ?b }}"):
        if row["a"] not in batch:
            edges[row["a"]].add(row["b"])
    for source in sources:
        for record in source.records:
            for s, p, o in record.triples:
                if p == replaces:
                    edges[s].add(o)
                    where[s] = record.where
    errors, reported = [], set()
    for start in where:
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in edges.get(node, ()):
                if nxt == start and start not in reported:
                    reported.update(path)
                    chain = " → ".join(p.value.rsplit("/", 1)[1] for p in [*path, start])
                    errors.append(f"{where[start]}, column replaces: services replace each other in a cycle ({chain}): a service cannot replace itself, directly or through others")
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    return errors


# While planning, a triple is a ``(subject, predicate, object)`` tuple of pyoxigraph
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


def _source_triples(source: Source) -> list[Terms]:
    if source.rdf:
        return _canonical(source.triples)
    return [t for r in source.records for t in r.triples]


def _diff(source: Source, old: list[Terms], keep_missing: bool, counts: dict[str, Counts]) -> GraphChange | None:
    new = _source_triples(source)
    new_records = _records_in(new)
    old_records = _records_in(old)
    # Triples are compared subject by subject (equal triples have equal subjects),
    # and a record's group is made only while it is compared: a register's worth
    # of sets of triples is never held at once. Into an empty graph (a first
    # import) every record is new and nothing needs grouping.
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
    for record in source.records:
        if not record.identifier:
            counts[record.kind.name].invalid += 1
    if source.rdf and any(isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode) for s, _, o in new):
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
    """The triples a graph holds, as :data:`Terms` tuples.

    Every quad read brings new term objects; the subjects, predicates and IRIs
    among them repeat (a record's dozens of triples, a few dozen predicates and
    classes), so they share one object each (at 100 000 services, gigabytes).
    """
    shared: dict[object, object] = {}
    triples = []
    for q in store.quads(graph):
        s, p, o = q.subject, q.predicate, q.object
        if type(o) is ox.NamedNode:
            o = shared.setdefault(o, o)
        triples.append((shared.setdefault(s, s), shared.setdefault(p, p), o))
    return triples


def _provenance(source: Source, store: Store, base: str, agent: str, now: dt.datetime, triples: int) -> GraphChange:
    graph = ox.NamedNode(source.graph)
    file, checksum, activity = (ox.NamedNode(f"{source.graph}/{part}") for part in ("file", "checksum", "import"))
    prov_graph = provenance_graph(base)
    old = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(prov_graph) if q.subject in (graph, file, checksum, activity)]
    time = ox.Literal(now.isoformat(timespec="seconds"), datatype=ox.NamedNode(XSD + "dateTime"))
    records = sum(1 for r in source.records if r.identifier) if not source.rdf else len(_records_in(source.triples))

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
        ox.Triple(graph, p(VOID, "entities"), ox.Literal(str(records), datatype=p(XSD, "integer"))),
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


def plan_import(
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
) -> ImportPlan:
    """Work out everything importing ``paths`` would do; write nothing.

    The plan's ``errors`` name the file, row or line and column of every problem
    found; when there is any, the plan has no changes.
    """
    if graph and len(paths) > 1:
        return ImportPlan([], errors=["--graph names one graph: import one file with it"])
    options = {"kind": kind, "sheet": sheet, "graph": graph, "delimiter": delimiter}
    with _collector_paused():
        return _plan(store, paths, options, keep_missing, agent, now, progress)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while planning.

    Planning makes millions of small tuples (the triples) and keeps them; every
    few thousand allocations the collector would walk them all again, which at
    100 000 services is half the planning time. The records make no reference
    cycles, so nothing is lost by collecting once at the end.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _plan(store: Store, paths: list[Path], options: dict, keep_missing: bool, agent: str | None, now: dt.datetime | None, progress: Progress | None) -> ImportPlan:
    base = base_iri()
    plan = ImportPlan([])
    for path in paths:
        source = _read_source(path, options, plan.errors, base, progress)
        if source is not None:
            plan.sources.append(source)
    graphs = [s.graph for s in plan.sources]
    duplicates = {g for g in graphs if graphs.count(g) > 1}
    for g in sorted(duplicates):
        plan.errors.append(f"two files would land in the same graph {g}: give them different names")
    _resolve_links(plan.sources, store, base, plan.warnings)
    plan.errors += _replacement_cycles(plan.sources, store)
    counts: dict[str, Counts] = defaultdict(Counts)
    for source in plan.sources:
        old = _stored_triples(store, source.graph)
        file_unchanged = recorded_sha256(store, source.graph, base) == source.sha256
        change = None if (file_unchanged and source.rdf) else _diff(source, old, keep_missing, counts)
        if change is not None:
            plan.changes.append(change)
            size = len(change.add) if change.replace else len(old) - len(change.remove) + len(change.add)
        else:
            size = len(old)
        if change is not None or not file_unchanged:
            plan.changes.append(_provenance(source, store, base, agent or _agent(), now or dt.datetime.now(dt.timezone.utc), size))
    plan.counts = counts
    if plan.errors:
        plan.changes = []
    elif plan.changes and not is_initialised(store):
        plan.changes = model_changes() + plan.changes
    return plan


def _agent() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def apply_plan(store: Store, plan: ImportPlan) -> None:
    """Make the plan's changes in one atomic write; refuse a plan with errors."""
    if plan.errors:
        raise RegisterError("\n".join([*plan.errors, "nekas netika ierakstīts / nothing was written"]))
    store.apply(plan.changes)


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
