"""RDF files: Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..store import RegisterError, rdf_format
from . import check_readable

_EXTRA = {".owl": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML, ".json": ox.RdfFormat.JSON_LD}


def read_rdf(path: Path, base: str) -> list[ox.Triple]:
    """Every triple of an RDF file (graph names of quads are dropped: the file is one source).

    Relative IRIs resolve against ``base``. A syntax error raises
    :class:`RegisterError` with the file, line and column.
    """
    raw = check_readable(path)
    fmt = _EXTRA.get(path.suffix.lower()) or rdf_format(path)
    try:
        return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(raw, format=fmt, base_iri=base)]
    except SyntaxError as exc:
        raise RegisterError(f"{path}: nav derīgs {fmt.name} / not valid {fmt.name}: {exc}") from exc
