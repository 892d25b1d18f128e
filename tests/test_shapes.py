"""The SHACL shapes: valid, documented, each proven by a conforming and a failing
fixture, and the example registry reports exactly its documented defects.

How validation runs here is how the register validates: pyshacl over a data graph
that holds the records *and* the model (ontology, reused terms, vocabularies),
with ``inference="none"``. No inference, because:

- ``sh:targetClass`` and ``sh:class`` already follow ``rdfs:subClassOf`` in the
  data graph, which holds the ontology, so a ``virsis:IndividualBenefitService``
  is a ``virsis:Service`` and a ``cv:PublicOrganisation`` an ``org:Organization``
  without any entailment;
- the shapes judge what a description *says*: RDFS entailment would add types
  from ``rdfs:domain``/``rdfs:range`` (a dangling resource link would become a
  ``virsis:Resource``), hiding exactly the gaps the checks look for;
- it is several times faster.

Fixtures: ``tests/fixtures/shapes/<shapes file>.trig`` holds, for every shape
``vsh:<Name>``, a graph ``ok:<Name>`` that conforms to it and a graph
``bad:<Name>`` that fails it. Each graph is validated with the model against that
one shape (and the helper nodes it references), so a fixture only has to carry
what its shape looks at.
"""

from __future__ import annotations

import os
import re
import warnings
from functools import cache
from pathlib import Path

import pyshacl
import pytest
from pyshacl import validate
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, SKOS

from conftest import REPO
from virsis_graph.namespaces import VIRSIS

SHAPES_DIR = REPO / "shapes"
FIXTURES = REPO / "tests" / "fixtures" / "shapes"
VSH = "https://w3id.org/virsis/shapes#"
OK = "urn:virsis:fixture:ok:"
BAD = "urn:virsis:fixture:bad:"
QUALITY_FILES = [
    "q01-manageability.ttl", "q02-fit-to-needs.ttl", "q03-accessibility.ttl", "q04-involvement.ttl",
    "q05-digital-transformation.ttl", "q06-usability.ttl", "q07-automation.ttl", "q08-sharing.ttl",
    "q09-unification.ttl", "q10-security.ttl",
]
SHAPE_FILES = ["registration.ttl", *QUALITY_FILES]
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)

# The example registry's planted defects (data/examples/README.md, "Known quality
# defects"): row → the (record, shape) pairs validation must report for it.
EXPECTED_DEFECTS: dict[str, set[tuple[str, str]]] = {
    "a": {("service/s-18", "ServiceOwnerShape")},
    "b": {("service/s-21", "ServiceOwnerShape")},
    "c": {("service/s-30", "ServiceOwnerMembershipShape")},
    "d": {("service/s-34", "IndividualBenefitNeedShape")},
    "e": {("need/n-34", "NeedLifeSituationShape")},
    "f": {("resource/r-26", "ResourceOwnerShape")},
    "g": {("service/s-37", "SmartServiceNeedsShape")},
    "h": {("service/s-08", "PublicTitleEnglishShape")},
    "i": {("cost/s-33-urgent", "CostValueShape")},
    "j": {("service/s-25", "MultiChannelShape"), ("service/s-25", "EServiceChannelShape")},
    "k": {("service/s-43", "RecipientInstitutionShape")},
    "l": {("service/s-29", "UsedResourceRegisteredShape")},
    "m": {("person/p-32", "MailboxShape")},
    "n": {("service/s-26", "PersonalDataLegalBasisShape")},
    "o": {("service/s-13", "ParticipationMethodShape")},
}


def _parse(name: str) -> Graph:
    return Graph().parse(SHAPES_DIR / name, format="turtle")


@cache
def shapes_by_file() -> dict[str, Graph]:
    return {name: _parse(name) for name in SHAPE_FILES}


@cache
def all_shapes() -> Graph:
    graph = Graph()
    for g in shapes_by_file().values():
        graph += g
    return graph


def producing_shapes(graph: Graph) -> set:
    """Shapes that produce results: those with a target, and the property shapes they hold.

    Shapes used only inside sh:or / sh:and / sh:not / sh:qualifiedValueShape never
    produce a result of their own and need no message.
    """
    targeted = {s for p in TARGETS for s in graph.subjects(p, None)}
    return targeted | {o for s in targeted for o in graph.objects(s, SH.property)}


def shape_file(shape: URIRef) -> str:
    return next(name for name, g in shapes_by_file().items() if shape in producing_shapes(g))


def local(shape: URIRef) -> str:
    return str(shape)[len(VSH):]


SHAPES = sorted(producing_shapes(all_shapes()), key=str)


def texts(graph: Graph, subject, predicate) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for o in graph.objects(subject, predicate):
        if isinstance(o, Literal):
            found.setdefault(o.language or "", []).append(str(o))
    return found


