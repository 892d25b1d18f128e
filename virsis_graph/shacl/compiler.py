"""Compiling shapes into SPARQL 1.1 queries that find every violation at once.

Each constraint of a shape that has targets becomes one SELECT query over the
whole store: its rows are the focus nodes (and value nodes) that violate it.
Shapes used inside others (``sh:or``, ``sh:and``, ``sh:not``, ``sh:xone``,
``sh:node``, ``sh:property``, ``sh:qualifiedValueShape``) become
:mod:`.conditions` on a bound node. Each check has two texts: set at a time
(joins, ``MINUS``, ``GROUP BY``: the embedded store runs each pattern once for
the whole register) and node by node (``FILTER NOT EXISTS``: for a few bound
focus nodes, and for remote engines). Set at a time, most checks look for
candidates first — failing values or patterns of any node — and then keep the
targets' (:meth:`Compiler.candidates_first`). Every test is written so that it cannot
raise a SPARQL error (``COALESCE(..., false)``): an error would silently drop a
row from a ``FILTER`` and hide a violation.

Plain SPARQL 1.1 only, with the union of the named graphs as the default graph
(what :meth:`virsis_graph.store.Store.query` gives), so any endpoint runs it.
Constants from the shapes graph are written through pyoxigraph's own term
syntax, which escapes them; no text from data is ever put into a query.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath

from ..sparql import _tokens
from .conditions import TRUE, Condition, Exists, Expr, Not, all_of, any_of
from .shapes import Constraint, Node, PathExpr, Shape, ShapesGraph

TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

# Constraints tested on each value node (for a node shape: the focus node itself).
VALUE_TESTS = {
    "ClassConstraintComponent", "DatatypeConstraintComponent", "NodeKindConstraintComponent",
    "MinExclusiveConstraintComponent", "MinInclusiveConstraintComponent", "MaxExclusiveConstraintComponent",
    "MaxInclusiveConstraintComponent", "MinLengthConstraintComponent", "MaxLengthConstraintComponent",
    "PatternConstraintComponent", "LanguageInConstraintComponent", "InConstraintComponent",
    "NodeConstraintComponent", "NotConstraintComponent", "AndConstraintComponent", "OrConstraintComponent",
    "XoneConstraintComponent", "ClosedConstraintComponent",
}
# The largest count a nested min/max count check is unrolled to (pairwise-distinct values).
MAX_UNROLLED = 4
MAX_SET_QUERY = 200_000
"""Characters past which a set-at-a-time query is replaced by its row-by-row form."""
FOCUS = "\x00focus\x00"
"""Stands in a check's text where :meth:`Check.query` puts the ``VALUES`` block of its focus nodes."""


class Unsupported(Exception):
    """A construct the compiler does not turn into SPARQL; the shape goes to pyshacl instead."""


@dataclass(frozen=True)
class Targets:
    """The targets of a shape, spelled out: classes with their subclasses, nodes, and properties."""

    classes: frozenset[str] = frozenset()
    nodes: frozenset[str] = frozenset()
    subjects_of: frozenset[str] = frozenset()
    objects_of: frozenset[str] = frozenset()

    def may_target(self, types: set[str], predicates: set[str], node: str) -> bool:
        """Whether a node with these ``rdf:type``\\ s and these predicates of its own can be a target."""
        return bool(self.objects_of or types & self.classes or predicates & self.subjects_of or node in self.nodes)


@dataclass
class Check:
    """One query that finds the violations of one constraint of one shape.

    Rows bind ``?this`` (the focus node), and as the constraint needs ``?value``
    (the value node; for a node shape's value tests the focus node itself) and
    ``?path`` (closed shapes: the predicate not allowed). ``root`` is the variable
    of the shape's own target, bound to restrict the check to some focus nodes.
    """

    shape: Shape
    component: str
    sparql: str
    root: str = "this"
    value: str | None = None
    """Variable that holds sh:value, or None when the result has no value."""
    path_var: str | None = None
    sparql_constraint: Node | None = None
    message_vars: tuple[str, ...] = ()
    correlated: str | None = None
    """The same check filtering focus nodes one by one, for a few bound focus nodes (None: use :attr:`sparql`)."""
    targets: Targets | None = None
    """What the top shape targets, to skip the check for a focus node it cannot target."""

    def query(self, focus: list[ox.NamedNode] | None = None, sets: bool = True) -> str:
        """The query text: over every target, or only over the ``focus`` nodes (bound by a VALUES block).

        ``sets``: over every target, find the violations set at a time (joins and
        ``MINUS``, computed once: the fast form on the embedded store); when
        False, filter the focus nodes one by one (``FILTER NOT EXISTS``, the form
        every SPARQL engine gets right — Virtuoso 7 does not, for ``MINUS`` with
        a sub-SELECT or a filter).
        """
        if focus is None:
            return (self.sparql if sets else self.correlated or self.sparql).replace(FOCUS, "")
        values = f"VALUES ?{self.root} {{ {' '.join(str(f) for f in focus)} }}"
        return (self.correlated or self.sparql).replace(FOCUS, values)


