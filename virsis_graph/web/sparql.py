"""``/sparql``: the SPARQL 1.1 Protocol over the public register (read-only).

Queries by GET, by POST form and by POST ``application/sparql-query``;
``default-graph-uri`` / ``named-graph-uri``; results chosen by ``Accept`` or a
``format`` parameter (SELECT/ASK: JSON, XML, CSV, TSV; CONSTRUCT/DESCRIBE:
Turtle, N-Triples, JSON-LD, RDF/XML); a service description for RDF clients and
a plain query form, with the named queries as examples, for browsers. Every
query runs in a :class:`~virsis_graph.web.query_pool.QueryPool`: public data
only, a time limit that really stops it, a row cap and a bound on queries at
once. Updates (``INSERT DATA`` / ``DELETE DATA`` into the institution's own
graphs, with its token) go to :func:`~virsis_graph.web.graph_store.sparql_update`.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from .. import queries as library
from ..sparql import query_form
from .graph_store import sparql_update
from .negotiation import negotiate
from .query_pool import GRAPH_FORMATS, RESULT_FORMATS

router = APIRouter()

SHORT = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
    "tsv": "text/tab-separated-values", "ttl": "text/turtle", "turtle": "text/turtle", "nt": "application/n-triples",
    "jsonld": "application/ld+json", "rdf": "application/rdf+xml",
}
MAX_BODY = 100_000
"""Bytes a POSTed query may have; a larger body gets 413."""

SD = "http://www.w3.org/ns/sparql-service-description#"


def _service_description(request: Request) -> Response:
    endpoint = ox.NamedNode(str(request.url_for("sparql")))
    service = ox.NamedNode(str(request.url_for("sparql")) + "#service")
    t = [
        ox.Triple(service, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(SD + "Service")),
        ox.Triple(service, ox.NamedNode(SD + "endpoint"), endpoint),
        ox.Triple(service, ox.NamedNode(SD + "supportedLanguage"), ox.NamedNode(SD + "SPARQL11Query")),
        ox.Triple(service, ox.NamedNode(SD + "feature"), ox.NamedNode(SD + "UnionDefaultGraph")),
    ]
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        t.append(ox.Triple(service, ox.NamedNode(SD + "resultFormat"), ox.NamedNode(f"http://www.w3.org/ns/formats/{fmt}")))
    return Response(ox.serialize(t, format=ox.RdfFormat.TURTLE, prefixes={"sd": SD}), media_type="text/turtle")


def _form(request: Request, text: str = "", status: int = 200, message: str = "") -> HTMLResponse:
    lang = request.app.state.language(request)
    examples = [(q.name, q.title_lv if lang == "lv" else q.title_en) for q in library.library().values()]
    html = request.app.state.render("sparql.html", request, text=text, examples=examples, message=message)
    return HTMLResponse(html, status_code=status)


def _media_type(request: Request, form: str, requested: str | None) -> str | None:
    if requested:
        return SHORT.get(requested.lower(), requested)
    offers = list(RESULT_FORMATS) if form in ("SELECT", "ASK") else list(GRAPH_FORMATS)
    return negotiate(request.headers.get("accept"), offers)


async def _params(request: Request) -> dict[str, list[str]] | Response:
    params = {k: request.query_params.getlist(k) for k in request.query_params.keys()}
    if request.method != "POST":
        return params
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_BODY:
        return PlainTextResponse(f"the request body is larger than {MAX_BODY} bytes\n", status_code=413)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return PlainTextResponse(f"the request body is larger than {MAX_BODY} bytes\n", status_code=413)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/sparql-query":
        params["query"] = [body.decode("utf-8", "replace")]
    elif kind == "application/x-www-form-urlencoded":
        for key, values in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
            params.setdefault(key, []).extend(values)
    elif kind == "application/sparql-update":
        params["update"] = [body.decode("utf-8", "replace")]
    else:
        return PlainTextResponse("POST a query as application/sparql-query or application/x-www-form-urlencoded\n", status_code=415)
    return params


@router.api_route("/sparql", methods=["GET", "POST"], name="sparql")
async def sparql(request: Request) -> Response:
    """The SPARQL 1.1 Protocol endpoint."""
    params = await _params(request)
    if isinstance(params, Response):
        return params
    if "update" in params:
        if request.method != "POST" or request.app.state.read_only:
            return PlainTextResponse("updates are POSTed, with a token, to a server that is not --read-only\n", status_code=403)
        return await sparql_update(request, params["update"][0])
    texts = params.get("query", [])
    browser = negotiate(request.headers.get("accept"), ["text/turtle", "text/html"]) == "text/html"
    if not texts:
        example = params.get("example", [None])[0]
        if example and example in library.library():
            return _form(request, library.library()[example].text)
        return _form(request) if browser else _service_description(request)
    if len(texts) > 1:
        return PlainTextResponse("give one query\n", status_code=400)
    text = texts[0]
    try:
        form = query_form(text)
    except ValueError as exc:
        return _form(request, text, 400, str(exc)) if browser else PlainTextResponse(f"{exc}\n", status_code=400)
    requested = (params.get("format") or [None])[0]
    if browser and not requested:
        return await _html_answer(request, text, form, params)
    media_type = _media_type(request, form, requested)
    if media_type is None or (media_type not in RESULT_FORMATS and media_type not in GRAPH_FORMATS):
        return PlainTextResponse("406: ask for " + ", ".join([*RESULT_FORMATS, *GRAPH_FORMATS]) + "\n", status_code=406)
    answer = await _run(request, text, media_type, params)
    headers = {"Vary": "Accept"}
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type, headers=headers)


async def _run(request: Request, text: str, media_type: str | None, params: dict[str, list[str]]):
    pool = request.app.state.query_pool()
    return await run_in_threadpool(
        pool.run, text, media_type=media_type, default_graphs=params.get("default-graph-uri"), named_graphs=params.get("named-graph-uri")
    )


async def _html_answer(request: Request, text: str, form: str, params: dict[str, list[str]]) -> HTMLResponse:
    """A browser's query: the form again, with the answer as a table (SELECT) or text."""
    media_type = "application/sparql-results+json" if form in ("SELECT", "ASK") else "text/turtle"
    answer = await _run(request, text, media_type, params)
    if answer.status != 200:
        return _form(request, text, answer.status, answer.body.decode("utf-8", "replace"))
    if form == "SELECT":
        data = json.loads(answer.body)
        head = data["head"]["vars"]
        rows = [[b.get(v, {}).get("value", "") for v in head] for b in data["results"]["bindings"]]
        table = (head, rows)
        raw = None
    else:
        table, raw = None, answer.body.decode("utf-8")
    html = request.app.state.render("sparql.html", request, text=text, examples=[], message="", table=table, raw=raw)
    return HTMLResponse(html)


