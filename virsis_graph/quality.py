"""The quality scorecard: how each service stands on each of the ten conditions.

A service's score on a condition is the share of that condition's checks that
apply to it and that it passes (a check passes when it reports nothing, Info
included). A check is a shape with ``virsis:checksCondition``
(a property shape counts on its own); it applies to the services its node shape
targets, or, for a property shape with targets of its own (most registration
rules: one owner, a lifecycle stage), the services it targets. Results on
things a service owns (its channels, its costs) count in the service's
violations and warnings but not in the score, whose checks are the service's
own. Roll-ups pool the checks of an institution's services, and of
the whole register.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, SKOS

from .codelists import vocabularies
from .namespaces import CV, VIRSIS
from .validation import Report, _checked_condition, _condition_of, _shape_id

CONDITIONS = tuple(range(1, 11))


@dataclass(slots=True)
class Cell:
    """One service (or roll-up) on one condition."""

    checks: int = 0
    passed: int = 0
    violations: int = 0
    warnings: int = 0

    @property
    def score(self) -> float | None:
        """Share of applicable checks passed (None when no check applies)."""
        return self.passed / self.checks if self.checks else None


@dataclass
class Line:
    """A row of the scorecard: a service, an institution or the register."""

    key: str
    label: str
    institution: str
    cells: dict[int, Cell] = field(default_factory=lambda: {c: Cell() for c in CONDITIONS})


@dataclass
class Scorecard:
    services: list[Line]
    institutions: list[Line]
    register: Line


def _targets(shapes: Graph, data: Graph, node_shape: URIRef) -> set:
    found = set()
    for cls in shapes.objects(node_shape, SH.targetClass):
        for sub in data.transitive_subjects(RDFS.subClassOf, cls):
            found |= set(data.subjects(RDF.type, sub))
    found |= set(shapes.objects(node_shape, SH.targetNode))
    for p in shapes.objects(node_shape, SH.targetSubjectsOf):
        found |= set(data.subjects(p, None))
    for p in shapes.objects(node_shape, SH.targetObjectsOf):
        found |= set(data.objects(None, p))
    return found


def _top_shapes(shapes: Graph) -> set:
    """The shapes that may have targets: node shapes, and property shapes standing on their own."""
    return set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))


def checks(shapes: Graph, data: Graph) -> dict[URIRef, list[tuple[str, int]]]:
    """Focus node → the (shape id, condition number) checks that apply to it."""
    applies: dict[URIRef, list[tuple[str, int]]] = defaultdict(list)
    for node_shape in _top_shapes(shapes):
        targets = _targets(shapes, data, node_shape)
        if not targets:
            continue
        parts = [node_shape] if (node_shape, VIRSIS.checksCondition, None) in shapes else []
        parts += list(shapes.objects(node_shape, SH.property))
        for part in parts:
            condition = _condition_of(_checked_condition(shapes, part))[0].number
            if condition:
                for focus in targets:
                    applies[focus].append((_shape_id(shapes, part), condition))
    return applies


def _label(data: Graph, node: URIRef, lang: str) -> str:
    for p in (DCTERMS.title, SKOS.prefLabel):
        for o in data.objects(node, p):
            if isinstance(o, Literal) and o.language == lang:
                return str(o)
    return str(data.value(node, DCTERMS.identifier) or node)


@dataclass(frozen=True)
class Service:
    """What the scorecard shows of a service: its identifier, its title in the card's language and its institution."""

    key: str
    label: str
    institution: str


def scorecard(report: Report, data: Graph, shapes: Graph, lang: str = "lv") -> Scorecard:
    """Scores of every service on every condition, with roll-ups (the register read from an rdflib graph)."""
    services = set()
    for sub in data.transitive_subjects(RDFS.subClassOf, VIRSIS.Service):
        services |= set(data.subjects(RDF.type, sub))
    found = {}
    for service in services:
        institution = data.value(service, CV.hasCompetentAuthority)
        found[str(service)] = Service(
            str(data.value(service, DCTERMS.identifier) or service),
            _label(data, service, lang),
            str(data.value(institution, DCTERMS.identifier) or str(institution).rsplit("/", 1)[-1]) if institution is not None else "",
        )
    return card(report, found, {str(k): v for k, v in checks(shapes, data).items()})