def term(node: Node) -> str:
    """An rdflib term from the shapes graph in SPARQL syntax (through pyoxigraph, which escapes it)."""
    if isinstance(node, URIRef):
        return str(ox.NamedNode(str(node)))
    if isinstance(node, Literal):
        if node.language:
            return str(ox.Literal(str(node), language=node.language))
        return str(ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or XSD.string))))
    raise Unsupported(f"tukšs mezgls {node!r}, kur vajag konstanti / a blank node {node!r} where a constant is needed")


def same(var: str, node: Node | ox.Literal) -> str:
    """``var`` is the term ``node``, written without ``sameTerm`` (which Virtuoso 7 evaluates wrongly in ``||``).

    An IRI by ``=`` (term equality for IRIs); a literal by its lexical form,
    language and datatype, so ``1`` is not ``1.0`` as it would be for ``=``.
    """
    if isinstance(node, ox.Literal):
        lexical, language, datatype = node.value, node.language, node.datatype.value
    elif isinstance(node, Literal):
        lexical, language, datatype = str(node), node.language, str(node.datatype or XSD.string)
    else:
        return f"{var} = {term(node)}"
    test = f"isLiteral({var}) && STR({var}) = {_string(lexical)}"
    if language:
        test += f" && LCASE(lang({var})) = {_string(language.lower())}"
    else:
        test += f" && lang({var}) = \"\" && datatype({var}) = {str(ox.NamedNode(datatype))}"
    return _safe(test)


def path_sparql(path: PathExpr) -> str:
    """A SHACL path (as rdflib reads it) as a SPARQL 1.1 property path, fully parenthesised."""
    if isinstance(path, URIRef):
        return term(path)
    if isinstance(path, InvPath):
        return f"^({path_sparql(path.arg)})"
    if isinstance(path, SequencePath):
        return "(" + "/".join(path_sparql(p) for p in path.args) + ")"
    if isinstance(path, AlternativePath):
        return "(" + "|".join(path_sparql(p) for p in path.args) + ")"
    if isinstance(path, MulPath):
        return f"({path_sparql(path.path)}){path.mod}"
    raise Unsupported(f"ceļš / path {path!r}")


def _set_safe(path: PathExpr) -> bool:
    """Whether the path can be evaluated with neither end bound: not with ``*`` or ``?``, which match every node."""
    if isinstance(path, URIRef):
        return True
    if isinstance(path, MulPath):
        return False
    if isinstance(path, InvPath):
        return _set_safe(path.arg)
    return all(_set_safe(p) for p in path.args)


def _string(text: str) -> str:
    return str(ox.Literal(text))


def _safe(expression: str) -> str:
    """``expression`` made total: an evaluation error counts as false (a failed test), never as "no row"."""
    return f"COALESCE({expression}, false)"


