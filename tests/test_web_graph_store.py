"""/graph-store: an institution writes its own graphs with its token, and nothing else."""

from __future__ import annotations

import threading

import pyoxigraph as ox
import pytest
from conftest import rid
from fastapi.testclient import TestClient

from virsis_graph.tokens import TokenFile
from virsis_graph.web.app import create_app

BASE = "https://data.virsis.gov.lv/"
PREFIXES = f"""@prefix dct: <http://purl.org/dc/terms/> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix virsis: <https://w3id.org/virsis/ontology#> .
@prefix id: <{BASE}id/> .
"""
NEW_SERVICE = PREFIXES + """
@prefix stage: <https://w3id.org/virsis/vocab/lifecycle-stage/> .
@prefix chtype: <https://w3id.org/virsis/vocab/channel-type/> .
<{base}id/service/s-900> a virsis:IndividualBenefitService ; dct:identifier "s-900" ;
    dct:title "Jauns pakalpojums"@lv , "A new service"@en ;
    dct:description "Jauns pakalpojums iedzīvotājiem."@lv ;
    cv:hasCompetentAuthority <{base}id/organisation/vdaa> ;
    virsis:serviceOwner <{base}id/person/p-18> ;
    virsis:lifecycleStage stage:provision ;
    virsis:meetsNeed <{base}id/need/n-12> ;
    cv:hasChannel <{base}id/channel/s-900-e-service> .
<{base}id/channel/s-900-e-service> a cv:Channel ; dct:identifier "s-900-e-service" ; dct:type chtype:e-service .
""".format(base=BASE)
"""A service registration.ttl accepts: both titles, a Latvian description, a kind (by class), one
competent authority, one owner who works in an institution (p-18 works in vdaa, people.ttl), a
lifecycle stage, the need it meets (n-12), and a channel with its identifier and type."""
UNTITLED_SERVICE = NEW_SERVICE.replace('    dct:title "Jauns pakalpojums"@lv , "A new service"@en ;\n', "")


@pytest.fixture
def site(writable_site):
    """A fresh copy of the example registry (writes change it), tokens for vdaa and vsaa."""
    return writable_site.client, writable_site.store, writable_site.secrets, writable_site.tokens


def put(client, graph: str, body: str, secret: str | None):
    headers = {"Content-Type": "text/turtle"}
    if secret:
        headers["Authorization"] = f"Bearer {secret}"
    return client.put("/graph-store", params={"graph": graph}, content=body.encode(), headers=headers)


def ask(client, pattern: str) -> bool:
    """The public endpoint's answer to ``ASK { pattern }``."""
    r = client.get("/sparql", params={"query": f"ASK {{ {pattern} }}"})
    assert r.status_code == 200, r.text
    return r.json()["boolean"]


def test_an_institution_writes_its_own_graph_and_the_site_sees_it(site):
    client, store, secret, _ = site
    graph = f"{BASE}graph/org/vdaa/new-services"
    service = f"<{BASE}id/service/s-900>"
    assert client.get("/id/service/s-900").status_code == 404
    assert client.get("/search", params={"q": "jauns"}).text.count("/id/service/s-900") == 0  # the index exists now
    assert not ask(client, f"{service} ?p ?o")  # and so does the public mirror
    pool = client.app.state.query_pool()
    r = put(client, graph, NEW_SERVICE, secret["vdaa"])
    assert r.status_code == 201, r.text
    # s-900: type, identifier, 2 titles, description, authority, owner, stage, need, channel; the channel: type, identifier, channel type
    assert store.count(graph) == 13
    assert client.get("/id/service/s-900", headers={"Accept": "text/turtle"}).status_code == 200
    assert "/id/service/s-900" in client.get("/search", params={"q": "jauns"}).text  # the index was brought up to date
    # The mirror took the write's delta: the same pool, not made again, answers with it at once.
    assert ask(client, f'{service} <http://purl.org/dc/terms/title> "A new service"@en')
    assert client.app.state.query_pool() is pool and pool.rebuilds == 0
    assert put(client, graph, NEW_SERVICE, secret["vdaa"]).status_code == 204  # replaced, same content
    changed = NEW_SERVICE.replace('"A new service"@en', '"A renamed service"@en')
    assert put(client, graph, changed, secret["vdaa"]).status_code == 204
    assert ask(client, f'{service} <http://purl.org/dc/terms/title> "A renamed service"@en')
    assert not ask(client, f'{service} <http://purl.org/dc/terms/title> "A new service"@en')
    auth = {"Authorization": f"Bearer {secret['vdaa']}"}
    assert client.delete("/graph-store", params={"graph": graph}, headers=auth).status_code == 204
    assert store.count(graph) == 0
    assert not ask(client, f"{service} ?p ?o")
    again = client.delete("/graph-store", params={"graph": graph}, headers=auth)
    assert again.status_code == 404 and again.text.startswith("grafa ") and " / no graph " in again.text
    assert pool.rebuilds == 0


