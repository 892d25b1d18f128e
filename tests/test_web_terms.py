"""The model's IRIs dereference: /ontology, /vocab/{scheme}, /vocab/{scheme}/{code}, /shapes (web/terms.py).

Expected terms, labels and triples are read from the model's own files with
rdflib, independently of the store and of pyoxigraph, which serve them.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from test_web_linked_data import personal_values
from virsis_graph import resources
from virsis_graph.web.app import create_app
from virsis_graph.web.terms import term_link

VIRSIS = "https://w3id.org/virsis/ontology#"
VOCAB = "https://w3id.org/virsis/vocab/"
SHAPES = "https://w3id.org/virsis/shapes#"
SH = "http://www.w3.org/ns/shacl#"
HTML = {"Accept": "text/html"}
RDF_FORMATS = [  # (media type, extension, rdflib parser)
    ("text/turtle", "ttl", "turtle"),
    ("application/ld+json", "jsonld", "json-ld"),
    ("application/n-triples", "nt", "nt"),
    ("application/rdf+xml", "rdf", "xml"),
]


@pytest.fixture(scope="module")
def client(example_store) -> TestClient:
    return TestClient(create_app(example_store))


@pytest.fixture(scope="module")
def ontology_file() -> Graph:
    return Graph().parse(resources.ontology_file())


@pytest.fixture(scope="module")
def ontology_graph(ontology_file) -> Graph:
    """What the store's ontology graph holds: virsis.ttl and the reused-term declarations."""
    return ontology_file + Graph().parse(resources.reused_terms_file())


@pytest.fixture(scope="module")
def vocabularies() -> Graph:
    g = Graph()
    for path in resources.vocabulary_files():
        g.parse(path)
    return g


@pytest.fixture(scope="module")
def shapes_graph() -> Graph:
    g = Graph()
    for path in sorted((resources.data_root() / "shapes").glob("*.ttl")):
        g.parse(path)
    return g


def own_terms(g: Graph) -> list[URIRef]:
    """The ontology's classes and properties (its own namespace only)."""
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return sorted({s for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(VIRSIS)})


def label(g: Graph, s: URIRef, p: URIRef, lang: str) -> str:
    [value] = [o for o in g.objects(s, p) if isinstance(o, Literal) and o.language == lang]
    return str(value)


def section(page: str, anchor: str) -> str:
    """The HTML of the element whose id is ``anchor``, up to the next section or row."""
    match = re.search(rf'<(section|tr) id="{re.escape(anchor)}"(.*?)</\1>', page, flags=re.S)
    assert match, f"no element with id={anchor!r}"
    return match.group(0)


def schemes(vocabularies: Graph) -> list[URIRef]:
    return sorted(s for s in vocabularies.subjects(RDF.type, SKOS.ConceptScheme) if str(s).startswith(VOCAB))


# ---------------------------------------------------------------------------
# /ontology
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_the_ontology_page_documents_every_term_with_both_labels_and_definitions(client, ontology_file, lang):
    page = client.get(f"/ontology?lang={lang}", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f'<html lang="{lang}">' in page.text
    title = label(ontology_file, URIRef("https://w3id.org/virsis/ontology"), URIRef("http://purl.org/dc/terms/title"), lang)
    assert f"<h1>{escape(title)}</h1>" in page.text
    terms = own_terms(ontology_file)
    assert len(terms) > 40  # classes and properties (ontology/virsis.ttl)
    for term in terms:
        local = str(term)[len(VIRSIS):]
        html = section(page.text, local)
        for tag in ("lv", "en"):
            assert str(escape(label(ontology_file, term, RDFS.label, tag))) in html, (local, tag)
            assert str(escape(label(ontology_file, term, SKOS.definition, tag))) in html, (local, tag)


def test_a_term_iri_lands_on_its_anchor_with_its_superclass_and_alignment(client, ontology_file):
    # virsis.ttl: Service ⊑ cpsv:PublicService, and at most one serviceOwner that is a foaf:Person;
    # providedBy skos:closeMatch cv:hasCompetentAuthority, range org:Organization.
    iri = "https://w3id.org/virsis/ontology#Service"
    document, anchor = iri.split("#")
    assert document == "https://w3id.org/virsis/ontology"
    page = client.get("/ontology?lang=en", headers=HTML).text
    service = section(page, anchor)
    assert "<code>cpsv:PublicService</code>" in service and "<code>rdfs:subClassOf</code>" in service
    assert re.search(r'<a href="#serviceOwner">[^<]*</a> <code>virsis:serviceOwner</code> max 1 <a href="#foaf:Person">', service)
    provided = section(page, "providedBy")
    assert "<code>skos:closeMatch</code>" in provided and "<code>cv:hasCompetentAuthority</code>" in provided
    assert '<a href="#Service">Service</a>' in provided  # its domain, linked within the page
    # Every in-page link names an element of the page (reused terms under their CURIE).
    ids = set(re.findall(r' id="([^"]+)"', page))
    assert {"Service", "cpsv:PublicService", "foaf:Person"} <= ids
    assert set(re.findall(r'href="#([^"]+)"', page)) <= ids


@pytest.mark.parametrize(("media_type", "extension", "parser"), RDF_FORMATS)
def test_the_ontology_in_every_rdf_format_is_the_ontology_graph(client, ontology_graph, media_type, extension, parser):
    r = client.get("/ontology", headers={"Accept": media_type})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media_type)
    assert "Accept" in [v.strip() for v in r.headers["vary"].split(",")]
    assert r.headers["content-location"] == f"/ontology.{extension}"
    assert isomorphic(Graph().parse(data=r.content, format=parser), ontology_graph)
    direct = client.get(f"/ontology.{extension}")
    assert direct.status_code == 200 and direct.content == r.content and "content-location" not in direct.headers


