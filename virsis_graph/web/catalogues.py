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
from .linked_data import chain_picture
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


@router.get("/life-situations", response_class=HTMLResponse)
def life_situations(request: Request) -> str:
    """Every life situation with how many needs it has."""
    store: Store = request.app.state.store
    lang = request.app.state.language(request)
    rows = [
        {"id": _identifier(r["ls"].value), "title": _value(r["title"]), "needs": int(r["needs"].value)}
        for r in store.query(with_values(LIFE_SITUATIONS, {"lang": ox.Literal(lang)}))
    ]
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
    title, needs = identifier, defaultdict(dict)
    for r in store.query(library.prepared(query, bindings)):
        title = _value(r["life_situation_title"]) or title
        need = needs[_identifier(r["need"].value)]
        need.setdefault("title", _value(r["need_title"]))
        need.setdefault("services", {})
        if r["service"] is not None:
            need["services"][_identifier(r["service"].value)] = (_value(r["service_title"]), _value(r["stage"]).rsplit("/", 1)[-1])
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
        "catalogue.html", request, name=name, heading=title_lv if lang == "lv" else title_en, services=shown,
        total=len(services), page=page, pages=pages, base=base_iri(),
    )
    return HTMLResponse(html)
