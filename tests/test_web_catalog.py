"""Open data for portals: public dumps with checksums, the DCAT-AP catalogue, VoID."""

from __future__ import annotations

import gzip
import hashlib

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from virsis_graph.importing import MODEL_GRAPHS, provenance_graph
from virsis_graph.web.app import create_app

DCAT, SPDX, VOID = "http://www.w3.org/ns/dcat#", "http://spdx.org/rdf/terms#", "http://rdfs.org/ns/void#"


@pytest.fixture(scope="module")
def client(example_store) -> TestClient:
    return TestClient(create_app(example_store))


def test_the_nquads_dump_holds_the_register_without_personal_data(client, example_store):
    r = client.get("/dumps/register.nq.gz")
    assert r.status_code == 200 and r.headers["content-type"] == "application/gzip"
    quads = list(ox.parse(gzip.decompress(r.content), format=ox.RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads}
    data_graphs = set(example_store.graphs()) - set(MODEL_GRAPHS)
    assert graphs == data_graphs  # every source graph and the provenance, no model graph
    text = gzip.decompress(r.content).decode()
    assert "mailto:" not in text and "foaf/0.1/mbox" not in text
    assert not any(q.graph_name.value == provenance_graph() and q.predicate.value.endswith("/creator") for q in quads)
    # Everything else is there: the services' graph is whole.
    services = "https://data.virsis.gov.lv/graph/source/services.ttl"
    assert sum(1 for q in quads if q.graph_name.value == services) == example_store.count(services)


def test_checksums_and_etags(client):
    r = client.get("/dumps/register.nq.gz")
    digest = hashlib.sha256(r.content).hexdigest()
    assert client.get("/dumps/register.nq.gz.sha256").text == f"{digest}  register.nq.gz\n"
    assert r.headers["etag"] == f'"{digest}"'
    assert client.get("/dumps/register.nq.gz", headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    assert client.get("/dumps/nothing.zip").status_code == 404


def test_the_turtle_dump_merges_the_same_statements(client):
    nq = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(gzip.decompress(client.get("/dumps/register.nq.gz").content), format=ox.RdfFormat.N_QUADS)}
    ttl = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(client.get("/dumps/register.ttl").content, format=ox.RdfFormat.TURTLE)}
    assert ttl == nq
    void = {(q.predicate.value, q.object.value) for q in ox.parse(client.get("/.well-known/void").content, format=ox.RdfFormat.TURTLE)}
    assert (VOID + "triples", str(len(ttl))) in void
    assert (VOID + "uriSpace", "https://data.virsis.gov.lv/id/") in void
    assert (VOID + "dataDump", "http://testserver/dumps/register.nq.gz") in void


def test_the_catalog_describes_each_distribution_truly(client):
    quads = list(ox.parse(client.get("/catalog").content, format=ox.RdfFormat.TURTLE))
    about: dict[str, dict[str, list[str]]] = {}
    for q in quads:
        about.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(q.object.value)
    [catalog] = [s for s, p in about.items() if DCAT + "Catalog" in p.get("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", [])]
    [dataset] = about[catalog][DCAT + "dataset"]
    distributions = about[dataset][DCAT + "distribution"]
    assert len(distributions) == 2
    for dist in distributions:
        url = about[dist][DCAT + "downloadURL"][0]
        body = client.get(url.removeprefix("http://testserver")).content
        [checksum] = about[dist][SPDX + "checksum"]
        assert about[checksum][SPDX + "checksumValue"] == [hashlib.sha256(body).hexdigest()]
        assert about[dist][DCAT + "byteSize"] == [str(len(body))]
    assert about[catalog]["http://purl.org/dc/terms/publisher"]
    as_json = client.get("/catalog", headers={"Accept": "application/ld+json"})
    assert as_json.headers["content-type"].startswith("application/ld+json") and as_json.json()
