"""The neighbourhood of some records, as the write gates and the one-record validation read it."""

from __future__ import annotations

import pyoxigraph as ox

from virsis_graph.changes import NOTHING, neighbourhood, plan_write, validate_after
from virsis_graph.store import EmbeddedStore, GraphChange
from virsis_graph.validation import validate_records

BASE = "https://data.virsis.gov.lv/"
V = "https://w3id.org/virsis/ontology#"
CV = "http://data.europa.eu/m8g/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")
HAS_VALUE = ox.NamedNode(CV + "hasValue")
MINUS_FIVE = ox.Literal("-5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#double"))
SERVICE = ox.NamedNode(BASE + "id/service/s-77")
GRAPH = BASE + "graph/source/nested.ttl"


def nested_store() -> tuple[EmbeddedStore, ox.BlankNode]:
    """A service whose channel, a blank node, has a cost, a blank node two levels below the record, of -5."""
    store = EmbeddedStore()
    channel, cost = ox.BlankNode(), ox.BlankNode()
    triples = [
        (SERVICE, RDF_TYPE, ox.NamedNode(V + "SimpleService")),
        (SERVICE, IDENTIFIER, ox.Literal("s-77")),
        (SERVICE, ox.NamedNode(CV + "hasChannel"), channel),
        (channel, RDF_TYPE, ox.NamedNode(CV + "Channel")),
        (channel, ox.NamedNode(CV + "hasCost"), cost),
        (cost, RDF_TYPE, ox.NamedNode(CV + "Cost")),
        (cost, HAS_VALUE, MINUS_FIVE),
    ]
    store.apply([GraphChange(GRAPH, add=[ox.Triple(*t) for t in triples])])
    return store, cost


def cost_results(report) -> set[tuple[str, str]]:
    return {(r.record, r.shape.rsplit("#", 1)[-1]) for r in report.results if r.shape.endswith("CostValueShape")}


def test_parts_of_parts_are_in_the_neighbourhood():
    """A blank node two levels below a record is read by its label: the gates used to stop one level down."""
    store, cost = nested_store()
    assert ox.Triple(cost, HAS_VALUE, MINUS_FIVE) in neighbourhood(store, {SERVICE})


def test_a_write_gate_and_the_one_record_validation_see_the_same_deep_part():
    """The negative fee two levels down is the service's Violation whether the service is validated as
    stored (validate_records) or as a write will leave it (validate_after, here a write of one keyword)."""
    store, _ = nested_store()
    assert cost_results(validate_records(store, [SERVICE.value], engine="pyshacl")) == {(SERVICE.value, "CostValueShape")}
    assert cost_results(validate_after(store, NOTHING, {SERVICE})) == {(SERVICE.value, "CostValueShape")}
    keyword = ox.Triple(SERVICE, ox.NamedNode("http://www.w3.org/ns/dcat#keyword"), ox.Literal("x", language="lv"))
    write = plan_write(store, [GraphChange(BASE + "graph/source/keywords.ttl", add=[keyword])])
    assert cost_results(validate_after(store, write, {SERVICE})) == {(SERVICE.value, "CostValueShape")}
