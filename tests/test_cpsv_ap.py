"""Every service in the examples conforms to the official CPSV-AP 3.2.0 SHACL shapes.

Two things are loaded beside the data, and why:
- the ontology (as pyshacl's ontology graph, with RDFS inference): the examples
  state VIRSIS classes and sub-properties (``virsis:Service`` ⊑
  ``cpsv:PublicService``, ``virsis:lifecycleStage`` ⊑ ``adms:status``); RDFS
  entailment gives the CPSV-AP view of them, which is what an exporter to EU
  portals publishes;
- the vocabularies and ``eu-authority.ttl``: the official shapes check
  ``sh:class skos:Concept`` / ``dct:Location`` on code-list values, and a
  closed-world validator only knows those classes if the code lists are in the
  data (the reference README notes that the official example fails for want of
  them).
"""

from __future__ import annotations

import pytest
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SH

from virsis_graph.namespaces import CPSV

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def official(shared) -> Graph:
    return Graph().parse(shared / "reference" / "cpsv-ap" / "cpsv-ap-3.2.0-SHACL.ttl")


def report(data: Graph, model: Graph, shapes: Graph) -> tuple[bool, Graph]:
    conforms, results, _ = validate(data, shacl_graph=shapes, ont_graph=model, inference="rdfs", allow_warnings=True)
    return conforms, results


def focus_nodes(results: Graph) -> set[URIRef]:
    return {results.value(r, SH.focusNode) for r in results.subjects(RDF.type, SH.ValidationResult)}


def services(model: Graph, examples: Graph) -> set[URIRef]:
    both = model + examples
    from rdflib.namespace import RDFS

    classes = set(both.transitive_subjects(RDFS.subClassOf, CPSV.PublicService))
    return {s for c in classes for s in examples.subjects(RDF.type, c)}


def test_every_example_service_conforms_to_the_official_shapes(model, examples, official):
    data = examples + model  # code lists typed in the data, see the module docstring
    conforms, results = report(data, model, official)
    failing = focus_nodes(results) & services(model, examples)
    assert not failing, sorted(failing)
    assert conforms, results.serialize(format="turtle")


def test_a_service_without_description_is_reported(model, examples, official):
    service = sorted(services(model, examples))[0]
    data = examples + model
    data.remove((service, DCTERMS.description, None))
    conforms, results = report(data, model, official)
    assert not conforms
    assert service in focus_nodes(results)
