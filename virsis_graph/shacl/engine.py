"""Running compiled shapes on a store, and pyshacl for the shapes that do not compile.

:func:`validate` compiles every shape that has targets (see :mod:`.compiler`),
runs each check as one query on the store, and keeps each row as a
:class:`Row`. :attr:`Outcome.graph` writes them as a standard
``sh:ValidationReport`` shaped as pyshacl writes it — a result node per
violation with ``sh:focusNode``, ``sh:resultPath`` (the path as RDF),
``sh:value``, ``sh:sourceShape``, ``sh:sourceConstraintComponent``,
``sh:resultSeverity`` and ``sh:resultMessage`` — built on first use, since a
register with a million results needs the rows but rarely the RDF. Shapes that
do not compile are validated by pyshacl on the whole store read into rdflib,
with the compiled shapes' targets taken out of its shapes graph, and its
results join the same rows; :attr:`Outcome.fallback` names them and says why.

The checks of a whole register on the embedded store run side by side in
threads (:func:`workers_for`): pyoxigraph lets go of Python's global lock while
it evaluates a query, so two threads keep two cores busy on the one store, in
memory or on disk, with nothing copied between them. Even one worker thread is
quicker than the main thread on a store in memory (about 5 s against 9 s for
the checks at 10,000 services): glibc's allocator serves the main thread from
its main arena, and with ``MALLOC_ARENA_MAX=1`` (every thread on that arena)
worker threads are as slow. ``benchmarks/README.md`` has the figures.
"""

from __future__ import annotations

import logging
import os
import re
import weakref
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from ..collector import collector_paused
from ..store import EmbeddedStore, RegisterError, Store
from .compiler import Check, Compiler, Unsupported
from .shapes import TARGETS, Node, ShapesGraph

_XSD_STRING = str(XSD.string)
Term = ox.NamedNode | ox.BlankNode | ox.Literal


class Row(NamedTuple):
    """One validation result: the fields of an ``sh:ValidationResult``."""

    focus: Term
    path: Node | None
    """The shape's ``sh:path`` node in the shapes graph (a predicate for closed shapes)."""
    value: Term | None
    shape: Node
    component: URIRef
    severity: URIRef
    messages: tuple[Literal, ...]
    source_constraint: Node | None = None


@dataclass
class Outcome:
    """What one validation run found, and how it ran."""

    rows: list[Row]
    shapes_graph: Graph = field(repr=False)
    allow_warnings: bool = True
    compiled: list[Node] = field(default_factory=list)
    """Shapes with targets that the compiled engine validated."""
    fallback: dict[Node, list[str]] = field(default_factory=dict)
    """Shapes with targets that pyshacl validated, with why they did not compile."""
    queries: int = 0

    @property
    def conforms(self) -> bool:
        """``sh:conforms``: no result (no Violation, when Warnings and Infos are allowed)."""
        if not self.allow_warnings:
            return not self.rows
        return not any(r.severity == SH.Violation for r in self.rows)

    @cached_property
    def graph(self) -> Graph:
        """The standard ``sh:ValidationReport`` graph of the rows."""
        return report_graph(self.rows, self.shapes_graph, self.conforms)


class CompileError(RegisterError):
    """Some shapes cannot be compiled and the caller asked for the compiled engine only."""


def to_rdflib(node: Term) -> Node:
    """A pyoxigraph term as the rdflib term an N-Triples round trip gives (plain literals stay plain)."""
    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return BNode(node.value)
    if node.language:
        return Literal(node.value, lang=node.language)
    if node.datatype.value == _XSD_STRING:
        return Literal(node.value)
    return Literal(node.value, datatype=URIRef(node.datatype.value))


def to_oxigraph(node: Node) -> Term:
    """An rdflib term as a pyoxigraph one."""
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if node.language:
        return ox.Literal(str(node), language=node.language)
    return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or XSD.string)))


