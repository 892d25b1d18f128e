"""``/quality``: the quality scorecard (``virsis quality``) as charts, per condition and per institution.

Each bar and cell links to the records behind it: a condition to the services
that do not pass all its checks, an institution to its services (100 a page).

The scorecard validates the whole register with every shape. It is made once,
for both languages, in a background thread (:mod:`.derived`), and kept until the
next write; meanwhile the page says it is being computed (``503`` with
``Retry-After``, reloading by itself). After a write, while the next one is
computed, the page shows the last one made, saying when its validation started
and that the register has changed since: at national scale a scorecard takes
minutes, and with writes every few minutes there would otherwise rarely be one
to see. Every scorecard says when it was made. What makes it is a hook:
``app.state.make_scorecards``, a function of the store giving ``{language:
Scorecard}``, by default :func:`compiled_scorecards`: the compiled SHACL
engine (``virsis_graph/shacl/``, the shapes as SPARQL queries over the store)
and a few queries for the services (:func:`virsis_graph.quality.store_scorecards`),
with no copy of the register in memory. At 100 000 services (six million
statements) that is about two minutes on two cores (``docs/scaling.md``).

pyshacl, which made it before, does not fit a national register: copying it
into an in-memory graph alone grew the server by 5 GB in two and a half minutes,
and meanwhile the thread slowed every other page three to five times. Past
:data:`LIMIT` statements the scorecard is not made on the site (it would be
made again after every write), and the page says so plainly, pointing to
``virsis quality --store``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from email.utils import format_datetime
from dataclasses import dataclass
from urllib.parse import urlencode
from xml.sax.saxutils import escape, quoteattr

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from ..quality import CONDITIONS, FORMATS, Scorecard, condition_labels, serialised, store_scorecards
from ..store import Store
from .negotiation import negotiate
from .paging import page_of
from .search import pending_page

router = APIRouter()

LANGUAGES = ("lv", "en")
SCORECARDS = "scorecards"
"""The key of the scorecards in ``app.state.derived``."""
WAIT = 5.0
"""Seconds a request waits for the scorecard being computed before the page says it is being computed."""
RETRY_AFTER = 30
"""Seconds the page asks a client to wait before it tries again (and reloads itself after)."""
PAGE_SIZE = 100
"""Services listed a page under a condition or an institution."""

LIMIT = 20_000_000
"""Statements (quads) beyond which :func:`compiled_scorecards` does not start: some 330 000 services of the synthetic
register, several minutes of validation after every write."""

MakeScorecards = Callable[[Store], dict[str, Scorecard]]


class TooLarge(Exception):
    """The register is too large for the validator behind the scorecard; ``statements`` is its size."""

    def __init__(self, statements: int) -> None:
        super().__init__(f"{statements} statements")
        self.statements = statements


def compiled_scorecards(store: Store) -> dict[str, Scorecard]:
    """The scorecard in each site language from one validation of the whole register by the compiled engine.

    The default of the ``app.state.make_scorecards`` hook; the same cards as
    ``virsis quality`` (and as pyshacl's report gives). Raises :class:`TooLarge`
    at once for a register of more than :data:`LIMIT` statements.
    """
    statements = store.count()
    if statements > LIMIT:
        raise TooLarge(statements)
    return store_scorecards(store, LANGUAGES)


@dataclass(frozen=True)
class Assessment:
    """The scorecards of one validation of the whole register."""

    cards: dict[str, Scorecard]
    """By site language."""
    at: dt.datetime
    """When the validation started (UTC): the register as it was then."""


@dataclass(frozen=True)
class Shown:
    """The scorecard a page shows."""

    card: Scorecard
    at: dt.datetime
    current: bool
    """False: a write has changed the register since, and the next scorecard is being computed."""


def card_for(request: Request, lang: str) -> Shown | None:
    """The scorecard in ``lang``; the last one made while the next is computed; None while the first is.

    It is started if it is not being computed. Raises :class:`TooLarge` when
    the register is too large for the validator; that answer is kept like a
    scorecard, until the next write.
    """
    state = request.app.state
    store, make = state.store, state.make_scorecards

    def made() -> Assessment | TooLarge:
        at = dt.datetime.now(dt.timezone.utc)
        try:
            return Assessment(make(store), at)
        except TooLarge as too_large:
            return too_large

    assessment = state.derived.background(SCORECARDS, made, WAIT, last=True)
    if isinstance(assessment, TooLarge):
        raise assessment
    if assessment is not None:
        return Shown(assessment.cards[lang], assessment.at, True)
    previous = state.derived.last(SCORECARDS)
    return Shown(previous.cards[lang], previous.at, False) if isinstance(previous, Assessment) else None


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


def _too_large(statements: str) -> tuple[str, str]:
    """Why a register of ``statements`` statements has no scorecard on the site: Latvian, English (page and data alike)."""
    return (f"Tik lielam reģistram ({statements} apgalvojumu) kvalitātes novērtējums vietnē netiek aprēķināts: visa reģistra "
            "pārbaude pēc katras izmaiņas aizņemtu daudzas minūtes. Novērtējumu dod komanda virsis quality --store.",
            f"The scorecard is not computed on the site for a register this large ({statements} statements): validating the "
            "whole register after every change would take many minutes. The command virsis quality --store gives it.")


def _data(request: Request, fmt: str, lang: str) -> Response:
    """The scorecard as ``virsis quality --format csv|json`` writes it, for analysts' tools; ``503`` while it is
    computed (with ``Retry-After``) or when the register is too large for it (without)."""
    try:
        assessed = card_for(request, lang)
    except TooLarge as too_large:
        return PlainTextResponse(" / ".join(_too_large(str(too_large.statements))) + "\n", status_code=503, headers={"Vary": "Accept"})
    if assessed is None:
        return PlainTextResponse(
            "Kvalitātes novērtējums tiek aprēķināts; mēģiniet vēlāk. / The scorecard is being computed; try again later.\n",
            status_code=503, headers={"Retry-After": str(RETRY_AFTER), "Vary": "Accept"})
    # Last-Modified says when the validation behind it started; after a write, until the next scorecard is made,
    # that is before the register's last change.
    return Response(serialised(assessed.card, fmt), media_type=FORMATS[fmt], headers={
        "Vary": "Accept", "Last-Modified": format_datetime(assessed.at, usegmt=True),
        "Content-Disposition": f'inline; filename="virsis-quality-{lang}.{fmt}"'})


@router.get("/quality", response_class=HTMLResponse)
def quality(request: Request) -> Response:
    """The dashboard; ``?condition=N`` lists the services with a failed check or a result under it, ``?institution=ID`` its services.

    ``?format=csv|json`` (or ``Accept: text/csv`` / ``application/json``) is the whole scorecard as data, as
    ``virsis quality --format`` writes it, in the page's language.
    """
    lang = request.app.state.language(request)
    offers = {"text/html": "html", **{media_type: fmt for fmt, media_type in FORMATS.items()}}
    requested = request.query_params.get("format")
    fmt = requested if requested else offers.get(negotiate(request.headers.get("accept"), list(offers)) or "")
    if fmt not in ("html", *FORMATS):
        return PlainTextResponse(
            "406: kvalitātes novērtējumu var saņemt kā HTML, CSV vai JSON (?format=html|csv|json) / "
            "406 Not Acceptable: the scorecard is HTML, CSV or JSON (?format=html|csv|json)\n",
            status_code=406, headers={"Vary": "Accept"})
    if fmt != "html":
        return _data(request, fmt, lang)
    try:
        assessed = card_for(request, lang)
    except TooLarge as too_large:
        return pending_page(request, "Pakalpojumu kvalitāte" if lang == "lv" else "Service quality",
                            *_too_large(f"{too_large.statements:,}".replace(",", "\u00a0")), retry=None)
    if assessed is None:
        return pending_page(request, "Pakalpojumu kvalitāte" if lang == "lv" else "Service quality",
                            "Kvalitātes novērtējums tiek aprēķināts (tiek pārbaudīts viss reģistrs); lapa atjaunosies pati.",
                            "The scorecard is being computed (the whole register is being validated); the page will reload by itself.",
                            RETRY_AFTER)
    card = assessed.card
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
    shown, page, pages = page_of(request, listed, PAGE_SIZE)
    return HTMLResponse(request.app.state.render(
        "quality.html", request, card=card, at=assessed.at.strftime("%Y-%m-%d %H:%M:%S"), current=assessed.current, names=names, conditions=CONDITIONS, bars=bars, percent=_percent,
        condition=int(condition) if condition.isdigit() else None, institution=institution, listed=shown,
        total=len(listed), page=page, pages=pages, page_link=lambda n: "/quality?" + urlencode(
            {**({"condition": condition} if condition else {"institution": institution}), "lang": lang, "page": n}) + "#services",
    ), headers={"Vary": "Accept"})
