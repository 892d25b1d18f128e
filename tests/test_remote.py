"""The remote SPARQL 1.1 store, against a real `oxigraph serve` and a real Virtuoso,
side by side with the embedded store.

Most tests run five times: on the in-memory embedded store, and on each engine
with the remote store reading graphs with SPARQL and through the Graph Store
Protocol. Each asserts the same answers, which is what shows the backends
interchangeable; ``test_backends_answer_identically`` compares them call for call.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest
from oxigraph_server import free_port
from remote_engines import ENGINES, Endpoint
from virtuoso_server import MAX_ROWS

from virsis_graph import remote as remote_backend
from virsis_graph.remote import RemoteStore, update_requests, update_text
from virsis_graph.sparql import query_form, where_brace, with_values
from virsis_graph.store import EmbeddedStore, GraphChange, RegisterError, Store

EX = "https://example.org/"
G1 = "https://data.virsis.gov.lv/graph/test/one"
G2 = "https://data.virsis.gov.lv/graph/test/two"
DCT = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
HOSTILE = 's-09" } UNION { ?s ?p ?o } #'


def iri(local: str) -> ox.NamedNode:
    return ox.NamedNode(EX + local)


def dct(local: str) -> ox.NamedNode:
    return ox.NamedNode(DCT + local)


def t(s: str, p: ox.NamedNode, o: ox.NamedNode | ox.Literal | ox.BlankNode) -> ox.Triple:
    return ox.Triple(iri(s), p, o)


SERVICES = [
    t("s-09", dct("identifier"), ox.Literal("s-09")),
    t("s-09", dct("title"), ox.Literal("Uzņēmuma reģistrācija", language="lv")),
    t("s-09", dct("title"), ox.Literal("Company registration", language="en")),
    t("s-09", dct("publisher"), iri("ur")),
    t("s-10", dct("identifier"), ox.Literal("s-10")),
    t("s-10", dct("title"), ox.Literal('Quotes " and \\ backslash,\nnew line, } UNION { braces', language="en")),
    t("s-10", dct("issued"), ox.Literal("2024-05-01", datatype=ox.NamedNode(XSD + "date"))),
    t("s-10", dct("extent"), ox.Literal("3", datatype=ox.NamedNode(XSD + "integer"))),
    t("s-11", dct("identifier"), ox.Literal(HOSTILE)),
]
ORGANISATIONS = [
    t("ur", dct("title"), ox.Literal("Uzņēmumu reģistrs", language="lv")),
    t("ur", dct("identifier"), ox.Literal("ur")),
]


def quads(graph: str, triples: list[ox.Triple]) -> set[ox.Quad]:
    g = ox.NamedNode(graph)
    return {ox.Quad(x.subject, x.predicate, x.object, g) for x in triples}


# ---------------------------------------------------------------------------
# Backends
# ---------------------------------------------------------------------------

BACKENDS = ["embedded", *(f"{engine}{how}" for engine in ENGINES for how in ("", "+gsp"))]
"""The embedded store, and each real engine read with SPARQL only and with the Graph Store Protocol."""


@pytest.fixture(scope="module", autouse=True)
def no_settings() -> Iterator[None]:
    """The tests say every URL and credential themselves; the environment must not add any."""
    with pytest.MonkeyPatch.context() as mp:
        for name in ("VIRSIS_ENDPOINT", "VIRSIS_UPDATE_ENDPOINT", "VIRSIS_GRAPH_STORE", "VIRSIS_ENDPOINT_USER", "VIRSIS_ENDPOINT_PASSWORD"):
            mp.delenv(name, raising=False)
        yield


def open_backend(kind: str, request: pytest.FixtureRequest) -> Store:
    """An empty store of ``kind``; remote stores are emptied, as their servers live for the whole session."""
    if kind == "embedded":
        return EmbeddedStore()
    engine, _, how = kind.partition("+")
    endpoint: Endpoint = request.getfixturevalue(f"{engine}_endpoint")
    endpoint.empty()
    return endpoint.store(graph_store=how == "gsp")


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    s = open_backend(request.param, request)
    yield s
    s.close()


@pytest.fixture
def remote(endpoint: Endpoint) -> Iterator[RemoteStore]:
    s = endpoint.store()
    yield s
    s.close()


@pytest.fixture
def loaded(store: Store) -> Store:
    store.apply([GraphChange(G1, add=SERVICES), GraphChange(G2, add=ORGANISATIONS)])
    return store


# ---------------------------------------------------------------------------
# Writing and reading graphs
# ---------------------------------------------------------------------------


def test_one_apply_fills_several_graphs(loaded):
    assert loaded.graphs() == sorted([G1, G2])
    assert loaded.count(G1) == len(SERVICES)
    assert loaded.count(G2) == len(ORGANISATIONS)
    assert loaded.count() == len(SERVICES) + len(ORGANISATIONS)


def test_quads_round_trip_every_kind_of_term(loaded):
    assert set(loaded.quads(G1)) == quads(G1, SERVICES)
    assert set(loaded.quads(G2)) == quads(G2, ORGANISATIONS)
    assert set(loaded.quads()) == quads(G1, SERVICES) | quads(G2, ORGANISATIONS)


def test_remove_and_replace_in_one_call(loaded):
    new = t("ur", dct("title"), ox.Literal("Enterprise Register", language="en"))
    loaded.apply([GraphChange(G1, remove=SERVICES[:2]), GraphChange(G2, add=[new], replace=True)])
    assert set(loaded.quads(G1)) == quads(G1, SERVICES[2:])
    assert set(loaded.quads(G2)) == quads(G2, [new])


def test_a_replaced_graph_with_nothing_added_disappears(loaded):
    assert loaded.drop_graph(G2) == len(ORGANISATIONS)
    assert loaded.graphs() == [G1]
    assert loaded.count(G2) == 0
    assert list(loaded.quads(G2)) == []


def test_changes_to_one_graph_take_effect_in_order(store):
    a, b, c = (t(x, dct("identifier"), ox.Literal(x)) for x in "abc")
    store.apply([GraphChange(G1, add=[a, b])])
    store.apply([
        GraphChange(G1, add=[c]),
        GraphChange(G1, replace=True, add=[a]),
        GraphChange(G1, remove=[a], add=[b]),
        GraphChange(G1, remove=[b]),
        GraphChange(G1, add=[b, c]),
        GraphChange(G2, remove=[a]),  # nothing there: no effect
    ])
    assert set(store.quads(G1)) == quads(G1, [b, c])
    assert store.graphs() == [G1]


def test_nothing_to_change_is_no_error(loaded):
    loaded.apply([])
    loaded.apply([GraphChange(G1), GraphChange(G2, add=[], remove=[])])
    assert loaded.count() == len(SERVICES) + len(ORGANISATIONS)


def test_a_blank_node_shared_by_two_graphs_stays_one_node(store):
    node = ox.BlankNode()
    store.apply([
        GraphChange(G1, add=[t("s-09", iri("contactPoint"), node), ox.Triple(node, dct("title"), ox.Literal("Kontakti"))]),
        GraphChange(G2, add=[t("ur", iri("contactPoint"), node)]),
    ])
    assert store.count() == 3
    assert store.ask(f"ASK {{ GRAPH <{G1}> {{ <{EX}s-09> <{EX}contactPoint> ?b }} GRAPH <{G2}> {{ <{EX}ur> <{EX}contactPoint> ?b }} }}")
    # A graph with blank nodes is rewritten by replacing it.
    store.apply([GraphChange(G1, replace=True, add=SERVICES[:1])])
    assert set(store.quads(G1)) == quads(G1, SERVICES[:1])


def test_a_missing_graph_is_empty(store):
    assert list(store.quads(EX + "no-such-graph")) == []
    assert store.count(EX + "no-such-graph") == 0
    assert store.graphs() == []


def test_a_malformed_graph_iri_is_refused(store):
    with pytest.raises(ValueError):
        list(store.quads("not an IRI> { ?s ?p ?o"))
    with pytest.raises(ValueError):
        store.apply([GraphChange("not an IRI", add=SERVICES[:1])])
    assert store.graphs() == []


# ---------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------


def test_select_and_ask_see_all_graphs(loaded):
    rows = loaded.select(
        "SELECT ?s ?org WHERE { ?s dct:publisher ?o . ?o dct:title ?org FILTER(lang(?org) = 'lv') } ORDER BY ?s"
    )
    assert rows == [{"s": EX + "s-09", "org": "Uzņēmumu reģistrs"}]
    assert loaded.select("SELECT (COUNT(*) AS ?n) WHERE { ?s dct:identifier ?id }") == [{"n": 4}]
    assert loaded.select("SELECT ?n WHERE { ?s dct:extent ?n }") == [{"n": 3}]
    assert loaded.ask("ASK { ?s dct:issued ?d }") is True
    assert loaded.ask("ASK { ?s dct:creator ?x }") is False


def test_construct_returns_triples(loaded):
    result = loaded.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o }} }}")
    assert set(result) == set(ORGANISATIONS)
    named = loaded.query(
        f"CONSTRUCT {{ ?s <{EX}named> ?t }} WHERE {{ ?s <{DCT}title> ?t }}", {"t": ox.Literal("Company registration", language="en")}
    )
    assert list(named) == [t("s-09", iri("named"), ox.Literal("Company registration", language="en"))]


def test_bindings_are_values_not_query_text(loaded):
    query = "SELECT ?s ?id WHERE { ?s dct:identifier ?id }"
    assert loaded.select(query, id=ox.Literal("s-09")) == [{"s": EX + "s-09", "id": "s-09"}]
    # The hostile text matches only the record whose identifier is exactly that text.
    assert loaded.select(query, id=ox.Literal(HOSTILE)) == [{"s": EX + "s-11", "id": HOSTILE}]
    assert loaded.select(query, id=ox.Literal('s-09" } UNION { ?s ?p ?id } #')) == []
    assert loaded.select(query, id=ox.Literal("s-09", language="lv")) == []  # terms match exactly, tags included


def test_an_iri_can_be_bound(loaded):
    rows = loaded.select("SELECT ?s ?title WHERE { ?s dct:title ?title FILTER(lang(?title) = 'en') } ORDER BY ?title", s=iri("s-09"))
    assert rows == [{"s": EX + "s-09", "title": "Company registration"}]
    assert loaded.ask("ASK { ?s dct:publisher ?o }", s=iri("s-09"), o=iri("ur"))
    assert not loaded.ask("ASK { ?s dct:publisher ?o }", s=iri("s-10"), o=iri("ur"))


def xsd(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


# Typed values as written, and as every backend must give them back: in the canonical
# form pyoxigraph keeps them in (the embedded store), whatever the engine stores.
TYPED = [
    (xsd("P10D", "duration"), xsd("P10D", "duration")),
    (xsd("PT4H", "duration"), xsd("PT4H", "duration")),
    (xsd("PT36H", "duration"), xsd("P1DT12H", "duration")),
    (xsd("P1Y2M", "duration"), xsd("P1Y2M", "duration")),
    (xsd("0.0", "double"), xsd("0", "double")),
    (xsd("7.11", "double"), xsd("7.11", "double")),
    (xsd("98.0", "decimal"), xsd("98", "decimal")),
    (xsd("99.50", "decimal"), xsd("99.5", "decimal")),
    (xsd("1", "boolean"), xsd("true", "boolean")),
    (xsd("2024-05-01T10:00:00.250+02:00", "dateTime"), xsd("2024-05-01T10:00:00.25+02:00", "dateTime")),
    (xsd("2026-11-27", "date"), xsd("2026-11-27", "date")),
    (xsd("https://w3id.org/virsis/ontology#", "anyURI"), xsd("https://w3id.org/virsis/ontology#", "anyURI")),
]


def test_typed_values_come_back_in_the_embedded_store_s_forms(store):
    # One subject per value: Virtuoso keeps numbers by value, so 1 and true on one
    # subject and property would be one object there.
    written = [t(f"v-{i}", dct("extent"), value) for i, (value, _) in enumerate(TYPED)]
    expected = {ox.Quad(iri(f"v-{i}"), dct("extent"), value, ox.NamedNode(G1)) for i, (_, value) in enumerate(TYPED)}
    store.apply([GraphChange(G1, add=written)])
    assert set(store.quads(G1)) == expected
    assert set(store.quads()) == expected
    rows = store.query(f"SELECT ?s ?v WHERE {{ ?s <{DCT}extent> ?v }}")
    assert {(r["s"], r["v"]) for r in rows} == {(q.subject, q.object) for q in expected}
    # Removing a value removes it however the engine had to write it.
    store.apply([GraphChange(G1, remove=written[:4])])  # the four durations
    removed = {iri(f"v-{i}") for i in range(4)}
    assert set(store.quads(G1)) == {q for q in expected if q.subject not in removed}


def test_an_empty_register_has_nothing_to_query(store):
    # A Virtuoso keeps graphs of its own (schemas, WebDAV metadata): the register never
    # sees them, whichever call comes first.
    assert store.ask("ASK { ?s ?p ?o }") is False
    assert list(store.quads()) == []
    assert store.count() == 0
    assert store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == [{"n": 0}]
    assert store.graphs() == []


def transcript(store: Store) -> list[object]:
    """The answers of ``store`` to a fixed sequence of calls, blank node labels left out."""
    node = ox.BlankNode()
    store.apply([GraphChange(G1, add=SERVICES), GraphChange(G2, add=[*ORGANISATIONS, t("ur", iri("contactPoint"), node)])])
    store.apply([GraphChange(G1, remove=SERVICES[-3:], add=[t("s-12", dct("identifier"), ox.Literal("s-12"))])])
    out: list[object] = [store.graphs(), store.count(), store.count(G1), store.count(G2)]
    out.append(sorted(re.sub(r"_:\S+", "_:b", str(q)) for q in store.quads()))
    out.append(sorted(str(q) for q in store.quads(G1)))
    out.append(store.select("SELECT ?s ?id WHERE { ?s dct:identifier ?id } ORDER BY ?id"))
    out.append(store.select("SELECT ?id WHERE { ?s dct:identifier ?id }", id=ox.Literal(HOSTILE)))
    out.append(store.ask("ASK { ?s dct:publisher ?o }", o=iri("ur")))
    out.append(sorted(map(str, store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}"))))
    out.append(store.drop_graph(G2))
    out.append(store.graphs())
    return out


def test_backends_answer_identically(request):
    answers = {}
    for kind in BACKENDS:
        with open_backend(kind, request) as s:
            answers[kind] = transcript(s)
    for kind in BACKENDS[1:]:
        assert answers[kind] == answers["embedded"], kind


# ---------------------------------------------------------------------------
# What only the remote store does
# ---------------------------------------------------------------------------


def test_description_is_the_endpoint(endpoint):
    with RemoteStore(endpoint.query) as s:
        assert s.description == endpoint.query
        assert s.update_endpoint == endpoint.query  # no update endpoint given or set


def test_removing_a_triple_with_a_blank_node_is_refused_before_sending(remote):
    remote.apply([GraphChange(G1, add=SERVICES)])
    with pytest.raises(ValueError, match="blank node.*replace the whole graph"):
        remote.apply([GraphChange(G1, remove=[t("s-09", iri("contactPoint"), ox.BlankNode())]), GraphChange(G2, add=ORGANISATIONS)])
    assert remote.graphs() == [G1]  # the other change was not sent either


def test_an_unreachable_endpoint_is_a_register_error_naming_it():
    url = f"http://127.0.0.1:{free_port()}/query"
    with RemoteStore(url, timeout=5) as s:
        with pytest.raises(RegisterError, match=re.escape(url) + r" could not be reached.*VIRSIS_ENDPOINT"):
            s.graphs()
        s.apply([GraphChange(G1)])  # nothing to do: no request, so no error


def test_an_error_answer_is_a_register_error_with_the_status(remote, endpoint):
    with pytest.raises(RegisterError, match=r"HTTP 400 .*: .+"):
        remote.query("SELECT * WHERE { ?s ?p ")
    with RemoteStore(endpoint.query, update_endpoint=endpoint.refuses_updates) as broken:
        with pytest.raises(RegisterError, match=re.escape(endpoint.refuses_updates) + r"\?? atbildēja / answered HTTP 4\d\d"):
            broken.apply([GraphChange(G1, add=SERVICES)])
    assert remote.graphs() == []


def test_credentials_reach_virtuoso_s_endpoint_that_wants_them(virtuoso_endpoint):
    # Virtuoso's /sparql-auth wants digest, and answers basic credentials with a bare 401.
    endpoint = virtuoso_endpoint
    endpoint.empty()
    with RemoteStore(endpoint.query, update_endpoint=endpoint.auth_update, user=endpoint.user, password=endpoint.password) as s:
        s.apply([GraphChange(G1, add=SERVICES)])
        assert s.count(G1) == len(SERVICES)
    with RemoteStore(endpoint.query, update_endpoint=endpoint.auth_update, user=endpoint.user, password="wrong") as s:
        with pytest.raises(RegisterError, match=r"HTTP 401.*Check VIRSIS_ENDPOINT_USER"):
            s.apply([GraphChange(G2, add=ORGANISATIONS)])
    with RemoteStore(endpoint.query, update_endpoint=endpoint.auth_update, user="", password="") as s:
        with pytest.raises(RegisterError, match=r"HTTP 401.*set VIRSIS_ENDPOINT_USER"):
            s.apply([GraphChange(G2, add=ORGANISATIONS)])
        assert s.graphs() == [G1]


def test_a_graph_another_process_adds_is_seen_once_the_store_looks_again(endpoint, monkeypatch):
    with endpoint.store() as reader, endpoint.store() as writer:
        assert reader.select("SELECT ?s WHERE { ?s dct:identifier 'ur' }") == []
        writer.apply([GraphChange(G2, add=ORGANISATIONS)])
        assert writer.select("SELECT ?s WHERE { ?s dct:identifier 'ur' }") == [{"s": EX + "ur"}]  # its own write: at once
        assert reader.graphs() == [G2]  # listing the graphs looks again
        assert reader.select("SELECT ?s WHERE { ?s dct:identifier 'ur' }") == [{"s": EX + "ur"}]
        writer.apply([GraphChange(G1, add=SERVICES)])
        monkeypatch.setattr(remote_backend, "DATASET_TTL", 0.0)  # as when DATASET_TTL seconds have passed
        assert reader.select("SELECT (COUNT(?s) AS ?n) WHERE { ?s dct:identifier ?id }") == [{"n": 4}]


def test_virtuoso_refuses_to_use_an_answer_it_cut_at_its_row_limit(virtuoso_endpoint):
    # Silently using part of an answer would make exports and validations quietly wrong.
    n = math.isqrt(MAX_ROWS) + 1  # n × n rows: just over the test server's ResultSetMaxRows
    numbers = " ".join(map(str, range(n)))
    with virtuoso_endpoint.store() as s:
        with pytest.raises(RegisterError, match=f"limit of {MAX_ROWS} rows.*ResultSetMaxRows"):
            s.query(f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {numbers} }} VALUES ?b {{ {numbers} }} }}")
        assert len(list(s.query(f"SELECT ?a WHERE {{ VALUES ?a {{ {numbers} }} }}"))) == n


def test_virtuoso_s_anytime_answer_is_refused(virtuoso_endpoint):
    # Given a `timeout` URL parameter, Virtuoso stops a query at the deadline and answers
    # HTTP 200 with the rows found so far: a validation would pass on an empty answer.
    numbers = " ".join(map(str, range(400)))
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {numbers} }} VALUES ?b {{ {numbers} }} VALUES ?c {{ {numbers} }} }}"
    with RemoteStore(virtuoso_endpoint.query + "?timeout=1000", update_endpoint="", graph_store="", user="", password="") as s:
        assert s.query("ASK {}")  # a quick query answers whole within the deadline
        with pytest.raises(RegisterError, match=r"only part of the results.*x-sql-state: S1TAT.*remove `timeout` from the endpoint URL"):
            s.query(count)
        # what the second allows is answered whole
        assert next(iter(s.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {numbers} }} }}")))["n"].value == "400"


# ---------------------------------------------------------------------------
# Reading SPARQL text
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sparql", "form"),
    [
        ("PREFIX ask: <http://x/> select * { ?s ?p ?o }", "SELECT"),
        ("# CONSTRUCT {\nASK { ?s ?p 'SELECT' }", "ASK"),
        ("BASE <http://x/#describe> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://x/>", "DESCRIBE"),
    ],
)
def test_the_query_form_is_found_past_prefixes_comments_and_strings(sparql, form):
    assert query_form(sparql) == form


def test_an_update_is_not_a_query():
    with pytest.raises(ValueError, match="not a SPARQL query"):
        query_form("INSERT DATA { <http://x/a> <http://x/b> 'select' }")


@pytest.mark.parametrize(
    "sparql",
    [
        "PREFIX ex: <http://example.org/ns#> SELECT ?s WHERE {|| ?s ex:p ?o }",
        "SELECT ?s # WHERE { not here\nWHERE {|| ?s ?p ?o }",
        "SELECT (CONCAT('{', \"}\", '''{''', \"\"\"{\"\"\") AS ?x) {|| ?s ?p ?o }",
        "SELECT * FROM <http://x/g#x> WHERE {|| { SELECT ?s WHERE { ?s ?p ?o } } }",
        "PREFIX : <http://x/> CONSTRUCT { ?s :where ?o . ?s ?where ?o } WHERE {|| ?s ?p ?o }",
        "construct {} where {|| }",
        "ASK {|| FILTER(?a < ?b && ?c > ?d) }",
        "DESCRIBE ?s WHERE {|| ?s ?p ?o }",
    ],
)
def test_the_outer_where_group_is_found(sparql):
    assert where_brace(sparql.replace("||", "")) == sparql.index("||") - 1


@pytest.mark.parametrize("sparql", ["CONSTRUCT WHERE { ?s ?p ?o }", "DESCRIBE <http://x/a>"])
def test_queries_without_a_group_to_bind_in_are_refused(sparql):
    with pytest.raises(ValueError):
        with_values(sparql, {"s": ox.NamedNode("http://x/a")})


def test_bound_values_are_escaped_terms():
    text = with_values("SELECT ?a ?b WHERE { ?a ?p ?b }", {"a": ox.NamedNode("http://x/a"), "b": ox.Literal(HOSTILE)})
    assert text == 'SELECT ?a ?b WHERE { VALUES (?a ?b) { (<http://x/a> "s-09\\" } UNION { ?s ?p ?o } #") }  ?a ?p ?b }'
    with pytest.raises(ValueError):
        with_values("SELECT * { }", {"a) {} ?b": ox.Literal("x")})
    with pytest.raises(TypeError):
        with_values("SELECT * { }", {"a": ox.BlankNode()})  # type: ignore[dict-item]


def test_one_request_holds_every_change():
    a, b = t("a", dct("title"), ox.Literal("a")), t("b", dct("title"), ox.Literal("b"))
    text = update_text([GraphChange(G1, add=[a], remove=[b]), GraphChange(G2, replace=True, add=[b])])
    assert text == (
        f"DROP SILENT GRAPH <{G2}> ;\n"
        f"DELETE DATA {{\nGRAPH <{G1}> {{\n  {b} .\n}}\n}} ;\n"
        f"INSERT DATA {{\nGRAPH <{G1}> {{\n  {a} .\n}}\nGRAPH <{G2}> {{\n  {b} .\n}}\n}}"
    )
    assert update_text([GraphChange(G1), GraphChange(G2, add=[], remove=[])]) == ""


def test_a_write_is_split_where_the_engine_limits_it_and_a_blank_node_stays_in_one_operation():
    dialect = dataclasses.replace(remote_backend._GENERIC, operation_size=2, request_size=400)
    node = ox.BlankNode()
    linked = [t("b", iri("contactPoint"), node), ox.Triple(node, dct("title"), ox.Literal("Kontakti")), ox.Triple(node, iri("email"), ox.Literal("x"))]
    plain = [t(x, dct("identifier"), ox.Literal(x)) for x in "acdef"]
    requests = update_requests([GraphChange(G1, add=[plain[0], *linked, *plain[1:]])], dialect)
    operations = [op for request in requests for op in request.split(" ;\n")]
    assert len(requests) > 1 and all(len(r) <= 400 or " ;\n" not in r for r in requests)
    with_node = [op for op in operations if str(node) in op]
    assert len(with_node) == 1 and with_node[0].count(str(node)) == 3  # the three triples, together
    assert all(op.count(" .\n") <= 2 for op in operations if op not in with_node)
    assert sorted(line for op in operations for line in op.splitlines() if line.endswith(" .")) == sorted(f"  {x} ." for x in [*linked, *plain])
    assert update_requests([GraphChange(G1, add=plain)]) == [update_text([GraphChange(G1, add=plain)])]  # no limit: one request


# ---------------------------------------------------------------------------
# Engine quirks and credentials, against a stand-in server
# ---------------------------------------------------------------------------

ASK_TRUE = b'{"head":{},"boolean":true}'
SPARQL_JSON = "application/sparql-results+json"


def fake_store(handler, endpoint: str = "http://sparql.test/sparql", **options) -> RemoteStore:
    """A RemoteStore whose HTTP requests ``handler`` answers (no network)."""
    store = RemoteStore(endpoint, **options)
    store._client = httpx.Client(transport=httpx.MockTransport(handler))
    return store


def test_basic_credentials_are_sent_and_digest_is_used_when_asked():
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        auth = request.headers.get("authorization", "")
        seen.append(auth.split(" ")[0])
        if not auth.startswith("Digest"):
            return httpx.Response(401, headers={"WWW-Authenticate": 'Digest realm="SPARQL", nonce="abc", qop="auth"'})
        assert 'username="editor"' in auth
        return httpx.Response(200, content=ASK_TRUE, headers={"Content-Type": "application/sparql-results+json"})

    with fake_store(handler, user="editor", password="secret") as s:
        assert bool(s.query("ASK {}")) is True
        assert bool(s.query("ASK {}")) is True
    assert seen[0] == "Basic" and "Digest" in seen
    assert "Basic" not in seen[1:]  # once the server has asked for digest, the store keeps to it
    assert seen[-1] == "Digest"  # httpx reuses the challenge: the second query is one request


def test_missing_credentials_are_named_in_the_error():
    with fake_store(lambda request: httpx.Response(401, text="Unauthorized"), user="") as s:
        with pytest.raises(RegisterError, match="HTTP 401.*VIRSIS_ENDPOINT_USER"):
            s.graphs()


def test_a_virtuoso_server_gets_forms_digest_and_graph_reads_by_select():
    """What a Virtuoso needs and a real one shows only with credentials or its default
    row limit: digest credentials though it sends no challenge, and answers it cut refused."""
    requests: list[httpx.Request] = []
    server = {"Server": "Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu"}

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        auth = request.headers.get("authorization", "")
        if request.method == "POST" and auth.startswith("Basic"):
            return httpx.Response(401, headers=server)  # Virtuoso's answer to basic credentials: no challenge
        if request.method == "POST" and not auth:
            return httpx.Response(401, headers={**server, "WWW-Authenticate": 'Digest realm="SPARQL", nonce="abc", qop="auth"'})
        if request.method == "POST" and b"update=" in request.content:
            return httpx.Response(200, content=ASK_TRUE, headers={**server, "Content-Type": SPARQL_JSON})
        if b"SELECT+%3Fs+%3Fp+%3Fo+WHERE" in request.content:  # reading a whole graph: cut at the limit
            return httpx.Response(200, content=b'{"head":{"vars":["s","p","o"]},"results":{"bindings":[]}}', headers={**server, "Content-Type": SPARQL_JSON, "X-SPARQL-MaxRows": "10000"})
        return httpx.Response(200, content=b'{"head":{"vars":["g"]},"results":{"bindings":[]}}', headers={**server, "Content-Type": SPARQL_JSON})

    with fake_store(handler, graph_store="http://sparql.test/sparql-graph-crud", user="dba", password="secret") as s:
        s.apply([GraphChange(G1, add=SERVICES[:1])])
        with pytest.raises(RegisterError, match="limit of 10000 rows.*ResultSetMaxRows"):
            list(s.quads(G1))
    update = next(r for r in requests if b"update=" in r.content)
    assert update.headers["content-type"] == "application/x-www-form-urlencoded"
    assert update.headers["authorization"].startswith("Digest") and 'username="dba"' in update.headers["authorization"]
    assert update.headers["accept"] == SPARQL_JSON
    assert all(r.url.path == "/sparql" for r in requests)  # the Graph Store Protocol is never read


def test_a_virtuoso_graph_answer_stopped_by_its_deadline_is_refused():
    server = {"Server": "Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu"}
    stopped = {"X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results, query interrupted by result timeout."}

    def handler(request: httpx.Request) -> httpx.Response:
        if b"CONSTRUCT" in request.content:
            return httpx.Response(200, content=b"<http://x/a> <http://x/p> <http://x/b> .\n", headers={**server, **stopped, "Content-Type": "application/n-triples"})
        return httpx.Response(200, content=b'{"head":{"vars":["g"]},"results":{"bindings":[]}}', headers={**server, "Content-Type": SPARQL_JSON})

    with fake_store(handler) as s:
        with pytest.raises(RegisterError, match="only part of the results.*interrupted by result timeout"):
            s.query("CONSTRUCT WHERE { ?s ?p ?o }")


def test_blank_node_labels_pyoxigraph_refuses_are_relabelled_one_for_one():
    answer = b'{"head":{"vars":["b"]},"results":{"bindings":[{"b":{"type":"bnode","value":"nodeID://b1"}},' \
        b'{"b":{"type":"bnode","value":"nodeID://b1"}},{"b":{"type":"bnode","value":"a:b"}},{"b":{"type":"bnode","value":"a_b"}}]}}'

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=answer, headers={"Server": "SomeEngine/1.0", "Content-Type": SPARQL_JSON})

    with fake_store(handler) as s:
        labels = [row["b"].value for row in s.query("SELECT ?b WHERE { ?s ?p ?b }")]
    assert labels[0] == labels[1] == "b1"
    assert len({labels[1], labels[2], labels[3]}) == 3  # distinct labels stay distinct


def test_an_endpoint_url_keeps_its_own_parameters():
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        headers = {"Server": "Oxigraph/0.5.13", "Content-Type": "application/sparql-results+json"}
        return httpx.Response(200, content=b'{"head":{"vars":["g"]},"results":{"bindings":[]}}', headers=headers)

    with fake_store(handler, endpoint="http://sparql.test/query?key=k1") as s:
        assert s.graphs() == []
    probe, select = requests
    assert probe.url.params["key"] == "k1" and probe.url.params["query"] == "ASK {}"
    assert select.url.params["key"] == "k1" and "union-default-graph" in select.url.params
    assert select.headers["content-type"] == "application/sparql-query"
    assert select.content == b"SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def test_the_wait_for_an_answer_is_the_endpoint_timeout_setting(monkeypatch):
    import socket

    # A port that accepts connections and never answers: the store must give up after the setting's seconds.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    try:
        monkeypatch.setenv("VIRSIS_ENDPOINT_TIMEOUT", "0.5")
        store = RemoteStore(f"http://127.0.0.1:{silent.getsockname()[1]}/sparql")
        with pytest.raises(RegisterError, match="no answer within 0.5 s"):
            store.query("ASK {}")
    finally:
        silent.close()
    monkeypatch.setenv("VIRSIS_ENDPOINT_TIMEOUT", "soon")
    with pytest.raises(RegisterError, match="VIRSIS_ENDPOINT_TIMEOUT='soon': norādiet sekundes, piem., 600 / give seconds, e.g. 600"):
        RemoteStore("http://127.0.0.1:9/sparql")
    monkeypatch.setenv("VIRSIS_ENDPOINT_TIMEOUT", "0")  # no wait at all would fail every request
    with pytest.raises(RegisterError, match="VIRSIS_ENDPOINT_TIMEOUT='0': norādiet sekundes"):
        RemoteStore("http://127.0.0.1:9/sparql")
