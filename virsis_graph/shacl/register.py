"""The compiled engine's results as the register's validation report.

:func:`validate_register` runs :func:`.engine.validate` on a store and ties
each result to the record it is about exactly as pyshacl's results are tied
(:func:`virsis_graph.validation.tie`), but learns records, owners, identifiers
and titles from the store with a few bulk queries, instead of reading the
register into rdflib.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..collector import collector_paused
from ..importing import record_classes
from ..store import EmbeddedStore, Store
from ..validation import _SEVERITY, Finding, GraphRecords, Location, Report, is_iri, model_graph, owning_records, tie
from .engine import Outcome, Row, to_rdflib, validate

_BATCH = 500
_SCOPE = 1_000
"""Nodes with results past which the kinds of all records are read (a query per class) rather than those of the
nodes (some 0.8 ms a node: 9.9 s for the 12,000 nodes of a validating import of 10,000 services)."""
_SCAN = 50_000
"""Records past which labels may be read by scanning the register rather than record by record ..."""
_SCAN_SHARE = 0.35
"""... when they are also this share of the register's records or more. Measured at 100 000 services: looking up
the 96 000 records with results (of 395 000) took 5.8 s, the scan 8.6 s; the scan's cost grows with the register."""
_OWL_ONTOLOGY = "ASK { ?o a <http://www.w3.org/2002/07/owl#Ontology> }"
_MODEL_GRAPH = "urn:x-virsis:validation-model"


def validate_register(store: Store, shapes: Graph, where: dict[str, Location], fallback: bool = True,
                      focus: list[ox.NamedNode] | None = None, workers: int | None = None) -> Report:
    """Validate the register in ``store`` with the compiled engine (pyshacl for what does not compile, if ``fallback``).

    A store without the model (ontology and vocabularies) is validated with the
    model added, as :func:`virsis_graph.validation.register_graph` does for
    pyshacl: ``sh:class`` and class targets need its ``rdfs:subClassOf``.
    """
    store = with_model(store)
    # Around the checks too, though validate() pauses it itself: re-enabled in between, the
    # collector would walk the million rows just made once more before the filing.
    with collector_paused():
        started = time.perf_counter()
        outcome = validate(store, shapes, focus=focus, fallback=fallback, workers=workers)
        checked = time.perf_counter()
        found = findings(outcome.rows)
        # For a few focus nodes, only the records involved are looked up, not the whole register.
        scope = {f.focus for f in found} if focus is not None else None
        if scope is not None and len(scope) > _SCOPE:
            scope = None
        report = tie(found, StoreRecords(store, scope), shapes, lambda: outcome.graph, where)
    report.fallback = {str(shape): why for shape, why in outcome.fallback.items()}
    report.timings.update(checks=checked - started, filing=time.perf_counter() - checked)
    return report


def findings(rows: list[Row]) -> list[Finding]:
    """The engine's rows as :class:`~virsis_graph.validation.Finding`\\ s."""
    # Keyed by object identity: a check's rows share their messages and severity, and hashing rdflib terms is slow.
    messages: dict[int, tuple[tuple, dict[str, str]]] = {}
    severities: dict[int, tuple[object, str]] = {}
    literals: dict[ox.Literal, str] = {}
    # One string per node and per path, shared by every result that names it (memory, at millions of results).
    nodes: dict[ox.NamedNode | ox.BlankNode, str] = {}
    paths: dict[int, tuple[object, str | None]] = {}
    out = []
    for row in rows:
        known = messages.get(id(row.messages))
        if known is None or known[0] is not row.messages:
            known = messages[id(row.messages)] = (row.messages, {m.language or "en": str(m) for m in row.messages})
        severity = severities.get(id(row.severity))
        if severity is None or severity[0] is not row.severity:
            severity = severities[id(row.severity)] = (row.severity, _SEVERITY.get(row.severity, "violation"))
        value = row.value
        if isinstance(value, ox.Literal):
            # As rdflib writes it (pyshacl's reading): "-60"^^xsd:double is "-60.0" there.
            if value not in literals:
                literals[value] = str(to_rdflib(value))
            value = literals[value]
        elif value is not None:
            value = nodes.get(value) or nodes.setdefault(value, value.value)
        path = paths.get(id(row.path))
        if path is None or path[0] is not row.path:
            path = paths[id(row.path)] = (row.path, str(row.path) if isinstance(row.path, URIRef) else None)
        out.append(Finding(
            focus=nodes.get(row.focus) or nodes.setdefault(row.focus, row.focus.value),
            shape=row.shape,
            path=path[1],
            value=value,
            severity=severity[1],
            messages=known[1],
        ))
    return out


def with_model(store: Store) -> Store:
    """``store`` itself when it holds the model (ontology and vocabularies), else an in-memory copy with the model added.

    ``sh:class``, class targets and the scorecard's services need the model's ``rdfs:subClassOf``.
    """
    return store if store.query(_OWL_ONTOLOGY) else _with_model(store)


def _with_model(store: Store) -> EmbeddedStore:
    """An in-memory copy of ``store`` with the model added in a graph of its own."""
    copy = EmbeddedStore()
    copy._store.bulk_extend(store.quads())
    model = ox.NamedNode(_MODEL_GRAPH)
    copy._store.bulk_extend(
        ox.Quad(q.subject, q.predicate, q.object, model)
        for q in ox.parse(model_graph().serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES)
    )
    return copy


