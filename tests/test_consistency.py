"""The OWL 2 RL closure of ontology + vocabularies + examples is consistent, and the check can fail."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from virsis_graph import ontology
from virsis_graph.namespaces import VIRSIS

pytestmark = pytest.mark.slow


def test_model_and_examples_are_consistent(everything):
    assert ontology.inconsistencies(everything) == []


@pytest.mark.parametrize(
    "first, second",
    [
        (VIRSIS.SharedUseService, VIRSIS.IndividualUseService),
        (VIRSIS.SimpleService, VIRSIS.SmartService),
        (VIRSIS.IndividualBenefitService, VIRSIS.InterInstitutionalService),
    ],
)
def test_a_disjointness_clash_is_found(model, first, second):
    graph = Graph()
    for t in model:
        graph.add(t)
    thing = URIRef("https://data.virsis.gov.lv/id/service/clash")
    graph.add((thing, RDF.type, first))
    graph.add((thing, RDF.type, second))
    found = ontology.inconsistencies(graph)
    assert found and any("clash" in m for m in found), found


def test_domain_against_a_disjoint_class_is_found(model):
    # usesResource has domain Service; using it from a Resource makes the resource a Service too.
    graph = Graph()
    for t in model:
        graph.add(t)
    r1 = URIRef("https://data.virsis.gov.lv/id/resource/r1")
    r2 = URIRef("https://data.virsis.gov.lv/id/resource/r2")
    graph.add((r1, RDF.type, VIRSIS.InformationSystem))
    graph.add((r1, VIRSIS.usesResource, r2))
    assert ontology.inconsistencies(graph)


def test_zero_is_a_valid_double_but_ill_typed_literals_are_inconsistent():
    # owlrl alone rejects "0.0"^^xsd:double; free services cost exactly that.
    from rdflib import Literal
    from rdflib.namespace import XSD

    s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    good = Graph()
    for value in ("0.0", "0", "-0.0", "1.5E3", "INF", "NaN", "7.11"):
        good.add((s, p, Literal(value, datatype=XSD.double)))
    assert ontology.inconsistencies(good) == []
    for value in ("abc", "1.2.3", "", "0,5"):
        bad = Graph()
        bad.add((s, p, Literal(value, datatype=XSD.double)))
        assert ontology.inconsistencies(bad), value
