"""Pages for people: life situations with their needs and services, and the three service catalogues.

Built from the named queries (``trace-life-situation``, ``catalogue-*``), so the
pages, the CLI and anyone running the ``.rq`` files see the same facts. Only
public fields are read (titles, channels, costs, the institution's contact).

At national scale a whole catalogue is tens of thousands of services: a page
runs its catalogue's query for just its own 25 services (bound with one
``VALUES`` block), taking them from the catalogue's members in the query's
order, which are listed once and kept until the next write
(:mod:`.derived`), as is the list of life situations.
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from .. import queries as library
from .. import trace
from ..settings import base_iri
from ..sparql import where_brace, with_values
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
# The catalogue each query selects its services from (the IRI its .rq names).
CATALOGUE_IRIS = {
    "public": "https://w3id.org/virsis/catalogue/latvija-gov-lv",
    "business": "https://w3id.org/virsis/catalogue/business-gov-lv",
    "inter-institutional": "https://w3id.org/virsis/catalogue/virsis-gov-lv",
}
PAGE_SIZE = 25

# The services a catalogue query answers for, without their details: those published in the
# catalogue that have a competent authority (the query requires one). Not ordered here: oxigraph
# takes seconds to sort 50 000 IRIs that Python sorts in milliseconds.
MEMBERS = """PREFIX virsis: <https://w3id.org/virsis/ontology#>
PREFIX cv: <http://data.europa.eu/m8g/>
SELECT DISTINCT ?service WHERE {
  ?service virsis:publishedIn ?catalogue .
  ?service cv:hasCompetentAuthority ?institution .
}"""

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


def life_situation_rows(store: Store, lang: str) -> list[dict]:
    """The rows of ``/life-situations`` in ``lang``: each life situation's IRI, identifier, title and number of needs."""
    rows = [
        {"iri": r["ls"], "id": _identifier(r["ls"].value), "title": Text(_value(r["title"]), lang), "needs": int(r["needs"].value)}
        for r in store.query(with_values(LIFE_SITUATIONS, {"lang": ox.Literal(lang)}))
    ]
    _fill_titles(store, [(row["iri"], row) for row in rows], lang)
    return rows


@router.get("/life-situations", response_class=HTMLResponse)
def life_situations(request: Request) -> str:
    """Every life situation with how many needs it has."""
    store: Store = request.app.state.store
    lang = request.app.state.language(request)
    rows = request.app.state.derived.get(("life-situations", lang), lambda: life_situation_rows(store, lang))
    return request.app.state.render("life_situations.html", request, rows=rows)


# The lifecycle stage of each service on a life situation's page (its code: "planning" ...).
STAGES = """SELECT ?service ?stage WHERE { ?service <https://w3id.org/virsis/ontology#lifecycleStage> ?stage }"""


@router.get("/life-situations/{identifier}")
def life_situation(identifier: str, request: Request) -> Response:
    """One life situation: its needs and, for each, the services that meet it."""
    store: Store = request.app.state.store
    lang = request.app.state.language(request)
    try:
        # The chain of trace-life-situation, which the picture draws too: the query is run once.
        chain = trace.trace(store, "life-situation", identifier, lang)
    except library.QueryError:
        return request.app.state.not_found(request, f"/life-situations/{identifier}")
    nodes = chain.nodes
    needs: dict[str, dict] = {}
    services: dict[str, dict] = {}
    met_by: list[tuple[str, str]] = []
    for source, target, relation in chain.edges:
        if relation == "has-need" and source == chain.root:
            needs.setdefault(_identifier(target), {"iri": ox.NamedNode(target), "title": Text(nodes[target].title or "", lang), "services": {}})
        elif relation == "met-by":
            services.setdefault(target, {"iri": ox.NamedNode(target), "title": Text(nodes[target].title or "", lang)})
            met_by.append((source, target))
    stages: dict[str, str] = {}
    listed = list(services)
    for start in range(0, len(listed), 500):
        rows = store.query(with_rows(STAGES, ["service"], [(ox.NamedNode(iri),) for iri in listed[start:start + 500]]))
        stages.update((r["service"].value, r["stage"].value.rsplit("/", 1)[-1]) for r in rows)
        del rows  # pyoxigraph results must be dropped on the thread that made them
    for need, service in met_by:
        needs[_identifier(need)]["services"][_identifier(service)] = (services[service], stages.get(service, ""))
    title = nodes[chain.root].title or identifier
    _fill_titles(store, [(n["iri"], n) for n in needs.values()] + [(v["iri"], v) for v in services.values()], lang)
    diagram = chain_picture(store, "life-situation", identifier, lang, chain)
    html = request.app.state.render("life_situation.html", request, identifier=identifier, heading=title, needs=dict(sorted(needs.items())), diagram=diagram)
    return HTMLResponse(html)


def members(store: Store, name: str) -> list[ox.NamedNode]:
    """The services of catalogue ``name`` in the order of its query (by IRI), as its query would list them."""
    rows = store.query(with_values(MEMBERS, {"catalogue": ox.NamedNode(CATALOGUE_IRIS[name])}))
    found = sorted({r["service"].value for r in rows})
    del rows  # pyoxigraph results must be dropped on the thread that made them
    return [ox.NamedNode(iri) for iri in found]


def with_rows(sparql: str, names: list[str], rows: list[tuple[ox.NamedNode | ox.Literal, ...]]) -> str:
    """``sparql`` with one ``VALUES`` block of several ``rows`` for the variables ``names`` at the start of its WHERE group.

    One block of tuples, not a block per variable: oxigraph then loops over the
    rows, where two blocks made it read the whole register. Values are written
    in pyoxigraph's own syntax, so none can change the shape of the query.
    """
    brace = where_brace(sparql) + 1
    block = " VALUES ({}) {{ {} }} ".format(" ".join(f"?{n}" for n in names), " ".join("(" + " ".join(map(str, row)) + ")" for row in rows))
    return sparql[:brace] + block + sparql[brace:]


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
    listed = request.app.state.derived.get(("catalogue", name), lambda: members(store, name))
    chosen, page, pages = page_of(request, listed, PAGE_SIZE)
    services = []
    if chosen:
        solutions = store.query(with_rows(query.text, ["lang", "service"], [(ox.Literal(lang), iri) for iri in chosen]))
        services = [{k: _value(r[k]) for k in columns} for r in solutions]
        del solutions  # pyoxigraph results must be dropped on the thread that made them
    html = request.app.state.render(
        "catalogue.html", request, name=name, heading=title_lv if lang == "lv" else title_en, services=_titled(store, services, lang),
        total=len(listed), page=page, pages=pages, base=base_iri(),
    )
    return HTMLResponse(html)