def card(report: Report, services: dict[str, Service], applies: dict[str, list[tuple[str, int]]]) -> Scorecard:
    """The scorecard from a report, the services (by IRI) and the checks that apply to each (:func:`checks`)."""
    failed: dict[str, set[str]] = defaultdict(set)
    lines = {iri: Line(s.key, s.label, s.institution) for iri, s in services.items()}
    for r in report.results:
        line = lines.get(r.record)
        if line is None or not r.condition.number:
            continue
        cell = line.cells[r.condition.number]
        if r.severity == "violation":
            cell.violations += 1
        elif r.severity == "warning":
            cell.warnings += 1
        if r.focus == r.record:
            failed[r.record].add(r.shape)
    for iri, line in lines.items():
        for shape, condition in set(applies.get(iri, ())):
            cell = line.cells[condition]
            cell.checks += 1
            cell.passed += shape not in failed[iri]
    by_institution: dict[str, list[Line]] = defaultdict(list)
    for line in lines.values():
        by_institution[line.institution].append(line)
    institutions = [_roll_up(k, k, group) for k, group in sorted(by_institution.items())]
    register = _roll_up("*", "VIRSIS", list(lines.values()))
    return Scorecard(sorted(lines.values(), key=lambda l: l.key), institutions, register)


def _roll_up(key: str, label: str, group: list[Line]) -> Line:
    total = Line(key, label, key)
    for condition in CONDITIONS:
        cell = total.cells[condition]
        for line in group:
            c = line.cells[condition]
            cell.checks += c.checks
            cell.passed += c.passed
            cell.violations += c.violations
            cell.warnings += c.warnings
    return total


def condition_labels(lang: str) -> dict[int, str]:
    """Condition number → its name in ``lang``."""
    vocab = vocabularies()
    labels = {}
    for concept in vocab.subjects(RDF.type, VIRSIS.QualityCondition):
        notation = str(vocab.value(concept, SKOS.notation))
        for o in vocab.objects(concept, SKOS.prefLabel):
            if isinstance(o, Literal) and o.language == lang:
                labels[int(notation)] = str(o)
    return labels


def rows(card: Scorecard) -> list[dict[str, object]]:
    """The scorecard in long form: one row per line (service, institution, register) and condition."""
    out = []
    for level, lines in (("service", card.services), ("institution", card.institutions), ("register", [card.register])):
        for line in lines:
            for condition, cell in line.cells.items():
                out.append({
                    "level": level, "key": line.key, "label": line.label, "institution": line.institution,
                    "condition": condition, "checks": cell.checks, "passed": cell.passed,
                    "score": None if cell.score is None else round(cell.score, 3),
                    "violations": cell.violations, "warnings": cell.warnings,
                })
    return out


FORMATS = {"csv": "text/csv", "json": "application/json"}
"""The scorecard's data formats (:func:`serialised`) and their media types: ``virsis quality --format`` and ``/quality``."""


