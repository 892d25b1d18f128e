"""Chains of the register as graphs: a life situation, need or service traced down, a resource's impact traced up.

Each chain is built from the rows of a named query (``trace-life-situation``,
``trace-need``, ``service-dependencies``, ``impact-of-resource``), so the CLI,
the web site and anyone running the ``.rq`` file see the same facts. A
:class:`Chain` is a small directed graph with a root; it renders as a rich tree,
as JSON, as Graphviz DOT and as a Mermaid flowchart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pyoxigraph as ox
from rich.markup import escape
from rich.tree import Tree

from . import queries
from .codelists import label
from .sparql import with_values
from .store import Store

KIND_NAMES = {
    **{kind: (lv, en) for kind, (_, lv, en) in queries.RECORD_TYPES.items() if kind != "person"},
    "organisation": ("iestāde", "institution"),  # in a chain an organisation is always an institution
    "audience": ("saņēmēji", "recipients"),
}
RELATIONS = {
    "has-need": ("vajadzība", "need"),
    "met-by": ("apmierina", "met by"),
    "uses": ("izmanto", "uses"),
    "depends-on": ("atkarīgs no", "depends on"),
    "requires": ("pieprasa", "requires"),
    "depended-on-by": ("no tā atkarīgs", "depended on by"),
    "used-by": ("to izmanto", "used by"),
    "required-by": ("to pieprasa", "required by"),
    "meets": ("apmierina", "meets"),
    "of": ("dzīves situācijā", "in life situation"),
    "serves": ("saņēmēji", "serves"),
}
STYLE = {"life-situation": "#1b5e20", "need": "#0d47a1", "service": "#4a148c", "resource": "#bf360c", "organisation": "#37474f", "audience": "#37474f"}


@dataclass
class Node:
    """One thing in a chain: its IRI (or a made-up key for an audience), kind, identifier and title."""

    key: str
    kind: str
    identifier: str
    title: str | None = None
    note: str | None = None  # e.g. the lifecycle stage of a service


@dataclass
class Chain:
    """A directed graph of register records with a root; edges are ``(from, to, relation)``."""

    root: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)

    def node(self, term: ox.NamedNode | ox.Literal | None, title: ox.Literal | None = None, kind: str | None = None) -> str | None:
        if term is None:
            return None
        key = term.value
        if key not in self.nodes:
            parts = key.rstrip("/").split("/")
            guessed = parts[-2] if len(parts) > 1 and parts[-2] in KIND_NAMES else "resource"
            self.nodes[key] = Node(key, kind or guessed, parts[-1])
        if title is not None and self.nodes[key].title is None:
            self.nodes[key].title = title.value
        return key

    def edge(self, source: str | None, target: str | None, relation: str) -> None:
        if source and target and (source, target, relation) not in self._seen:
            self._seen.add((source, target, relation))
            self.edges.append((source, target, relation))
            self._out.setdefault(source, []).append((relation, target))

    def __post_init__(self) -> None:
        self._seen: set[tuple[str, str, str]] = set()
        self._out: dict[str, list[tuple[str, str]]] = {}

    def children(self, key: str) -> list[tuple[str, str]]:
        """``(relation, child key)`` pairs, by relation and then by identifier."""
        order = list(RELATIONS)
        return sorted(self._out.get(key, ()), key=lambda pair: (order.index(pair[0]), self.nodes[pair[1]].identifier))

    # -- renderings --------------------------------------------------------------

    def label(self, key: str, kind: bool = True) -> str:
        """``pakalpojums / service s-01 — title [stage]``; without the kind when ``kind`` is false."""
        n = self.nodes[key]
        lv, en = KIND_NAMES[n.kind]
        text = f"{lv} / {en} {n.identifier}" if kind else n.identifier
        if n.title and n.kind != "audience":
            text += f" — {n.title}"
        if n.note:
            text += f" [{n.note}]"
        return text

    def tree(self) -> Tree:
        """A rich tree from the root; a node met again shows no children the second time (it says so)."""
        top = Tree(f"[bold]{escape(self.label(self.root))}[/bold]")
        shown: set[str] = {self.root}

        def grow(branch: Tree, key: str, path: set[str]) -> None:
            for relation, child in self.children(key):
                lv, en = RELATIONS[relation]
                text = f"[dim]{lv} / {en}:[/dim] {escape(self.label(child, kind=False))}"
                if child in path:
                    branch.add(text + " [dim](cikls / cycle)[/dim]")
                elif child in shown and self.children(child):
                    branch.add(text + " [dim](skatīt augstāk / see above)[/dim]")
                else:
                    shown.add(child)
                    grow(branch.add(text), child, path | {child})

        grow(top, self.root, {self.root})
        return top

    def as_json(self) -> str:
        data = {
            "root": self.root,
            "nodes": [vars(n) for n in self.nodes.values()],
            "edges": [{"from": s, "to": t, "relation": r, "label_lv": RELATIONS[r][0], "label_en": RELATIONS[r][1]} for s, t, r in self.edges],
        }
        return json.dumps(data, ensure_ascii=False, indent=2)

    def as_dot(self) -> str:
        ids = {key: f"n{i}" for i, key in enumerate(self.nodes)}
        lines = ["digraph chain {", "  rankdir=LR;", '  node [shape=box, style="rounded", fontname="sans-serif"];']
        for key, node in self.nodes.items():
            lines.append(f'  {ids[key]} [label="{_dot(self.label(key))}", color="{STYLE[node.kind]}"{", penwidth=2" if key == self.root else ""}];')
        for s, t, r in self.edges:
            lines.append(f'  {ids[s]} -> {ids[t]} [label="{_dot(" / ".join(RELATIONS[r]))}"];')
        lines.append("}")
        return "\n".join(lines) + "\n"

    def as_mermaid(self) -> str:
        ids = {key: f"n{i}" for i, key in enumerate(self.nodes)}
        lines = ["flowchart LR"]
        for key in self.nodes:
            lines.append(f'  {ids[key]}["{_mermaid(self.label(key))}"]')
        for s, t, r in self.edges:
            lines.append(f'  {ids[s]} -->|"{_mermaid(" / ".join(RELATIONS[r]))}"| {ids[t]}')
        for kind, colour in STYLE.items():
            members = [ids[k] for k, n in self.nodes.items() if n.kind == kind]
            if members:
                lines.append(f"  classDef {kind.replace('-', '_')} stroke:{colour},stroke-width:2px")
                lines.append(f"  class {','.join(members)} {kind.replace('-', '_')}")
        return "\n".join(lines) + "\n"


def _dot(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _mermaid(text: str) -> str:
    # Mermaid has no backslash escapes inside quoted labels: entity codes only.
    return text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;").replace("|", "#124;").replace("\n", " ")


# ---------------------------------------------------------------------------
# Building chains from the named queries
# ---------------------------------------------------------------------------

TRACE_KINDS = {"life-situation": "trace-life-situation", "need": "trace-need", "service": "service-dependencies"}


def _rows(store: Store, name: str, values: dict[str, str]) -> tuple[queries.Bindings, list]:
    query = queries.named(name)
    bindings = queries.bind(query, values, store)
    return bindings, list(store.query(queries.prepared(query, bindings)))


def trace(store: Store, kind: str, identifier: str, lang: str = "lv") -> Chain:
    """The chain below a life situation, need or service; raises :class:`queries.QueryError` for an unknown record."""
    if kind not in TRACE_KINDS:
        raise queries.QueryError(f"trace {kind!r}: izsekojiet dzīves situāciju, vajadzību vai pakalpojumu (life-situation, need, service) / "
                                 "trace a life-situation, need or service")
    param = kind.replace("-", "_")
    bindings, rows = _rows(store, TRACE_KINDS[kind], {param: identifier, "lang": lang})
    chain = Chain(bindings[param].value)
    chain.node(bindings[param], kind=kind)
    if kind == "service":
        for r in rows:
            chain.node(r["service"], r["service_title"], "service")
            target = chain.node(r["dependency"], r["dependency_title"], r["type"].value)
            source = chain.node(r["via"]) if r["via"] is not None else chain.root
            types = (chain.nodes[source].kind, chain.nodes[target].kind)
            relation = {"service": "requires"}.get(types[1], "uses" if types[0] == "service" else "depends-on")
            chain.edge(source, target, relation)
        return chain
    for r in rows:
        if kind == "life-situation":
            chain.node(r["life_situation"], r["life_situation_title"], "life-situation")
        need = chain.node(r["need"], r["need_title"], "need")
        if kind == "life-situation":
            chain.edge(chain.root, need, "has-need")
        service = chain.node(r["service"], r["service_title"], "service")
        if service and r["stage"] is not None:
            chain.nodes[service].note = label(r["stage"], lang)
        chain.edge(need, service, "met-by")
        resource = chain.node(r["resource"], r["resource_title"], "resource")
        if r["via"] is None:
            chain.edge(service, resource, "uses")
        else:
            chain.edge(chain.node(r["via"], kind="resource"), resource, "depends-on")
    return chain


_CHAIN_EDGES = """PREFIX virsis: <https://w3id.org/virsis/ontology#>
SELECT ?a ?b WHERE { ?b virsis:dependsOn* ?resource . ?a virsis:dependsOn ?b . }"""


def impact(store: Store, identifier: str, lang: str = "lv") -> Chain:
    """What depends on a resource, up to life situations and recipients; :class:`queries.QueryError` if unknown."""
    bindings, rows = _rows(store, "impact-of-resource", {"resource": identifier, "lang": lang})
    resource = bindings["resource"]
    chain = Chain(resource.value)
    chain.node(resource, kind="resource")
    # The query lists the affected resources; how they depend on each other is read here.
    for r in store.query(with_values(_CHAIN_EDGES, {"resource": resource})):
        chain.edge(chain.node(r["b"], kind="resource"), chain.node(r["a"], kind="resource"), "depended-on-by")
    for r in rows:
        affected = chain.node(r["affected"], r["affected_title"], "resource")
        service = chain.node(r["service"], r["service_title"], "service")
        if service is None:
            continue
        if r["stage"] is not None:
            chain.nodes[service].note = label(r["stage"], lang)
        if r["through"] is None:
            chain.edge(affected, service, "used-by")
        else:
            through = chain.node(r["through"], kind="service")
            chain.edge(affected, through, "used-by")
            chain.edge(through, service, "required-by")
        need = chain.node(r["need"], r["need_title"], "need")
        chain.edge(service, need, "meets")
        chain.edge(need, chain.node(r["life_situation"], r["life_situation_title"], "life-situation"), "of")
        if r["audience"] is not None:
            key = f"audience:{r['audience'].value}"
            chain.nodes.setdefault(key, Node(key, "audience", r["audience"].value))
            chain.edge(service, key, "serves")
        chain.edge(service, chain.node(r["recipient_institution"], kind="organisation"), "serves")
    return chain
