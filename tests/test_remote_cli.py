"""The commands work the same through --endpoint against real engines: `oxigraph serve` and Virtuoso."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from remote_engines import Endpoint
from test_import import register  # noqa: F401  (fixture)
from virsis_graph import resources
from virsis_graph.cli import app
from virsis_graph.importing import import_files
from virsis_graph.remote import RemoteStore
from virsis_graph.stats import class_counts
from virsis_graph.store import EmbeddedStore

runner = CliRunner()
PROVENANCE = "https://data.virsis.gov.lv/graph/provenance"
SERVICES_GRAPH = "https://data.virsis.gov.lv/graph/source/services.csv"


@pytest.fixture
def as_a_user(endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch) -> Endpoint:
    """``endpoint`` with the settings a user gives for it (Virtuoso: updates through
    /sparql-auth with digest credentials); only --endpoint is left to the command line."""
    monkeypatch.delenv("VIRSIS_ENDPOINT", raising=False)
    for name, value in endpoint.settings().items():
        monkeypatch.setenv(name, value)
    return endpoint


def endpoint_args(endpoint: Endpoint) -> list[str]:
    return ["--endpoint", endpoint.query]


def test_import_export_and_query_through_an_endpoint(as_a_user, register, tmp_path):  # noqa: F811
    endpoint = as_a_user
    files = [*map(str, register.values()), *map(str, resources.example_files())]
    result = runner.invoke(app, ["import", "--no-validate", *files, *endpoint_args(endpoint)])
    assert result.exit_code == 0, result.output
    again = runner.invoke(app, ["import", "--no-validate", *files, *endpoint_args(endpoint)])
    assert again.exit_code == 0, again.output
    assert "+0 −0" in again.output  # idempotent on a remote engine too

    q = "SELECT DISTINCT ?id WHERE { ?s a virsis:Need ; dct:identifier ?id FILTER(?id IN ('n-01', 'n-02')) } ORDER BY ?id"
    result = runner.invoke(app, ["query", "-e", q, "--format", "csv", *endpoint_args(endpoint)])
    assert result.output.split() == ["id", "n-01", "n-02"]

    # The same files imported into the embedded store give the same register.
    local = EmbeddedStore(tmp_path / "local")
    assert import_files(local, [*register.values(), *resources.example_files()]).written

    dump = tmp_path / "remote.nq"
    assert runner.invoke(app, ["export", "--format", "nq", "-o", str(dump), *endpoint_args(endpoint)]).exit_code == 0
    remote_ds = ox.Dataset(q for q in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS) if q.graph_name.value != PROVENANCE)
    local_ds = ox.Dataset(q for q in local.quads() if q.graph_name.value != PROVENANCE)
    remote_ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    local_ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert len(local_ds) > 5000 and remote_ds == local_ds

    # stats: the same classes and counts, and the same graphs (the engine's own never shown).
    result = runner.invoke(app, ["stats", *endpoint_args(endpoint)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "https://w3id.org/virsis/ontology#" in result.output and SERVICES_GRAPH in result.output
    with RemoteStore(endpoint.query) as s:
        assert class_counts(s) == class_counts(local)
        assert s.graphs() == local.graphs()
        assert [s.count(g) for g in s.graphs() if g != PROVENANCE] == [local.count(g) for g in local.graphs() if g != PROVENANCE]
    local.close()

    result = runner.invoke(app, ["graphs", *endpoint_args(endpoint)], env={"COLUMNS": "250"})
    assert result.exit_code == 0 and SERVICES_GRAPH in result.output
    result = runner.invoke(app, ["drop-graph", SERVICES_GRAPH, *endpoint_args(endpoint)])
    assert result.exit_code == 0, result.output
    assert SERVICES_GRAPH not in runner.invoke(app, ["graphs", *endpoint_args(endpoint)], env={"COLUMNS": "250"}).output


def test_an_unreachable_endpoint_is_one_clear_message():
    result = runner.invoke(app, ["stats", "--endpoint", "http://127.0.0.1:9/query"])
    assert result.exit_code == 2
    assert "http://127.0.0.1:9/query" in result.output and "Traceback" not in result.output
