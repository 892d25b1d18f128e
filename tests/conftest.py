"""Shared fixtures: the model and example graphs, parsed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from virsis_graph import ontology

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