def test_the_ontology_names_its_alternates_and_a_browser_gets_html(client):
    r = client.get("/ontology.ttl")
    assert set(re.findall(r'</ontology\.(\w+)>; rel="alternate"', r.headers["link"])) == {"ttl", "html", "jsonld", "nt", "rdf"}
    assert client.get("/ontology", headers={"Accept": "*/*"}).headers["content-type"].startswith("text/turtle")
    browser = client.get("/ontology", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.headers["content-type"].startswith("text/html") and browser.headers["content-location"] == "/ontology.html"


@pytest.mark.parametrize("path", ["/ontology", "/vocab/scale", "/vocab/scale/state", "/shapes", "/vocab"])
def test_etag_gives_304_and_unsatisfiable_accept_gives_406(client, path):
    first = client.get(path, headers={"Accept": "text/turtle"})
    etag = first.headers["etag"]
    again = client.get(path, headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = client.get(path, headers={"Accept": "application/n-triples", "If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag
    refused = client.get(path, headers={"Accept": "image/png"})
    assert refused.status_code == 406 and "text/turtle" in refused.text


# ---------------------------------------------------------------------------
# /vocab
# ---------------------------------------------------------------------------


def test_every_code_list_is_listed_and_shows_every_concept(client, vocabularies):
    found = schemes(vocabularies)
    assert len(found) >= 15  # README: one scheme per file in ontology/vocabularies/
    index = client.get("/vocab?lang=en", headers=HTML).text
    for scheme in found:
        name = str(scheme)[len(VOCAB):]
        assert f'href="/vocab/{name}?lang=en"' in index, name
        page = client.get(f"/vocab/{name}", headers=HTML)
        assert page.status_code == 200 and '<html lang="lv">' in page.text, name
        concepts = list(vocabularies.subjects(SKOS.inScheme, scheme))
        assert concepts, name
        for concept in concepts:
            row = section(page.text, str(concept).rsplit("/", 1)[1])
            for notation in vocabularies.objects(concept, SKOS.notation):
                assert f"<td>{escape(notation)}</td>" in row, concept
            for tag in ("lv", "en"):
                assert str(escape(label(vocabularies, concept, SKOS.prefLabel, tag))) in row, (concept, tag)
            assert str(escape(label(vocabularies, concept, SKOS.definition, "lv"))) in row, concept


@pytest.mark.parametrize(("media_type", "extension", "parser"), RDF_FORMATS)
def test_a_code_list_as_rdf_is_its_scheme_and_its_concepts(client, vocabularies, media_type, extension, parser):
    scheme = URIRef(VOCAB + "quality-condition")
    expected = Graph()
    for subject in [scheme, *vocabularies.subjects(SKOS.inScheme, scheme)]:
        expected += vocabularies.cbd(subject)
    r = client.get("/vocab/quality-condition", headers={"Accept": media_type})
    assert r.status_code == 200 and r.headers["content-location"] == f"/vocab/quality-condition.{extension}"
    assert isomorphic(Graph().parse(data=r.content, format=parser), expected)
    assert client.get(f"/vocab/quality-condition.{extension}").content == r.content


def test_a_concept_has_its_own_page_and_description(client, vocabularies):
    # scale.ttl: scale:state, notation "1", "Valsts mērogs"@lv, "State scale"@en, top concept of the scale scheme.
    page = client.get("/vocab/scale/state?lang=en", headers=HTML)
    assert page.status_code == 200 and '<html lang="en">' in page.text
    assert "<h1>State scale</h1>" in page.text and "Valsts mērogs" in page.text
    assert 'href="/vocab/scale?lang=en#state"' in page.text
    assert '<html lang="lv">' in client.get("/vocab/scale/state", headers=HTML).text
    concept = URIRef(VOCAB + "scale/state")
    for media_type, extension, parser in RDF_FORMATS:
        r = client.get("/vocab/scale/state", headers={"Accept": media_type})
        assert r.headers["content-location"] == f"/vocab/scale/state.{extension}"
        assert isomorphic(Graph().parse(data=r.content, format=parser), vocabularies.cbd(concept))
    # The scheme page has the same concept under its code.
    assert "Valsts mērogs" in section(client.get("/vocab/scale", headers=HTML).text, "state")


@pytest.mark.parametrize("path", [
    "/vocab/no-such-list", "/vocab/Scale", "/vocab/scale.xyz", "/vocab/scale/no-such-code",
    "/vocab/level/state",  # state is a concept of scale, not of level
    "/vocab/no-such-list/state", "/ontology.xyz", "/shapes.xyz",
])
def test_unknown_code_lists_and_concepts_are_404_in_both_languages(client, path):
    plain = client.get(path)
    assert plain.status_code == 404 and "nav atrasts / not found" in plain.text
    lv = client.get(path, headers=HTML)
    assert lv.status_code == 404 and '<html lang="lv">' in lv.text and "<h1>Nav atrasts</h1>" in lv.text
    en = client.get(path + "?lang=en", headers=HTML)
    assert en.status_code == 404 and '<html lang="en">' in en.text and "<h1>Not found</h1>" in en.text


# ---------------------------------------------------------------------------
# /shapes
# ---------------------------------------------------------------------------


def test_the_shapes_are_listed_and_served_as_rdf(client, shapes_graph):
    named = {s for k in (URIRef(SH + "NodeShape"), URIRef(SH + "PropertyShape"))
             for s in shapes_graph.subjects(RDF.type, k) if str(s).startswith(SHAPES)}
    assert len(named) > 20  # registration plus ten conditions (shapes/README.md)
    page = client.get("/shapes?lang=en", headers=HTML)
    assert page.status_code == 200 and '<html lang="en">' in page.text
    for shape in named:
        html = section(page.text, str(shape)[len(SHAPES):])
        for tag in ("lv", "en"):
            assert str(escape(label(shapes_graph, shape, URIRef(SH + "name"), tag))) in html
    turtle = client.get("/shapes", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-location"] == "/shapes.ttl"
    assert isomorphic(Graph().parse(data=turtle.content, format="turtle"), shapes_graph)


# ---------------------------------------------------------------------------
# Links from the rest of the site
# ---------------------------------------------------------------------------


def test_term_link_maps_model_iris_to_the_site():
    assert term_link(VIRSIS + "Service", "en") == "/ontology?lang=en#Service"
    assert term_link(VIRSIS + "Service", "en", here="/ontology") == "#Service"
    assert term_link("https://w3id.org/virsis/ontology", "lv") == "/ontology?lang=lv"
    assert term_link(VOCAB + "scale", "lv") == "/vocab/scale?lang=lv"
    assert term_link(VOCAB + "scale/state", "en") == "/vocab/scale/state?lang=en"
    assert term_link(SHAPES + "RecordIdentifierShape", "lv") == "/shapes?lang=lv#RecordIdentifierShape"
    for other in ("http://purl.org/vocab/cpsv#PublicService", VOCAB + "a/b/c", VOCAB, "https://data.virsis.gov.lv/id/service/s-01"):
        assert term_link(other, "lv") is None, other


def test_a_record_page_links_its_types_and_code_values_to_their_documentation(client):
    # services.ttl: s-01 is an IndividualBenefitService and a SimpleService, lifecycle stage
    # "provision", audience "residents"; virsis:meetsNeed is an ontology property.
    page = client.get("/id/service/s-01?lang=en", headers=HTML).text
    for href in ("/ontology?lang=en#IndividualBenefitService", "/ontology?lang=en#SimpleService", "/ontology?lang=en#meetsNeed",
                 "/vocab/lifecycle-stage/provision?lang=en", "/vocab/audience/residents?lang=en"):
        assert f'href="{href}"' in page, href
    # Every such link resolves, to the anchor it names.
    for href in set(re.findall(r'href="(/(?:ontology|vocab|shapes)[^"]*)"', page)):
        target = urlsplit(href)
        answer = client.get(f"{target.path}?{target.query}", headers=HTML)
        assert answer.status_code == 200, href
        if target.fragment:
            assert f' id="{target.fragment}"' in answer.text, href


def test_every_page_links_the_documentation_in_its_footer(client):
    for path, lang in (("/", "lv"), ("/id/service/s-01?lang=en", "en"), ("/vocab/scale?lang=en", "en")):
        footer = client.get(path, headers=HTML).text.split("<footer>", 1)[1]
        for target in ("/ontology", "/vocab", "/shapes"):
            assert f'href="{target}?lang={lang}"' in footer, (path, target)


def test_no_term_page_shows_personal_data(client, vocabularies):
    secrets = personal_values()
    paths = ["/ontology", "/ontology?lang=en", "/ontology.nt", "/vocab", "/shapes", "/shapes.nt"]
    for scheme in schemes(vocabularies):
        paths.append(f"/vocab/{str(scheme)[len(VOCAB):]}")
        paths += ["/vocab/" + str(c)[len(VOCAB):] for c in vocabularies.subjects(SKOS.inScheme, scheme)]
    assert len(paths) > 100  # README: 32 tasks, 10 conditions with 30 sub-criteria and 10 roles alone
    for path in paths:
        r = client.get(path, headers=HTML)
        assert r.status_code == 200, path
        assert not any(s in r.text for s in secrets), path
