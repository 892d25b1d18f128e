"""The embedded store: loading into named graphs, counting, safe parameter binding."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from virsis_graph.namespaces import sparql_prefixes
from virsis_graph.store import MODEL_GRAPH, RegisterError, Store, examples_graph, load_examples, load_model


@pytest.fixture(scope="module")
def store() -> Store:
    s = Store()
    load_model(s)
    load_examples(s)
    return s


def test_each_example_file_lands_in_its_own_named_graph(store):
    graphs = store.graphs()
    assert MODEL_GRAPH in graphs
    assert "https://data.virsis.gov.lv/graph/examples/services" in graphs
    assert len(graphs) == 1 + 6  # model + one graph per example file
    assert store.count() == sum(store.count(g) for g in graphs)


def test_select_binds_values_without_splicing_them_into_the_query(store):
    query = sparql_prefixes() + "SELECT ?id ?title WHERE { ?s dct:identifier ?id ; dct:title ?title FILTER(lang(?title) = 'en') }"
    rows = store.select(query, id=ox.Literal("s-09"))
    assert len(rows) == 1 and "ompan" in rows[0]["title"]  # company registration
    hostile = 's-09" } UNION { ?s ?p ?title } #'
    assert store.select(query, id=ox.Literal(hostile)) == []


def test_a_file_with_an_unknown_extension_is_refused(tmp_path):
    path = tmp_path / "records.xyz"
    path.write_text("nothing", encoding="utf-8")
    with pytest.raises(RegisterError, match=r"records\.xyz.*unknown RDF file extension"):
        Store().load_file(path, examples_graph(path))


def test_a_syntax_error_names_the_file_and_line_and_loads_nothing(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text('@prefix dct: <http://purl.org/dc/terms/> .\n<a> dct:title "ok" .\n<b> dct:title .\n', encoding="utf-8")
    store = Store()
    with pytest.raises(RegisterError, match=r"bad\.ttl.*line 3"):
        store.load_file(path, examples_graph(path))
    assert store.count() == 0
