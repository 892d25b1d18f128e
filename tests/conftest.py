"""Shared fixtures: the model and example graphs, parsed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from virsis_graph import ontology, resources
from virsis_graph.importing import apply_plan, initialise, plan_import
from virsis_graph.settings import base_iri
from virsis_graph.store import EmbeddedStore

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
    initialise(s)
    apply_plan(s, plan_import(s, resources.example_files()))
    return s


def rid(path: str) -> str:
    """The IRI the importer mints for ``service/s-01`` and the like."""
    return f"{base_iri()}id/{path}"


@pytest.fixture(scope="session")
def example_store_path(tmp_path_factory) -> str:
    """An on-disk store holding the example registry, imported by the CLI, for CLI tests (do not modify)."""
    from typer.testing import CliRunner

    from virsis_graph.cli import app

    path = tmp_path_factory.mktemp("examples") / "store"
    result = CliRunner().invoke(app, ["import", *map(str, resources.example_files()), "--store", str(path), "--no-validate"])
    assert result.exit_code == 0, result.output
    return str(path)
