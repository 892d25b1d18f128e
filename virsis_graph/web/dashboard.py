"""``/quality``: the quality scorecard (``virsis quality``) as charts, per condition and per institution.

Each bar and cell links to the records behind it: a condition to the services
that do not pass all its checks, an institution to its services. The
scorecard validates the whole register with every shape, so it is made once
per language and kept while the server runs (the site is read-only).
"""

from __future__ import annotations

import threading
from xml.sax.saxutils import escape, quoteattr

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..quality import CONDITIONS, Scorecard, condition_labels, store_scorecard

router = APIRouter()
_lock = threading.Lock()


def card_for(request: Request, lang: str) -> Scorecard:
    with _lock:
        cards = request.app.state.scorecards
        if lang not in cards:
            cards[lang] = store_scorecard(request.app.state.store, lang)
        return cards[lang]


def bars_svg(items: list[tuple[str, float | None, str, str]], title: str) -> str:
    """Horizontal bars: ``(label, score 0..1 or None, note, link)`` each; an accessible SVG."""
    row, width, label_w = 28, 720, 330
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{row * len(items) + 10}" role="img" aria-labelledby="bars-title" font-family="sans-serif" font-size="12">',
        f'<title id="bars-title">{escape(title)}</title>',
    ]
    for i, (label, score, note, href) in enumerate(items):
        y = 5 + i * row
        length = 0 if score is None else round(score * (width - label_w - 120))
        colour = "#2e7d32" if score is not None and score >= 0.95 else "#f2b705" if score is not None and score >= 0.8 else "#9e3039"
        parts.append(
            f"<a href={quoteattr(href)}><text x=\"0\" y=\"{y + 15}\" fill=\"#1a1a1a\">{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{length}" height="{row - 8}" fill="{colour}"><title>{escape(label)}: {escape(note)}</title></rect>'
            f'<text x="{label_w + length + 6}" y="{y + 15}" fill="#1a1a1a">{escape(note)}</text></a>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _failing(cell) -> bool:
    """A check failed, or a result (violation or warning) was reported under the condition."""
    return bool(cell.violations or cell.warnings or (cell.checks and cell.passed < cell.checks))


def _percent(score: float | None) -> str:
    return "—" if score is None else f"{score:.0%}"


@router.get("/quality", response_class=HTMLResponse)
def quality(request: Request) -> str:
    """The dashboard; ``?condition=N`` lists the services with a failed check or a result under it, ``?institution=ID`` its services."""
    lang = request.app.state.language(request)
    card = card_for(request, lang)
    names = condition_labels(lang)
    register = card.register.cells
    bars = bars_svg(
        [(f"{c}. {names.get(c, '')}", register[c].score, f"{_percent(register[c].score)} ({register[c].passed}/{register[c].checks})",
          f"/quality?condition={c}&lang={lang}") for c in CONDITIONS],
        "Reģistrs pa nosacījumiem" if lang == "lv" else "The register by condition",
    )
    condition = request.query_params.get("condition", "")
    institution = request.query_params.get("institution", "")
    listed = []
    if condition.isdigit() and int(condition) in CONDITIONS:
        c = int(condition)
        listed = [s for s in card.services if _failing(s.cells[c])]
    elif institution:
        listed = [s for s in card.services if s.institution == institution]
    return request.app.state.render(
        "quality.html", request, card=card, names=names, conditions=CONDITIONS, bars=bars, percent=_percent,
        condition=int(condition) if condition.isdigit() else None, institution=institution, listed=listed,
    )