# ---------------------------------------------------------------------------
# The shape files
# ---------------------------------------------------------------------------


def test_there_is_a_registration_file_and_one_file_per_condition():
    assert sorted(p.name for p in SHAPES_DIR.glob("*.ttl")) == sorted(SHAPE_FILES)


@pytest.mark.parametrize("name", SHAPE_FILES)
def test_each_file_parses_and_starts_with_a_header_naming_its_source(name):
    text = (SHAPES_DIR / name).read_text(encoding="utf-8")
    header = text.split("@prefix", 1)[0]
    assert header.startswith("# VIRSIS SHACL shapes:"), name
    assert "Source: DOMAIN.md §" in header and "Severity" in header, name
    assert len(_parse(name)) > 20


def test_the_shapes_are_valid_shacl():
    shacl_shacl = Graph().parse(Path(os.path.dirname(pyshacl.__file__)) / "assets" / "shacl-shacl.ttl")
    conforms, _, text = validate(all_shapes(), shacl_graph=shacl_shacl)
    assert conforms, text


def test_there_is_a_shape_per_sub_criterion_and_more(model):
    checked = {all_shapes().value(s, VIRSIS.checksCondition) for s in SHAPES}
    subs = set(model.subjects(RDF.type, VIRSIS.QualitySubCriterion))
    assert len(subs) == 30
    missing = sorted(str(s) for s in subs - checked)
    assert not missing, f"sub-criteria without a shape: {missing}"
    assert len(SHAPES) >= 60


@pytest.mark.parametrize("shape", SHAPES, ids=local)
def test_every_shape_is_named_described_and_tied_to_a_sub_criterion(shape, model):
    graph = all_shapes()
    assert isinstance(shape, URIRef) and str(shape).startswith(VSH), f"{shape}: name result-producing shapes under vsh:"
    for predicate in (SH.message, SH.name, SH.description):
        langs = texts(graph, shape, predicate)
        assert set(langs) == {"lv", "en"}, f"{local(shape)} {predicate}: {langs}"
        assert all(len(v) == 1 for v in langs.values()), f"{local(shape)}: one {predicate} per language"
    name = shape_file(shape)
    severity = graph.value(shape, SH.severity)
    if name == "registration.ttl":
        assert severity == SH.Violation, local(shape)
    else:
        assert severity in (SH.Warning, SH.Info), local(shape)
    concept = graph.value(shape, VIRSIS.checksCondition)
    assert (concept, RDF.type, VIRSIS.QualitySubCriterion) in model, f"{local(shape)} checks {concept}"
    if name != "registration.ttl":  # a quality file's shapes check its own condition
        condition = model.value(concept, SKOS.broader)
        assert str(model.value(condition, SKOS.notation)) == str(int(name[1:3])), local(shape)


def test_every_term_the_shapes_name_exists_in_the_model(model):
    """A typo such as virsis:participationMethods or stage:provison is caught here."""
    ours = ("https://w3id.org/virsis/",)
    named = {t for triple in all_shapes() for t in triple if isinstance(t, URIRef) and str(t).startswith(ours)}
    named = {t for t in named if not str(t).startswith(VSH)} - {VIRSIS.checksCondition}
    unknown = sorted(str(t) for t in named if (t, None, None) not in model)
    assert not unknown, unknown


def test_sparql_is_used_sparingly_and_with_declared_prefixes():
    graph = all_shapes()
    constraints = list(graph.subject_objects(SH.sparql))
    assert 0 < len(constraints) <= 2
    for shape, constraint in constraints:
        holder = graph.value(constraint, SH.prefixes)
        assert holder is not None, shape
        declared = {str(graph.value(d, SH.prefix)) for d in graph.objects(holder, SH.declare)}
        query = str(graph.value(constraint, SH.select))
        used = set(re.findall(r"\b([a-z]+):[A-Za-z]", query))
        assert used <= declared, (shape, used - declared)


def test_the_shapes_readme_lists_every_shape_with_its_condition_and_severity(model):
    readme = (SHAPES_DIR / "README.md").read_text(encoding="utf-8")
    rows = {m.group(1): line for line in readme.splitlines() if (m := re.match(r"\|\s*`vsh:(\w+)`", line))}
    graph = all_shapes()
    assert set(rows) == {local(s) for s in SHAPES}
    for name, graph_of_file in shapes_by_file().items():  # the per-file summary table
        count = len(producing_shapes(graph_of_file))
        assert re.search(rf"^\| `{re.escape(name)}` \|.*\| {count} \|$", readme, flags=re.M), (name, count)
    for shape in SHAPES:
        row = rows[local(shape)]
        notation = str(model.value(graph.value(shape, VIRSIS.checksCondition), SKOS.notation))
        assert f"| {notation} " in row, (local(shape), notation)
        assert str(graph.value(shape, SH.severity)).rsplit("#", 1)[1] in row, local(shape)
        assert f"`{shape_file(shape)}`" in row, local(shape)


