"""The example registry meets the minimums of a realistic, bilingual, illustrative register."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS

from conftest import REPO
from virsis_graph import ontology, resources
from virsis_graph.namespaces import CV, VIRSIS, concept
from virsis_graph.settings import BASE_IRI

DCT_REPLACES = DCTERMS.replaces


def instances(graph: Graph, cls: URIRef) -> set[URIRef]:
    classes = set(graph.transitive_subjects(RDFS.subClassOf, cls))
    return {s for c in classes for s in graph.subjects(RDF.type, c)}


def ask(graph: Graph, query: str) -> bool:
    return bool(graph.query(query, initNs={"virsis": VIRSIS, "cv": CV, "dct": DCTERMS, "foaf": FOAF}).askAnswer)


def test_minimum_counts(everything):
    assert len(instances(everything, VIRSIS.LifeSituation)) >= 6
    assert instances(everything, VIRSIS.BusinessSituation), "starting a business is a business situation"
    assert len(instances(everything, VIRSIS.Need)) >= 30
    assert len(instances(everything, VIRSIS.Service)) >= 40
    assert len(instances(everything, VIRSIS.SharedUseService)) >= 6
    assert len(instances(everything, VIRSIS.IndividualUseService)) >= 1
    assert len(instances(everything, VIRSIS.GeneralBenefitService)) >= 2
    assert len(instances(everything, VIRSIS.IndividualBenefitService)) >= 10
    assert len(instances(everything, VIRSIS.Resource)) >= 25
    assert len(instances(everything, CV.PublicOrganisation)) >= 12


def test_every_service_has_exactly_one_kind_and_is_simple_or_smart(everything):
    kinds = (VIRSIS.SharedUseService, VIRSIS.IndividualUseService, VIRSIS.IndividualBenefitService, VIRSIS.GeneralBenefitService)
    for service in instances(everything, VIRSIS.Service):
        types = set(everything.objects(service, RDF.type))
        assert len(types & set(kinds)) == 1, service
        assert len(types & {VIRSIS.SimpleService, VIRSIS.SmartService}) == 1, service


def test_smart_services_replace_named_simple_services(everything):
    smart = instances(everything, VIRSIS.SmartService)
    replacing = {s for s in smart if any(
        (old, RDF.type, VIRSIS.SimpleService) in everything for old in everything.objects(s, DCT_REPLACES)
    )}
    assert len(replacing) >= 2
    works = set(everything.subjects(VIRSIS.isWorkOf, None))
    assert works, "at least one merged service keeps its former services as works"
    for work in works:
        assert (work, RDF.type, VIRSIS.Work) in everything
        assert everything.value(work, VIRSIS.isWorkOf) in smart


def longest_chain(graph: Graph) -> int:
    edges: dict[URIRef, set[URIRef]] = {}
    for a, b in graph.subject_objects(VIRSIS.dependsOn):
        edges.setdefault(a, set()).add(b)

    def depth(node: URIRef, seen: frozenset) -> int:
        return max((1 + depth(n, seen | {n}) for n in edges.get(node, ()) if n not in seen), default=0)

    return max((depth(n, frozenset({n})) for n in edges), default=0)


def test_resource_dependency_chains_are_at_least_three_deep(examples):
    assert longest_chain(examples) >= 3


def test_longest_chain_counts_edges():
    g = Graph()
    a, b, c, d = (URIRef(f"https://example.org/{x}") for x in "abcd")
    for x, y in ((a, b), (b, c), (c, d), (d, b)):  # with a cycle
        g.add((x, VIRSIS.dependsOn, y))
    assert longest_chain(g) == 3


def test_institutions_include_ministries_agencies_and_municipalities(everything):
    kinds = {everything.value(o, VIRSIS.organisationKind) for o in instances(everything, CV.PublicOrganisation)}
    for code in ("ministry", "agency", "municipality"):
        assert URIRef(concept("organisation-kind", code)) in kinds, code


def test_owners_are_people(everything):
    owners = set(everything.objects(None, VIRSIS.serviceOwner)) | set(everything.objects(None, VIRSIS.resourceOwner))
    assert len(owners) >= 10
    for owner in owners:
        assert (owner, RDF.type, FOAF.Person) in everything, owner


def test_role_assignments_cover_all_ten_roles(everything):
    roles = {everything.value(a, CV.role) for a in instances(everything, VIRSIS.RoleAssignment)}
    assert roles == set(everything.subjects(RDF.type, VIRSIS.Role))
    for assignment in instances(everything, VIRSIS.RoleAssignment):
        assert everything.value(assignment, CV.hasParticipant) is not None, assignment
        assert everything.value(assignment, VIRSIS.roleScope) is not None, assignment


def test_records_are_minted_under_the_base_with_their_identifier(examples):
    base = BASE_IRI.default
    records = {s for s in examples.subjects() if isinstance(s, URIRef) and s.startswith(base + "id/")}
    assert len(records) > 150
    for record in records:
        match = re.fullmatch(re.escape(base) + r"id/([a-z-]+)/([A-Za-z0-9._-]+)", str(record))
        assert match, record
        if (record, RDF.type, None) in examples:
            assert Literal(match.group(2)) in set(examples.objects(record, DCTERMS.identifier)), record


def test_examples_follow_a_configured_base(monkeypatch):
    monkeypatch.setenv("VIRSIS_BASE", "https://register.example.org/lv")
    graph = ontology.load_examples()
    subjects = {str(s) for s in graph.subjects() if isinstance(s, URIRef)}
    assert any(s.startswith("https://register.example.org/lv/id/service/") for s in subjects)
    assert not any(s.startswith(BASE_IRI.default) for s in subjects)


def test_core_records_are_described_in_both_languages(everything):
    defects = known_defect_ids()
    for cls in (VIRSIS.LifeSituation, VIRSIS.Need, VIRSIS.Service, VIRSIS.Resource):
        for record in instances(everything, cls):
            ident = str(everything.value(record, DCTERMS.identifier))
            for predicate in (DCTERMS.title, DCTERMS.description):
                langs = {o.language for o in everything.objects(record, predicate)}
                if ident not in defects:
                    assert {"lv", "en"} <= langs, (record, predicate)
                else:
                    assert "lv" in langs, (record, predicate)


def known_defect_ids() -> set[str]:
    text = (resources.data_root() / "data" / "examples" / "README.md").read_text(encoding="utf-8")
    section = text.split("## Known quality defects", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([a-z]+-[0-9a-z-]+)`", section))


def test_readme_lists_defects_that_exist(examples):
    ids = known_defect_ids()
    assert len(ids) >= 10
    identifiers = {str(o) for o in examples.objects(None, DCTERMS.identifier)}
    dangling = {str(r).rsplit("/", 1)[1] for _, r in examples.subject_objects(VIRSIS.usesResource) if (r, DCTERMS.identifier, None) not in examples}
    missing = ids - identifiers - dangling  # a dangling link names a record that deliberately does not exist
    assert not missing, missing
    assert (REPO / "data" / "examples" / "README.md").read_text(encoding="utf-8").lower().count("illustrative") >= 1


@pytest.mark.parametrize(
    "defect, query",
    [
        ("a public service without owner", "ASK { ?s a virsis:IndividualBenefitService FILTER NOT EXISTS { ?s virsis:serviceOwner ?o } }"),
        ("a service with two owners", "ASK { ?s virsis:serviceOwner ?a , ?b FILTER(?a != ?b) }"),
        ("an individual-benefit service meeting no need", "ASK { ?s a virsis:IndividualBenefitService FILTER NOT EXISTS { ?s virsis:meetsNeed ?n } }"),
        ("a need in no life situation", "ASK { ?n a virsis:Need FILTER NOT EXISTS { ?n virsis:isNeedOf ?l } }"),
        ("a resource without owner", "ASK { ?r virsis:resourceKind ?k FILTER NOT EXISTS { ?r virsis:resourceOwner ?o } }"),
        ("a smart service meeting one need", "ASK { ?s a virsis:SmartService ; virsis:meetsNeed ?n FILTER NOT EXISTS { ?s virsis:meetsNeed ?m FILTER(?m != ?n) } }"),
        ("a negative cost", "ASK { ?c cv:hasValue ?v FILTER(?v < 0) }"),
        ("a dangling resource link", "ASK { ?s virsis:usesResource ?r FILTER NOT EXISTS { ?r dct:identifier ?i } }"),
        ("a shared-use service without recipients", "ASK { ?s a virsis:SharedUseService FILTER NOT EXISTS { ?s virsis:recipientInstitution ?i } }"),
    ],
)
def test_planted_defects_are_present_for_validation_to_find(examples, defect, query):
    assert ask(examples, query), defect
