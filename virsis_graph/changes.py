"""A write worked out before it is made: what it touches, and the register as it will be.

The two gates that validate a write share this: the Graph Store
(``web/graph_store.py``, every PUT, POST, DELETE and SPARQL Update, validated
before it is made) and ``virsis import`` (validated after writing, before
committing, or, when the write cannot be read back first — a server engine —
before it is made). A write touches more records than it
types: a file may add a second title to a record another file describes,
change a cost that a service in another graph links to, or no longer have a
person who owns services. :func:`touched` finds them all, so that each gate
validates every record whose validity the write decides, as it will be after
the write.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .importing import IDENTIFIER_PREDICATE as IDENTIFIER, record_classes
from .records import RDF_TYPE
from .shacl.register import NeighbourhoodRecords
from .store import GraphChange, Store
from .validation import Report, is_iri, linking_records, validate_neighbourhood

TITLE = ox.NamedNode("http://purl.org/dc/terms/title")

@dataclass
class Write:
    """A write worked out against the store before it is made."""

    before: dict[str, set[ox.Quad]]
    """Each graph the write changes, as it is."""
    after: dict[str, set[ox.Quad]]
    """The same graphs as they will be."""

    @property
    def added(self) -> list[ox.Quad]:
        return [q for g, quads in self.after.items() for q in quads - self.before[g]]

    @property
    def removed(self) -> list[ox.Quad]:
        return [q for g, quads in self.before.items() for q in quads - self.after[g]]

    def changes(self) -> list[GraphChange]:
        """What to apply to the store: per graph what goes and what comes (a graph left empty is removed whole)."""
        made = []
        for g in sorted(self.after):
            gone, come = self.before[g] - self.after[g], self.after[g] - self.before[g]
            if not self.after[g] and gone:
                made.append(GraphChange(g, replace=True))
            elif gone or come:
                made.append(GraphChange(g, add=_triples(come), remove=_triples(gone)))
        return made


NOTHING = Write({}, {})
"""No write: the register as the store holds it (an import already written, not yet committed)."""


def _triples(quads: set[ox.Quad]) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def plan_write(store: Store, changes: list[GraphChange]) -> Write:
    """What ``changes``, made in order (each: empty the graph if ``replace``, then remove, then add), do to ``store``."""
    before: dict[str, set[ox.Quad]] = {}
    after: dict[str, set[ox.Quad]] = {}
    for change in changes:
        if change.graph not in before:
            before[change.graph] = set(store.quads(change.graph))
            after[change.graph] = set(before[change.graph])
        state = set() if change.replace else after[change.graph]
        after[change.graph] = (state - set(change.quads(change.remove))) | set(change.quads(change.add))
    return Write(before, after)


def _named(nodes: Iterable) -> list[ox.NamedNode]:
    """The named nodes among ``nodes``, in a fixed order (what a query can ask for by name)."""
    return sorted((n for n in nodes if isinstance(n, ox.NamedNode)), key=lambda n: n.value)


def statements_after(store: Store, subjects: set, write: Write) -> set[ox.Triple]:
    """Every statement about ``subjects``, in any graph, as it will be after ``write``.

    The graphs the write changes are read from the write; the others from the
    store. With them come the blank nodes they point to (a cost written as
    ``[ a cv:Cost ]``), and theirs, at any depth: the first level in the same
    query, since a blank node cannot be asked for by name; deeper ones by their
    labels, which only the embedded store keeps (:meth:`Store.describe`).
    """
    found: set[ox.Triple] = set()
    rows = store.query_batched(_named(subjects), "SELECT ?s ?p ?o ?g ?bp ?bo WHERE { VALUES ?s { %s } "
                               "GRAPH ?g { ?s ?p ?o OPTIONAL { ?o ?bp ?bo FILTER(isBlank(?o)) } } }")
    for r in rows:
        if r["g"].value in write.after:
            continue
        found.add(ox.Triple(r["s"], r["p"], r["o"]))
        if r["bp"] is not None:
            found.add(ox.Triple(r["o"], r["bp"], r["bo"]))
    written = [q for quads in write.after.values() for q in quads]
    found.update(ox.Triple(q.subject, q.predicate, q.object) for q in written if q.subject in subjects)
    described = set(subjects) | {t.subject for t in found}
    pending = {t.object for t in found if isinstance(t.object, ox.BlankNode)} - described
    while pending:
        described |= pending
        deeper = set(store.describe(pending))
        deeper.update(ox.Triple(q.subject, q.predicate, q.object) for q in written if q.subject in pending)
        found |= deeper
        pending = {t.object for t in deeper if isinstance(t.object, ox.BlankNode)} - described
    return found


def linking_after(store: Store, nodes: Iterable, write: Write) -> dict[object, set]:
    """Per node, the subjects that will have a statement whose object it is after ``write`` (nodes without any left out).

    A blank node is looked up by its label (:meth:`Store.linking`), which only
    the embedded store keeps from one request to the next.
    """
    nodes = set(nodes)
    found: dict[object, set] = {}
    for r in store.query_batched(_named(nodes), "SELECT DISTINCT ?s ?o ?g WHERE { VALUES ?o { %s } GRAPH ?g { ?s ?p ?o } }"):
        if r["g"].value not in write.after:
            found.setdefault(r["o"], set()).add(r["s"])
    for node, subjects in store.linking(n for n in nodes if isinstance(n, ox.BlankNode)).items():
        found.setdefault(node, set()).update(subjects)
    for quads in write.after.values():
        for q in quads:
            if q.object in nodes:
                found.setdefault(q.object, set()).add(q.subject)
    return found


def kinds_after(store: Store, nodes: Iterable, write: Write) -> dict[ox.NamedNode, str]:
    """The register records among ``nodes`` (those that will be typed with a record class after ``write``) → kind."""
    nodes = set(nodes)
    classes = record_classes()
    found: dict[ox.NamedNode, str] = {}
    rows = store.query_batched(_named(nodes), "SELECT ?s ?c ?g WHERE { VALUES ?s { %s } GRAPH ?g { ?s a ?c } }")
    found.update((r["s"], classes[r["c"].value]) for r in rows if r["g"].value not in write.after and r["c"].value in classes)
    for quads in write.after.values():
        found.update((q.subject, classes[q.object.value]) for q in quads if q.predicate == RDF_TYPE and q.subject in nodes
                     and isinstance(q.subject, ox.NamedNode) and q.object.value in classes)
    return found


def records_after(store: Store, nodes: Iterable, write: Write) -> set[ox.NamedNode]:
    """The register records among ``nodes`` after ``write`` (:func:`kinds_after`)."""
    return set(kinds_after(store, nodes, write))


class Touched(NamedTuple):
    """What a write touches (:func:`touched`)."""

    nodes: set[ox.NamedNode]
    """Its named subjects, and the records the others belong to: what to validate."""
    records: set[ox.NamedNode]
    """The register records among them."""


def touched(store: Store, subjects: Iterable, write: Write = NOTHING) -> Touched:
    """What a write whose statements are about ``subjects`` touches, as it will be after ``write``.

    Its named subjects, and for each subject that is not a register record (a
    channel, a cost, a template, a blank node), the records it will belong
    to: the nearest records linking to it, directly or through other parts
    (:func:`~virsis_graph.validation.linking_records`), every one of them, so
    that the record a part's results are filed under is among them.
    """
    subjects = set(subjects)
    records = records_after(store, subjects, write)
    kinds: dict = dict.fromkeys(records, True)

    def parents(nodes: list) -> dict[object, set]:
        links = linking_after(store, nodes, write)
        kinds.update(dict.fromkeys(records_after(store, set(chain.from_iterable(links.values())) - kinds.keys(), write), True))
        return links

    owners = set(chain.from_iterable(linking_records(subjects - records, parents, kinds).values()))
    return Touched({s for s in subjects if isinstance(s, ox.NamedNode)} | owners, records | owners)


def validate_after(store: Store, write: Write, focus: set[ox.NamedNode], conditions: Iterable[int] = (),
                   where: dict | None = None) -> Report:
    """Validate ``focus`` as it will be after ``write``, before it is made, in its neighbourhood.

    Every shape runs on the :func:`neighbourhood` (and the model), with pyshacl
    as :func:`~virsis_graph.validation.validate_graph` runs it; the report
    keeps the results about ``focus``, filed under records as the whole
    register's report will file them once the write is made
    (:class:`RecordsAfter`): the cost is in proportion to the write, not to
    the register. A part that other records share (a template) belongs to the
    least of the nearest records linking to it, so a write is not refused for
    a defect of a template another record owns, unless it describes the
    template itself.
    """
    triples = list(neighbourhood(store, focus, write))
    return validate_neighbourhood(store, triples, [URIRef(f.value) for f in focus], conditions, where or {},
                                  lambda scope, data: RecordsAfter(store, write, scope, data))


def neighbourhood(store: Store, focus: set, write: Write = NOTHING) -> set[ox.Triple]:
    """What validating ``focus`` after ``write`` needs: the statements about them and what they
    own, and about what those link to (so ``sh:class`` and membership checks see the register).

    With no write, the neighbourhood as the store holds it: what
    :func:`~virsis_graph.validation.validate_records` gives pyshacl.
    """
    nodes = (ox.NamedNode, ox.BlankNode)
    own = statements_after(store, focus, write)
    owned = {t.object for t in own if isinstance(t.object, nodes)} - focus
    known = own | statements_after(store, owned, write)
    subjects = {t.subject for t in known}
    linked = {t.object for t in known if isinstance(t.object, nodes)} - subjects
    return known | statements_after(store, linked, write)


class RecordsAfter(NeighbourhoodRecords):
    """Results filed under records as the whole register's report will file them once ``write`` is made.

    For a write validated before it is made, whose records may not be in the
    store yet: kinds, links and labels are read from the register as it will
    be (:func:`kinds_after`, :func:`linking_after`, :func:`statements_after`).
    """

    def __init__(self, store: Store, write: Write, scope: set[str], data: Graph) -> None:
        super().__init__(store, scope, data)
        self.write = write

    def _kinds_of(self, nodes: Iterable[str]) -> dict[str, str]:
        terms = {ox.NamedNode(n) for n in nodes if is_iri(n)}
        return {node.value: kind for node, kind in kinds_after(self.store, terms, self.write).items()}

    def _linking(self, nodes: list) -> dict:
        return linking_after(self.store, nodes, self.write)

    def labels(self, records: set[str]) -> dict[str, tuple[str | None, dict[str, str]]]:
        identifiers: dict[str, str] = {}
        titles: dict[str, dict[str, str]] = defaultdict(dict)
        # Sorted: of two identifiers, the same one every time.
        for t in sorted(statements_after(self.store, {ox.NamedNode(r) for r in records if is_iri(r)}, self.write), key=str):
            if t.predicate == IDENTIFIER and isinstance(t.object, ox.Literal):
                identifiers.setdefault(t.subject.value, t.object.value)
            elif t.predicate == TITLE and isinstance(t.object, ox.Literal) and t.object.language:
                titles[t.subject.value][t.object.language] = t.object.value
        return {r: (identifiers.get(r), titles.get(r, {})) for r in records}