class _IllTyped:
    """Literals of a datatype whose lexical form is not valid for it, found per path and cached.

    With ``focus`` nodes, a path anchored at the target node is read from those
    nodes only, so validating one record does not scan a predicate of the
    whole register.
    """

    def __init__(self, store: Store, focus: list[ox.NamedNode] | None = None) -> None:
        self.store = store
        self.focus = focus
        self.cache: dict[tuple[str, str | None, bool], list[ox.Literal]] = {}

    def __call__(self, datatype: URIRef, path: str | None, anchored: bool = False) -> list[ox.Literal]:
        anchored = anchored and path is not None and self.focus is not None
        key = (str(datatype), path, anchored)
        if key not in self.cache:
            d = ox.NamedNode(str(datatype))
            pattern = f"?s {path} ?v" if path else "?s ?p ?v"
            if anchored:
                pattern = f"VALUES ?s {{ {' '.join(str(f) for f in self.focus)} }} {pattern}"
            rows = self.store.query(f"SELECT DISTINCT ?v WHERE {{ {pattern} FILTER(isLiteral(?v) && datatype(?v) = {d}) }}")
            self.cache[key] = [r["v"] for r in rows if _ill_typed(r["v"])]
        return self.cache[key]


class Subclasses:
    """``rdfs:subClassOf*`` of the data graph, read once: a class and every class below it, in SPARQL syntax."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.below: dict[str, set[str]] | None = None

    def __call__(self, cls: URIRef) -> list[str]:
        if self.below is None:
            self.below = defaultdict(set)
            rows = self.store.query("SELECT ?s ?o WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?o }")
            for r in rows:
                if isinstance(r["s"], ox.NamedNode) and isinstance(r["o"], ox.NamedNode):
                    self.below[r["o"].value].add(r["s"].value)
        found, frontier = {str(cls)}, [str(cls)]
        while frontier:
            for sub in self.below.get(frontier.pop(), ()):
                if sub not in found:
                    found.add(sub)
                    frontier.append(sub)
        return [str(ox.NamedNode(c)) for c in sorted(found)]


def _ill_typed(literal: ox.Literal) -> bool:
    """Whether rdflib (as pyshacl sees data) finds the literal's lexical form invalid for its datatype."""
    term_log = logging.getLogger("rdflib.term")
    level = term_log.level
    # rdflib logs a traceback for every literal it cannot convert; finding them is the point here.
    term_log.setLevel(logging.CRITICAL)
    try:
        return Literal(literal.value, datatype=URIRef(literal.datatype.value)).ill_typed is True
    finally:
        term_log.setLevel(level)


_READ: dict[int, tuple[weakref.ref, ShapesGraph]] = {}


def shapes_of(graph: Graph) -> ShapesGraph:
    """The shapes of ``graph``, read once per graph object (a shapes graph is not changed once validation uses it)."""
    # By identity: rdflib graphs compare equal by their identifier, whatever they hold.
    known = _READ.get(id(graph))
    if known is None or known[0]() is not graph:
        for key in [k for k, (ref, _) in _READ.items() if ref() is None]:
            del _READ[key]
        known = _READ[id(graph)] = (weakref.ref(graph), ShapesGraph(graph))
    return known[1]


FOCUS_FEW = 100
"""Focus nodes always validated one at a time (:func:`validate`)."""
FOCUS_SHARE = 1 / 300
"""Above this share of the register's typed nodes, :func:`validate` runs the checks over the whole register for
its focus nodes and keeps their rows: at 10 000 services one node at a time takes 16 ms, the whole register 6.7 s
(90 643 typed nodes), so the two cost the same at some 420 nodes (``benchmarks/README.md``)."""


