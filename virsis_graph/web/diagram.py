"""Chains as SVG pictures, drawn on the server (no JavaScript): need → service → resource, or what depends on a resource.

Nodes stand in columns by their distance from the root (breadth first), in
the order :meth:`~virsis_graph.trace.Chain.children` gives; each edge is an
arrow labelled in the page's language. Nodes link to their records. Large
chains are cut at :data:`MAX_NODES` with a note saying how many were left out.
"""

from __future__ import annotations

from collections import deque
from xml.sax.saxutils import escape, quoteattr

from ..trace import KIND_NAMES, RELATIONS, STYLE, Chain

MAX_NODES = 80
BOX_W, BOX_H, COL, ROW = 230, 40, 290, 56


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chain_svg(chain: Chain, lang: str, link) -> str:
    """The chain as an SVG element; ``link(iri)`` gives a node's page (or None)."""
    depth: dict[str, int] = {chain.root: 0}
    order: list[str] = [chain.root]
    queue = deque([chain.root])
    while queue and len(order) < MAX_NODES:
        node = queue.popleft()
        for _, child in chain.children(node):
            if child not in depth and len(order) < MAX_NODES:
                depth[child] = depth[node] + 1
                order.append(child)
                queue.append(child)
    left_out = len(chain.nodes) - len(order)
    rows: dict[int, int] = {}
    at: dict[str, tuple[int, int]] = {}
    for key in order:
        column = depth[key]
        row = rows.get(column, 0)
        rows[column] = row + 1
        at[key] = (10 + column * COL, 10 + row * ROW)
    width = 20 + (max(depth.values()) + 1) * COL
    height = 20 + max(rows.values()) * ROW + (24 if left_out else 0)
    i = 0 if lang == "lv" else 1
    title = f"{KIND_NAMES[chain.nodes[chain.root].kind][i]} {chain.nodes[chain.root].identifier}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="chain-title" font-family="sans-serif" font-size="12">',
        f'<title id="chain-title">{escape(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>',
    ]
    for source, target, relation in chain.edges:
        if source in at and target in at:
            (x1, y1), (x2, y2) = at[source], at[target]
            start, end = (x1 + BOX_W, y1 + BOX_H / 2), (x2, y2 + BOX_H / 2)
            if x2 <= x1:  # a link back or within a column: leave from the bottom edge
                start, end = (x1 + BOX_W / 2, y1 + BOX_H), (x2 + BOX_W / 2, y2)
            parts.append(
                f'<line x1="{start[0]:.0f}" y1="{start[1]:.0f}" x2="{end[0]:.0f}" y2="{end[1]:.0f}" stroke="#555" marker-end="url(#arrow)">'
                f"<title>{escape(RELATIONS[relation][i])}</title></line>"
            )
    for key in order:
        node, (x, y) = chain.nodes[key], at[key]
        label = f"{node.identifier} — {node.title}" if node.title and node.kind != "audience" else node.identifier
        box = (
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="#fff" stroke="{STYLE[node.kind]}" stroke-width="{3 if key == chain.root else 2}"/>'
            f'<text x="{x + 8}" y="{y + 16}" fill="#555">{escape(KIND_NAMES[node.kind][i])}</text>'
            f'<text x="{x + 8}" y="{y + 32}" fill="#1a1a1a">{escape(_short(label))}<title>{escape(label)}</title></text>'
        )
        href = link(key)
        parts.append(f"<a href={quoteattr(href)}>{box}</a>" if href else box)
    if left_out:
        more = f"… {left_out} vēl" if lang == "lv" else f"… {left_out} more"
        parts.append(f'<text x="10" y="{height - 8}" fill="#555">{escape(more)}</text>')
    parts.append("</svg>")
    return "".join(parts)
