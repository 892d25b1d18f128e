"""The register's RDF store: embedded pyoxigraph, on disk or in memory.

Each loaded file lands in a named graph of its own, so a later import can be
seen and removed on its own; queries see the union of all graphs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox

from . import resources
from .settings import base_iri

MODEL_GRAPH = "https://w3id.org/virsis/graph/model"
"""Named graph holding the ontology, reused-term declarations and vocabularies."""


class RegisterError(Exception):
    """A problem a person can fix, with a message that says where and how."""


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF serialisation of ``path`` judged by its extension (``.ttl``, ``.nt``, ``.jsonld`` ...)."""
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower())
    if fmt is None:
        raise RegisterError(
            f"{path}: unknown RDF file extension {path.suffix!r}; "
            "use .ttl, .nt, .nq, .trig, .jsonld or .rdf"
        )
    return fmt


def examples_graph(path: Path, base: str | None = None) -> str:
    """Named graph IRI for an example file: ``{base}graph/examples/{stem}``."""
    return f"{base or base_iri()}graph/examples/{path.stem}"


class Store:
    """A register store. ``Store()`` is in memory; ``Store(path)`` persists on disk."""

    def __init__(self, path: Path | str | None = None) -> None:
        self._store = ox.Store(str(path)) if path is not None else ox.Store()

    def load_file(self, path: Path, graph: str, base: str | None = None) -> int:
        """Load one RDF file into ``graph`` and return how many triples the graph gained.

        Relative IRIs in the file resolve against ``base`` (default: the configured
        base), which is how the example registry follows ``VIRSIS_BASE``.
        Raises :class:`RegisterError` naming the file and line on a syntax error.
        """
        before = self.count(graph)
        try:
            self._store.load(
                path=str(path),
                format=rdf_format(path),
                base_iri=base or base_iri(),
                to_graph=ox.NamedNode(graph),
            )
        except SyntaxError as exc:
            raise RegisterError(f"{path}: {exc}") from exc
        return self.count(graph) - before

    def load_files(self, paths: Iterable[Path], graph_for: Callable[[Path], str]) -> int:
        """Load several files, each into ``graph_for(path)``; return the triples added."""
        return sum(self.load_file(p, graph_for(p)) for p in paths)

    def count(self, graph: str | None = None) -> int:
        """Number of triples in ``graph``, or in all graphs when ``graph`` is None."""
        if graph is None:
            return len(self._store)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def graphs(self) -> list[str]:
        """IRIs of the named graphs in the store, sorted."""
        return sorted(g.value for g in self._store.named_graphs())

    def select(self, sparql: str, **bindings: ox.NamedNode | ox.Literal) -> list[dict[str, object]]:
        """Run a SELECT over the union of all graphs; return rows as ``{variable: python value}``.

        Values for ``bindings`` are substituted by the engine (never spliced into
        the text), so callers can pass user input safely. pyoxigraph requires each
        bound variable to appear in the SELECT projection.
        """
        solutions = self._store.query(
            sparql,
            use_default_graph_as_union=True,
            substitutions={ox.Variable(k): v for k, v in bindings.items()},
        )
        names = [v.value for v in solutions.variables]
        return [{n: _python(row[n]) for n in names} for row in solutions]


def _python(term: object) -> object:
    """Turn a pyoxigraph term into a plain Python value (IRIs and strings as ``str``)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt.endswith(("#integer", "#int", "#long", "#nonNegativeInteger")):
            return int(term.value)
        if dt.endswith(("#decimal", "#double", "#float")):
            return float(term.value)
        return term.value
    return term.value


def load_model(store: Store) -> int:
    """Load ontology, reused terms and vocabularies into the model graph; return triples added."""
    return store.load_files(resources.model_files(), lambda _: MODEL_GRAPH)


def load_examples(store: Store) -> int:
    """Load the example registry, one named graph per file; return triples added."""
    return store.load_files(resources.example_files(), examples_graph)
