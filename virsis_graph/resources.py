"""Where the ontology, vocabularies, shapes, queries and example data live.

A wheel carries them inside the package (``virsis_graph/_data/``, see
``pyproject.toml``); a source checkout or editable install reads them from the
repository's top-level folders. Callers never need to know which.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_root() -> Path:
    """Return the folder that holds ``ontology/``, ``shapes/``, ``queries/`` and ``data/``."""
    packaged = _PACKAGE / "_data"
    if (packaged / "ontology").is_dir():
        return packaged
    return _PACKAGE.parent


def ontology_file() -> Path:
    """The OWL ontology, ``ontology/virsis.ttl``."""
    return data_root() / "ontology" / "virsis.ttl"


def reused_terms_file() -> Path:
    """Declarations of the terms VIRSIS reuses from CPSV-AP, DCTerms, FOAF, ORG and others."""
    return data_root() / "ontology" / "reused-terms.ttl"


def vocabulary_files() -> list[Path]:
    """The SKOS concept schemes and authority-table entries, sorted by name."""
    return sorted((data_root() / "ontology" / "vocabularies").glob("*.ttl"))


def model_files() -> list[Path]:
    """Everything that defines the model: ontology, reused terms and vocabularies."""
    return [ontology_file(), reused_terms_file(), *vocabulary_files()]


def example_files() -> list[Path]:
    """The illustrative example registry, ``data/examples/*.ttl``, sorted by name."""
    return sorted((data_root() / "data" / "examples").glob("*.ttl"))