def test_no_or_a_bad_or_revoked_token_is_401(site):
    client, store, secret, tokens = site
    graph = f"{BASE}graph/org/vdaa/x"
    r = put(client, graph, NEW_SERVICE, None)
    assert r.status_code == 401 and r.text.startswith("rakstīšanai vajag") and " / a write needs Authorization" in r.text
    assert put(client, graph, NEW_SERVICE, "virsis_not-a-token").status_code == 401
    [token] = [t for t in tokens.tokens() if t.organisation.endswith("/vdaa")]
    tokens.revoke(token.id)
    assert put(client, graph, NEW_SERVICE, secret["vdaa"]).status_code == 401
    assert store.count(graph) == 0


def test_another_institutions_graph_or_records_are_403(site):
    client, store, secret, _ = site
    before = store.count()
    # vsaa's token, vdaa's graph:
    r = put(client, f"{BASE}graph/org/vdaa/x", NEW_SERVICE, secret["vsaa"])
    assert r.status_code == 403 and "graph/org/vsaa/" in r.text
    # vsaa's own graph, but a service of vdaa in it:
    r = put(client, f"{BASE}graph/org/vsaa/x", NEW_SERVICE, secret["vsaa"])
    assert r.status_code == 403 and "s-900" in r.text
    # an existing record of another institution (s-09 belongs to ur), even unlinked:
    r = put(client, f"{BASE}graph/org/vdaa/x", PREFIXES + f'<{BASE}id/service/s-09> dct:title "Cits"@lv .', secret["vdaa"])
    assert r.status_code == 403 and "s-09" in r.text
    # nor can a payload claim it by naming the token's institution as its authority:
    claim = PREFIXES + f'<{BASE}id/service/s-09> cv:hasCompetentAuthority <{BASE}id/organisation/vdaa> .'
    r = put(client, f"{BASE}graph/org/vdaa/x", claim, secret["vdaa"])
    assert r.status_code == 403 and "s-09" in r.text
    # a need belongs to no institution:
    r = put(client, f"{BASE}graph/org/vdaa/x", PREFIXES + f'<{BASE}id/need/n-01> dct:title "X"@lv .', secret["vdaa"])
    assert r.status_code == 403 and "n-01" in r.text
    assert store.count() == before


def test_bad_bodies_are_refused_and_change_nothing(site):
    client, store, secret, _ = site
    before = store.count()
    graph = f"{BASE}graph/org/vdaa/x"
    r = put(client, graph, "<a> <b> .", secret["vdaa"])
    assert r.status_code == 400 and r.text.startswith("ķermenis nav derīgs text/turtle / the body is not valid text/turtle")
    r = client.put("/graph-store", params={"graph": graph}, content=b"x", headers={"Authorization": f"Bearer {secret['vdaa']}", "Content-Type": "text/plain"})
    assert r.status_code == 415
    assert store.count() == before