def _chunks(items: list, size: int = _BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _values(iris: Iterable[str]) -> str:
    # Each IRI passes through ox.NamedNode, which rejects anything that is not one.
    return " ".join(str(ox.NamedNode(i)) for i in iris)


def _term(text: str) -> ox.NamedNode | ox.BlankNode | None:
    """The node a result names by ``text``: an IRI, else a blank node's label (else None: a literal)."""
    if is_iri(text):
        return ox.NamedNode(text)
    try:
        return ox.BlankNode(text)
    except ValueError:
        return None


class StoreRecords:
    """:class:`~virsis_graph.validation.RecordIndex` over a store, in bulk queries.

    With a ``scope`` (the focus nodes of a few results), :meth:`kinds` knows only
    the records among them, and :meth:`owners` adds the records it finds.
    """

    def __init__(self, store: Store, scope: set[str] | None = None) -> None:
        self.store = store
        self.scope = scope
        self.classes = record_classes()
        self._size: int | None = None

    def _kinds_of(self, nodes: Iterable[str]) -> dict[str, str]:
        found = {}
        for batch in _chunks(sorted(n for n in nodes if is_iri(n))):
            rows = self.store.query(f"SELECT ?s ?c WHERE {{ VALUES ?s {{ {_values(batch)} }} VALUES ?c {{ {_values(self.classes)} }} ?s a ?c }}")
            found.update({r["s"].value: self.classes[r["c"].value] for r in rows})
        return found

    def kinds(self) -> dict[str, str]:
        if self.scope is not None:
            return self._kinds_of(self.scope)
        found: dict[str, str] = {}
        for cls, kind in self.classes.items():
            # A query per class: one joining VALUES of the classes took twice as long (2.4 against 1.3 s at 100 000 services).
            found.update((s.value, kind) for (s,) in self.store.query(f"SELECT ?s WHERE {{ ?s a {ox.NamedNode(cls)} }}"))
        self._size = len(found)
        return found

    @property
    def size(self) -> int:
        """The register's records (all of them, whatever the ``scope``): known from :meth:`kinds`, else counted once."""
        if self._size is None:
            rows = self.store.query(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?c {{ {_values(self.classes)} }} ?s a ?c }}")
            self._size = int(next(iter(rows))["n"].value)
        return self._size

    def owners(self, nodes: set[str], kinds: dict[str, str]) -> dict[str, str]:
        """:func:`~virsis_graph.validation.owning_records`, the links of all nodes of a level asked at once (:meth:`Store.linking`)."""
        def parents(pending: list[str]) -> dict[str, list[str]]:
            terms = [t for t in map(_term, pending) if t is not None]
            found = {node.value: [s.value for s in subjects] for node, subjects in self._linking(terms).items()}
            if self.scope is not None:
                kinds.update(self._kinds_of({s for subjects in found.values() for s in subjects} - set(kinds)))
            return found

        return owning_records(nodes, parents, kinds)

    def _linking(self, nodes: list[ox.NamedNode | ox.BlankNode]) -> dict:
        return self.store.linking(nodes)

    def labels(self, records: set[str]) -> dict[str, tuple[str | None, dict[str, str]]]:
        identifiers: dict[str, str] = {}
        titles: dict[str, dict[str, str]] = defaultdict(dict)
        if len(records) > _SCAN and len(records) >= _SCAN_SHARE * self.size:
            # Most of a register: reading every identifier and title once beats looking each record up.
            for s, i in self.store.query("SELECT ?s ?id WHERE { ?s <http://purl.org/dc/terms/identifier> ?id }"):
                if s.value in records:
                    identifiers.setdefault(s.value, i.value)
            for s, t in self.store.query("SELECT ?s ?t WHERE { ?s <http://purl.org/dc/terms/title> ?t FILTER(lang(?t) != \"\") }"):
                if s.value in records:
                    titles[s.value][t.language] = t.value
            return {r: (identifiers.get(r), titles.get(r, {})) for r in records}
        for batch in _chunks(sorted(r for r in records if is_iri(r))):
            # Identifiers and titles in one query a batch: 3.5 s against 4.3-4.8 s for two, 96 000 records at 100 000 services.
            rows = self.store.query(
                f"SELECT ?s ?id ?t WHERE {{ VALUES ?s {{ {_values(batch)} }} {{ ?s <http://purl.org/dc/terms/identifier> ?id }} "
                "UNION { ?s <http://purl.org/dc/terms/title> ?t FILTER(lang(?t) != \"\") } }")
            for record, identifier, title in rows:
                if identifier is not None:
                    identifiers.setdefault(record.value, identifier.value)
                else:
                    titles[record.value][title.language] = title.value
        return {r: (identifiers.get(r), titles.get(r, {})) for r in records}


class NeighbourhoodRecords(StoreRecords):
    """:class:`StoreRecords` for a report pyshacl made on a copy of some records' neighbourhood.

    Nodes with IRIs are filed as in the whole register; blank nodes (a cost
    written as ``[ a cv:Cost ]``) are named anew by the copy, so they are walked
    up in the copy itself, where the records they belong to are.
    """

    def __init__(self, store: Store, scope: set[str], data: Graph) -> None:
        super().__init__(store, scope)
        self.copy = GraphRecords(data)

    def owners(self, nodes: set[str], kinds: dict[str, str]) -> dict[str, str]:
        blank = {n for n in nodes if not is_iri(n)}
        found = super().owners(nodes - blank, kinds)
        if blank:
            local = {**self.copy.kinds(), **kinds}
            owned = self.copy.owners(blank, local)
            kinds.update((record, local[record]) for record in owned.values())
            found.update(owned)
        return found


__all__ = ["NeighbourhoodRecords", "Outcome", "StoreRecords", "findings", "validate_register", "with_model"]
