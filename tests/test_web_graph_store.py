"""/graph-store: an institution writes its own graphs with its token, and nothing else."""

from __future__ import annotations


import pytest
from conftest import rid
from fastapi.testclient import TestClient

from virsis_graph import resources
from virsis_graph.importing import apply_plan, initialise, plan_import
from virsis_graph.store import EmbeddedStore
from virsis_graph.tokens import TokenFile
from virsis_graph.web.app import create_app

BASE = "https://data.virsis.gov.lv/"
PREFIXES = f"""@prefix dct: <http://purl.org/dc/terms/> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix virsis: <https://w3id.org/virsis/ontology#> .
@prefix id: <{BASE}id/> .
"""
NEW_SERVICE = PREFIXES + """
<{base}id/service/s-900> a virsis:IndividualBenefitService ; dct:identifier "s-900" ;
    dct:title "Jauns pakalpojums"@lv , "A new service"@en ;
    cv:hasCompetentAuthority <{base}id/organisation/vdaa> ;
    cv:hasChannel <{base}id/channel/s-900-e-service> .
<{base}id/channel/s-900-e-service> a cv:Channel ; dct:identifier "s-900-e-service" .
""".format(base=BASE)


@pytest.fixture
def site(tmp_path):
    """A fresh copy of the example registry (writes change it), tokens for vdaa and vsaa."""
    store = EmbeddedStore()
    initialise(store)
    apply_plan(store, plan_import(store, resources.example_files()))
    tokens = TokenFile(tmp_path / "tokens.json")
    _, vdaa = tokens.create(rid("organisation/vdaa"))
    _, vsaa = tokens.create(rid("organisation/vsaa"))
    with TestClient(create_app(store, tokens_file=str(tmp_path / "tokens.json"), query_limits={"workers": 1})) as client:
        yield client, store, {"vdaa": vdaa, "vsaa": vsaa}, tokens


def put(client, graph: str, body: str, secret: str | None):
    headers = {"Content-Type": "text/turtle"}
    if secret:
        headers["Authorization"] = f"Bearer {secret}"
    return client.put("/graph-store", params={"graph": graph}, content=body.encode(), headers=headers)


def test_an_institution_writes_its_own_graph_and_the_site_sees_it(site):
    client, store, secret, _ = site
    graph = f"{BASE}graph/org/vdaa/new-services"
    assert client.get("/id/service/s-900").status_code == 404
    assert client.get("/search", params={"q": "jauns"}).text.count("/id/service/s-900") == 0  # the index exists now
    r = put(client, graph, NEW_SERVICE, secret["vdaa"])
    assert r.status_code == 201, r.text
    assert store.count(graph) == 8  # s-900: type, identifier, 2 titles, authority, channel; the channel: type, identifier
    assert client.get("/id/service/s-900", headers={"Accept": "text/turtle"}).status_code == 200
    assert "/id/service/s-900" in client.get("/search", params={"q": "jauns"}).text  # the index was made again
    answer = client.get("/sparql", params={"query": f"ASK {{ <{BASE}id/service/s-900> ?p ?o }}"}).json()
    assert answer["boolean"] is True  # and so was the public mirror
    assert put(client, graph, NEW_SERVICE, secret["vdaa"]).status_code == 204  # replaced, same content
    assert client.delete("/graph-store", params={"graph": graph}, headers={"Authorization": f"Bearer {secret['vdaa']}"}).status_code == 204
    assert store.count(graph) == 0


def test_no_or_a_bad_or_revoked_token_is_401(site):
    client, store, secret, tokens = site
    graph = f"{BASE}graph/org/vdaa/x"
    assert put(client, graph, NEW_SERVICE, None).status_code == 401
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
    assert put(client, graph, "<a> <b> .", secret["vdaa"]).status_code == 400
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