def plan(shapes: ShapesGraph, store: Store, focus: list[ox.NamedNode] | None = None) -> tuple[list[Check], dict[Node, list[str]], list[Node]]:
    """Compile every shape with targets: (checks, shapes that need pyshacl with why, shapes compiled)."""
    compiler = Compiler(shapes, _IllTyped(store, focus), Subclasses(store))
    checks: list[Check] = []
    fallback: dict[Node, list[str]] = {}
    compiled: list[Node] = []
    for shape in shapes.targeted:
        problems = shapes.problems(shape)
        if not problems:
            try:
                found = compiler.checks(shape)
            except Unsupported as exc:
                problems = [str(exc)]
        if problems:
            fallback[shape.node] = problems
        else:
            checks += found
            compiled.append(shape.node)
    return checks, fallback, compiled


def validate(store: Store, shapes_graph: Graph, focus: Iterable[ox.NamedNode] | None = None, fallback: bool = True,
             allow_warnings: bool = True, workers: int | None = None) -> Outcome:
    """Validate the store (the union of its graphs) against ``shapes_graph``.

    ``focus``: validate only these target nodes (each check runs with its
    target variable bound to them by a VALUES block; with more than
    :data:`FOCUS_SHARE` of the register's typed nodes, the checks run over
    the whole register and the rows about them are kept, which is then the
    quicker). ``fallback``: let pyshacl
    validate the shapes that do not compile; when False they raise
    :class:`CompileError`. ``allow_warnings``: ``sh:conforms`` stays true with
    Warnings and Infos, as pyshacl's option of that name (the register's
    reading); when False any result makes it false, as SHACL defines it.
    ``workers``: threads that run the checks of a whole register on the
    embedded store (:func:`workers_for`; None: every CPU, up to
    :data:`MAX_WORKERS`). The results, and their order, are the same whatever
    the number.
    """
    focus_nodes = list(focus) if focus is not None else None
    wanted = None  # the focus nodes whose rows a whole-register run keeps
    if focus_nodes is not None and many(store, len(focus_nodes)):
        wanted, focus_nodes = {n.value for n in focus_nodes}, None
    shapes = shapes_of(shapes_graph)
    checks, needs_pyshacl, compiled = plan(shapes, store, focus_nodes)
    if needs_pyshacl and not fallback:
        raise CompileError(
            "Šīs formas nevar kompilēt / these shapes cannot be compiled (use --engine auto or pyshacl):\n"
            + "\n".join(f"  {shape}: {'; '.join(why)}" for shape, why in needs_pyshacl.items())
        )
    rows: list[Row] = []
    queries = 0
    # Millions of rows at national scale: the collector would walk them again and again (collector.collector_paused).
    with collector_paused():
        if focus_nodes is None:
            # Set at a time where the engine is known to get joins and MINUS right and fast.
            sets = isinstance(store, EmbeddedStore)
            texts = [check.query(None, sets) for check in checks]

            def answered(at: int) -> list[Row]:
                return check_rows(checks[at], store.query(texts[at]))

            if sets:  # the embedded store: threads (see the module's docstring)
                with ThreadPoolExecutor(workers_for(workers), thread_name_prefix="virsis-check") as pool:
                    found_by_check = list(pool.map(answered, range(len(checks))))
            else:  # a server engine: one query at a time, as the server is shared
                found_by_check = [answered(at) for at in range(len(checks))]
            for found in found_by_check:
                rows += found if wanted is None else [r for r in found if r.focus.value in wanted]
            queries = len(checks)
        else:
            # One focus node per query: with one value bound, engines look each pattern up
            # instead of joining whole sets; checks whose targets cannot hold it are skipped.
            described = _types_and_predicates(store, focus_nodes)
            for check in checks:
                for node in focus_nodes:
                    types, predicates = described.get(node.value, (set(), set()))
                    if check.targets is None or check.targets.may_target(types, predicates, node.value):
                        queries += 1
                        rows += check_rows(check, store.query(check.query([node])))
    if needs_pyshacl:
        found = pyshacl_rows(_pyshacl(store, shapes_graph, compiled), focus_nodes)
        rows += found if wanted is None else [r for r in found if r.focus.value in wanted]
    return Outcome(rows, shapes_graph, allow_warnings, compiled, needs_pyshacl, queries)


