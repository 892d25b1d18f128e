"""Pages for people: life situations with their needs and services, and the three service catalogues.

Built from the named queries (``trace-life-situation``, ``catalogue-*``), so the
pages, the CLI and anyone running the ``.rq`` files see the same facts. Only
public fields are read (titles, channels, costs, the institution's contact).
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from .. import queries as library
from ..settings import base_iri
from ..sparql import with_values
from ..store import Store
from .linked_data import chain_picture, names_of
from .wording import Text
from .paging import page_of

router = APIRouter()

CATALOGUES = {
    "public": ("catalogue-public", "Publisko pakalpojumu katalogs (Latvija.gov.lv)", "Public service catalogue (Latvija.gov.lv)"),
    "business": ("catalogue-business", "Uzņēmējdarbības pakalpojumu katalogs (Business.gov.lv)", "Business service catalogue (Business.gov.lv)"),
    "inter-institutional": ("catalogue-inter-institutional", "Starpinstitūciju pakalpojumu katalogs (Virsis.gov.lv)", "Inter-institutional service catalogue (Virsis.gov.lv)"),
}
PAGE_SIZE = 25

LIFE_SITUATIONS = """PREFIX virsis: <https://w3id.org/virsis/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?ls (SAMPLE(?t) AS ?title) (COUNT(DISTINCT ?need) AS ?needs) WHERE {
  ?need virsis:isNeedOf ?ls .
  OPTIONAL { ?ls dct:title ?t FILTER(langMatches(lang(?t), ?lang)) }
} GROUP BY ?ls ORDER BY ?ls"""


def _value(term) -> str:
    return "" if term is None else term.value


def _identifier(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def _fill_titles(store: Store, items: list[tuple[ox.NamedNode, dict]], lang: str) -> None:
    """Give each item (``{"title": Text, ...}``) without a title in ``lang`` its name from the register: its title in
    the other language (a :class:`Text` that carries its language), else its identifier."""
    untitled = [(iri, item) for iri, item in items if not item["title"].text]
    names = names_of(store, [iri for iri, _ in untitled], lang)
    for iri, item in untitled:
        item["title"] = names[iri.value]


def _titled(store: Store, services: list[dict], lang: str) -> list[dict]:
    """Catalogue rows with their ``title`` as a :class:`Text`, falling back like :func:`_fill_titles`."""
    rows = [{**s, "title": Text(s["title"], lang)} for s in services]
    _fill_titles(store, [(ox.NamedNode(r["service"]), r) for r in rows], lang)
    return rows


@router.get("/life-situations", response_class=HTMLResponse)
def life_situations(request: Request) -> str:
    """Every life situation with how many needs it has."""
    store: Store = request.app.state.store
    lang = request.app.state.language(request)
    rows = [
        {"iri": r["ls"], "id": _identifier(r["ls"].value), "title": Text(_value(r["title"]), lang), "needs": int(r["needs"].value)}
        for r in store.query(with_values(LIFE_SITUATIONS, {"lang": ox.Literal(lang)}))
    ]
    _fill_titles(store, [(row["iri"], row) for row in rows], lang)
    return request.app.state.render("life_situations.html", request, rows=rows)


@router.get("/life-situations/{identifier}")
def life_situation(identifier: str, request: Request) -> Response:
    """One life situation: its needs and, for each, the services that meet it."""
    store: Store = request.app.state.store
    lang = request.app.state.language(request)
    query = library.named("trace-life-situation")
    try:
        bindings = library.bind(query, {"life_situation": identifier, "lang": lang}, store)
    except library.QueryError:
        return request.app.state.not_found(request, f"/life-situations/{identifier}")
    title, needs, services = identifier, defaultdict(dict), {}
    for r in store.query(library.prepared(query, bindings)):
        title = _value(r["life_situation_title"]) or title
        need = needs[_identifier(r["need"].value)]
        need.setdefault("iri", r["need"])
        need.setdefault("title", Text(_value(r["need_title"]), lang))
        need.setdefault("services", {})
        if r["service"] is not None:
            service = services.setdefault(r["service"].value, {"iri": r["service"], "title": Text(_value(r["service_title"]), lang)})
            need["services"][_identifier(r["service"].value)] = (service, _value(r["stage"]).rsplit("/", 1)[-1])
    _fill_titles(store, [(n["iri"], n) for n in needs.values()] + [(v["iri"], v) for v in services.values()], lang)
    diagram = chain_picture(store, "life-situation", identifier, lang)
    html = request.app.state.render("life_situation.html", request, identifier=identifier, heading=title, needs=dict(sorted(needs.items())), diagram=diagram)
    return HTMLResponse(html)


@router.get("/catalogue/{name}")
def catalogue(name: str, request: Request) -> Response:
    """A service catalogue, a page of services at a time, with what is needed to request each."""
    if name not in CATALOGUES:
        return request.app.state.not_found(request, f"/catalogue/{name}")
    store: Store = request.app.state.store
    lang = request.app.state.language(request)
    query_name, title_lv, title_en = CATALOGUES[name]
    query = library.named(query_name)
    columns = query.columns
    solutions = store.query(library.prepared(query, library.bind(query, {"lang": lang}, store)))
    services = [{k: _value(r[k]) for k in columns} for r in solutions]
    del solutions  # pyoxigraph results must be dropped on the thread that made them
    shown, page, pages = page_of(request, services, PAGE_SIZE)
    html = request.app.state.render(
        "catalogue.html", request, name=name, heading=title_lv if lang == "lv" else title_en, services=_titled(store, shown, lang),
        total=len(services), page=page, pages=pages, base=base_iri(),
    )
    return HTMLResponse(html)