def serialised(card: Scorecard, fmt: str) -> str:
    """The scorecard's :func:`rows` as ``csv`` (a header, then a row per line and condition; an empty score is an
    empty cell) or ``json`` (a list of objects, a score ``null``), the same from the command and the site."""
    out = rows(card)
    if fmt == "json":
        return json.dumps(out, ensure_ascii=False, indent=2) + "\n"
    if fmt != "csv":
        raise ValueError(f"{fmt!r}: nav tabulas formāts, izvēlieties {' vai '.join(FORMATS)} / not a table format: use {' or '.join(FORMATS)}")
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(out[0]) if out else ["level"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(out)
    return text.getvalue()


def store_scorecard(store, lang: str = "lv") -> Scorecard:
    """The scorecard of everything a store holds, validated with every shape by the compiled engine."""
    return store_scorecards(store, (lang,))[lang]


def store_scorecards(store, languages: tuple[str, ...] = ("lv", "en"), report: Report | None = None) -> dict[str, Scorecard]:
    """The scorecard of a store in each language, read from the store with a few queries (no rdflib copy of it).

    ``report``: the whole register's validation report, when it is at hand;
    otherwise the compiled engine (:func:`virsis_graph.validation.validate_store`)
    makes it. The same cards as :func:`scorecard` gives from pyshacl's report.
    """
    from .shacl.engine import Subclasses, shapes_of
    from .shacl.register import with_model
    from .validation import all_shapes, validate_store

    shapes = all_shapes()
    # Once, before validating: a store without the model is copied into memory with it, and both steps read the copy.
    store = with_model(store)
    if report is None:
        report = validate_store(store)
    below = Subclasses(store)
    types = _service_types(store, below(VIRSIS.Service))
    applies: dict[str, list[tuple[str, int]]] = defaultdict(list)
    targets: dict[tuple, set[str]] = {}
    parsed = shapes_of(shapes)
    for node_shape in _top_shapes(shapes):
        parts = [node_shape] if (node_shape, VIRSIS.checksCondition, None) in shapes else []
        parts += list(shapes.objects(node_shape, SH.property))
        conditions = [(_shape_id(shapes, part), _condition_of(_checked_condition(shapes, part))[0].number) for part in parts]
        conditions = [c for c in conditions if c[1]]
        shape = parsed.shapes.get(node_shape)
        if not conditions or shape is None or not shape.targets:
            continue
        # Shapes with the same targets (most target every service) share one reading.
        spec = tuple(sorted((str(kind), str(node)) for kind, node in shape.targets))
        if spec not in targets:
            targets[spec] = _services_targeted(store, shape.targets, below, types)
        for focus in targets[spec]:
            applies[focus] += conditions
    services = _store_services(store, set(types), languages)
    return {lang: card(report, services[lang], applies) for lang in languages}


def _service_types(store, services_classes: list[str]) -> dict[str, set[str]]:
    """Every service (an instance of a subclass of ``virsis:Service``) with the service classes it has."""
    import pyoxigraph as ox

    types: dict[str, set[str]] = defaultdict(set)
    for s, k in store.query(f"SELECT ?s ?k WHERE {{ VALUES ?k {{ {' '.join(services_classes)} }} ?s a ?k }}"):
        if isinstance(s, ox.NamedNode):
            types[s.value].add(k.value)
    return types


def _services_targeted(store, shape_targets, below, types: dict[str, set[str]]) -> set[str]:
    """The services among the targets of a shape (only services are scored); class targets from ``types``, without a query."""
    import pyoxigraph as ox

    found: set[str] = set()
    for kind, node in shape_targets:
        if kind == SH.targetClass:
            classes = {c[1:-1] for c in below(node)}
            found |= {s for s, has in types.items() if has & classes}
        elif kind == SH.targetNode and str(node) in types:
            found.add(str(node))
        elif kind in (SH.targetSubjectsOf, SH.targetObjectsOf):
            pattern = "?s {} [] ." if kind == SH.targetSubjectsOf else "[] {} ?s ."
            rows = store.query(f"SELECT DISTINCT ?s WHERE {{ {pattern.format(ox.NamedNode(str(node)))} }}")
            found |= {r["s"].value for r in rows if isinstance(r["s"], ox.NamedNode) and r["s"].value in types}
    return found


def _store_services(store, services: set[str], languages: tuple[str, ...]) -> dict[str, dict[str, Service]]:
    """Per language, every service with its identifier, its title and its institution's identifier, as :func:`scorecard` reads them.

    Identifiers and titles as the validation report reads them (:meth:`StoreRecords.labels`,
    looked up, or read in one scan when the services are most of the register's records); a ``skos:prefLabel`` stands in for a
    missing title, as in :func:`_label`.
    """
    import pyoxigraph as ox

    from .shacl.register import StoreRecords

    records = StoreRecords(store)
    labels = records.labels(services)
    names: dict[str, dict[str, str]] = defaultdict(dict)
    for s, name in store.query(f"SELECT ?s ?n WHERE {{ ?s <{SKOS.prefLabel}> ?n FILTER(lang(?n) != \"\") }}"):
        if s.value in services:
            names[s.value][name.language] = name.value
    authority: dict[str, ox.NamedNode | ox.BlankNode] = {}
    for s, o in store.query(f"SELECT ?s ?o WHERE {{ ?s <{CV.hasCompetentAuthority}> ?o }}"):
        if s.value in services:
            authority.setdefault(s.value, o)
    institutions = {o.value for o in authority.values() if isinstance(o, ox.NamedNode)}
    institution_ids = {iri: identifier for iri, (identifier, _) in records.labels(institutions).items() if identifier}
    out: dict[str, dict[str, Service]] = {}
    for lang in languages:
        out[lang] = {}
        for iri in services:
            identifier, titles = labels.get(iri, (None, {}))
            key = identifier or iri
            org = authority.get(iri)
            institution = "" if org is None else institution_ids.get(org.value, org.value.rsplit("/", 1)[-1])
            out[lang][iri] = Service(key, titles.get(lang) or names[iri].get(lang) or key, institution)
    return out