MAX_WORKERS = 8
"""Threads that run the checks of a whole register when ``workers`` is not given: every CPU, up to this many."""


def workers_for(workers: int | None) -> int:
    """The threads for the checks: ``workers`` when given, else every CPU up to :data:`MAX_WORKERS`."""
    return max(1, workers) if workers is not None else max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def many(store: Store, focus: int) -> bool:
    """Whether ``focus`` nodes are validated sooner by the whole register's checks than one at a time."""
    return focus > FOCUS_FEW and focus > _typed_nodes(store) * FOCUS_SHARE


def _typed_nodes(store: Store) -> int:
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a ?t }")))["n"].value)


def _types_and_predicates(store: Store, nodes: list[ox.NamedNode]) -> dict[str, tuple[set[str], set[str]]]:
    """For each node: its ``rdf:type``\\ s and the predicates of its own statements."""
    found: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    rdf_type = str(RDF.type)
    for start in range(0, len(nodes), 500):
        values = " ".join(str(n) for n in nodes[start:start + 500])
        for r in store.query(f"SELECT DISTINCT ?s ?p ?t WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o . "
                             f"OPTIONAL {{ ?s <{rdf_type}> ?t }} }}"):
            types, predicates = found[r["s"].value]
            predicates.add(r["p"].value)
            if r["t"] is not None:
                types.add(r["t"].value)
    return found


def check_rows(check: Check, solutions: Iterable[ox.QuerySolution]) -> list[Row]:
    """The results that the solutions of one check stand for."""
    shape = check.shape
    component = SH[check.component]
    messages = tuple(_messages(check))
    rows: list[Row] = []
    seen: set[tuple] = set()
    value_var, path_var = check.value, check.path_var
    sparql = check.sparql_constraint is not None
    for solution in solutions:
        if sparql:
            # As pyshacl: one result per distinct solution of the SELECT.
            key = tuple(solution)
            if key in seen:
                continue
            seen.add(key)
        value = solution[value_var] if value_var else None
        path = shape.path_node
        if path_var and solution[path_var] is not None:
            path = to_rdflib(solution[path_var])
        if sparql:
            if value is None and not shape.is_property:
                value = solution["this"]
            rows.append(Row(solution["this"], path, value, shape.node, component, shape.severity,
                            tuple(_sparql_messages(check, solution)), check.sparql_constraint))
        else:
            rows.append(Row(solution["this"], path, value, shape.node, component, shape.severity, messages))
    return rows


_GENERIC = {
    "MinCountConstraintComponent": "Less than {} values",
    "MaxCountConstraintComponent": "More than {} values",
    "QualifiedMinCountConstraintComponent": "Less than {} values conform to the qualified value shape",
    "QualifiedMaxCountConstraintComponent": "More than {} values conform to the qualified value shape",
}


def _messages(check: Check) -> list[Literal]:
    """The shape's ``sh:message`` (every language), or a generic English message as pyshacl gives one."""
    shape = check.shape
    if shape.messages:
        return shape.messages
    template = _GENERIC.get(check.component)
    if template is not None:
        count = next((c.value for c in shape.constraints if c.component == check.component), "")
        return [Literal(template.format(count["count"] if isinstance(count, dict) else count))]
    return [Literal(f"Value does not conform to {check.component.removesuffix('ConstraintComponent')}")]


def _sparql_messages(check: Check, solution: ox.QuerySolution) -> list[Literal]:
    """The SPARQL constraint's and the shape's messages with ``{?var}`` filled in (language tags kept)."""
    shape = check.shape
    constraint = next(c.value for c in shape.constraints
                      if c.component == "SPARQLConstraintComponent" and c.value.node == check.sparql_constraint)
    bound = {name: solution[name] for name in check.message_vars if _bound(solution, name)}
    out = []
    for message in [*constraint.messages, *shape.messages]:
        text = str(message)
        for name, node in bound.items():
            text = re.sub(r"\{[?$]" + re.escape(name) + r"\}", lambda _m, n=node: n.value, text)
        out.append(Literal(text, lang=message.language))
    return out or [Literal("SPARQL constraint violated")]