class Compiler:
    """Turns the shapes of a :class:`ShapesGraph` into :class:`Check` queries.

    ``ill_typed(datatype, path, anchored)`` returns the literals of that datatype
    that are not well formed (lexically) among the values reached through
    ``path`` (any value when None; from the target nodes themselves when
    ``anchored``): SPARQL cannot tell, so the engine checks them in Python.
    """

    def __init__(self, shapes: ShapesGraph, ill_typed: Callable[[URIRef, str | None, bool], list[ox.Literal]],
                 subclasses: Callable[[URIRef], list[str]]) -> None:
        self.shapes = shapes
        self.ill_typed = ill_typed
        self._root = "?this"
        self._top: Shape | None = None
        """The shape with targets being compiled (:meth:`checks`), whose targets candidates are kept for."""
        self.subclasses = subclasses
        self._counter = itertools.count(1)

    def instance(self, var: str, cls: Node) -> str:
        """A pattern binding ``var`` to the SHACL instances of ``cls``: typed with it or a subclass in the data.

        The subclasses are read from the store once and written out, rather than
        as the path ``rdf:type/rdfs:subClassOf*``: oxigraph then joins an index
        scan instead of walking the path per row, and Virtuoso 7 does not match
        the zero-length step of that path inside ``MINUS`` or ``EXISTS``.
        """
        classes = self.subclasses(cls)
        if len(classes) == 1:
            return f"{var} {TYPE} {classes[0]} ."
        t = self.fresh("t")
        return f"VALUES {t} {{ {' '.join(classes)} }} {var} {TYPE} {t} ."

    def fresh(self, stem: str = "v") -> str:
        return f"?_{stem}{next(self._counter)}"

    # -- targets -----------------------------------------------------------

    def target(self, shape: Shape, var: str) -> str:
        """A group pattern binding ``var`` to every target of ``shape``, each once.

        A sub-SELECT DISTINCT: a node typed with two subclasses of the target class
        would otherwise come twice, and oxigraph joins the materialised set far
        faster than a UNION of paths. :data:`FOCUS` marks where a ``VALUES``
        block goes to restrict the check to some focus nodes.
        """
        branches = []
        classes = sorted({c for kind, node in shape.targets if kind == SH.targetClass for c in self.subclasses(node)})
        if classes:
            # One scan per class and no UNION, however many target classes (15 for the record identifier).
            t = self.fresh("t")
            branches.append(f"VALUES {t} {{ {' '.join(classes)} }} {var} {TYPE} {t} ." if len(classes) > 1 else f"{var} {TYPE} {classes[0]} .")
        for kind, node in shape.targets:
            if kind == SH.targetNode:
                branches.append(f"VALUES {var} {{ {term(node)} }}")
            elif kind == SH.targetSubjectsOf:
                branches.append(f"{var} {term(node)} [] .")
            elif kind == SH.targetObjectsOf:
                branches.append(f"[] {term(node)} {var} .")
        union = " UNION ".join(f"{{ {b} }}" for b in branches)
        return f"{{ SELECT DISTINCT {var} WHERE {{ {FOCUS} {union} }} }}"

    def is_target(self, shape: Shape, var: str) -> str:
        """A SPARQL expression: ``var`` (bound) is a target of ``shape``.

        For checks that find candidate violations first and keep those that are
        targets: a lookup per candidate instead of a join with every target.
        """
        tests = []
        classes = sorted({c for kind, node in shape.targets if kind == SH.targetClass for c in self.subclasses(node)})
        if classes:
            t = self.fresh("t")
            tests.append(f"EXISTS {{ {var} {TYPE} {classes[0]} }}" if len(classes) == 1
                         else f"EXISTS {{ {var} {TYPE} {t} FILTER({t} IN ({', '.join(classes)})) }}")
        for kind, node in shape.targets:
            if kind == SH.targetNode:
                tests.append(same(var, node))
            elif kind == SH.targetSubjectsOf:
                tests.append(f"EXISTS {{ {var} {term(node)} [] }}")
            elif kind == SH.targetObjectsOf:
                tests.append(f"EXISTS {{ [] {term(node)} {var} }}")
        return "(" + (" || ".join(tests) or "false") + ")"

    def candidates_first(self, select: str, projection: str, candidates: str) -> str:
        """A set-at-a-time check that finds the violations among all nodes (``candidates``), then keeps the top shape's targets.

        Right whenever the violations of a node do not depend on which other nodes
        are targets (a value's tests, a focus node's own values), and fast: most
        checks find few candidates, and the sub-SELECT stops the engine from
        testing the target condition on every row before the violation test.
        """
        return (f"{select} WHERE {{ {{ SELECT {projection} WHERE {{ {candidates} }} }} "
                f"FILTER({self.is_target(self._top, '?this')}) }}")

    # -- conformance as a condition --------------------------------------------

    def conforms(self, node: Node, var: str, stack: tuple[Node, ...] = ()) -> Condition:
        """The condition that the node in ``var`` conforms to the shape ``node``."""
        shape = self.shapes.shapes.get(node)
        if shape is None:
            raise Unsupported(f"{node!r} nav forma / is not a shape")
        if node in stack:
            raise Unsupported(f"rekursīva forma / recursive shape {node}")
        if shape.unsupported:
            raise Unsupported("; ".join(shape.unsupported))
        if shape.deactivated:
            return TRUE
        stack = (*stack, node)
        parts: list[Condition] = []
        if shape.is_property:
            path = path_sparql(shape.path)
            value = self.fresh()
            tests = [self.value_test(shape, c, value, stack, subject=var) for c in shape.constraints if c.component in VALUE_TESTS]
            tests += [self.conforms(c.value, value, stack) for c in shape.constraints if c.component == "PropertyConstraintComponent"]
            if tests:
                every = all_of(tests)
                values = f"{var} {path} {value} ."
                parts.append(Exists(f"{values} FILTER(!{every.expression()})",
                                    every.failing(values) if _set_safe(shape.path) else None, negated=True))
            for c in shape.constraints:
                if c.component not in VALUE_TESTS and c.component != "PropertyConstraintComponent":
                    parts.append(self.focus_test(shape, c, var, stack))
        else:
            for c in shape.constraints:
                if c.component == "PropertyConstraintComponent":
                    parts.append(self.conforms(c.value, var, stack))
                else:
                    parts.append(self.node_test(shape, c, var, stack))
        return all_of(parts) if parts else TRUE

    def node_test(self, shape: Shape, c: Constraint, var: str, stack: tuple[Node, ...]) -> Condition:
        """A node shape's constraint on its focus node ``var`` (its only value node)."""
        if c.component in VALUE_TESTS:
            return self.value_test(shape, c, var, stack)
        if c.component == "HasValueConstraintComponent":
            return Expr(same(var, c.value))
        if c.component == "EqualsConstraintComponent":
            other, p = self.fresh(), term(c.value)
            loop = f"{var} {p} {var} ."
            others = f"{var} {p} {other} . FILTER(!sameTerm({other}, {var}))"
            return all_of([Exists(loop, loop), Exists(others, others, negated=True)])
        if c.component == "DisjointConstraintComponent":
            loop = f"{var} {term(c.value)} {var} ."
            return Exists(loop, loop, negated=True)
        raise Unsupported(f"{c.component} citas formas iekšienē / inside another shape")

    def value_test(self, shape: Shape, c: Constraint, v: str, stack: tuple[Node, ...], subject: str | None = None) -> Condition:
        """The condition that the value node ``v`` satisfies ``c`` (one of :data:`VALUE_TESTS`).

        ``subject``: the variable of the node whose path value ``v`` is (property shapes).
        """
        k, x = c.component, c.value
        if k == "ClassConstraintComponent":
            instance = self.instance(v, x)
            return Exists(instance, instance)
        if k == "DatatypeConstraintComponent":
            return Expr(self.datatype_test(shape, x, v, anchored=subject == "?this" and self._root == "?this"))
        if k == "NodeKindConstraintComponent":
            kinds = {
                SH.IRI: f"isIRI({v})", SH.BlankNode: f"isBlank({v})", SH.Literal: f"isLiteral({v})",
                SH.BlankNodeOrIRI: f"(isIRI({v}) || isBlank({v}))", SH.BlankNodeOrLiteral: f"(isBlank({v}) || isLiteral({v}))",
                SH.IRIOrLiteral: f"(isIRI({v}) || isLiteral({v}))",
            }
            if x not in kinds:
                raise Unsupported(f"nezināms / unknown sh:nodeKind {x}")
            return Expr(kinds[x])
        if k in ("MinExclusiveConstraintComponent", "MinInclusiveConstraintComponent",
                 "MaxExclusiveConstraintComponent", "MaxInclusiveConstraintComponent"):
            op = {"MinExclusive": ">", "MinInclusive": ">=", "MaxExclusive": "<", "MaxInclusive": "<="}[k[: -len("ConstraintComponent")]]
            return Expr(_safe(f"isLiteral({v}) && {v} {op} {term(x)}"))
        if k == "MinLengthConstraintComponent":
            return Expr(_safe(f"!isBlank({v}) && STRLEN(STR({v})) >= {int(x)}"))
        if k == "MaxLengthConstraintComponent":
            return Expr(_safe(f"!isBlank({v}) && STRLEN(STR({v})) <= {int(x)}"))
        if k == "PatternConstraintComponent":
            pattern, flags = x
            args = f"STR({v}), {_string(str(pattern))}" + (f", {_string(str(flags))}" if flags is not None else "")
            return Expr(_safe(f"!isBlank({v}) && REGEX({args})"))
        if k == "LanguageInConstraintComponent":
            ranges = " || ".join(f"langMatches(lang({v}), {_string(str(r))})" for r in x) or "false"
            return Expr(_safe(f"isLiteral({v}) && ({ranges})"))
        if k == "InConstraintComponent":
            return Expr("(" + (" || ".join(same(v, i) for i in x) or "false") + ")")
        if k == "NodeConstraintComponent":
            return self.conforms(x, v, stack)
        if k == "NotConstraintComponent":
            return Not(self.conforms(x, v, stack))
        if k == "AndConstraintComponent":
            return all_of([self.conforms(s, v, stack) for s in x]) if x else TRUE
        if k == "OrConstraintComponent":
            return any_of([self.conforms(s, v, stack) for s in x]) if x else Expr("false")
        if k == "XoneConstraintComponent":
            return Expr("((" + (" + ".join(f"IF({self.conforms(s, v, stack).expression()}, 1, 0)" for s in x) or "0") + ") = 1)")
        if k == "ClosedConstraintComponent":
            p, o = self.fresh("p"), self.fresh("o")
            allowed = f"FILTER({p} NOT IN ({', '.join(term(a) for a in x)}))" if x else ""
            # Every triple of the store is too many to compute as a set: checked node by node.
            return Exists(f"{v} {p} {o} . {allowed}", None, negated=True)
        raise Unsupported(f"{k} netiek kompilēts / is not compiled")

    def datatype_test(self, shape: Shape, datatype: Node, v: str, anchored: bool = False) -> str:
        """``v`` is a well-formed literal of ``datatype``; ``anchored``: ``v`` is a path value of a target node itself."""
        if datatype == RDFS.Literal:
            return f"isLiteral({v})"
        if datatype == RDF.langString:
            # By its language tag: Virtuoso 7 gives no datatype() for a tagged literal.
            return _safe(f"isLiteral({v}) && lang({v}) != \"\"")
        test = f"datatype({v}) = {term(datatype)}"
        if datatype == XSD.string:
            # SPARQL 1.1: a plain literal is an xsd:string.
            return _safe(f"isLiteral({v}) && lang({v}) = \"\" && {test}")
        bad = self.ill_typed(datatype, path_sparql(shape.path) if shape.is_property else None, anchored)
        if bad:
            test += " && !(" + " || ".join(same(v, literal) for literal in bad) + ")"
        return _safe(f"isLiteral({v}) && {test}")

    def _counted(self, x: str, path: str, count: int, at_least: bool, test: Condition | None, safe: bool) -> Exists:
        """``x`` has at least ``count`` distinct values (passing ``test``); ``at_least=False`` negates it."""
        if count <= MAX_UNROLLED:
            values = [self.fresh() for _ in range(count)]
            conditions = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(values, 2)]
            if test is not None:
                conditions += [test(value).expression() for value in values]
            pattern = " ".join(f"{x} {path} {value} ." for value in values)
            pattern += f" FILTER({' && '.join(conditions)})" if conditions else ""
        else:
            pattern = None
        value = self.fresh()
        values = f"{x} {path} {value} ."
        if count == 1:
            counted = values if test is None else test(value).holding(values)
        else:
            kept = values if test is None else test(value).holding(values)
            counted = f"{{ SELECT {x} WHERE {{ {kept} }} GROUP BY {x} HAVING (COUNT(DISTINCT {value}) >= {count}) }}"
        if pattern is None:
            # Too many values to unroll pairwise: count them, once for the whole store.
            if not safe:
                raise Unsupported(f"skaits {count} pa ceļu ar * vai ? / a count of {count} over a path with * or ?")
            pattern = counted
        return Exists(pattern, counted if safe else None, negated=not at_least)

    def qualified_test(self, c: Constraint, stack: tuple[Node, ...]) -> Callable[[str], Condition]:
        """For a value: it conforms to the qualified value shape and to none of its siblings."""
        def test(v: str) -> Condition:
            return all_of([self.conforms(c.value["shape"], v, stack),
                           *(Not(self.conforms(sibling, v, stack)) for sibling in c.value["siblings"])])
        return test

    def focus_test(self, shape: Shape, c: Constraint, x: str, stack: tuple[Node, ...]) -> Condition:
        """A property shape's constraint on the set of values of its path from the focus node ``x``."""
        k, value = c.component, c.value
        path, safe = path_sparql(shape.path), _set_safe(shape.path)
        if k == "MinCountConstraintComponent":
            return self._counted(x, path, int(value), True, None, safe) if int(value) > 0 else TRUE
        if k == "MaxCountConstraintComponent":
            return self._counted(x, path, int(value) + 1, False, None, safe)
        if k == "QualifiedMinCountConstraintComponent":
            n = value["count"]
            return self._counted(x, path, n, True, self.qualified_test(c, stack), safe) if n > 0 else TRUE
        if k == "QualifiedMaxCountConstraintComponent":
            return self._counted(x, path, value["count"] + 1, False, self.qualified_test(c, stack), safe)
        if k == "HasValueConstraintComponent":
            found = f"{x} {path} {term(value)} ."
            return Exists(found, found if safe else None)
        if k == "UniqueLangConstraintComponent":
            a, b = self.fresh(), self.fresh()
            pair = f"{x} {path} {a} . {x} {path} {b} . FILTER({_same_language(a, b)})"
            return Exists(pair, pair if safe else None, negated=True)
        if k == "EqualsConstraintComponent":
            o, p = self.fresh(), term(value)
            only_path = f"{x} {path} {o} . FILTER NOT EXISTS {{ {x} {p} {o} }}"
            only_other = f"{x} {p} {o} . FILTER NOT EXISTS {{ {x} {path} {o} }}"
            return all_of([Exists(only_path, f"{{ {x} {path} {o} }} MINUS {{ {x} {p} {o} }}" if safe else None, negated=True),
                           Exists(only_other, f"{{ {x} {p} {o} }} MINUS {{ {x} {path} {o} }}" if safe else None, negated=True)])
        if k == "DisjointConstraintComponent":
            o = self.fresh()
            common = f"{x} {path} {o} . {x} {term(value)} {o} ."
            return Exists(common, common if safe else None, negated=True)
        if k in ("LessThanConstraintComponent", "LessThanOrEqualsConstraintComponent"):
            a, b = self.fresh(), self.fresh()
            op = "<" if k == "LessThanConstraintComponent" else "<="
            pairs = f"{x} {path} {a} . {x} {term(value)} {b} . FILTER(!{_safe(f'{a} {op} {b}')})"
            return Exists(pairs, pairs if safe else None, negated=True)
        raise Unsupported(f"{k} citas formas iekšienē / inside another shape")

    # -- the checks of a shape with targets ------------------------------------

    def checks(self, shape: Shape) -> list[Check]:
        """Every query that reports the violations of ``shape`` (and of the property shapes it holds)."""
        if shape.unsupported:
            raise Unsupported("; ".join(shape.unsupported))
        if shape.deactivated:
            return []
        found: list[Check] = []
        self._top = shape
        self._checks(shape, lambda var: self.target(shape, var), "?this", found, (shape.node,))
        targets = Targets(
            classes=frozenset(c[1:-1] for kind, node in shape.targets if kind == SH.targetClass for c in self.subclasses(node)),
            nodes=frozenset(str(node) for kind, node in shape.targets if kind == SH.targetNode),
            subjects_of=frozenset(str(node) for kind, node in shape.targets if kind == SH.targetSubjectsOf),
            objects_of=frozenset(str(node) for kind, node in shape.targets if kind == SH.targetObjectsOf),
        )
        for check in found:
            check.targets = targets
        return found

    def _checks(self, shape: Shape, focus: Callable[[str], str], root: str, found: list[Check], stack: tuple[Node, ...]) -> None:
        """Checks of ``shape`` on the nodes ``focus(var)`` binds; ``root`` is the variable of the top shape's targets."""
        if shape.deactivated:
            return
        self._root = root
        select = "SELECT DISTINCT ?this" + ("" if root == "?this" else f" {root}")
        where = focus("?this")
        if shape.is_property:
            path = path_sparql(shape.path)

            def values_of(v: str) -> str:
                return f"{{ {where} }} ?this {path} {v} ."

            def not_a_value(v: str) -> str:
                return f"FILTER NOT EXISTS {{ ?this {path} {v} }}"
        else:
            # A node shape's only value node is its focus node.
            def values_of(v: str) -> str:
                return f"{{ {where} }} BIND(?this AS {v})"

            def not_a_value(v: str) -> str:
                return f"FILTER(!sameTerm({v}, ?this))"
        values = values_of("?value")
        for c in shape.constraints:
            k = c.component
            check = Check(shape, k, "", root=root.lstrip("?"))
            if k == "PropertyConstraintComponent":
                nested = self.shapes.shapes.get(c.value)
                if nested is None or nested.unsupported:
                    raise Unsupported(f"{c.value!r}: " + "; ".join(nested.unsupported if nested else ["nav forma / not a shape"]))
                if c.value in stack:
                    raise Unsupported(f"rekursīva forma / recursive shape {c.value}")
                if shape.is_property:
                    # The nested shape's focus nodes are this shape's value nodes.
                    if root == "?this":
                        # The top shape's target variable must stay visible, to bind it.
                        inner_root = self.fresh("root")

                        def inner(var: str, focus=focus, path=path, parent=inner_root) -> str:
                            return f"{{ {focus(parent)} }} {parent} {path} {var} ."
                    else:
                        inner_root = root

                        def inner(var: str, focus=focus, path=path) -> str:
                            parent = self.fresh("f")
                            return f"{{ {focus(parent)} }} {parent} {path} {var} ."
                    self._checks(nested, inner, inner_root, found, (*stack, c.value))
                else:
                    self._checks(nested, focus, root, found, (*stack, c.value))
                continue
            if k == "SPARQLConstraintComponent":
                found.append(self.sparql_check(shape, c, focus, root))
                continue
            if k == "ClosedConstraintComponent":
                allowed = f"FILTER(?path NOT IN ({', '.join(term(a) for a in c.value)}))" if c.value else ""
                v = self.fresh()
                check.sparql = f"{select} ?path ?value WHERE {{ {values_of(v)} {v} ?path ?value . {allowed} }}"
                check.value, check.path_var = "value", "path"
            elif k == "EqualsConstraintComponent":
                p = term(c.value)
                check.sparql = (f"{select} ?value WHERE {{ {{ {values} FILTER NOT EXISTS {{ ?this {p} ?value }} }} "
                                f"UNION {{ {{ {where} }} ?this {p} ?value {not_a_value('?value')} }} }}")
                check.value = "value"
            elif k == "DisjointConstraintComponent":
                check.sparql = f"{select} ?value WHERE {{ {values} ?this {term(c.value)} ?value . }}"
                check.value = "value"
            elif not shape.is_property:
                self._set(check, select, where, self.node_test(shape, c, "?this", stack))
                check.value = None if k == "HasValueConstraintComponent" else "this"
            elif k in VALUE_TESTS:
                condition = self.value_test(shape, c, "?value", stack, subject="?this")
                self._set(check, f"{select} ?value", values, condition)
                if root == "?this" and _set_safe(shape.path):
                    # The values that fail, of any node, then those of targets.
                    candidates = self.candidates_first(f"{select} ?value", "?this ?value", condition.failing(f"?this {path} ?value ."))
                    if len(candidates) < MAX_SET_QUERY:
                        check.sparql = candidates
                check.value = "value"
            elif k == "UniqueLangConstraintComponent":
                # One result per language that two values share (as pyshacl reports it).
                check.sparql = (f"{select} ?lang WHERE {{ {{ {where} }} ?this {path} ?a . ?this {path} ?b . "
                                f"FILTER({_same_language('?a', '?b')}) BIND(LCASE(lang(?a)) AS ?lang) }}")
                if root == "?this" and _set_safe(shape.path):
                    # Counted per node and language over the whole store, then kept for targets.
                    check.correlated = check.sparql
                    check.sparql = self.candidates_first(
                        f"{select} ?lang", "?this ?lang",
                        f"{{ SELECT ?this ?lang WHERE {{ ?this {path} ?a . BIND(LCASE(lang(?a)) AS ?lang) FILTER(?lang != \"\") }} "
                        f"GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?a) > 1) }}")
            elif k in ("LessThanConstraintComponent", "LessThanOrEqualsConstraintComponent"):
                op = "<" if k == "LessThanConstraintComponent" else "<="
                # One result per pair of values compared (as pyshacl reports it).
                check.sparql = (f"{select} ?value ?other WHERE {{ {values} ?this {term(c.value)} ?other . "
                                f"FILTER(!{_safe(f'?value {op} ?other')}) }}")
                check.value = "value"
            else:
                condition = self.focus_test(shape, c, "?this", stack)
                self._set(check, select, where, condition)
                if root == "?this" and isinstance(condition, Exists) and condition.negated and condition.set_pattern:
                    # A pattern that must not occur (too many values, a shared value): its nodes, then targets.
                    check.sparql = self.candidates_first(select, "DISTINCT ?this", condition.set_pattern)
            found.append(check)

    def _set(self, check: Check, select: str, rows: str, condition: Condition) -> None:
        """The check's two texts: set at a time (the whole register) and row by row (a few focus nodes)."""
        check.correlated = f"{select} WHERE {{ {{ {rows} }} FILTER(!{condition.expression()}) }}"
        whole = f"{select} WHERE {{ {condition.failing(rows)} }}"
        # Deeply nested and/or trees repeat the rows in every branch; past a size, row by row is faster to run.
        check.sparql = whole if len(whole) < MAX_SET_QUERY else check.correlated

    def sparql_check(self, shape: Shape, c: Constraint, focus: Callable[[str], str], root: str) -> Check:
        """A ``sh:sparql`` SELECT joined with the shape's focus nodes inside its own WHERE group.

        Putting the focus pattern first in the outermost group is the same as
        pre-binding ``$this`` for triple patterns, ``FILTER``, ``OPTIONAL`` and
        ``(NOT) EXISTS``; queries that use sub-SELECTs, ``MINUS``, ``SERVICE``,
        ``$shapesGraph`` or ``$currentShape`` are not compiled.
        """
        from ..sparql import where_brace

        constraint = c.value
        text = constraint.select
        if shape.is_property:
            text = text.replace("$PATH", path_sparql(shape.path))
        words = [w for _, kind, w in _tokens(text) if kind == "word"]
        if words.count("SELECT") != 1 or {"MINUS", "SERVICE", "VALUES", "GRAPH"} & set(words):
            raise Unsupported("SPARQL ierobežojums ar apakšvaicājumiem, MINUS, SERVICE, VALUES vai GRAPH / a SPARQL constraint with sub-queries, MINUS, SERVICE, VALUES or GRAPH")
        if "$shapesGraph" in text or "$currentShape" in text or root != "?this":
            raise Unsupported("SPARQL ierobežojums, kam vajag $shapesGraph, $currentShape vai ligzdotu fokusu / a SPARQL constraint that needs $shapesGraph, $currentShape or a nested focus")
        projection = text[: where_brace(text)]
        if "*" not in projection and "$this" not in projection and "?this" not in projection:
            raise Unsupported("SPARQL ierobežojums, kas neatlasa $this / a SPARQL constraint that does not select $this")
        text = nest_exists(text, constraint.prologue, self.instance)
        text = spell_out_classes(text, constraint.prologue, self.subclasses, self.fresh)
        brace = where_brace(text) + 1
        sparql = constraint.prologue + text[:brace] + f" {{ {focus('?this')} }} " + text[brace:]
        names = {m.lstrip("?$") for m in projection.replace("(", " ").replace(")", " ").split() if m[:1] in "?$"}
        return Check(shape, "SPARQLConstraintComponent", sparql, value="value" if "value" in names or "*" in projection else None,
                     path_var="path" if "path" in names or "*" in projection else None, sparql_constraint=constraint.node,
                     message_vars=tuple(sorted(names)))


