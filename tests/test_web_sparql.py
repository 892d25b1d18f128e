"""/sparql: the SPARQL 1.1 Protocol over the public register, with limits that hold."""

from __future__ import annotations

import csv
import io
import json
import threading
import time

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from test_web_linked_data import personal_values

from virsis_graph.web.app import create_app

NEEDS = "SELECT ?s WHERE { ?s a <https://w3id.org/virsis/ontology#Need> } ORDER BY ?s"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def client(example_store):
    with TestClient(create_app(example_store, query_limits={"workers": 2, "timeout": 20, "max_rows": 50_000})) as c:
        yield c


@pytest.fixture(scope="module")
def tight(example_store):
    """An endpoint with one worker, a 1.5 s limit, 100 rows and a short queue."""
    with TestClient(create_app(example_store, query_limits={"workers": 1, "timeout": 1.5, "max_rows": 100, "queue_wait": 0.5})) as c:
        yield c


def needs(body: bytes) -> list[str]:
    return [b["s"]["value"] for b in json.loads(body)["results"]["bindings"]]


def test_get_post_form_and_post_query_give_the_same_answer(client):
    by_get = client.get("/sparql", params={"query": NEEDS})
    by_form = client.post("/sparql", data={"query": NEEDS})
    by_body = client.post("/sparql", content=NEEDS, headers={"Content-Type": "application/sparql-query"})
    assert by_get.status_code == by_form.status_code == by_body.status_code == 200
    assert by_get.headers["content-type"].startswith("application/sparql-results+json")
    assert needs(by_get.content) == needs(by_form.content) == needs(by_body.content)
    assert len(needs(by_get.content)) == 46  # data/examples/README.md: 46 needs


