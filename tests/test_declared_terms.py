"""Every term the model and data use is declared, and every declaration is real."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib import namespace as rdfns
from rdflib.namespace import SKOS

from virsis_graph import ontology, resources
from virsis_graph.namespaces import CV, VIRSIS

# Terms of vocabularies rdflib does not ship as closed namespaces, copied from
# their specifications: ADMS (W3C Note 2013), DQV (W3C Note 2016), ELI ontology.
ADMS_TERMS = {"status", "identifier", "Identifier", "AssetRepository", "Asset", "AssetDistribution", "sample", "translation", "versionNotes", "schemeAgency", "last", "next", "prev", "includedAsset", "representationTechnique", "supportedSchema"}
DQV_TERMS = {"Metric", "QualityMeasurement", "Dimension", "Category", "QualityAnnotation", "QualityPolicy", "QualityMetadata", "UserQualityFeedback", "QualityCertificate", "hasQualityMeasurement", "isMeasurementOf", "computedOn", "value", "expectedDataType", "inDimension", "inCategory", "hasQualityAnnotation", "hasQualityMetadata"}
VOID_TERMS = {"Dataset", "Linkset", "triples", "entities", "classes", "properties", "distinctSubjects", "distinctObjects", "sparqlEndpoint", "dataDump", "vocabulary", "subset", "uriSpace", "exampleResource", "rootResource", "classPartition", "propertyPartition", "class", "property"}
SPDX_TERMS = {"Checksum", "checksum", "algorithm", "checksumValue", "checksumAlgorithm_sha256", "checksumAlgorithm_sha1", "checksumAlgorithm_md5"}
ELI_TERMS = {"LegalResource", "LegalExpression", "Format", "title", "date_document", "is_about"}
# Imported as a module: pytest probes module attributes, which closed namespaces warn about.
CLOSED = (rdfns.DCTERMS, rdfns.SKOS, rdfns.FOAF, rdfns.ORG, rdfns.DCAT, rdfns.PROV, rdfns.VANN)
OPEN_LISTS = {
    "http://www.w3.org/ns/adms#": ADMS_TERMS,
    "http://www.w3.org/ns/dqv#": DQV_TERMS,
    "http://data.europa.eu/eli/ontology#": ELI_TERMS,
    "http://rdfs.org/ns/void#": VOID_TERMS,
    "http://spdx.org/rdf/terms#": SPDX_TERMS,
}


@pytest.fixture(scope="module")
def cpsv_terms(shared) -> set[URIRef]:
    ref = shared / "reference" / "cpsv-ap"
    graph = Graph().parse(ref / "cpsv-ap-3.2.0.ttl").parse(ref / "cccev-2.1.0.ttl")
    return set(graph.subjects())


def is_real_term(term: URIRef, cpsv_terms: set[URIRef]) -> bool:
    """Whether ``term`` exists in the vocabulary its namespace names."""
    iri = str(term)
    if term in cpsv_terms:
        return True
    for ns in CLOSED:
        if iri.startswith(str(ns)):
            return term in ns
    for ns, names in OPEN_LISTS.items():
        if iri.startswith(ns):
            return iri[len(ns):] in names
    return False


def test_every_reused_declaration_names_a_real_term(cpsv_terms):
    reused = Graph().parse(resources.reused_terms_file())
    declared = ontology.declared_terms(reused)
    assert len(declared) > 50
    fake = sorted(t for t in declared if not is_real_term(t, cpsv_terms))
    assert not fake, f"reused-terms.ttl declares terms its vocabulary does not have: {fake}"


def test_the_real_term_check_can_fail(cpsv_terms):
    assert not is_real_term(CV.IsGroupedBy, cpsv_terms)
    assert not is_real_term(URIRef(str(SKOS) + "prefLable"), cpsv_terms)
    assert is_real_term(CV.isGroupedBy, cpsv_terms)


def test_model_and_examples_use_only_declared_terms(model, examples):
    assert ontology.undeclared_terms(model, model + examples) == []


def test_a_typo_in_data_is_reported(model):
    data = Graph()
    data.add((URIRef("https://example.org/s"), CV.IsGroupedBy, URIRef("https://example.org/e")))
    data.add((URIRef("https://example.org/s"), URIRef(str(VIRSIS) + "meetsNeeds"), URIRef("https://example.org/n")))
    assert ontology.undeclared_terms(model, data) == sorted([CV.IsGroupedBy, URIRef(str(VIRSIS) + "meetsNeeds")])


def test_every_virsis_term_is_labelled_and_defined_in_both_languages(model):
    assert ontology.label_problems(model) == []


def test_a_missing_latvian_label_is_reported(model):
    broken = Graph()
    for t in model:
        if not (t[0] == VIRSIS.Need and t[1] == URIRef("http://www.w3.org/2000/01/rdf-schema#label") and t[2].language == "lv"):
            broken.add(t)
    assert ontology.label_problems(broken) == ["virsis:Need: nav rdfs:label @lv / has no rdfs:label @lv"]


def test_every_virsis_class_states_its_relation_to_a_standard_term(model):
    from rdflib.namespace import OWL, RDF, RDFS

    relations = (RDFS.subClassOf, RDFS.seeAlso, SKOS.closeMatch, SKOS.exactMatch, OWL.equivalentClass)
    for cls in model.subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef) and cls.startswith(str(VIRSIS)):
            targets = [o for p in relations for o in model.objects(cls, p)]
            assert targets, f"{cls} says nothing of how it relates to other vocabularies"


def test_the_provenance_an_import_writes_uses_only_declared_terms(model):
    from virsis_graph.importing import import_files, provenance_graph
    from virsis_graph.store import EmbeddedStore

    store = EmbeddedStore()
    assert import_files(store, resources.example_files()[:1]).written
    import pyoxigraph as ox

    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(provenance_graph()))
    provenance = Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    assert len(provenance) > 10
    assert ontology.undeclared_terms(model, provenance) == []
