"""Shared fixtures: the model and example graphs, parsed once per session, a real site, and real SPARQL engines."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rdflib import Graph

import remote_engines
from oxigraph_server import free_port, stop
from remote_engines import Endpoint
from virsis_graph import ontology, resources
from virsis_graph.importing import import_examples
from virsis_graph.settings import base_iri
from virsis_graph.store import EmbeddedStore
from virsis_graph.tokens import TokenFile

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared folder CI lays beside the clone (domain text, CPSV-AP, SHACL tests)."""
    assert SHARED.is_dir(), f"{SHARED} is missing: clone the project next to ../shared"
    return SHARED


@pytest.fixture(scope="session")
def model() -> Graph:
    """Ontology + reused-term declarations + vocabularies."""
    return ontology.load_model()


@pytest.fixture(scope="session")
def examples() -> Graph:
    """The example registry under the default base."""
    return ontology.load_examples()


@pytest.fixture(scope="session")
def everything(model: Graph, examples: Graph) -> Graph:
    """Model and examples together (a fresh graph; do not modify)."""
    return model + examples


@pytest.fixture(scope="session")
def example_store() -> EmbeddedStore:
    """The model and the example registry imported into an in-memory store (do not modify)."""
    s = EmbeddedStore()
    import_examples(s)
    return s


def rid(path: str) -> str:
    """The IRI the importer mints for ``service/s-01`` and the like."""
    return f"{base_iri()}id/{path}"


@dataclass
class WritableSite:
    """The site on a store of its own, as the write tests need it."""

    client: object
    """A ``fastapi.testclient.TestClient``, started (the app's lifespan ran)."""
    store: EmbeddedStore
    tokens: TokenFile
    secrets: dict[str, str]
    """Organisation identifier (``vdaa``, ``vsaa``) → its bearer token's secret."""


@pytest.fixture
def writable_site(tmp_path) -> Iterator[WritableSite]:
    """A site on a fresh copy of the example registry (writes change it), with write tokens for vdaa and vsaa."""
    from fastapi.testclient import TestClient

    from virsis_graph.web.app import create_app

    store = EmbeddedStore()
    import_examples(store)
    tokens = TokenFile(tmp_path / "tokens.json")
    secrets = {org: tokens.create(rid(f"organisation/{org}"))[1] for org in ("vdaa", "vsaa")}
    with TestClient(create_app(store, tokens_file=str(tmp_path / "tokens.json"), query_limits={"workers": 1})) as client:
        yield WritableSite(client, store, tokens, secrets)


@pytest.fixture(scope="session")
def example_store_path(tmp_path_factory) -> str:
    """An on-disk store holding the example registry, imported by the CLI, for CLI tests (do not modify)."""
    from typer.testing import CliRunner

    from virsis_graph.cli import app

    path = tmp_path_factory.mktemp("examples") / "store"
    result = CliRunner().invoke(app, ["import", *map(str, resources.example_files()), "--store", str(path), "--no-validate"])
    assert result.exit_code == 0, result.output
    return str(path)


SITE_START_TIMEOUT = 60.0


@contextlib.contextmanager
def serving(args: list[str], folder: Path) -> Iterator[str]:
    """A real `virsis serve ARGS` process on a free loopback port, answering by the time it is yielded.

    Yields its base URL (``http://127.0.0.1:PORT``, no trailing slash); the
    process is stopped when the block ends. Its log is ``folder/server.log``.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        # A log file rather than a pipe: a pipe nobody reads can fill and stall the server.
        process = subprocess.Popen(
            [sys.executable, "-m", "virsis_graph", "serve", *args, "--host", "127.0.0.1", "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SITE_START_TIMEOUT
        while True:
            assert process.poll() is None, f"virsis serve exited with {process.returncode}: {log_path.read_text(errors='replace')}"
            try:
                if httpx.get(f"{url}/", timeout=2.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass  # not listening yet
            assert time.monotonic() < deadline, f"virsis serve did not answer on {url} within {SITE_START_TIMEOUT:g} s: {log_path.read_text(errors='replace')}"
            time.sleep(0.1)
        yield url
    finally:
        stop(process, 10)


@pytest.fixture(scope="session")
def site_url(tmp_path_factory) -> Iterator[str]:
    """A real `virsis serve --examples` for the whole session (:func:`serving`)."""
    with serving(["--examples"], tmp_path_factory.mktemp("virsis-serve")) as url:
        yield url


# ---------------------------------------------------------------------------
# Real SPARQL engines for the remote store
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def oxigraph_endpoint() -> Iterator[Endpoint]:
    """A real `oxigraph serve` for the whole session (see tests/remote_engines.py)."""
    with remote_engines.oxigraph_endpoint() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def virtuoso_endpoint() -> Iterator[Endpoint]:
    """A real Virtuoso Open Source 7 for the whole session (see tests/virtuoso_server.py)."""
    with remote_engines.virtuoso_endpoint() as endpoint:
        yield endpoint


@pytest.fixture(params=remote_engines.ENGINES)
def endpoint(request: pytest.FixtureRequest) -> Endpoint:
    """Each real engine in turn, holding no graph of the register when the test starts."""
    engine: Endpoint = request.getfixturevalue(f"{request.param}_endpoint")
    engine.empty()
    return engine