def _same_language(a: str, b: str) -> str:
    return _safe(f"!sameTerm({a}, {b}) && lang({a}) != \"\" && LCASE(lang({a})) = LCASE(lang({b}))")


_PREFIX = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", re.IGNORECASE)
_CLASS_STEP = re.compile(
    r"(?<![\w:?$<>])(a|[A-Za-z][\w.-]*:type|<http://www\.w3\.org/1999/02/22-rdf-syntax-ns#type>)\s*/\s*"
    r"([A-Za-z][\w.-]*:subClassOf|<http://www\.w3\.org/2000/01/rdf-schema#subClassOf>)\s*\*\s*"
    r"(<[^<>\s]*>|[A-Za-z][\w.-]*:[\w.-]*[\w-])"
)


def spell_out_classes(text: str, prologue: str, subclasses: Callable[[URIRef], list[str]], fresh: Callable[[str], str]) -> str:
    """``text`` with each ``?x rdf:type/rdfs:subClassOf* C`` written as ``?x rdf:type ?t`` and ``FILTER(?t IN (C and its subclasses))``.

    The same test (one row per type of ``?x`` below C, as the path gives), but
    Virtuoso 7 drops the zero-length step of the path — a node typed with C
    itself is not found — and oxigraph joins an index scan instead of walking
    the path. The filter goes in the innermost group holding the pattern.
    Steps whose prefixes are not the standard rdf: and rdfs: are kept.
    """
    prefixes = {(m.group(1) or ""): m.group(2) for m in _PREFIX.finditer(prologue + text)}

    def resolve(name: str) -> str | None:
        if name.startswith("<"):
            return name[1:-1]
        prefix, _, local = name.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else None

    opened: list[int] = []
    groups: list[tuple[int, int]] = []  # (offset of "{", offset of its "}")
    for offset, kind, word in _tokens(text):
        if word == "{":
            opened.append(offset)
        elif word == "}" and opened:
            groups.append((opened.pop(), offset))
    edits: list[tuple[int, int, str]] = []
    for m in _CLASS_STEP.finditer(text):
        step, sub, cls = (resolve(g) if g != "a" else str(RDF.type) for g in m.groups())
        if step != str(RDF.type) or sub != str(RDFS.subClassOf) or cls is None:
            continue
        inside = [start for start, end in groups if start < m.start() < end]
        if not inside:
            continue
        t = fresh("c")
        edits.append((m.start(), m.end(), f"a {t}"))
        edits.append((max(inside) + 1, max(inside) + 1, f" FILTER({t} IN ({', '.join(subclasses(URIRef(cls)))})) "))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


