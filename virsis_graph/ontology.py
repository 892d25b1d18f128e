"""Checks of the model (ontology, vocabularies) and the example registry.

``virsis ontology check`` runs :func:`check`: every file parses, the code lists
cover every numbered item of the source, every term is labelled and defined in
Latvian and English, every term the data uses is declared, and the OWL 2 RL
closure of model + examples is consistent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import owlrl
import owlrl.OWLRL
from owlrl.Namespaces import ERRNS
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from . import resources
from .namespaces import VIRSIS
from .settings import base_iri
from .store import RegisterError

# How many concepts each numbered list of the source has (DOMAIN.md §2–§12).
EXPECTED_CONCEPTS: dict[str, tuple[URIRef, int]] = {
    "mērogi / governance scales": (VIRSIS.GovernanceScale, 4),
    "līmeņi / governance levels": (VIRSIS.GovernanceLevel, 3),
    "lomas / roles": (VIRSIS.Role, 10),
    "uzdevumi / governance tasks": (VIRSIS.GovernanceTask, 32),
    "dzīves cikla posmi / lifecycle stages": (VIRSIS.LifecycleStage, 5),
    "nosacījumi / quality conditions": (VIRSIS.QualityCondition, 10),
    "apakškritēriji / quality sub-criteria": (VIRSIS.QualitySubCriterion, 30),  # DOMAIN.md §8 lists 30 (the issue said 28)
    "pieteikumu veidi / request types": (VIRSIS.RequestType, 8),
    "spējas / capabilities": (VIRSIS.Capability, 9),
    "pārvaldības virzieni / governance directions": (VIRSIS.GovernanceDirection, 4),
}
EXPECTED_LEAF_SERVICE_KINDS = 4

# Classes whose instances the example summary counts, in the order printed.
RECORD_CLASSES: dict[str, URIRef] = {
    "dzīves situācijas / life situations": VIRSIS.LifeSituation,
    "vajadzības / needs": VIRSIS.Need,
    "pakalpojumi / services": VIRSIS.Service,
    "resursi / resources": VIRSIS.Resource,
    "organizācijas / organisations": URIRef("http://www.w3.org/ns/org#Organization"),
    "personas / people": URIRef("http://xmlns.com/foaf/0.1/Person"),
    "lomu piešķīrumi / role assignments": VIRSIS.RoleAssignment,
}

_DECLARING_TYPES = (
    OWL.Class,
    RDFS.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
)
# RDF, RDFS and OWL are the languages the model is written in: their terms need no declaration.
_BUILTIN_NAMESPACES = (str(RDF), str(RDFS), str(OWL))


@dataclass
class CheckReport:
    """What :func:`check` found: counts to print and problems that make the check fail."""

    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


def parse(paths: Iterable[Path], base: str | None = None) -> Graph:
    """Parse Turtle files into one rdflib graph, resolving relative IRIs against ``base``.

    Raises :class:`RegisterError` naming the file (and the line, where the parser
    gives one) when a file does not parse.
    """
    graph = Graph()
    for path in paths:
        try:
            graph.parse(path, format="turtle", publicID=base or base_iri())
        except Exception as exc:  # rdflib raises several unrelated types for bad syntax
            raise RegisterError(f"{path}: nav derīgs Turtle / does not parse as Turtle: {exc}") from exc
    return graph


def load_model() -> Graph:
    """The ontology, the reused-term declarations and every vocabulary, as one graph."""
    return parse(resources.model_files())


def load_examples() -> Graph:
    """The example registry as one graph, minted under the configured base."""
    return parse(resources.example_files())


def _langs(graph: Graph, subject: URIRef, predicate: URIRef) -> list[str]:
    return [o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)]


def _short(term: URIRef) -> str:
    """``virsis:Need``, ``rdfs:label``; other IRIs in angle brackets."""
    for prefix, ns in (("virsis", VIRSIS), ("rdfs", RDFS), ("skos", SKOS)):
        if term.startswith(str(ns)):
            return f"{prefix}:{term[len(str(ns)):]}"
    return f"<{term}>"


def label_problems(model: Graph) -> list[str]:
    """Terms and concepts lacking a label or definition in ``@lv`` or ``@en``.

    A ``virsis:`` class or property needs ``rdfs:label`` and ``skos:definition``;
    a concept or concept scheme needs exactly one ``skos:prefLabel`` per language
    and a ``skos:definition`` in each.
    """
    problems: list[str] = []
    terms = {
        s
        for t in _DECLARING_TYPES
        for s in model.subjects(RDF.type, t)
        if isinstance(s, URIRef) and s.startswith(str(VIRSIS))
    }
    for term in sorted(terms):
        for predicate in (RDFS.label, SKOS.definition):
            langs = _langs(model, term, predicate)
            for lang in ("lv", "en"):
                if lang not in langs:
                    problems.append(f"{_short(term)}: nav {_short(predicate)} @{lang} / has no {_short(predicate)} @{lang}")
    concepts = set(model.subjects(RDF.type, SKOS.Concept)) | set(model.subjects(RDF.type, SKOS.ConceptScheme))
    for c in sorted(concepts):
        labels = _langs(model, c, SKOS.prefLabel)
        definitions = _langs(model, c, SKOS.definition)
        for lang in ("lv", "en"):
            if labels.count(lang) != 1:
                problems.append(f"<{c}>: skos:prefLabel @{lang} ir / has {labels.count(lang)}, vajag tieši / needs exactly 1")
            if lang not in definitions:
                problems.append(f"<{c}>: nav skos:definition @{lang} / has no skos:definition @{lang}")
    return problems


def declared_terms(model: Graph) -> set[URIRef]:
    """Classes and properties the model declares (its own and the reused ones)."""
    return {s for t in _DECLARING_TYPES for s in model.subjects(RDF.type, t) if isinstance(s, URIRef)}


def used_terms(graph: Graph) -> set[URIRef]:
    """Every predicate and every class (object of ``rdf:type``) a graph uses."""
    used = set(graph.predicates())
    used |= {o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef)}
    return used


def undeclared_terms(model: Graph, data: Graph) -> list[URIRef]:
    """Terms ``data`` uses that neither the model nor RDF/RDFS/OWL declare (typos included)."""
    known = declared_terms(model)
    return sorted(
        t for t in used_terms(data) if t not in known and not str(t).startswith(_BUILTIN_NAMESPACES)
    )


# rdflib normalises INF/NaN to Python's "inf"/"nan" before owlrl sees them, hence the flag.
_XSD_FLOATING = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN", re.IGNORECASE)


def _xsd_floating(lexical: str) -> str:
    """Accept exactly the lexical space of xsd:double / xsd:float (zero included)."""
    if not _XSD_FLOATING.fullmatch(lexical):
        raise ValueError(f"nav xsd:double / not an xsd:double: {lexical!r}")
    return lexical


@contextmanager
def _owlrl_accepts_zero() -> Iterator[None]:
    """owlrl 7 rejects a zero ``xsd:double``/``xsd:float`` as ill-typed (its range test
    excludes 0), which would call every free service's cost inconsistent. Swap in a
    correct lexical check for the duration of one closure, then restore owlrl's."""
    table = owlrl.OWLRL.AltXSDToPYTHON
    saved = {dt: table.get(dt) for dt in (XSD.double, XSD.float)}
    table.update({XSD.double: _xsd_floating, XSD.float: _xsd_floating})
    try:
        yield
    finally:
        for dt, fn in saved.items():
            if fn is None:
                table.pop(dt, None)
            else:
                table[dt] = fn


