"""Linked data: every record at /id/{kind}/{identifier}, negotiated, cacheable, without personal data."""

from __future__ import annotations

import re

import httpx
import pyoxigraph as ox
import pytest
from conftest import rid
from fastapi.testclient import TestClient
from rdflib import Graph
from typer.testing import CliRunner

from virsis_graph import resources
from virsis_graph.cli import app as cli
from virsis_graph.web.app import create_app
from virsis_graph.web.negotiation import negotiate

FOAF_MBOX = "http://xmlns.com/foaf/0.1/mbox"


@pytest.fixture(scope="module")
def client(example_store) -> TestClient:
    return TestClient(create_app(example_store))


def triples_of(body: bytes, fmt: ox.RdfFormat) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=fmt)}


# ---------------------------------------------------------------------------
# Content negotiation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("accept", "offers", "expected"), [
    (None, ["text/turtle", "text/html"], "text/turtle"),
    ("*/*", ["text/turtle", "text/html"], "text/turtle"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ["text/turtle", "text/html"], "text/html"),
    ("application/ld+json;q=0.5, text/turtle;q=0.4", ["text/turtle", "application/ld+json"], "application/ld+json"),
    ("text/*;q=0.3, text/html;q=0", ["text/html", "text/turtle"], "text/turtle"),
    ("image/png", ["text/turtle", "text/html"], None),
    ("text/turtle;q=nonsense, text/html", ["text/turtle", "text/html"], "text/html"),
])
def test_negotiate(accept, offers, expected):
    assert negotiate(accept, offers) == expected