# ---------------------------------------------------------------------------
# Each shape against its fixtures
# ---------------------------------------------------------------------------


@cache
def fixtures() -> Dataset:
    dataset = Dataset()
    with warnings.catch_warnings():  # rdflib's TriG parser uses its own deprecated ConjunctiveGraph
        warnings.simplefilter("ignore", DeprecationWarning)
        for path in sorted(FIXTURES.glob("*.trig")):
            dataset.parse(path, format="trig")
    return dataset


def fixture(kind: str, shape: URIRef) -> Graph:
    graph = Graph()
    for triple in fixtures().graph(URIRef(kind + local(shape))):
        graph.add(triple)
    assert len(graph), f"no fixture graph {kind}{local(shape)} in {FIXTURES}"
    return graph


def shape_closure(shapes: Graph, shape: URIRef) -> Graph:
    """The shape with everything it references inside the shapes graph (lists, helpers, prefixes)."""
    closure, frontier, seen = Graph(), [shape], set()
    while frontier:
        node = frontier.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in shapes.predicate_objects(node):
            closure.add((node, p, o))
            if isinstance(o, BNode) or (isinstance(o, URIRef) and (o, None, None) in shapes):
                frontier.append(o)
    return closure


def results_of(shape: URIRef, data: Graph, model: Graph) -> list[tuple[Graph, URIRef]]:
    _, report, _ = validate(model + data, shacl_graph=shape_closure(all_shapes(), shape), inference="none", advanced=True)
    return [(report, r) for r in report.objects(None, SH.result) if report.value(r, SH.sourceShape) == shape]


def test_every_fixture_graph_belongs_to_a_shape():
    names = {local(s) for s in SHAPES}
    graphs = {str(g.identifier) for g in fixtures().graphs() if str(g.identifier).startswith(("urn:virsis:fixture:",))}
    strays = sorted(g for g in graphs if g.rsplit(":", 1)[1] not in names)
    assert not strays, strays


@pytest.mark.parametrize("shape", SHAPES, ids=local)
def test_the_ok_fixture_conforms(shape, model):
    found = results_of(shape, fixture(OK, shape), model)
    assert not found, [str(r.value(n, SH.focusNode)) for r, n in found]


@pytest.mark.parametrize("shape", SHAPES, ids=local)
def test_the_bad_fixture_fails_with_the_shapes_message(shape, model):
    found = results_of(shape, fixture(BAD, shape), model)
    assert found, f"{local(shape)}: the bad fixture conforms"
    graph = all_shapes()
    expected = set(graph.objects(shape, SH.message))
    if (shape, SH.sparql, None) in graph:
        # pyshacl 0.40 rebuilds SPARQL-based messages without their language tags.
        expected = {Literal(str(m)) for m in expected}
    for report, result in found:
        assert set(report.objects(result, SH.resultMessage)) == expected
        assert report.value(result, SH.resultSeverity) == graph.value(shape, SH.severity)


# ---------------------------------------------------------------------------
# The example registry
# ---------------------------------------------------------------------------


def readme_defect_rows() -> dict[str, tuple[str, set[str]]]:
    """Row letter → (record cell, shapes named in "rule that should catch it")."""
    text = (REPO / "data" / "examples" / "README.md").read_text(encoding="utf-8")
    section = text.split("## Known quality defects", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"[a-z]", cells[0]):
            rows[cells[0]] = (cells[1], set(re.findall(r"`vsh:(\w+)`", cells[3])))
    return rows


def test_the_readme_names_the_shape_that_catches_each_defect():
    rows = readme_defect_rows()
    assert set(rows) == set(EXPECTED_DEFECTS)
    for letter, pairs in EXPECTED_DEFECTS.items():
        record, shapes = rows[letter]
        assert shapes == {shape for _, shape in pairs}, letter
        for focus, _ in pairs:
            assert f"`{focus.split('/', 1)[1]}`" in record, (letter, focus)


def test_the_example_registry_reports_exactly_the_documented_defects(model, examples):
    _, report, _ = validate(model + examples, shacl_graph=all_shapes(), inference="none", advanced=True, allow_warnings=True)
    found = set()
    for result in report.objects(None, SH.result):
        focus = str(report.value(result, SH.focusNode))
        found.add((focus.split("/id/", 1)[1] if "/id/" in focus else focus, local(report.value(result, SH.sourceShape))))
    expected = set().union(*EXPECTED_DEFECTS.values())
    assert found - expected == set(), "reported but not a documented defect"
    assert expected - found == set(), "documented defect not reported"