_FORBIDDEN_IN_NESTING = {"FILTER", "OPTIONAL", "BIND", "VALUES", "MINUS", "UNION", "GRAPH", "SERVICE", "SELECT", "EXISTS", "NOT"}


def nest_exists(text: str, prologue: str = "", instance: Callable[[str, Node], str] | None = None) -> str:
    """``text`` with each ``EXISTS { t1 . t2 ... }`` of plain triple patterns written as nested single-pattern EXISTS.

    ``EXISTS { t1 . t2 }`` and ``EXISTS { t1 FILTER EXISTS { t2 } }`` are the
    same test (the outer bindings and those of ``t1`` are substituted into
    ``t2`` either way), but oxigraph evaluates a join inside EXISTS without the
    outer bindings: every pattern that does not name an outer variable is read
    whole for every row, which makes a filter over the register quadratic.
    Nested, each pattern runs with its variables bound. Patterns are ordered so
    that each shares a variable with those before it (outer variables first).
    Groups with anything but triple patterns, or with blank nodes, are kept.
    ``?x rdf:type/rdfs:subClassOf* <C>`` in them is written with ``instance``
    (the classes below C spelled out), which every engine evaluates alike.
    """
    tokens = list(_tokens(text))
    edits: list[tuple[int, int, str]] = []
    for i, (offset, kind, word) in enumerate(tokens[:-1]):
        if word != "EXISTS" or tokens[i + 1][2] != "{":
            continue
        start = tokens[i + 1][0]
        inner = tokens[i + 2:]
        close = next((t for t in inner if t[1] == "brace"), None)
        if close is None or close[2] != "}" or any(t[2] in _FORBIDDEN_IN_NESTING for t in inner if t[0] < close[0]):
            continue
        body = text[start + 1: close[0]]
        own_prologue = text[: next((o for o, k, w in tokens if w == "SELECT"), 0)]
        parsed = _triple_patterns(prologue + own_prologue + "SELECT * WHERE {" + body + "}")
        if parsed is None:
            continue
        try:
            triples = [_triple(triple, instance) for triple in parsed]
        except Unsupported:
            continue
        outside = set(re.findall(r"[?$](\w+)", text[:start] + text[close[0] + 1:]))
        edits.append((start + 1, close[0], _nested(triples, outside)))
    for start, end, replacement in reversed(edits):
        text = text[:start] + " " + replacement + " " + text[end:]
    return text


