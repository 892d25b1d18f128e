"""Reading a SHACL shapes graph into shapes, targets, paths and constraints.

rdflib parses the graph and the property paths (``rdflib.extras.shacl``); this
module only says which nodes are shapes and which SHACL Core constraint each
parameter stands for. A construct it does not know (a SHACL-AF rule or custom
target, a custom constraint component, a blank node where a constant is needed,
a path it cannot read) marks the shape *unsupported*, with the reason, so the
engine can hand that shape to pyshacl instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.extras.shacl import SHACLPathError, parse_shacl_path
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.paths import Path as RdflibPath

Node = Union[URIRef, BNode, Literal]
PathExpr = Union[URIRef, RdflibPath]

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)

# Parameters that each make one constraint of their own, per value (SHACL 1.0 §4).
_SINGLE = {
    SH["class"]: "ClassConstraintComponent",
    SH.datatype: "DatatypeConstraintComponent",
    SH.nodeKind: "NodeKindConstraintComponent",
    SH.minCount: "MinCountConstraintComponent",
    SH.maxCount: "MaxCountConstraintComponent",
    SH.minExclusive: "MinExclusiveConstraintComponent",
    SH.minInclusive: "MinInclusiveConstraintComponent",
    SH.maxExclusive: "MaxExclusiveConstraintComponent",
    SH.maxInclusive: "MaxInclusiveConstraintComponent",
    SH.minLength: "MinLengthConstraintComponent",
    SH.maxLength: "MaxLengthConstraintComponent",
    SH.pattern: "PatternConstraintComponent",
    SH.languageIn: "LanguageInConstraintComponent",
    SH.uniqueLang: "UniqueLangConstraintComponent",
    SH.equals: "EqualsConstraintComponent",
    SH.disjoint: "DisjointConstraintComponent",
    SH.lessThan: "LessThanConstraintComponent",
    SH.lessThanOrEquals: "LessThanOrEqualsConstraintComponent",
    SH["not"]: "NotConstraintComponent",
    SH["and"]: "AndConstraintComponent",
    SH["or"]: "OrConstraintComponent",
    SH.xone: "XoneConstraintComponent",
    SH.node: "NodeConstraintComponent",
    SH.property: "PropertyConstraintComponent",
    SH.hasValue: "HasValueConstraintComponent",
    SH["in"]: "InConstraintComponent",
    SH.closed: "ClosedConstraintComponent",
    SH.sparql: "SPARQLConstraintComponent",
}
# Parameters read together with another one (sh:flags with sh:pattern, ...), or
# that say nothing about conformance.
_COMPANIONS = {
    SH.flags, SH.ignoredProperties, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
}
_DESCRIPTIVE = {
    RDF.type, SH.path, SH.severity, SH.message, SH.deactivated, SH.name, SH.description, SH.order, SH.group,
    SH.defaultValue, SH.declare, SH.prefixes, SH.shapesGraph, SH.suggestedShapesGraph, *TARGETS,
}
_SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)
_SHAPE_VALUES = (SH.node, SH.property, SH.qualifiedValueShape, SH["not"])


@dataclass(frozen=True)
class Constraint:
    """One constraint of a shape: its component (local name in the ``sh:`` namespace) and parameters."""

    component: str
    value: object
    """The parameter: a term, a tuple of terms (lists), a shape node, or a dict for multi-parameter components."""

    @property
    def iri(self) -> URIRef:
        return SH[self.component]


@dataclass
class SparqlConstraint:
    """A ``sh:sparql`` SELECT constraint, with its prefixes already written as PREFIX lines."""

    node: Node
    select: str
    prologue: str
    messages: list[Literal]


@dataclass
class Shape:
    """A shape of the shapes graph: node shape, or property shape when it has a path."""

    node: Node
    path: PathExpr | None = None
    path_node: Node | None = None
    targets: list[tuple[URIRef, Node]] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    severity: URIRef = SH.Violation
    messages: list[Literal] = field(default_factory=list)
    deactivated: bool = False
    unsupported: list[str] = field(default_factory=list)
    """Why this shape (on its own) cannot be compiled; empty when it can."""

    @property
    def is_property(self) -> bool:
        return self.path_node is not None


class ShapesGraph:
    """Every shape of a shapes graph, keyed by node, with the shapes that have targets."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.shapes: dict[Node, Shape] = {}
        for node in _shape_nodes(graph):
            self.shapes[node] = _read_shape(graph, node)
        self.targeted = [s for s in self.shapes.values() if s.targets]

    def referenced(self, shape: Shape) -> list[Node]:
        """Shapes that ``shape``'s constraints name directly (sh:node, sh:property, logical lists, ...)."""
        found: list[Node] = []
        for c in shape.constraints:
            if c.component in ("NotConstraintComponent", "NodeConstraintComponent", "PropertyConstraintComponent"):
                found.append(c.value)
            elif c.component in ("AndConstraintComponent", "OrConstraintComponent", "XoneConstraintComponent"):
                found += list(c.value)
            elif c.component.startswith("Qualified"):
                found.append(c.value["shape"])
                found += list(c.value["siblings"])
        return found

    def problems(self, shape: Shape) -> list[str]:
        """Why ``shape`` cannot be compiled, including the shapes it uses and recursion; empty when it can."""
        problems: list[str] = []
        self._problems(shape, [], problems)
        return problems

    def _problems(self, shape: Shape, stack: list[Node], problems: list[str]) -> None:
        if shape.node in stack:
            problems.append(f"rekursīva forma / recursive shape {shape.node}")
            return
        problems += [f"{shape.node}: {p}" for p in shape.unsupported]
        for node in self.referenced(shape):
            if node not in self.shapes:
                # A node named as a shape but never read as one (a literal, say).
                problems.append(f"{shape.node}: {node!r} nav forma / is not a shape")
                continue
            self._problems(self.shapes[node], [*stack, shape.node], problems)