def test_reading_a_graph_is_public_and_private_data_stays_out(site):
    client, *_ = site
    people = client.get("/graph-store", params={"graph": f"{BASE}graph/source/people.ttl"})
    assert people.status_code == 200 and "Anna Bērziņa" in people.text and "mailto:" not in people.text
    provenance = client.get("/graph-store", params={"graph": f"{BASE}graph/provenance"})
    assert provenance.status_code == 200 and "generatedAtTime" in provenance.text
    assert "http://purl.org/dc/terms/creator" not in provenance.text  # who ran the import stays private


def test_read_only_has_no_write_routes(example_store):
    with TestClient(create_app(example_store, read_only=True)) as client:
        r = client.put("/graph-store", params={"graph": f"{BASE}graph/org/vdaa/x"}, content=b"", headers={"Authorization": "Bearer x"})
        assert r.status_code == 405
        assert client.get("/graph-store", params={"graph": f"{BASE}graph/source/services.ttl"}).status_code == 200


# ---------------------------------------------------------------------------
# SPARQL Update
# ---------------------------------------------------------------------------


def update(client, text: str, secret: str | None):
    headers = {"Content-Type": "application/sparql-update"}
    if secret:
        headers["Authorization"] = f"Bearer {secret}"
    return client.post("/sparql", content=text.encode(), headers=headers)


def test_insert_and_delete_data_in_the_institutions_graph(site):
    client, store, secret, _ = site
    graph = f"{BASE}graph/org/vdaa/updates"
    triple = f'<{BASE}id/organisation/vdaa> <http://purl.org/dc/terms/alternative> "VDAA"@lv'
    assert update(client, f"INSERT DATA {{ GRAPH <{graph}> {{ {triple} }} }}", secret["vdaa"]).status_code == 204
    assert store.count(graph) == 1
    assert client.get("/sparql", params={"query": f'ASK {{ {triple} }}'}).json()["boolean"] is True
    assert update(client, f"DELETE DATA {{ GRAPH <{graph}> {{ {triple} }} }}", secret["vdaa"]).status_code == 204
    assert store.count(graph) == 0
    assert client.get("/sparql", params={"query": f'ASK {{ {triple} }}'}).json()["boolean"] is False
    # Operations are made in order: deleted then inserted is there, inserted then deleted is not.
    both = f"DELETE DATA {{ GRAPH <{graph}> {{ {triple} }} }} ; INSERT DATA {{ GRAPH <{graph}> {{ {triple} }} }}"
    assert update(client, both, secret["vdaa"]).status_code == 204 and store.count(graph) == 1
    both = f"INSERT DATA {{ GRAPH <{graph}> {{ {triple} }} }} ; DELETE DATA {{ GRAPH <{graph}> {{ {triple} }} }}"
    assert update(client, both, secret["vdaa"]).status_code == 204 and store.count(graph) == 0


@pytest.mark.parametrize(("text", "status", "message"), [
    ("DELETE WHERE {{ GRAPH <{base}graph/org/vdaa/x> {{ ?s ?p ?o }} }}", 400, "only INSERT DATA and DELETE DATA"),
    ("INSERT DATA {{ <{base}id/organisation/vdaa> <http://purl.org/dc/terms/alternative> \"x\" }}", 400, "name the graph"),
    ("INSERT DATA {{ GRAPH <{base}graph/source/services.ttl> {{ <{base}id/organisation/vdaa> <http://purl.org/dc/terms/alternative> \"x\" }} }}", 403, "only graphs under"),
    ("INSERT DATA {{ GRAPH <{base}graph/org/vdaa/x> {{ <{base}id/service/s-09> <http://purl.org/dc/terms/alternative> \"x\" }} }}", 403, "s-09"),
    ("INSERT DATA {{ GRAPH <{base}graph/org/vdaa/x> {{ _:b <http://purl.org/dc/terms/alternative> \"x\" }} }}", 400, "blank nodes"),
    ("INSERT DATA {{ nonsense", 400, "not valid SPARQL"),
])
def test_updates_out_of_scope_or_shape_are_refused(site, text, status, message):
    client, store, secret, _ = site
    before = store.count()
    r = update(client, text.format(base=BASE), secret["vdaa"])
    assert r.status_code == status and message in r.text, r.text
    assert store.count() == before