@lru_cache(maxsize=256)
def _triple_patterns(query: str) -> tuple[tuple, ...] | None:
    """The triple patterns of ``SELECT * WHERE { ... }`` when that group holds two or more and nothing else."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(query).algebra
    except Exception:  # noqa: BLE001 - text rdflib cannot read stays as written
        return None
    project = algebra.p
    bgp = project.p if project.name == "Project" else None
    if bgp is None or bgp.name != "BGP" or len(bgp.triples) < 2:
        return None
    return tuple(tuple(t) for t in bgp.triples)


_CLASS_PATH = SequencePath(RDF.type, MulPath(RDFS.subClassOf, "*"))


def _triple(triple: tuple, instance: Callable[[str, Node], str] | None) -> tuple[str, str, str] | str:
    s, p, o = triple
    if instance is not None and isinstance(p, SequencePath) and p == _CLASS_PATH and isinstance(o, URIRef):
        return instance(_pattern_term(s), o)
    return tuple(_pattern_term(t) for t in triple)


def _pattern_term(node: object) -> str:
    from rdflib import Variable
    from rdflib.paths import Path

    if isinstance(node, Variable):
        return f"?{node}"
    if isinstance(node, Path):
        return path_sparql(node)
    return term(node)


def _nested(triples: list[tuple[str, str, str] | str], bound: set[str]) -> str:
    """Triple patterns as ``t1 FILTER EXISTS { t2 FILTER EXISTS { ... } }``, each joined to those before."""
    def variables(t: tuple[str, str, str] | str) -> set[str]:
        return set(re.findall(r"\?\w+", t)) if isinstance(t, str) else {x for x in (t[0], t[2]) if x.startswith("?")}

    remaining = list(triples)
    order = []
    known = {f"?{v}" for v in bound}
    while remaining:
        pick = next((t for t in remaining if variables(t) & known), remaining[0])
        remaining.remove(pick)
        order.append(pick)
        known |= variables(pick)
    text = ""
    for t in reversed(order):
        pattern = t if isinstance(t, str) else f"{t[0]} {t[1]} {t[2]} ."
        text = pattern + (f" FILTER EXISTS {{ {text} }}" if text else "")
    return text