def _shape_nodes(graph: Graph) -> list[Node]:
    """Nodes that are shapes: typed so, with targets or a path, or named where a shape is expected."""
    found: dict[Node, None] = {}
    for kind in (SH.NodeShape, SH.PropertyShape):
        for node in graph.subjects(RDF.type, kind):
            found[node] = None
    for predicate in (*TARGETS, SH.path):
        for node in graph.subjects(predicate, None):
            found[node] = None
    for predicate in _SHAPE_VALUES:
        for node in graph.objects(None, predicate):
            found[node] = None
    for predicate in _SHAPE_LISTS:
        for head in graph.objects(None, predicate):
            for node in _read_list(graph, head) or ():
                found[node] = None
    return [n for n in found if not isinstance(n, Literal)]


def _read_list(graph: Graph, head: Node) -> tuple[Node, ...] | None:
    """The members of the RDF list at ``head``, or None when it is not a well-formed list."""
    items: list[Node] = []
    seen: set[Node] = set()
    while head != RDF.nil:
        if head in seen or graph.value(head, RDF.first) is None:
            return None
        seen.add(head)
        items.append(graph.value(head, RDF.first))
        head = graph.value(head, RDF.rest)
        if head is None:
            return None
    return tuple(items)


def is_true(value: Node | None) -> bool:
    """Whether a boolean parameter is ``true``: SHACL names only that literal (``"1"^^xsd:boolean`` is not it)."""
    return isinstance(value, Literal) and value.datatype == XSD.boolean and str(value) == "true"


def _is_class(graph: Graph, node: Node) -> bool:
    classes = {RDFS.Class, OWL.Class, *graph.subjects(RDFS.subClassOf, RDFS.Class)}
    return any(t in classes for t in graph.objects(node, RDF.type))


