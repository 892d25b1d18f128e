"""The commands work the same through --endpoint against a real `oxigraph serve`."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from oxigraph_server import oxigraph_server
from test_import import register  # noqa: F401  (fixture)
from virsis_graph import resources
from virsis_graph.cli import app
from virsis_graph.store import EmbeddedStore

runner = CliRunner()


@pytest.fixture(scope="module")
def server():
    with oxigraph_server() as url:
        yield url


def endpoint_args(url: str) -> list[str]:
    return ["--endpoint", f"{url}/query"]


def test_import_export_and_query_through_an_endpoint(server, register, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("VIRSIS_UPDATE_ENDPOINT", f"{server}/update")
    monkeypatch.setenv("VIRSIS_GRAPH_STORE", f"{server}/store")
    files = [*map(str, register.values()), *map(str, resources.example_files())]
    result = runner.invoke(app, ["import", "--no-validate", *files, *endpoint_args(server)])
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["import", "--no-validate", *files, *endpoint_args(server)])
    assert "+0 −0" in again.output  # idempotent on a remote engine too

    q = "SELECT DISTINCT ?id WHERE { ?s a virsis:Need ; dct:identifier ?id FILTER(?id IN ('n-01', 'n-02')) } ORDER BY ?id"
    result = runner.invoke(app, ["query", "-e", q, "--format", "csv", *endpoint_args(server)])
    assert result.output.split() == ["id", "n-01", "n-02"]

    dump = tmp_path / "remote.nq"
    assert runner.invoke(app, ["export", "--format", "nq", "-o", str(dump), *endpoint_args(server)]).exit_code == 0
    local = EmbeddedStore(tmp_path / "local")
    from virsis_graph.importing import import_files

    assert import_files(local, [*register.values(), *resources.example_files()]).written
    remote_ds = ox.Dataset(ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS))
    local_ds = ox.Dataset(q for q in local.quads() if "provenance" not in q.graph_name.value)
    remote_ds = ox.Dataset(q for q in remote_ds if "provenance" not in q.graph_name.value)
    local.close()
    remote_ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    local_ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert len(local_ds) > 5000 and remote_ds == local_ds

    graph = "https://data.virsis.gov.lv/graph/source/services.csv"
    result = runner.invoke(app, ["drop-graph", graph, *endpoint_args(server)])
    assert result.exit_code == 0, result.output
    assert graph not in runner.invoke(app, ["graphs", *endpoint_args(server)]).output


def test_an_unreachable_endpoint_is_one_clear_message():
    result = runner.invoke(app, ["stats", "--endpoint", "http://127.0.0.1:9/query"])
    assert result.exit_code == 2
    assert "http://127.0.0.1:9/query" in result.output and "Traceback" not in result.output
