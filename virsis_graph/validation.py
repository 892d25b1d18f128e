"""Validation of service descriptions against the registration and quality shapes.

pyshacl is the engine and its ``sh:ValidationReport`` the reference output; this
module adds what a person or a CI system needs around it: which record each
result belongs to (a channel's or cost's result belongs to its service), where
that record came from (file and row or line), and which quality condition and
sub-criterion the shape checks, so reports can be grouped by condition.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import NamedTuple, Protocol

import pyoxigraph as ox
from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SH, SKOS

from . import resources
from .codelists import vocabularies
from .importing import ImportResult, Source, record_classes
from .namespaces import VIRSIS
from .store import Store

SEVERITIES = ("violation", "warning", "info")
_SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@dataclass(frozen=True)
class Condition:
    """The quality condition (or sub-criterion) a shape checks."""

    notation: str
    lv: str
    en: str

    @cached_property
    def number(self) -> int:
        """The number of the top condition (1–10), or 0 when unknown."""
        # Cached: reports sort millions of results by it.
        head = self.notation.split(".", 1)[0]
        return int(head) if head.isdigit() else 0


UNKNOWN = Condition("", "bez nosacījuma", "no condition")


@dataclass(frozen=True)
class Location:
    """Where a record was read: the file as given, and the row or line when known."""

    file: str
    line: int | None
    text: str
    """For people: ``services.csv row 5``, ``book.xlsx sheet Needs row 3``, ``services.ttl line 12``."""


@dataclass(slots=True)
class Result:
    """One validation result, tied to the record it is about."""

    # Slots, because a register of a million services has some twelve million results.
    severity: str
    shape: str
    focus: str
    record: str
    identifier: str
    kind: str
    path: str | None
    value: str | None
    message: dict[str, str]
    condition: Condition
    sub_criterion: Condition
    title: dict[str, str] = field(default_factory=dict)
    where: Location | None = None

    def text(self, lang: str) -> str:
        """The message in ``lang`` (falling back to the other language)."""
        return self.message.get(lang) or next(iter(self.message.values()), "")


@dataclass
class Report:
    """All results of one validation run, and the standard SHACL report graph."""

    results: list[Result]
    records: int
    source: Graph | Callable[[], Graph] = field(repr=False)
    """The report graph, or what builds it on first use (the compiled engine's, for a large register)."""
    fallback: dict[str, list[str]] = field(default_factory=dict)
    """Shapes the compiled engine left to pyshacl (``--engine auto``), with why."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per step of making it with the compiled engine (``locations``, ``checks``, ``filing``), for benchmarks."""

    @property
    def graph(self) -> Graph:
        """The standard ``sh:ValidationReport``."""
        if not isinstance(self.source, Graph):
            self.source = self.source()
        return self.source

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def conforms(self, fail_on: str = "violation") -> bool:
        """True when no result is at ``fail_on`` severity or more serious."""
        worst = SEVERITIES[: SEVERITIES.index(fail_on) + 1]
        return not any(r.severity in worst for r in self.results)

    def summary(self) -> str:
        """The counts of records and results, Latvian first."""
        records, violations, warnings, infos = self.records, self.count("violation"), self.count("warning"), self.count("info")
        return (
            f"ieraksti {records}, pārkāpumi {violations}, brīdinājumi {warnings}, informatīvi {infos} / "
            f"{records} records, {violations} violations, {warnings} warnings, {infos} infos"
        )


# ---------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------


def shape_files() -> list[Path]:
    """``shapes/*.ttl``: registration first, then the ten conditions in order."""
    return sorted((resources.data_root() / "shapes").glob("*.ttl"), key=lambda p: (not p.name.startswith("registration"), p.name))


@cache
def all_shapes() -> Graph:
    """Every shape file as one graph (parsed once per process)."""
    graph = Graph()
    for path in shape_files():
        graph.parse(path, format="turtle")
    return graph


def _condition_of(concept: URIRef | None) -> tuple[Condition, Condition]:
    """(top condition, sub-criterion) of a concept from the quality-condition scheme."""
    if concept is None:
        return UNKNOWN, UNKNOWN
    vocab = vocabularies()

    def describe(c: URIRef) -> Condition:
        labels = {o.language: str(o) for o in vocab.objects(c, SKOS.prefLabel) if isinstance(o, Literal)}
        return Condition(str(vocab.value(c, SKOS.notation) or ""), labels.get("lv", ""), labels.get("en", ""))

    sub = describe(concept)
    top = vocab.value(concept, SKOS.broader)
    return (describe(top) if top is not None else sub), sub


def shapes_for(conditions: Iterable[int] = ()) -> Graph:
    """The shapes graph, keeping only shapes of the given condition numbers (all when empty).

    Shapes without a condition (helpers) are always kept.
    """
    wanted = set(conditions)
    graph = all_shapes()
    if not wanted:
        return graph
    keep = Graph()
    for prefix, ns in graph.namespaces():
        keep.bind(prefix, ns)
    drop = {shape for shape, concept in graph.subject_objects(VIRSIS.checksCondition) if _condition_of(concept)[0].number not in wanted}
    for s, p, o in graph:
        # Property shapes of a dropped node shape stay, unreferenced: SHACL never runs them alone.
        if s not in drop and not (p == SH.property and o in drop):
            keep.add((s, p, o))
    return keep


# ---------------------------------------------------------------------------
# Running pyshacl and reading its report
# ---------------------------------------------------------------------------


def _checked_condition(shapes: Graph, shape: URIRef) -> URIRef | None:
    """The condition a shape checks, or that of the node shape it is a property of."""
    concept = shapes.value(shape, VIRSIS.checksCondition)
    if concept is None:
        parent = shapes.value(None, SH.property, shape)
        concept = shapes.value(parent, VIRSIS.checksCondition) if parent is not None else None
    return concept


def _shape_id(shapes: Graph, shape: object) -> str:
    """A stable name for a shape: its IRI, or for a blank property shape its node shape's IRI and path."""
    if isinstance(shape, URIRef):
        return str(shape)
    parent = shapes.value(None, SH.property, shape)
    path = shapes.value(shape, SH.path)
    local = re.split(r"[#/]", str(path))[-1] if isinstance(path, URIRef) else "path"
    return f"{parent}-{local}" if parent is not None else str(shape)


def validate_graph(data: Graph, shapes: Graph, locations: dict[str, Location] | None = None) -> Report:
    """Validate ``data`` (records plus the model: ontology and vocabularies) against ``shapes``.

    The model must be in ``data`` because SHACL finds instances of subclasses
    and checks ``sh:class`` through the data graph's ``rdfs:subClassOf``.
    No inference is run: the report is about what the descriptions say.
    """
    return _report(data, shapes, run_pyshacl(data, shapes), locations)


def run_pyshacl(data: Graph, shapes: Graph) -> Graph:
    """pyshacl's ``sh:ValidationReport`` graph (no inference, Warnings allowed), with SPARQL messages' languages kept.

    pyshacl drops the language tag of every ``sh:message`` it fills in for a
    SPARQL-based constraint (``"…"@lv`` comes back as ``"…"``), even when there
    is nothing to fill in; a bilingual report then cannot tell its Latvian
    message from its English one. SHACL substitutes ``{?var}`` in the message,
    and the message keeps its language: each untagged message of a result with
    ``sh:sourceConstraint`` gets the tag of the shape's or constraint's message
    it was filled in from.
    """
    _, report, _ = pyshacl_validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    for result, constraint in list(report.subject_objects(SH.sourceConstraint)):
        shape = report.value(result, SH.sourceShape)
        templates = [*shapes.objects(constraint, SH.message), *(shapes.objects(shape, SH.message) if shape is not None else ())]
        for message in list(report.objects(result, SH.resultMessage)):
            if not isinstance(message, Literal) or message.language:
                continue
            template = next((t for t in templates if isinstance(t, Literal) and t.language and _fills(t, message)), None)
            if template is not None:
                report.remove((result, SH.resultMessage, message))
                report.add((result, SH.resultMessage, Literal(str(message), lang=template.language)))
    return report


def _fills(template: Literal, message: Literal) -> bool:
    """Whether ``message`` is ``template`` with its ``{?var}``/``{$var}`` placeholders filled in."""
    parts = re.split(r"\{[?$]\w+\}", str(template))
    return re.fullmatch(".*?".join(re.escape(part) for part in parts), str(message), re.DOTALL) is not None


def _report(data: Graph, shapes: Graph, report_graph: Graph, locations: dict[str, Location] | None) -> Report:
    """Read pyshacl's report graph into :class:`Result`\\ s tied to records and conditions."""
    return tie(read_findings(report_graph), GraphRecords(data), shapes, report_graph, locations)


class Finding(NamedTuple):
    """One ``sh:ValidationResult`` as an engine reports it, before it is tied to a record."""

    focus: str
    shape: object
    """The ``sh:sourceShape`` node, as in the shapes graph."""
    path: str | None
    """The result path when it is one predicate."""
    value: str | None
    severity: str
    """``violation``, ``warning`` or ``info``."""
    messages: dict[str, str]
    """``sh:resultMessage`` by language (``en`` for an untagged one)."""


def read_findings(report_graph: Graph) -> list[Finding]:
    """The results of a report graph."""
    found = []
    for node in report_graph.subjects(RDF.type, SH.ValidationResult):
        path = report_graph.value(node, SH.resultPath)
        value = report_graph.value(node, SH.value)
        found.append(Finding(
            focus=str(report_graph.value(node, SH.focusNode)),
            shape=report_graph.value(node, SH.sourceShape),
            path=str(path) if isinstance(path, URIRef) else None,
            value=str(value) if value is not None else None,
            severity=_SEVERITY.get(report_graph.value(node, SH.resultSeverity), "violation"),
            messages={m.language or "en": str(m) for m in report_graph.objects(node, SH.resultMessage)},
        ))
    return found


class RecordIndex(Protocol):
    """What tying results to records needs to know about the data, asked in bulk."""

    def kinds(self) -> dict[str, str]:
        """Every record: IRI → kind (``services``, ``people`` ...)."""

    def owners(self, nodes: set[str], kinds: dict[str, str]) -> dict[str, str]:
        """For nodes that are not records: the record that links to them (directly or through other nodes)."""

    def labels(self, records: set[str]) -> dict[str, tuple[str | None, dict[str, str]]]:
        """Record IRI → (``dct:identifier``, ``dct:title`` by language)."""


def owning_records(nodes: Iterable[str], parents: Callable[[list[str]], dict[str, Iterable[str]]],
                   kinds: dict[str, str]) -> dict[str, str]:
    """For nodes that are not records (a cost, a channel, a shared template): the record each belongs to.

    The least IRI of the nearest records linking to the node
    (:func:`linking_records`). So a part shared by several records is filed
    under one of them, the same one for every engine, and whichever other
    nodes are asked about at the same time or however much of the register
    is at hand. Nodes without an owner are left out.
    """
    return {node: min(records) for node, records in linking_records(nodes, parents, kinds).items()}


def linking_records(nodes: Iterable, parents: Callable[[list], dict[object, Iterable]], kinds: dict) -> dict[object, set]:
    """For nodes that are not records: the nearest records linking to each, directly or through other nodes.

    The links are walked up level by level (breadth first), and at the first
    level where any record links to a node reached, every record there.
    ``parents(nodes)`` gives, per node, the subjects that link to it; it is
    asked once per level for all nodes at once, and may add to ``kinds`` (the
    records, as keys) the records among what it returns. Nodes without any
    record above them are left out.
    """
    owners: dict[object, set] = {}
    pending = {n: {n} for n in nodes}  # node reached → the nodes it was reached from
    visited = {n: {n} for n in pending}
    while pending:
        found = {node: set(subjects) for node, subjects in parents(list(pending)).items()}
        candidates: dict[object, set] = defaultdict(set)
        for node, origins in pending.items():
            records = {s for s in found.get(node, ()) if s in kinds}
            if records:
                for origin in origins:
                    candidates[origin] |= records
        owners.update(candidates)
        reached: dict[object, set] = defaultdict(set)
        for node, origins in pending.items():
            for origin in origins:
                if origin in candidates:  # not ``origins - candidates.keys()``: that walks every key
                    continue
                for s in found.get(node, ()):
                    if s not in visited[origin]:
                        visited[origin].add(s)
                        reached[s].add(origin)
        pending = reached
    return owners


def is_iri(text: str) -> bool:
    """Whether a result's focus node, named by ``text``, is an IRI, not a blank node's label.

    An IRI has a scheme and a colon; a blank node's label has no colon.
    """
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return ":" in text


class GraphRecords:
    """:class:`RecordIndex` over an rdflib graph of the data."""

    def __init__(self, data: Graph) -> None:
        self.data = data

    def kinds(self) -> dict[str, str]:
        classes = record_classes()
        return {str(s): classes[str(o)] for s, o in self.data.subject_objects(RDF.type) if str(o) in classes}

    def owners(self, nodes: set[str], kinds: dict[str, str]) -> dict[str, str]:
        def parents(batch: list[str]) -> dict[str, Iterable[str]]:
            return {n: [str(s) for s in self.data.subjects(None, URIRef(n) if is_iri(n) else BNode(n))] for n in batch}

        return owning_records(nodes, parents, kinds)

    def labels(self, records: set[str]) -> dict[str, tuple[str | None, dict[str, str]]]:
        out = {}
        for record in records:
            node = URIRef(record)
            identifier = self.data.value(node, DCTERMS.identifier)
            titles = {o.language: str(o) for o in self.data.objects(node, DCTERMS.title) if isinstance(o, Literal) and o.language}
            out[record] = (str(identifier) if identifier is not None else None, titles)
        return out


def tie(findings: list[Finding], index: RecordIndex, shapes: Graph, graph: Graph | Callable[[], Graph],
        locations: dict[str, Location] | None) -> Report:
    """Results tied to the record each is about (the focus, or the record owning it), with conditions and places."""
    kinds = index.kinds()
    owners = index.owners({f.focus for f in findings if f.focus not in kinds}, kinds)
    labels = index.labels({f.focus if f.focus in kinds else owners.get(f.focus, f.focus) for f in findings})
    about: dict[object, tuple[str, Condition, Condition, dict[str, str]]] = {}
    # Also by object identity: an engine's results share their shape node, and hashing rdflib terms is slow.
    seen: dict[int, tuple[object, tuple[str, Condition, Condition, dict[str, str]]]] = {}
    short: dict[str, str] = {}
    by_record: dict[str, list[Result]] = {}
    # Per focus node, its record and what the results say of it: a node has several results.
    record_of: dict[str, tuple[str, str, dict[str, str], str, Location | None, list[Result]]] = {}
    where = locations or {}
    for f in findings:
        known = seen.get(id(f.shape))
        if known is not None and known[0] is f.shape:
            shape_id, condition, sub, own = known[1]
        else:
            if f.shape not in about:
                condition, sub = _condition_of(_checked_condition(shapes, f.shape))
                own = {m.language: str(m) for m in shapes.objects(f.shape, SH.message) if isinstance(m, Literal)}
                about[f.shape] = (_shape_id(shapes, f.shape), condition, sub, own)
            seen[id(f.shape)] = (f.shape, about[f.shape])
            shape_id, condition, sub, own = about[f.shape]
        record = record_of.get(f.focus)
        if record is None:
            owner = f.focus if f.focus in kinds else owners.get(f.focus, f.focus)
            identifier, title = labels.get(owner, (None, {}))
            if not identifier:
                identifier = short.get(owner)
                if identifier is None:
                    identifier = short[owner] = owner.rsplit("/", 1)[-1]
            same_record = by_record.get(owner)
            if same_record is None:
                same_record = by_record[owner] = []
            record = record_of[f.focus] = (owner, identifier, title, kinds.get(owner, ""), where.get(owner), same_record)
        owner, identifier, title, kind, place, same_record = record
        messages = f.messages
        if not messages or (len(messages) == 1 and "en" in messages):
            messages = own or messages
        same_record.append(Result(
            severity=f.severity,
            shape=shape_id,
            focus=f.focus,
            record=owner,
            identifier=identifier,
            kind=kind,
            path=f.path,
            value=f.value,
            message=messages,
            condition=condition,
            sub_criterion=sub,
            title=title,
            where=place,
        ))
    return Report(_in_report_order(by_record, where), len(kinds), graph)


_RANK = {severity: i for i, severity in enumerate(SEVERITIES)}


def _in_report_order(by_record: dict[str, list[Result]], locations: dict[str, Location]) -> list[Result]:
    """Every result, by file, line and record, then by condition, severity and shape.

    Sorting the records, then each record's few results, gives the order of one
    sort of all results by the whole key (records are distinct), in a fraction
    of its time at a million results.
    """
    def place(record: str) -> tuple[str, int, str]:
        where = locations.get(record)
        return (where.file, where.line or 0, record) if where else ("", 0, record)

    results: list[Result] = []
    for record in sorted(by_record, key=place):
        found = by_record[record]
        if len(found) > 1:
            found.sort(key=lambda r: (r.condition.number, _RANK[r.severity], r.shape))
        results += found
    return results


def model_graph() -> Graph:
    """Ontology, reused terms and vocabularies: what validation needs beside the data."""
    graph = Graph()
    for path in resources.model_files():
        graph.parse(path, format="turtle")
    return graph


def to_rdflib(triples: Iterable[ox.Triple]) -> Graph:
    """pyoxigraph triples as an rdflib graph (through N-Triples, which both speak exactly)."""
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def register_graph(store: Store) -> Graph:
    """Everything in a store as one rdflib graph, with the model added if the store lacks it."""
    data = to_rdflib(ox.Triple(q.subject, q.predicate, q.object) for q in store.quads())
    if (None, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology")) not in data:
        data += model_graph()
    return data


ENGINES = ("auto", "fast", "pyshacl")
"""``auto``: the compiled engine, with pyshacl for any shape it cannot compile;
``fast``: the compiled engine only; ``pyshacl``: the reference engine only."""


def validate_store(store: Store, conditions: Iterable[int] = (), engine: str = "auto", workers: int | None = None) -> Report:
    """Validate everything in a store (all named graphs together, as the register).

    ``engine`` is one of :data:`ENGINES`; every engine gives the same results.
    ``workers``: threads running the compiled engine's checks on the embedded
    store (None: every CPU, up to 8; see :mod:`virsis_graph.shacl.engine`).
    """
    if engine not in ENGINES:
        raise ValueError(f"nezināms dzinējs / unknown engine {engine!r}; izvēlieties kādu no / use one of: {', '.join(ENGINES)}")
    if engine == "pyshacl":
        data, where = store_graph(store)
        return validate_graph(data, shapes_for(conditions), where)
    from .shacl.register import validate_register

    started = time.perf_counter()
    where = _store_locations(store)
    located = time.perf_counter() - started
    report = validate_register(store, shapes_for(conditions), where, fallback=engine == "auto", workers=workers)
    report.timings["locations"] = located
    return report


def _store_locations(store: Store, records: Iterable[ox.NamedNode] | None = None) -> dict[str, Location]:
    """Record IRI → the file it was imported from (rows are not kept in the store); of ``records`` only, when given."""
    sources = store.query("SELECT ?g ?file WHERE { ?g <http://www.w3.org/ns/prov#wasDerivedFrom>/<http://purl.org/dc/terms/title> ?file }")
    # IRIs were validated by ox.NamedNode and are written in its own syntax.
    values = f"VALUES ?s {{ {' '.join(str(r) for r in records)} }} " if records is not None else ""
    found: dict[str, Location] = {}
    for source in sources:
        if not isinstance(source["g"], ox.NamedNode):
            continue
        # Graph by graph: one variable per row reads a whole register's records in a few seconds.
        where = Location(source["file"].value, None, source["file"].value)
        for (record,) in store.query(f"SELECT DISTINCT ?s WHERE {{ {values}GRAPH {source['g']} {{ ?s <http://purl.org/dc/terms/identifier> [] }} }}"):
            found.setdefault(record.value, where)
    return found


_ROW = re.compile(r" row (\d+)$")


def locations(result: ImportResult) -> dict[str, Location]:
    """Record IRI → where an import read it: a CSV/XLSX row, a JSON record, or a line of a Turtle file."""
    found: dict[str, Location] = {}
    for iri, (path, where) in result.locations.items():
        row = _ROW.search(where)
        found[iri] = Location(str(path), int(row.group(1)) if row and "sheet" not in where else None, where)
    for source in result.sources:
        if source.rdf:
            found.update(_turtle_lines(source))
    return found


def _turtle_lines(source: Source) -> dict[str, Location]:
    """For Turtle-like sources: the line where each record's subject first starts a statement."""
    ids = {t.subject.value: t.object.value for t in source.triples if t.predicate.value == str(DCTERMS.identifier)}
    try:
        lines = source.path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    starts: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        m = re.match(r"(\S+)\s", line)  # a statement's subject starts at the beginning of a line
        if m:
            starts.setdefault(re.split(r"[:/#]", m.group(1).strip("<>"))[-1], number)
    return {
        iri: Location(str(source.path), starts.get(i), f"{source.path.name} line {starts[i]}" if i in starts else source.path.name)
        for iri, i in ids.items()
    }


def group(results: list[Result]) -> dict[str, dict[Condition, list[Result]]]:
    """Results by record, then by quality condition, in report order."""
    grouped: dict[str, dict[Condition, list[Result]]] = defaultdict(lambda: defaultdict(list))
    for r in results:
        grouped[r.record][r.condition].append(r)
    return grouped


def shape_label(shape: str, lang: str) -> str:
    """The shape's ``sh:name`` in ``lang``, else its local name."""
    for o in all_shapes().objects(URIRef(shape), SH.name):
        if isinstance(o, Literal) and o.language == lang:
            return str(o)
    return re.split(r"[#/]", shape)[-1]


VALIDATED_SUFFIXES = {".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf", ".csv", ".tsv", ".xlsx", ".json"}


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a folder stands for every file in it (recursively) that can hold records."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in VALIDATED_SUFFIXES)
        else:
            files.append(path)
    return files


def files_graph(paths: list[Path], **import_options: object) -> tuple[Graph, dict[str, Location]]:
    """Records read from files or folders (any format ``virsis import`` reads) with the model, and their locations.

    Raises :class:`RegisterError` listing every problem when a file cannot be
    read as records at all (bad syntax, unknown columns, ...).
    """
    from .importing import import_files
    from .store import EmbeddedStore, RegisterError

    files = expand(paths)
    if not files:  # an empty folder is not a register that conforms
        raise RegisterError(f"{', '.join(map(str, paths))}: nav failu ar ierakstiem ({', '.join(sorted(VALIDATED_SUFFIXES))}) / "
                            "no files with records to validate")
    store = EmbeddedStore()
    result = import_files(store, files, locate=True, **import_options)
    if result.errors:
        raise RegisterError("\n".join(result.errors))
    data = to_rdflib(ox.Triple(q.subject, q.predicate, q.object) for source in result.sources for q in store.quads(source.graph))
    return data + model_graph(), locations(result)


def store_graph(store: Store) -> tuple[Graph, dict[str, Location]]:
    """Everything in a store with the model, and the file each record came from."""
    return register_graph(store), _store_locations(store)


def validate_files(paths: list[Path], conditions: Iterable[int] = (), **import_options: object) -> Report:
    """Validate files (or folders of them) without a store: the CI case."""
    data, where = files_graph(paths, **import_options)
    return validate_graph(data, shapes_for(conditions), where)


def validate_import(store: Store, result: ImportResult, subjects: Iterable = (), pending: list | None = None,
                    conditions: Iterable[int] = (), engine: str = "auto") -> Report:
    """Validate the records an import brings or touches, in their neighbourhood in the register.

    The focus is the import's records, and what its RDF files add or remove
    statements about (``subjects``), with the records those belong to
    (:func:`~virsis_graph.changes.touched`): a file may add a second title to
    a record another file describes, or change a cost a service elsewhere
    links to. The data graph holds their statements, everything the store
    says about what they link to (so ``sh:class`` and membership checks see
    it), and the model: validating an import costs in proportion to the
    import, not to the register. ``pending`` are the import's changes when
    they are not in the store yet (a buffered write: a server engine), and
    the register is read as it will be after them, with pyshacl;
    otherwise the records are validated in the store by ``engine``
    (:func:`validate_records`), inside the import's write session, before it
    commits.
    """
    from .changes import NOTHING, plan_write, touched, validate_after

    where = locations(result)
    data = {s.graph for s in result.sources}
    write = NOTHING if pending is None else plan_write(store, [c for c in pending if c.graph in data])
    brought = {ox.NamedNode(i) for i in result.records}
    touches = touched(store, set(subjects) - brought, write)
    focus = brought | touches.nodes
    if pending is None:
        report = validate_records(store, sorted(f.value for f in focus), conditions, where, engine=engine)
    else:
        report = validate_after(store, write, focus, conditions, where)
    report.records = len(brought | touches.records)
    return report


def validate_records(store: Store, records: Iterable[str], conditions: Iterable[int] = (), where: dict[str, Location] | None = None,
                     engine: str = "pyshacl") -> Report:
    """Validate some records already in the store (with what they own), in their neighbourhood.

    With the compiled ``engine`` (``fast`` or ``auto``) the register's own
    queries run with the records and the nodes they link to bound as focus
    nodes, instead of copying the neighbourhood into rdflib for pyshacl.
    Records with parts written as blank nodes go to pyshacl whatever the
    ``engine`` (a query cannot bind a blank node), and the report's
    ``fallback`` says so. Results about parts are filed as the whole
    register's report files them (:func:`owning_records`). Records past a
    share of the register (``shacl.engine.many``, a large import) are validated
    by the whole register's checks, as ``virsis validate`` runs them, and the
    report is cut to them: sooner, and exactly the results the whole report
    files under them.
    """
    focus = [ox.NamedNode(iri) for iri in records]
    if engine != "pyshacl" and focus:
        from .shacl.engine import many
        from .shacl.register import validate_register

        if many(store, len(focus)):
            where = where if where is not None else _store_locations(store, focus)
            # The checks' threads share the store, so they see what the import has written but not committed.
            report = validate_register(store, shapes_for(conditions), where, fallback=engine == "auto")
            cut = restricted(report, {f.value for f in focus})
            cut.records, cut.fallback = len(focus), report.fallback
            return cut
    from .changes import neighbourhood, statements_after, NOTHING

    own = statements_after(store, set(focus), NOTHING)
    # What a record owns (channels, costs) is described in the same graph; fetch it too.
    owned = {t.object for t in own if isinstance(t.object, ox.NamedNode)} - set(focus)
    blank = any(isinstance(t.subject, ox.BlankNode) for t in own)
    if engine != "pyshacl" and not blank:
        from .shacl.register import validate_register

        # The parts a record owns are validated with it; the records it links to are not (as below).
        classes = {ox.NamedNode(c) for c in record_classes()}
        linked = {t.subject for t in store.describe(owned) if t.predicate.value == str(RDF.type) and t.object in classes}
        where = where if where is not None else _store_locations(store, focus)
        report = validate_register(store, shapes_for(conditions), where, fallback=engine == "auto",
                                   focus=[*focus, *sorted(owned - linked, key=str)])
        cut = restricted(report, {f.value for f in focus})
        cut.records = len(focus)
        return cut
    # Also for the compiled engines when a record has parts written as blank nodes
    # ([ a cv:Cost ... ]): it binds focus nodes by name, which a blank node has not.
    # Only the records' own places: the report keeps nothing else (not every record's, seconds at national scale).
    where = where if where is not None else _store_locations(store, focus)
    report = validate_neighbourhood(store, list(neighbourhood(store, set(focus))), [URIRef(i.value) for i in focus], conditions, where)
    if engine != "pyshacl":
        report.fallback["(blank nodes)"] = ["ieraksti ar daļām, kas rakstītas kā tukšie mezgli / records with parts written as blank nodes"]
    return report


def validate_neighbourhood(store: Store, triples: list[ox.Triple], focus: list[URIRef], conditions: Iterable[int], where: dict[str, Location],
                           index: Callable[[set[str], Graph], RecordIndex] | None = None) -> Report:
    """pyshacl on ``triples`` (``focus``'s neighbourhood) and the model, the report cut to ``focus``.

    Every node is validated and the report cut afterwards (see below);
    ``index(nodes, data)`` files results under records (by default as the
    whole register in ``store`` files them).
    """
    if not focus:
        return Report([], 0, Graph())
    from .shacl.register import NeighbourhoodRecords

    data = to_rdflib(triples) + model()
    # Every node is validated and the report cut to the focus records afterwards. Not
    # pyshacl's focus_nodes option: pyshacl 0.40 applies it to the value nodes of
    # nested shapes too (sh:or, sh:qualifiedValueShape ...), which then pass unchecked.
    shapes = shapes_for(conditions)
    report_graph = run_pyshacl(data, shapes)
    found = read_findings(report_graph)
    # Results are filed under records as in the whole register's report, not as the
    # neighbourhood alone suggests: a template several services share belongs to one of them.
    scope = {f.focus for f in found}
    records = NeighbourhoodRecords(store, scope, data) if index is None else index(scope, data)
    report = restricted(tie(found, records, shapes, report_graph, where), {str(f) for f in focus})
    report.records = len(focus)
    return report


def restricted(report: Report, focus: set[str]) -> Report:
    """``report`` cut down to the results about ``focus`` (as focus node, or as the record owning it).

    The neighbours that were validated with them are not reported: what they
    link to is not all in the data graph. The SHACL report graph is cut the
    same way, so it stays a standard ``sh:ValidationReport`` of what is kept.
    """
    results = [r for r in report.results if r.focus in focus or r.record in focus]
    kept = {r.focus for r in results}
    # Made when asked for (a refusal in Turtle): an import prints the results, and building the
    # whole report graph to cut it took most of a validating import's time (6.1 of 9.8 s, 1 000 services).
    return Report(results, len(focus), lambda: _cut(report.graph, kept))


def _cut(whole: Graph, kept: set[str]) -> Graph:
    """The results of ``whole`` about the ``kept`` focus nodes, as a ``sh:ValidationReport`` of their own."""
    graph = Graph()
    for prefix, namespace in whole.namespaces():
        graph.bind(prefix, namespace)
    node = BNode()
    graph.add((node, RDF.type, SH.ValidationReport))
    violations = 0
    for top in whole.subjects(RDF.type, SH.ValidationReport):
        for result in whole.objects(top, SH.result):
            focus_node = str(whole.value(result, SH.focusNode))
            if focus_node in kept:
                graph.add((node, SH.result, result))
                graph += whole.cbd(result)
                violations += whole.value(result, SH.resultSeverity) == SH.Violation
    graph.add((node, SH.conforms, Literal(violations == 0)))
    return graph


@cache
def model() -> Graph:
    """The model graph, parsed once per process (validating one record must not re-parse it)."""
    return model_graph()