def _read_shape(graph: Graph, node: Node) -> Shape:
    shape = Shape(node)
    path_node = graph.value(node, SH.path)
    if path_node is not None:
        shape.path_node = path_node
        try:
            shape.path = parse_shacl_path(graph, path_node)
        except (SHACLPathError, TypeError, ValueError) as exc:
            shape.unsupported.append(f"ceļu nevar nolasīt / path not read: {exc}")
    for predicate in TARGETS:
        shape.targets += [(predicate, o) for o in graph.objects(node, predicate)]
    if _is_class(graph, node) and isinstance(node, URIRef):
        # A shape that is also a class targets its instances (SHACL 1.0 §2.1.3.1).
        shape.targets.append((SH.targetClass, node))
    shape.severity = graph.value(node, SH.severity) or SH.Violation
    shape.messages = [m for m in graph.objects(node, SH.message) if isinstance(m, Literal)]
    shape.deactivated = is_true(graph.value(node, SH.deactivated))
    for predicate, value in sorted(graph.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
        if predicate in _DESCRIPTIVE or predicate in _COMPANIONS:
            continue
        component = _SINGLE.get(predicate)
        if component is None:
            if str(predicate).startswith(str(SH)):
                shape.unsupported.append(f"{predicate} netiek kompilēts / is not compiled")
            continue
        _add(graph, shape, predicate, component, value)
    qualified = graph.value(node, SH.qualifiedValueShape)
    if qualified is not None:
        _add_qualified(graph, shape, qualified)
    for kind, target in shape.targets:
        if kind != SH.targetNode and not isinstance(target, URIRef):
            shape.unsupported.append(f"{kind} {target!r} nav IRI / is not an IRI")
        elif kind == SH.targetNode and isinstance(target, BNode):
            shape.unsupported.append("tukšs mezgls kā sh:targetNode / a blank node as sh:targetNode")
    return shape


def _add(graph: Graph, shape: Shape, predicate: URIRef, component: str, value: Node) -> None:
    if predicate in (SH["and"], SH["or"], SH.xone, SH["in"], SH.languageIn):
        items = _read_list(graph, value)
        if items is None:
            shape.unsupported.append(f"{predicate} nav pareizi veidots saraksts / is not a well-formed list")
            return
        if predicate == SH["in"] and any(isinstance(i, BNode) for i in items):
            shape.unsupported.append("tukšs mezgls sarakstā sh:in / a blank node in sh:in")
            return
        value = items
    elif predicate == SH.pattern:
        flags = graph.value(shape.node, SH.flags)
        value = (value, flags)
    elif predicate == SH.closed:
        if not is_true(value):
            return
        ignored = graph.value(shape.node, SH.ignoredProperties)
        items = _read_list(graph, ignored) if ignored is not None else ()
        if items is None:
            shape.unsupported.append("sh:ignoredProperties nav pareizi veidots saraksts / is not a well-formed list")
            return
        allowed = [*items]
        for prop in graph.objects(shape.node, SH.property):
            path = graph.value(prop, SH.path)
            if isinstance(path, URIRef):
                allowed.append(path)
        value = tuple(allowed)
    elif predicate == SH.uniqueLang:
        if not is_true(value):
            return
    elif predicate == SH.sparql:
        sparql = _read_sparql(graph, value, shape)
        if sparql is None:
            return
        value = sparql
    elif predicate in (SH.minCount, SH.maxCount, SH.minLength, SH.maxLength):
        if not (isinstance(value, Literal) and isinstance(value.value, int)):
            shape.unsupported.append(f"{predicate} {value!r} nav vesels skaitlis / is not an integer")
            return
    elif predicate == SH.hasValue and isinstance(value, BNode):
        shape.unsupported.append("tukšs mezgls kā sh:hasValue / a blank node as sh:hasValue")
        return
    if predicate in (SH.minCount, SH.maxCount, SH.uniqueLang, SH.lessThan, SH.lessThanOrEquals) and not shape.is_property:
        # Defined for property shapes only; pyshacl ignores them on node shapes too.
        return
    shape.constraints.append(Constraint(component, value))


def _add_qualified(graph: Graph, shape: Shape, qualified: Node) -> None:
    if not shape.is_property:
        shape.unsupported.append("sh:qualifiedValueShape mezgla formā / on a node shape")
        return
    siblings: list[Node] = []
    if is_true(graph.value(shape.node, SH.qualifiedValueShapesDisjoint)):
        # Sibling shapes: the qualified value shapes of the other property shapes of
        # the shapes that have this one as a property (SHACL 1.0 §4.7.3).
        for parent in graph.subjects(SH.property, shape.node):
            for sibling in graph.objects(parent, SH.property):
                for q in graph.objects(sibling, SH.qualifiedValueShape):
                    if q != qualified:
                        siblings.append(q)
    for predicate, component in ((SH.qualifiedMinCount, "QualifiedMinCountConstraintComponent"),
                                 (SH.qualifiedMaxCount, "QualifiedMaxCountConstraintComponent")):
        count = graph.value(shape.node, predicate)
        if count is None:
            continue
        if not (isinstance(count, Literal) and isinstance(count.value, int)):
            shape.unsupported.append(f"{predicate} {count!r} nav vesels skaitlis / is not an integer")
            continue
        shape.constraints.append(Constraint(component, {"shape": qualified, "siblings": tuple(siblings), "count": count.value}))


def _read_sparql(graph: Graph, node: Node, shape: Shape) -> SparqlConstraint | None:
    if is_true(graph.value(node, SH.deactivated)):
        return None
    select = graph.value(node, SH.select)
    if not isinstance(select, Literal):
        shape.unsupported.append("sh:sparql bez sh:select (sh:ask validatori netiek kompilēti) / without an sh:select (sh:ask validators are not compiled)")
        return None
    lines = []
    for prefixes in graph.objects(node, SH.prefixes):
        for declaration in graph.objects(prefixes, SH.declare):
            prefix = graph.value(declaration, SH.prefix)
            namespace = graph.value(declaration, SH.namespace)
            if prefix is None or namespace is None:
                shape.unsupported.append("sh:declare bez sh:prefix un sh:namespace / an sh:declare without sh:prefix and sh:namespace")
                return None
            lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    messages = [m for m in graph.objects(node, SH.message) if isinstance(m, Literal)]
    return SparqlConstraint(node, str(select), "".join(lines), messages)