def test_read_only_takes_no_update(example_store, tmp_path):
    tokens = TokenFile(tmp_path / "t.json")
    _, secret = tokens.create(rid("organisation/vdaa"))
    with TestClient(create_app(example_store, read_only=True, tokens_file=str(tmp_path / "t.json"))) as client:
        text = f'INSERT DATA {{ GRAPH <{BASE}graph/org/vdaa/x> {{ <{BASE}id/organisation/vdaa> <http://purl.org/dc/terms/alternative> "x" }} }}'
        assert update(client, text, secret).status_code == 403


# ---------------------------------------------------------------------------
# SHACL validation of writes
# ---------------------------------------------------------------------------

SH = "http://www.w3.org/ns/shacl#"
TITLE = "http://purl.org/dc/terms/title"


def test_a_write_that_breaks_a_shape_is_refused_with_a_report_and_changes_nothing(site):
    client, store, secret, _ = site
    graph = f"{BASE}graph/org/vdaa/new-services"
    service = f"{BASE}id/service/s-900"
    assert put(client, graph, NEW_SERVICE, secret["vdaa"]).status_code == 201  # a valid write passes
    before = set(store.quads())
    # registration.ttl: every service has a title in Latvian (RecordTitleShape), a public one in English too.
    r = put(client, graph, UNTITLED_SERVICE, secret["vdaa"])
    assert r.status_code == 422, r.text
    assert r.text.startswith("ieraksts neatbilst reģistra formām (SHACL), nekas netika ierakstīts")
    assert f"- {service} {TITLE}: Ierakstam jābūt nosaukumam latviešu valodā" in r.text
    assert "A record must have a title in Latvian" in r.text
    assert set(store.quads()) == before
    # The standard SHACL validation report, as Turtle when asked for.
    r = client.put("/graph-store", params={"graph": graph}, content=UNTITLED_SERVICE.encode(),
                   headers={"Content-Type": "text/turtle", "Accept": "text/turtle", "Authorization": f"Bearer {secret['vdaa']}"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/turtle")
    report = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    conforms = [t.object for t in report if t.predicate.value == SH + "conforms"]
    assert conforms == [ox.Literal("false", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))]
    results = {t.subject for t in report if t.predicate.value == SH + "focusNode" and t.object == ox.NamedNode(service)}
    paths = {t.object.value for t in report if t.subject in results and t.predicate.value == SH + "resultPath"}
    assert TITLE in paths
    assert set(store.quads()) == before
    assert '"Jauns pakalpojums"@lv' in client.get("/id/service/s-900", headers={"Accept": "text/turtle"}).text


def test_an_update_that_breaks_a_shape_is_refused(site):
    client, store, secret, _ = site
    graph = f"{BASE}graph/org/vdaa/new-services"
    service = f"{BASE}id/service/s-900"
    assert put(client, graph, NEW_SERVICE, secret["vdaa"]).status_code == 201
    before = set(store.quads())
    r = update(client, f'DELETE DATA {{ GRAPH <{graph}> {{ <{service}> <{TITLE}> "Jauns pakalpojums"@lv }} }}', secret["vdaa"])
    assert r.status_code == 422 and f"- {service} {TITLE}:" in r.text, r.text
    assert set(store.quads()) == before
    # A part decides its owner's validity: the same graph again, with the channel no longer a
    # cv:Channel, breaks ServiceChannelClassShape of s-900, whose own statements do not change.
    untyped_channel = NEW_SERVICE.replace("/id/channel/s-900-e-service> a cv:Channel ;", "/id/channel/s-900-e-service>")
    assert untyped_channel != NEW_SERVICE
    r = put(client, graph, untyped_channel, secret["vdaa"])
    assert r.status_code == 422 and f"- {service} http://data.europa.eu/m8g/hasChannel:" in r.text, r.text
    assert set(store.quads()) == before
    # A warning does not refuse: the q-shapes are warnings, and s-900 has many.
    assert update(client, f'INSERT DATA {{ GRAPH <{graph}> {{ <{service}> <http://purl.org/dc/terms/alternative> "JP"@lv }} }}', secret["vdaa"]).status_code == 204


def test_a_part_written_as_a_blank_node_is_validated_with_its_record(site):
    """A fee of -5 (CostValueShape: zero or more) is refused whether the cost has an IRI or is ``[ a cv:Cost ]``.

    Its results are about the blank node; they used to be filed under the blank
    node itself, not under s-900, and so were cut from the write's report.
    """
    client, store, secret, _ = site
    graph = f"{BASE}graph/org/vdaa/new-services"
    before = set(store.quads())
    negative = '"-5"^^<http://www.w3.org/2001/XMLSchema#double>'
    for cost in (f"[ a cv:Cost ; cv:hasValue {negative} ]", "<{base}id/cost/s-900>".format(base=BASE)):
        body = NEW_SERVICE.replace("    cv:hasChannel <", f"    cv:hasCost {cost} ;\n    cv:hasChannel <", 1)
        if cost.startswith("<"):
            body += f"{cost} a cv:Cost ; dct:identifier \"s-900\" ; cv:hasValue {negative} .\n"
        r = put(client, graph, body, secret["vdaa"])
        assert r.status_code == 422, (cost, r.text)
        assert " http://data.europa.eu/m8g/hasValue: Izmaksu summai jābūt vienai xsd:double vērtībai, kas ir nulle vai lielāka." in r.text
        assert set(store.quads()) == before


# ---------------------------------------------------------------------------
# The public mirror after a write
# ---------------------------------------------------------------------------

PERSON = PREFIXES + """
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
<{base}id/person/p-900> a foaf:Person ; dct:identifier "p-900" ; foaf:name "Jānis Paraugs" ;
    org:memberOf <{base}id/organisation/vdaa> ;
    foaf:mbox <mailto:janis.paraugs@vdaa.example.lv> ; foaf:phone <tel:+37120000900> ;
    dct:description "Projektu vadītājs"@lv .
""".format(base=BASE)


def test_personal_data_written_by_a_token_holder_stays_off_the_public_endpoint(site):
    client, store, secret, _ = site
    graph = f"{BASE}graph/org/vdaa/people"
    person = f"<{BASE}id/person/p-900>"
    assert not ask(client, f"{person} ?p ?o")
    assert put(client, graph, PERSON, secret["vdaa"]).status_code == 201
    assert store.count(graph) == 7  # the register keeps it all: type, identifier, name, institution, mailbox, phone, description
    assert ask(client, f'{person} <http://xmlns.com/foaf/0.1/name> "Jānis Paraugs"')  # name and institution are public
    assert not ask(client, "?s ?p <mailto:janis.paraugs@vdaa.example.lv>")
    everything = client.get("/sparql", params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"}, headers={"Accept": "application/n-triples"})
    assert everything.status_code == 200 and "p-900" in everything.text
    for secret_value in ("janis.paraugs@", "+37120000900", "Projektu vadītājs"):
        assert secret_value not in everything.text
    assert "janis.paraugs@" not in client.get("/graph-store", params={"graph": graph}).text


def test_a_delta_the_privacy_rule_cannot_follow_rebuilds_the_mirror_in_the_background(site, monkeypatch):
    """A person who stops being one: their statements elsewhere become public, and only the register has them."""
    from virsis_graph.web import query_pool

    client, store, secret, _ = site
    graph = f"{BASE}graph/org/vdaa/people"
    person = f"<{BASE}id/person/p-900>"
    assert put(client, graph, PERSON, secret["vdaa"]).status_code == 201
    pool = client.app.state.query_pool()
    assert not ask(client, f"{person} <http://purl.org/dc/terms/description> ?d")
    go, building = threading.Event(), threading.Event()
    build = query_pool.build_mirror

    def held_build(*args):
        building.set()
        assert go.wait(60)
        return build(*args)

    monkeypatch.setattr(query_pool, "build_mirror", held_build)
    untype = f"DELETE DATA {{ GRAPH <{graph}> {{ {person} a <http://xmlns.com/foaf/0.1/Person> }} }}"
    assert update(client, untype, secret["vdaa"]).status_code == 204
    assert building.wait(60)
    # While the mirror is made again, queries are answered from the current one.
    assert ask(client, f'{person} <http://xmlns.com/foaf/0.1/name> "Jānis Paraugs"')
    assert not ask(client, f"{person} <http://purl.org/dc/terms/description> ?d")
    go.set()
    assert pool.settled(timeout=60) and pool.rebuilds == 1
    assert ask(client, f'{person} <http://purl.org/dc/terms/description> "Projektu vadītājs"@lv')


def test_a_write_is_not_refused_for_a_shared_part_s_defect_that_another_record_owns(site):
    """A write files the results about a shared part as an import and the whole register's report do.

    The template t-03 (data/examples/services.ttl, followed by s-38, s-39, s-40
    and s-42) gets a second Latvian title in the register: a Violation of
    RecordTitleShape, filed under the least of its services, s-38
    (``validation.owning_records``). s-900 following t-03 too is written, as
    an import of s-900 would be: the defect is s-38's. It used to be refused,
    the write's copy of the neighbourhood having s-900 alone link to t-03.
    A write that gives the template a defect of its own is still refused.
    """
    from virsis_graph.store import GraphChange
    from virsis_graph.validation import validate_records

    client, store, secret, _ = site
    template = ox.NamedNode(f"{BASE}id/service-template/t-03")
    store.apply([GraphChange(f"{BASE}graph/source/defect", add=[
        ox.Triple(template, ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal("Otrs nosaukums", language="lv"))])])
    about_template = {(r.record, r.shape.rsplit("#", 1)[-1]) for r in validate_records(store, [rid("service/s-38")]).results if r.focus == template.value}
    assert about_template == {(rid("service/s-38"), "RecordTitleShape")}
    follows = NEW_SERVICE.replace("    cv:hasChannel <", f"    virsis:followsTemplate {template} ;\n    cv:hasChannel <", 1)
    graph = f"{BASE}graph/org/vdaa/new-services"
    assert put(client, graph, follows, secret["vdaa"]).status_code == 201
    assert ask(client, f"<{BASE}id/service/s-900> <https://w3id.org/virsis/ontology#followsTemplate> {template}")
    # A part the write itself describes is the write's: its defect refuses it.
    before = set(store.quads())
    bad_cost = follows.replace("    cv:hasChannel <", f"    cv:hasCost <{BASE}id/cost/s-900> ;\n    cv:hasChannel <", 1) + \
        f'<{BASE}id/cost/s-900> a cv:Cost ; dct:identifier "s-900" ; cv:hasValue "-5"^^<http://www.w3.org/2001/XMLSchema#double> .\n'
    r = put(client, graph, bad_cost, secret["vdaa"])
    assert r.status_code == 422 and f"- {BASE}id/cost/s-900 http://data.europa.eu/m8g/hasValue: " in r.text, r.text
    assert template.value not in r.text  # s-38's defect is not listed
    assert set(store.quads()) == before


def test_an_empty_put_creates_nothing_and_says_so(site):
    """A graph with no statements is not kept: 201 Created for it was followed by 404 on GET."""
    client, store, secret, _ = site
    graph = f"{BASE}graph/org/vdaa/empty"
    assert put(client, graph, "", secret["vdaa"]).status_code == 204
    assert client.get("/graph-store", params={"graph": graph}).status_code == 404
