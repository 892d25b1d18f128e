"""The embedded store: loading into named graphs, counting, safe parameter binding."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from virsis_graph.importing import ONTOLOGY_GRAPH, VOCABULARIES_GRAPH, import_files, provenance_graph
from virsis_graph.store import EmbeddedStore


@pytest.fixture(scope="module")
def store(example_store) -> EmbeddedStore:
    return example_store


def test_each_example_file_lands_in_its_own_named_graph(store):
    graphs = store.graphs()
    assert {ONTOLOGY_GRAPH, VOCABULARIES_GRAPH, provenance_graph()} <= set(graphs)
    assert "https://data.virsis.gov.lv/graph/source/services.ttl" in graphs
    assert len(graphs) == 4 + 6  # ontology, vocabularies, shapes, provenance + one graph per example file
    assert store.count() == sum(store.count(g) for g in graphs)


def test_select_binds_values_without_splicing_them_into_the_query(store):
    query = "SELECT ?title WHERE { ?s dct:identifier ?id ; dct:title ?title FILTER(lang(?title) = 'en') }"
    rows = store.select(query, id=ox.Literal("s-09"))
    assert len(rows) == 1 and "ompan" in rows[0]["title"]  # company registration
    hostile = 's-09" } UNION { ?s ?p ?title } #'
    assert store.select(query, id=ox.Literal(hostile)) == []


def test_a_syntax_error_names_the_file_and_line_and_loads_nothing(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text('@prefix dct: <http://purl.org/dc/terms/> .\n<a> dct:title "ok" .\n<b> dct:title .\n', encoding="utf-8")
    store = EmbeddedStore()
    result = import_files(store, [path])
    assert len(result.errors) == 1 and "bad.ttl" in result.errors[0] and "line 3" in result.errors[0]
    assert not result.written
    assert store.count() == 0