def inconsistencies(graph: Graph) -> list[str]:
    """Run the OWL 2 RL closure over a copy of ``graph``; return what makes it inconsistent.

    owlrl reports clashes (disjoint classes, ``owl:Nothing`` members, property
    disjointness, ill-typed literals) as ``err:ErrorMessage`` nodes; members of
    ``owl:Nothing`` are reported too.
    """
    closure = Graph()
    for triple in graph:
        closure.add(triple)
    with _owlrl_accepts_zero():
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    messages = [str(m) for e in closure.subjects(RDF.type, ERRNS.ErrorMessage) for m in closure.objects(e, ERRNS.error)]
    messages += [f"{s} is a member of owl:Nothing" for s in closure.subjects(RDF.type, OWL.Nothing)]
    return sorted(messages)


def concept_counts(model: Graph) -> dict[str, int]:
    """Concepts per numbered list of the source, plus leaf service kinds."""
    counts = {name: len(set(model.subjects(RDF.type, cls))) for name, (cls, _) in EXPECTED_CONCEPTS.items()}
    kinds = set(model.subjects(RDF.type, VIRSIS.ServiceKind))
    counts["pakalpojumu veidi / service kinds"] = sum(1 for k in kinds if (k, SKOS.narrower, None) not in model)
    return counts


def record_counts(data: Graph, model: Graph) -> dict[str, int]:
    """Records per kind in ``data``, counting instances of the subclasses ``model`` declares."""
    counts = {}
    for name, cls in RECORD_CLASSES.items():
        subclasses = set(model.transitive_subjects(RDFS.subClassOf, cls))
        counts[name] = len({s for c in subclasses for s in data.subjects(RDF.type, c)})
    return counts


def check(examples: bool = True, reason: bool = True) -> CheckReport:
    """Run every model check; with ``examples`` include the example registry.

    ``reason=False`` skips the OWL 2 RL closure (the slowest step).
    """
    report = CheckReport()
    try:
        model = load_model()
        data = load_examples() if examples else Graph()
    except RegisterError as exc:
        report.problems.append(str(exc))
        return report

    report.counts["klases / ontology classes"] = sum(1 for s in model.subjects(RDF.type, OWL.Class) if str(s).startswith(str(VIRSIS)))
    report.counts["īpašības / ontology properties"] = sum(
        1 for t in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
        for s in model.subjects(RDF.type, t) if str(s).startswith(str(VIRSIS))
    )
    report.counts["jēdzienu shēmas / concept schemes"] = len(set(model.subjects(RDF.type, SKOS.ConceptScheme)))
    report.counts["jēdzieni / concepts"] = len(set(model.subjects(RDF.type, SKOS.Concept)))

    counts = concept_counts(model)
    report.counts.update(counts)
    expected = {name: n for name, (_, n) in EXPECTED_CONCEPTS.items()} | {"pakalpojumu veidi / service kinds": EXPECTED_LEAF_SERVICE_KINDS}
    for name, n in expected.items():
        if counts[name] != n:
            report.problems.append(f"{name}: kodu sarakstos ir {counts[name]}, avotā {n} / the vocabularies have {counts[name]}, the source numbers {n}")

    both = model + data
    report.problems += label_problems(model)
    for term in undeclared_terms(model, both):
        report.problems.append(
            f"{term}: lietots, bet nav deklarēts ne ontology/virsis.ttl, ne ontology/reused-terms.ttl (drukas kļūda vai tur deklarējams termins) / "
            "used but declared neither in ontology/virsis.ttl nor in ontology/reused-terms.ttl (a typo, or a reused term to declare there)"
        )

    if examples:
        report.counts.update({f"piemēri / examples: {k}": v for k, v in record_counts(data, model).items()})
    report.counts["trīskārši / triples"] = len(both)
    if reason:
        report.problems += [f"OWL 2 RL nekonsekvence / inconsistency: {m}" for m in inconsistencies(both)]
    return report
