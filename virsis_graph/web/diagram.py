"""Chains as SVG pictures, drawn on the server (no JavaScript): need → service → resource, or what depends on a resource.

Nodes stand in columns by their distance from the root (breadth first), in
the order :meth:`~virsis_graph.trace.Chain.children` gives; each edge is an
arrow labelled in the page's language. Nodes link to their records. Large
chains are cut at :data:`MAX_NODES` with a note saying how many were left out.

Fitting the page: the columns narrow (down to :data:`MIN_STEP`) so that a chain
fits the page's main column (:data:`COLUMN`) at its drawn size, and a title
wraps onto up to :data:`MAX_LINES` lines instead of being cut short. The SVG
scales down with a narrower column (``width: 100%``, ``height: auto``), but never
below :data:`MIN_SCALE` of its size, so its 12 px text stays legible; past that
the picture scrolls sideways, and a chain too wide for the column even at that
scale is marked :attr:`Picture.wide` so the page can say it scrolls.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from ..trace import KIND_NAMES, RELATIONS, STYLE, Chain

MAX_NODES = 80
COLUMN = 928
"""Width in px of a page's main column (base.html: ``max-width: 60rem`` less 2rem of padding, at 16 px)."""
MIN_SCALE = 0.75
"""The smallest a picture is shown: its 12 px text then reads as 9 px."""
MAX_STEP, MIN_STEP = 290, 150  # px from one column of boxes to the next
MAX_LINES = 3
CHAR_W = 6.2  # px: a generous average width of a 12 px sans-serif character (DejaVu Sans, Liberation Sans)
MARGIN = 10


@dataclass(frozen=True)
class Picture:
    """An SVG picture and its drawn width in px."""

    svg: str
    width: int

    @property
    def wide(self) -> bool:
        """Too wide for the page's column even at :data:`MIN_SCALE`: it scrolls sideways, and the page should say so."""
        return self.width * MIN_SCALE > COLUMN

    def __str__(self) -> str:
        return self.svg


def _wrap(text: str, width: int, lines: int) -> list[str]:
    """``text`` in at most ``lines`` lines of at most ``width`` characters, broken between words; "…" ends a cut."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while len(line) > width:  # a word longer than a line is broken inside
            out.append(line[:width])
            line = line[width:]
        while words and len(line) + 1 + len(words[0]) <= width:
            line += " " + words.pop(0)
        out.append(line)
    if len(out) > lines or words:
        out = out[:lines]
        out[-1] = (out[-1] if len(out[-1]) < width else out[-1][: width - 1]) + "…"
    return out


def chain_svg(chain: Chain, lang: str, link: Callable[[str], str | None], languages: Mapping[str, str] | None = None) -> str:
    """The chain as an SVG element; ``link(iri)`` gives a node's page (or None); see :func:`draw`."""
    return draw(chain, lang, link, languages).svg


def draw(chain: Chain, lang: str, link: Callable[[str], str | None], languages: Mapping[str, str] | None = None) -> Picture:
    """The chain as a :class:`Picture`; ``link(iri)`` gives a node's page (or None).

    ``languages`` maps the nodes whose title is not in ``lang`` (a fallback to
    the other language) to their title's language, marked with ``lang`` in the SVG.
    """
    languages = languages or {}
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
    columns = max(depth.values()) + 1
    step = max(MIN_STEP, min(MAX_STEP, (COLUMN - 2 * MARGIN) // columns))
    box_w = step - max(30, step // 5)
    per_line = int((box_w - 16) / CHAR_W)

    def label(key: str) -> str:
        node = chain.nodes[key]
        return f"{node.identifier} — {node.title}" if node.title and node.kind != "audience" else node.identifier

    wrapped = {key: _wrap(label(key), per_line, MAX_LINES) for key in order}
    lines = max(len(w) for w in wrapped.values())
    box_h = 26 + 14 * lines
    row_h = box_h + 16
    rows: dict[int, int] = {}
    at: dict[str, tuple[int, int]] = {}
    for key in order:
        column = depth[key]
        row = rows.get(column, 0)
        rows[column] = row + 1
        at[key] = (MARGIN + column * step, MARGIN + row * row_h)
    width = 2 * MARGIN + (columns - 1) * step + box_w
    height = 2 * MARGIN + max(rows.values()) * row_h - 16 + (24 if left_out else 0)
    i = 0 if lang == "lv" else 1
    title = f"{KIND_NAMES[chain.nodes[chain.root].kind][i]} {chain.nodes[chain.root].identifier}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' style="max-width:{width}px; min-width:{math.ceil(width * MIN_SCALE)}px" role="img" aria-labelledby="chain-title"'
        ' font-family="sans-serif" font-size="12">',
        f'<title id="chain-title">{escape(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>',
    ]
    for source, target, relation in chain.edges:
        if source in at and target in at:
            (x1, y1), (x2, y2) = at[source], at[target]
            start, end = (x1 + box_w, y1 + box_h / 2), (x2, y2 + box_h / 2)
            if x2 <= x1:  # a link back or within a column: leave from the bottom edge
                start, end = (x1 + box_w / 2, y1 + box_h), (x2 + box_w / 2, y2)
            parts.append(
                f'<line x1="{start[0]:.0f}" y1="{start[1]:.0f}" x2="{end[0]:.0f}" y2="{end[1]:.0f}" stroke="#555" marker-end="url(#arrow)">'
                f"<title>{escape(RELATIONS[relation][i])}</title></line>"
            )
    for key in order:
        node, (x, y) = chain.nodes[key], at[key]
        marked = f' lang="{escape(languages[key])}"' if languages.get(key) and languages[key] != lang else ""
        text = "".join(f'<tspan x="{x + 8}" y="{y + 32 + 14 * n}">{escape(line)}</tspan>' for n, line in enumerate(wrapped[key]))
        box = (
            f'<rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="6" fill="#fff" stroke="{STYLE[node.kind]}" stroke-width="{3 if key == chain.root else 2}"/>'
            f'<text x="{x + 8}" y="{y + 16}" fill="#555" font-size="11">{escape(KIND_NAMES[node.kind][i])}</text>'
            f'<text fill="#1a1a1a"{marked}>{text}<title>{escape(label(key))}</title></text>'
        )
        href = link(key)
        parts.append(f"<a href={quoteattr(href)}>{box}</a>" if href else box)
    if left_out:
        more = f"… {left_out} vēl" if lang == "lv" else f"… {left_out} more"
        parts.append(f'<text x="{MARGIN}" y="{height - 8}" fill="#555">{escape(more)}</text>')
    parts.append("</svg>")
    return Picture("".join(parts), width)
