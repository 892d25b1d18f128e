"""Reports compared as the W3C SHACL test suite compares them: as sets of results.

Two engines' reports are equal when they hold the same results, each result
being its focus node, result path (compared by structure: a path is a blank
node), value, source shape, constraint component and severity — and, when
asked, its messages. Blank-node focus nodes, values and shapes compare equal
to any blank node, as the suite's rules allow.
"""

from __future__ import annotations

from collections import Counter

from rdflib import BNode, Graph
from rdflib.extras.shacl import parse_shacl_path
from rdflib.namespace import RDF, SH


def _key(graph: Graph, node: object, path: bool = False) -> str | None:
    if node is None:
        return None
    if isinstance(node, BNode):
        return parse_shacl_path(graph, node).n3() if path else "_:blank"
    return node.n3()


def report_results(graph: Graph, report: object = None, messages: bool = False) -> Counter:
    """The results of the ``sh:ValidationReport`` ``report`` in ``graph`` (any, when None), counted."""
    nodes = graph.objects(report, SH.result) if report is not None else graph.subjects(RDF.type, SH.ValidationResult)
    return Counter(
        (_key(graph, graph.value(r, SH.focusNode)), _key(graph, graph.value(r, SH.resultPath), path=True),
         _key(graph, graph.value(r, SH.value)), _key(graph, graph.value(r, SH.sourceShape)),
         _key(graph, graph.value(r, SH.sourceConstraintComponent)), _key(graph, graph.value(r, SH.resultSeverity)),
         *((frozenset((m.language, str(m)) for m in graph.objects(r, SH.resultMessage)),) if messages else ()))
        for r in nodes
    )