def _bound(solution: ox.QuerySolution, name: str) -> bool:
    try:
        return solution[name] is not None
    except (KeyError, IndexError, TypeError):
        return False


def _pyshacl(store: Store, shapes_graph: Graph, compiled: list[Node]) -> Graph:
    """pyshacl's report for the shapes that did not compile, on the whole store read into rdflib."""
    from ..validation import run_pyshacl
    from ..validation import to_rdflib as triples_to_rdflib

    done = set(compiled)
    only = Graph()
    for prefix, namespace in shapes_graph.namespaces():
        only.bind(prefix, namespace)
    for s, p, o in shapes_graph:
        # A compiled shape keeps its constraints (another shape may use it) but loses its targets.
        if s in done and (p in TARGETS or (p == RDF.type and o in (RDFS.Class, OWL.Class))):
            continue
        only.add((s, p, o))
    data = triples_to_rdflib(ox.Triple(q.subject, q.predicate, q.object) for q in store.quads())
    return run_pyshacl(data, only)


def pyshacl_rows(graph: Graph, focus: list[ox.NamedNode] | None = None) -> list[Row]:
    """The results of a pyshacl report graph as rows (about ``focus`` only, when given)."""
    wanted = {URIRef(f.value) for f in focus} if focus is not None else None
    rows = []
    for result in graph.subjects(RDF.type, SH.ValidationResult):
        node = graph.value(result, SH.focusNode)
        if wanted is not None and node not in wanted:
            continue
        value = graph.value(result, SH.value)
        rows.append(Row(
            to_oxigraph(node), graph.value(result, SH.resultPath), to_oxigraph(value) if value is not None else None,
            graph.value(result, SH.sourceShape), graph.value(result, SH.sourceConstraintComponent),
            graph.value(result, SH.resultSeverity), tuple(graph.objects(result, SH.resultMessage)),
            graph.value(result, SH.sourceConstraint),
        ))
    return rows


def report_graph(rows: list[Row], shapes_graph: Graph, conforms: bool) -> Graph:
    """The rows as a ``sh:ValidationReport``; blank-node shapes and paths are copied from the shapes graph, ids kept."""
    graph = Graph()
    graph.bind("sh", SH)
    for prefix, namespace in shapes_graph.namespaces():
        graph.bind(prefix, namespace, override=False)
    report = BNode()
    triples = [(report, RDF.type, SH.ValidationReport), (report, SH.conforms, Literal(conforms))]
    copied: set[Node] = set()

    def copy(node: Node) -> Node:
        if isinstance(node, BNode) and node not in copied:
            copied.add(node)
            triples.extend(shapes_graph.cbd(node))
        return node

    for row in rows:
        result = BNode()
        triples += [
            (report, SH.result, result),
            (result, RDF.type, SH.ValidationResult),
            (result, SH.focusNode, to_rdflib(row.focus)),
            (result, SH.sourceShape, copy(row.shape)),
            (result, SH.sourceConstraintComponent, row.component),
            (result, SH.resultSeverity, row.severity),
        ]
        if row.path is not None:
            triples.append((result, SH.resultPath, copy(row.path)))
        if row.value is not None:
            triples.append((result, SH.value, to_rdflib(row.value)))
        if row.source_constraint is not None:
            triples.append((result, SH.sourceConstraint, copy(row.source_constraint)))
        triples += [(result, SH.resultMessage, m) for m in row.messages]
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph


__all__ = ["CompileError", "Outcome", "Row", "Subclasses", "plan", "report_graph", "to_oxigraph", "to_rdflib", "validate"]