@pytest.mark.parametrize(("accept", "fmt", "media_type"), [
    ("application/sparql-results+xml", None, "application/sparql-results+xml"),
    ("text/csv", None, "text/csv"),
    (None, "tsv", "text/tab-separated-values"),
    (None, "json", "application/sparql-results+json"),
])
def test_select_result_formats(client, accept, fmt, media_type):
    params = {"query": NEEDS, **({"format": fmt} if fmt else {})}
    r = client.get("/sparql", params=params, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media_type)
    if media_type == "text/csv":
        rows = list(csv.reader(io.StringIO(r.text)))
        assert rows[0] == ["s"] and len(rows) == 47


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD), ("application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_construct_formats(client, accept, fmt):
    query = "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c FILTER(?c = <https://w3id.org/virsis/ontology#Need>) }"
    r = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    assert len(list(ox.parse(r.content, format=fmt))) == 46


def test_default_and_named_graph_uris(client):
    services = "https://data.virsis.gov.lv/graph/source/services.ttl"
    needs_graph = "https://data.virsis.gov.lv/graph/source/life-situations.ttl"
    assert needs(client.get("/sparql", params={"query": NEEDS, "default-graph-uri": services}).content) == []
    assert len(needs(client.get("/sparql", params={"query": NEEDS, "default-graph-uri": needs_graph}).content)) == 46
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = client.get("/sparql", params={"query": query, "named-graph-uri": services})
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == [services]


def test_the_public_endpoint_holds_no_personal_data(client):
    assert client.post("/sparql", data={"query": "ASK { ?p <http://xmlns.com/foaf/0.1/mbox> ?m }"}).json()["boolean"] is False
    everything = client.get("/sparql", params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"}, headers={"Accept": "application/n-triples"})
    assert everything.status_code == 200
    assert not any(value in everything.text for value in personal_values())
    described = client.get("/sparql", params={"query": "DESCRIBE <https://data.virsis.gov.lv/id/person/p-01>"}, headers={"Accept": "application/n-triples"})
    assert "Anna Bērziņa" in described.text and "mailto:" not in described.text


def test_updates_without_a_token_are_refused(client):
    assert client.post("/sparql", data={"update": "DROP ALL"}).status_code == 401
    assert client.post("/sparql", content="DROP ALL", headers={"Content-Type": "application/sparql-update"}).status_code == 401
    by_get = client.get("/sparql", params={"update": "DROP ALL"})  # the protocol sends updates by POST only
    assert by_get.status_code == 400 and by_get.text.startswith("izmaiņas (update) sūta POST") and "POSTed in the request body" in by_get.text
    assert len(needs(client.get("/sparql", params={"query": NEEDS}).content)) == 46


def test_bad_queries_say_why(client):
    r = client.get("/sparql", params={"query": "SELECT WHERE {"})
    assert r.status_code == 400 and "not valid SPARQL" in r.text
    r = client.get("/sparql", params={"query": "DELETE WHERE { ?s ?p ?o }"})
    assert r.status_code == 400 and "not a SPARQL query" in r.text
    html = client.get("/sparql", params={"query": "SELECT WHERE {"}, headers={"Accept": "text/html"})
    assert html.status_code == 400 and 'role="alert"' in html.text and "SELECT WHERE {" in html.text
    assert client.post("/sparql", content="x", headers={"Content-Type": "text/plain"}).status_code == 415


def test_errors_say_why_in_latvian_first(client, tight):
    r = client.get("/sparql", params={"query": NEEDS}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and r.text.startswith("406: SELECT atbildi var saņemt kā application/sparql-results+json")
    assert " / 406 Not Acceptable: a SELECT answer comes as " in r.text
    # A SELECT has no Turtle: refused, not answered in JSON labelled text/turtle.
    assert client.get("/sparql", params={"query": NEEDS, "format": "ttl"}).status_code == 406
    r = client.get("/sparql", params={"query": "DELETE WHERE { ?s ?p ?o }"})
    assert r.text.startswith("tas nav SPARQL vaicājums: pirms pirmās '{' jābūt SELECT, ASK, CONSTRUCT vai DESCRIBE / not a SPARQL query")
    r = tight.post("/sparql", content="#" * 200_000, headers={"Content-Type": "application/sparql-query"})
    assert r.text == "pieprasījuma ķermenis ir lielāks par 100000 baitiem / the request body is larger than 100000 bytes\n"
    r = client.get("/sparql", params={"query": NEEDS, "default-graph-uri": "not an IRI"})
    assert r.status_code == 400 and r.text.startswith("default-graph-uri vērtība 'not an IRI' nav derīgs IRI / ")
    rows = tight.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})  # the pool's message, relayed
    lv, _, en = rows.text.partition(" / ")
    assert lv and en.startswith("the answer has more than 100 rows") and rows.headers["content-type"] == "text/plain; charset=utf-8"
    r = client.get("/queries/no-such-query")
    assert r.status_code == 404 and r.text.startswith("nosauktā vaicājuma 'no-such-query' nav: /queries tos uzskaita / no named query")
    r = client.get("/queries/impact-of-resource", params={"colour": "red"})
    assert r.text.startswith("impact-of-resource nav parametra 'colour' / has no parameter 'colour'")


def test_from_and_relative_iris(client):
    """The query's own FROM is its default graph (not the union), and relative IRIs resolve against the register's base."""
    query = "SELECT ?id FROM <graph/source/{}> WHERE {{ <id/service/s-09> <http://purl.org/dc/terms/identifier> ?id }}"
    assert [b["id"]["value"] for b in client.get("/sparql", params={"query": query.format("services.ttl")}).json()["results"]["bindings"]] == ["s-09"]
    assert client.get("/sparql", params={"query": query.format("life-situations.ttl")}).json()["results"]["bindings"] == []


def test_service_description_and_the_form(client):
    sd = client.get("/sparql", headers={"Accept": "text/turtle"})
    triples = list(ox.parse(sd.content, format=ox.RdfFormat.TURTLE))
    assert any(t.object.value == "http://www.w3.org/ns/sparql-service-description#SPARQL11Query" for t in triples)
    form = client.get("/sparql", headers={"Accept": "text/html"})
    assert '<textarea id="query" name="query"' in form.text and "impact-of-resource" in form.text
    example = client.get("/sparql", params={"example": "unmet-needs"}, headers={"Accept": "text/html"})
    assert "# title: Neapmierinātas vajadzības" in example.text
    table = client.get("/sparql", params={"query": NEEDS + " LIMIT 2"}, headers={"Accept": "text/html"})
    assert table.text.count("<td>https://data.virsis.gov.lv/id/need/") == 2


def test_cors(client):
    r = client.get("/sparql", params={"query": NEEDS}, headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    pre = client.options("/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 200 and "POST" in pre.headers["access-control-allow-methods"]


# ---------------------------------------------------------------------------
# Limits
# ---------------------------------------------------------------------------


def test_a_query_over_time_is_stopped_and_its_worker_replaced(tight):
    pool = tight.app.state.query_pool()
    before = pool.worker_pids()
    started = time.monotonic()
    r = tight.get("/sparql", params={"query": SLOW})
    assert r.status_code == 503 and "longer than 1.5 s and was stopped" in r.text
    assert time.monotonic() - started < 10
    after = pool.worker_pids()
    assert after != before and pool.killed >= 1  # the process doing the work is gone
    assert tight.get("/sparql", params={"query": NEEDS + " LIMIT 3"}).status_code == 200


def test_too_many_rows_is_an_error_not_a_silent_cut(tight):
    r = tight.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 400 and "more than 100 rows" in r.text
    assert tight.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 100"}).status_code == 200


def test_a_large_body_is_refused(tight):
    r = tight.post("/sparql", content="#" * 200_000, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413


def test_queries_at_once_are_bounded(tight):
    slow: list = []
    worker = threading.Thread(target=lambda: slow.append(tight.get("/sparql", params={"query": SLOW})))
    worker.start()
    time.sleep(0.3)  # the slow query now holds the only worker
    busy = tight.get("/sparql", params={"query": NEEDS})
    worker.join()
    assert busy.status_code == 503 and "busy" in busy.text
    assert slow[0].status_code == 503


# ---------------------------------------------------------------------------
# Named queries as REST
# ---------------------------------------------------------------------------


def test_named_queries_by_url(client):
    listed = client.get("/queries", headers={"Accept": "application/json"}).json()
    assert {"unmet-needs", "impact-of-resource"} <= {q["name"] for q in listed}
    # test_queries.py: the unmet needs of ls-08 are n-40 and n-42.
    r = client.get("/queries/unmet-needs", params={"life_situation": "ls-08"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+json")
    assert sorted(b["need"]["value"].rsplit("/", 1)[1] for b in r.json()["results"]["bindings"]) == ["n-40", "n-42"]
    as_csv = client.get("/queries/unmet-needs", params={"life_situation": "ls-08", "format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv") and len(as_csv.text.strip().splitlines()) == 3
    page = client.get("/queries/unmet-needs", params={"life_situation": "ls-08", "lang": "en"}, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "need/n-40" in page.text and "need/n-42" in page.text
    assert page.text.count("<tr>") == 3  # the header and two rows


def test_named_query_errors(client):
    assert client.get("/queries/no-such-query").status_code == 404
    r = client.get("/queries/impact-of-resource", params={"resource": "r-404"})
    assert r.status_code == 400 and "no resource 'r-404'" in r.text
    r = client.get("/queries/impact-of-resource", params={"colour": "red"})
    assert r.status_code == 400 and "has no parameter 'colour'" in r.text


@pytest.mark.parametrize(("query", "has"), [
    ("SELECT * FROM <http://a> WHERE { ?s ?p ?o }", True),
    ("SELECT * FROM NAMED ex:g WHERE { ?s ?p ?o }", True),
    ("SELECT * from  :g WHERE { ?s ?p ?o }", True),
    ('# from the store\nSELECT * WHERE { ?s ?p "from <x>" }', False),
    ("SELECT ?from WHERE { ?s ex:from <x> }", False),
    ("SELECT * WHERE { <http://x/#from> ?p ?o } # FROM <x>", False),
])
def test_only_a_real_from_clause_sends_a_query_to_the_slow_dataset_parse(query, has):
    """The named queries say "from" in their comments; parsing each with rdflib cost 50 ms a request."""
    from virsis_graph.web.sparql import _has_dataset_clause

    assert _has_dataset_clause(query) is has


def test_json_results_written_from_the_rows_read_equal_pyoxigraphs_own():
    """SELECT answers in JSON are written from the rows counted against the row cap, not by running the query again."""
    from virsis_graph.web.query_pool import sparql_json

    store = ox.Store()
    g = ox.NamedNode("http://example.org/g")
    s = ox.NamedNode("http://example.org/s")
    for o in (ox.Literal("bērns", language="lv"), ox.Literal("plain"), ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
              ox.NamedNode("http://example.org/o"), ox.BlankNode("b1"), ox.Literal('quote " and \\ backslash\nnewline')):
        store.add(ox.Quad(s, ox.NamedNode("http://example.org/p"), o, g))
    query = "SELECT ?s ?o ?missing WHERE { GRAPH ?g { ?s ?p ?o } OPTIONAL { ?s <http://example.org/none> ?missing } }"
    result = store.query(query)
    ours = json.loads(sparql_json(result.variables, list(result)))
    theirs = json.loads(store.query(query).serialize(format=ox.QueryResultsFormat.JSON))
    assert ours["head"] == theirs["head"]
    key = lambda b: json.dumps(b, sort_keys=True)  # noqa: E731
    assert sorted(map(key, ours["results"]["bindings"])) == sorted(map(key, theirs["results"]["bindings"]))
    assert len(ours["results"]["bindings"]) == 6


def test_an_unknown_named_query_is_the_site_s_404_page_for_a_browser(client):
    page = client.get("/queries/no-such-query", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "/queries/no-such-query" in page.text


def test_an_unknown_prefix_is_named_in_the_endpoint_s_error(client):
    """pyoxigraph lists the characters it expected (Unicode ranges); the endpoint names the prefix, placed in the query as sent."""
    r = client.get("/sparql", params={"query": "SELECT ?s WHERE {\n ?s a foo:Bar }"})
    assert r.status_code == 400
    assert r.text.startswith("vaicājums nav derīgs SPARQL / the query is not valid SPARQL: error at 2:")
    assert "nezināms prefikss foo: — deklarējiet to ar PREFIX foo: <…> / unknown prefix foo:" in r.text and "\\u{" not in r.text