@router.get("/queries", name="queries")
def named_queries(request: Request) -> Response:
    """The named queries: their titles, parameters and URLs (HTML or JSON)."""
    items = [
        {"name": q.name, "title_lv": q.title_lv, "title_en": q.title_en, "url": str(request.url_for("named_query", name=q.name)),
         "params": [{"name": p.name, "type": p.type, "default": p.default} for p in q.params]}
        for q in library.library().values()
    ]
    if negotiate(request.headers.get("accept"), ["application/json", "text/html"]) == "text/html":
        return _form(request)
    return Response(json.dumps(items, ensure_ascii=False, indent=1), media_type="application/json")


@router.get("/queries/{name}", name="named_query")
async def named_query(name: str, request: Request) -> Response:
    """A named query with its parameters from the URL (``?resource=r-05``), as HTML, JSON or CSV."""
    try:
        query = library.named(name)
        values = {k: v for k, v in request.query_params.items() if k not in ("format", "lang") or query.param(k)}
        bindings = library.bind(query, values, request.app.state.store)
    except library.QueryError as exc:
        return PlainTextResponse(f"{exc}\n", status_code=404 if "no named query" in str(exc) else 400)
    text = library.prepared(query, bindings)
    requested = request.query_params.get("format")
    offers = ["application/sparql-results+json", "text/csv", "text/html", "text/tab-separated-values", "application/sparql-results+xml"]
    chosen = SHORT.get(requested, requested) if requested else negotiate(request.headers.get("accept"), offers)
    if chosen == "text/html":
        return await _html_answer(request, text, query.form, {})
    if chosen not in RESULT_FORMATS:
        return PlainTextResponse("406: ask for " + ", ".join(RESULT_FORMATS) + " or text/html\n", status_code=406)
    answer = await _run(request, text, chosen, {})
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type, headers={"Vary": "Accept"})