def test_a_record_answers_in_the_format_asked_for(client, example_store):
    expected = set(example_store.describe([ox.NamedNode(rid("need/n-01"))]))
    for accept, fmt, extension in [
        ("text/turtle", ox.RdfFormat.TURTLE, "ttl"), ("application/n-triples", ox.RdfFormat.N_TRIPLES, "nt"),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML, "rdf"), ("application/ld+json", ox.RdfFormat.JSON_LD, "jsonld"),
    ]:
        r = client.get("/id/need/n-01", headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
        assert "Accept" in [v.strip() for v in r.headers["vary"].split(",")]
        assert r.headers["content-location"] == f"/id/need/n-01.{extension}"
        assert triples_of(r.content, fmt) == expected
        direct = client.get(f"/id/need/n-01.{extension}")
        assert direct.content == r.content and "content-location" not in direct.headers


def test_curl_gets_turtle_and_a_browser_gets_html_in_its_language(client):
    assert client.get("/id/need/n-01", headers={"Accept": "*/*"}).headers["content-type"].startswith("text/turtle")
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    page = client.get("/id/need/n-01", headers=browser)
    assert page.headers["content-type"].startswith("text/html") and '<html lang="lv">' in page.text
    assert "<h1>Valsts apmaksāta grūtniecības aprūpe</h1>" in page.text
    english = client.get("/id/need/n-01?lang=en", headers=browser)
    assert '<html lang="en">' in english.text and "<h1>State-funded pregnancy care</h1>" in english.text
    assert 'href="/id/life-situation/ls-01?lang=en"' in english.text  # links stay on the site, in the language


def test_link_header_names_every_alternate(client):
    link = client.get("/id/service/s-01.ttl").headers["link"]
    assert set(re.findall(r'</id/service/s-01\.(\w+)>; rel="alternate"', link)) == {"ttl", "html", "jsonld", "nt", "rdf"}


def test_etag_gives_304(client):
    first = client.get("/id/service/s-01", headers={"Accept": "text/turtle"})
    etag = first.headers["etag"]
    again = client.get("/id/service/s-01", headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = client.get("/id/service/s-01", headers={"Accept": "application/n-triples", "If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag


@pytest.mark.parametrize("path", ["/id/service/s-999", "/id/service/s-01.xyz", "/id/Service/s-01", "/id/service/..", "/id/nothing/x"])
def test_unknown_records_are_404(client, path):
    r = client.get(path)
    assert r.status_code == 404 and "not found" in r.text
    html = client.get(path, headers={"Accept": "text/html"})
    assert html.status_code == 404 and "<h1>Nav atrasts</h1>" in html.text


def test_nothing_acceptable_is_406(client):
    r = client.get("/id/service/s-01", headers={"Accept": "image/png"})
    assert r.status_code == 406 and r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.text.startswith("406: prasītais formāts nav pieejams; pieejami ir text/turtle") and " / 406 Not Acceptable: this record is offered as text/turtle" in r.text


def test_home_page_counts_the_register(client):
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and '<html lang="lv">' in page.text
    # data/examples/README.md: 9 life situations, 46 needs, 51 services, 37 resources.
    for name, count in (("Dzīves situācija", 9), ("Vajadzība", 46), ("Pakalpojums", 51), ("Resurss", 37)):
        assert f"<td>{name}</td><td>{count}</td>" in page.text


# ---------------------------------------------------------------------------
# Personal data stays private
# ---------------------------------------------------------------------------


def personal_values() -> list[str]:
    """Every e-mail address the example people have (people.ttl), in the forms it could leak in."""
    g = Graph().parse(str(next(p for p in resources.example_files() if p.name == "people.ttl")), publicID="https://data.virsis.gov.lv/")
    boxes = [str(o) for o in g.objects(None, g.namespace_manager.expand_curie("foaf:mbox"))]
    assert len(boxes) >= 30
    return boxes + [b.removeprefix("mailto:") for b in boxes]


def test_no_public_route_shows_personal_data(client, example_store):
    secrets = personal_values()
    base = rid("")
    records = sorted({q.subject.value for q in example_store.quads() if q.subject.value.startswith(base)})
    assert len(records) > 500
    pages = ["/", "/?lang=en"] + [f"/{iri[len(rid('').rsplit('id/', 1)[0]):]}" for iri in records]
    for path in pages:
        for suffix in ("", ".nt") if path.startswith("/id/") else ("",):
            r = client.get(path + suffix, headers={"Accept": "text/html"})
            assert r.status_code == 200, path
            assert not any(s in r.text for s in secrets), path + suffix
            assert FOAF_MBOX not in r.text and "mbox" not in r.text, path + suffix


def test_a_person_is_shown_by_name_and_institution_only(client):
    triples = triples_of(client.get("/id/person/p-01.nt").content, ox.RdfFormat.N_TRIPLES)
    assert {t.predicate.value for t in triples} == {
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://purl.org/dc/terms/identifier",
        "http://purl.org/dc/terms/title", "http://www.w3.org/ns/org#memberOf", "http://xmlns.com/foaf/0.1/name",
    }


# ---------------------------------------------------------------------------
# virsis serve
# ---------------------------------------------------------------------------


def test_serve_refuses_examples_with_a_store(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--examples", "--store", str(tmp_path / "s")])
    assert result.exit_code == 2 and "--examples" in result.output


@pytest.mark.slow
def test_serve_runs_the_site(site_url):
    r = httpx.get(f"{site_url}/id/service/s-01", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and "s-01" in r.text
    # A real client against the real server: rdflib dereferences a record
    # and runs SELECT, ASK and CONSTRUCT through its SPARQL 1.1 client store.
    from rdflib import Graph, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    record = Graph().parse(f"{site_url}/id/service/s-01")
    assert (URIRef(rid("service/s-01")), URIRef("http://purl.org/dc/terms/identifier"), None) in record
    remote = Graph(store=SPARQLStore(f"{site_url}/sparql"))
    needs = list(remote.query("SELECT ?n WHERE { ?n a <https://w3id.org/virsis/ontology#Need> }"))
    assert len(needs) == 46  # data/examples/README.md
    assert remote.query("ASK { ?p <http://xmlns.com/foaf/0.1/mbox> ?m }").askAnswer is False
    built = remote.query("CONSTRUCT { ?s a ?c } WHERE { ?s a ?c FILTER(?c = <https://w3id.org/virsis/ontology#Need>) }")
    assert len(built.graph) == 46


# ---------------------------------------------------------------------------
# schema.org for search engines
# ---------------------------------------------------------------------------


def embedded_json_ld(html: str) -> list[dict]:
    import json

    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)]


def test_a_service_page_embeds_a_government_service(client):
    # s-09 (services.ttl): registering a limited liability company, competent
    # authority ur, homepage https://www.ur.example.lv/pakalpojumi/s-09, channels
    # e-service, in person and post.
    [data] = embedded_json_ld(client.get("/id/service/s-09?lang=en", headers={"Accept": "text/html"}).text)
    assert (data["@type"], data["@id"], data["name"]) == ("GovernmentService", rid("service/s-09"), "Registering a limited liability company")
    assert data["url"] == "https://www.ur.example.lv/pakalpojumi/s-09"
    assert data["provider"]["@id"] == rid("organisation/ur") and data["provider"]["name"] == "Register of Enterprises of the Republic of Latvia"
    assert {c["name"] for c in data["availableChannel"]} == {"E-service", "In person", "Post"}
    [lv] = embedded_json_ld(client.get("/id/service/s-09", headers={"Accept": "text/html"}).text)
    assert lv["name"] == "Sabiedrības ar ierobežotu atbildību reģistrācija komercreģistrā"
    assert embedded_json_ld(client.get("/id/need/n-09", headers={"Accept": "text/html"}).text) == []


def test_embedded_json_cannot_close_its_script():
    from virsis_graph.web.schema_org import script_json

    text = script_json({"name": "</script><script>alert(1)</script>"})
    assert "</script" not in text and "<\\/script>" in text


# ---------------------------------------------------------------------------
# What a record page shows a person
# ---------------------------------------------------------------------------

HTML = {"Accept": "text/html"}
ROW = re.compile(r'<tr>\s*<th scope="row">(.*?)</th>\s*<td>(.*?)</td>\s*</tr>', flags=re.S)


def rows_of(page: str) -> list[tuple[str, str]]:
    """A record page's table as (heading text, cell HTML) pairs, in page order."""
    return [(re.sub(r"<[^>]+>", "", th).strip(), td.strip()) for th, td in ROW.findall(page)]


def cells(page: str, heading: str) -> list[str]:
    return [td for th, td in rows_of(page) if th == heading]


def test_an_external_address_is_a_link_showing_the_whole_address(client):
    # services.ttl: s-02 has foaf:homepage <https://www.vsaa.example.lv/pakalpojumi/s-02> (reused-terms.ttl
    # labels foaf:homepage "tīmekļvietne"/"homepage"); s-09 a request form at .../s-09/veidlapa.
    home = "https://www.vsaa.example.lv/pakalpojumi/s-02"
    assert cells(client.get("/id/service/s-02", headers=HTML).text, "tīmekļvietne") == [f'<a href="{home}">{home}</a>']
    assert cells(client.get("/id/service/s-02?lang=en", headers=HTML).text, "homepage") == [f'<a href="{home}">{home}</a>']
    form = "https://www.ur.example.lv/pakalpojumi/s-09/veidlapa"
    assert f'<a href="{form}">{form}</a>' in client.get("/id/service/s-09", headers=HTML).text
    # A term of the model is still shown by its label, not its address: dct:language LAV is "latviešu valoda".
    [language] = cells(client.get("/id/service/s-02", headers=HTML).text, "valoda")
    assert ">latviešu valoda</a>" in language and ">http" not in language


def test_linked_records_are_shown_by_their_titles(client):
    page = client.get("/id/service/s-02", headers=HTML).text
    # s-02 meets n-02 (life-situations.ttl) and uses r-01 (resources.ttl); its owner is p-03 (people.ttl).
    assert cells(page, "apmierina vajadzību") == ['<a href="/id/need/n-02?lang=lv">Ienākumi grūtniecības un dzemdību atvaļinājuma laikā</a>']
    assert '<a href="/id/resource/r-01?lang=lv">Sociālās apdrošināšanas informācijas sistēma</a>' in cells(page, "izmanto resursu")
    english = client.get("/id/service/s-02?lang=en", headers=HTML).text
    assert cells(english, "meets need") == ['<a href="/id/need/n-02?lang=en">Income during maternity leave</a>']
    # A person's name has no language: on an English page it is not marked as Latvian (virsis.ttl: serviceOwner).
    assert cells(english, "service owner (manager)") == ['<a href="/id/person/p-03?lang=en">Līga Ozoliņa</a>']
    # A channel has no title: its identifier stands in.
    assert '<a href="/id/channel/s-02-post?lang=lv">s-02-post</a>' in cells(page, "kanāls")
    assert "need/n-02<" not in page and "resource/r-01<" not in page


def test_a_record_without_a_title_in_the_page_language_is_named_in_the_other(example_store, client):
    from virsis_graph.web.linked_data import names_of
    from virsis_graph.web.wording import Text

    # services.ttl: s-08 has a Latvian title only (a planted defect); s-01 has both.
    s08, s01 = ox.NamedNode(rid("service/s-08")), ox.NamedNode(rid("service/s-01"))
    lv_title = "Bērna pieteikšana rindā uz pašvaldības pirmsskolas izglītības iestādi"
    names = names_of(example_store, [s08, s01], "en")
    assert names[s08.value] == Text(lv_title, "lv") and names[s01.value] == Text("State-funded pregnancy care", "en")
    assert names_of(example_store, [ox.NamedNode(rid("service/s-999"))], "en") == {rid("service/s-999"): Text("s-999", "")}
    page = client.get("/id/service/s-08?lang=en", headers=HTML).text
    assert f'<h1><span lang="lv">{lv_title}</span></h1>' in page
    assert f"<h1>{lv_title}</h1>" in client.get("/id/service/s-08", headers=HTML).text


def test_types_and_headings_are_named_in_the_page_language(client):
    # virsis.ttl: s-02 is an IndividualBenefitService and a SimpleService, both subclasses of virsis:Service
    # ("Pakalpojums"/"Service"); rdf:type is "veids"/"type".
    lv = client.get("/id/service/s-02", headers=HTML).text
    assert "<p>Pakalpojums · <code>s-02</code></p>" in lv
    assert [re.sub(r"<[^>]+>", "", c) for c in cells(lv, "veids")] == ["Individuāla labuma pakalpojums", "Vienkāršais pakalpojums"]
    en = client.get("/id/service/s-02?lang=en", headers=HTML).text
    assert "<p>Service · <code>s-02</code></p>" in en
    assert [re.sub(r"<[^>]+>", "", c) for c in cells(en, "type")] == ["Individual-benefit service", "Simple service"]
    assert {th for th, _ in rows_of(lv)} >= {"nosaukums", "apraksts", "identifikators", "veids"} and "type" not in {th for th, _ in rows_of(lv)}
    assert "<p>Dzīves situācija · <code>ls-01</code></p>" in client.get("/id/life-situation/ls-01", headers=HTML).text
    assert "<p>Life situation · <code>ls-01</code></p>" in client.get("/id/life-situation/ls-01?lang=en", headers=HTML).text
    # Kinds beyond the register's main ones are named by their own class: a channel is a cv:Channel.
    assert "<p>Kanāls · <code>s-02-post</code></p>" in client.get("/id/channel/s-02-post", headers=HTML).text
    assert "<p>Organizācija · <code>vsaa</code></p>" in client.get("/id/organisation/vsaa", headers=HTML).text


@pytest.mark.parametrize("lang", ["lv", "en"])
def test_latvian_values_come_first_on_every_page(client, lang):
    # services.ttl: s-02 has a title, a description and three keywords in each language.
    page = client.get(f"/id/service/s-02?lang={lang}", headers=HTML).text
    title, description, keywords = (("nosaukums", "apraksts", "atslēgvārds") if lang == "lv" else ("title", "description", "keyword"))
    assert cells(page, title) == ['<span lang="lv">Maternitātes pabalsts</span> <span class="lang">lv</span>',
                                  '<span lang="en">Maternity benefit</span> <span class="lang">en</span>']
    assert [re.search(r'lang="(\w+)"', c).group(1) for c in cells(page, description)] == ["lv", "en"]
    assert [re.search(r'lang="(\w+)"', c).group(1) for c in cells(page, keywords)] == ["lv"] * 3 + ["en"] * 3
