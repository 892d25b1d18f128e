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

What the protocol leaves to the service, decided here (tests/test_sparql_protocol.py
runs the W3C SPARQL 1.1 Protocol tests against it):

- the dataset: the one the request gives (``default-graph-uri`` /
  ``named-graph-uri``), else the query's own ``FROM`` / ``FROM NAMED``, else
  the union of every public graph as the default graph and each of them as a
  named graph. A dataset with named graphs and no default graph has an empty
  default graph, as ``FROM NAMED`` alone has;
- the base IRI against which relative IRIs in a query or update resolve: the
  register's base (``VIRSIS_BASE``), so ``<id/service/s-01>`` is a record;
- SPARQL text is UTF-8: another ``charset`` gets 415, bytes that are not UTF-8
  get 400; an update comes in the body of a POST, never in the URL;
- every error says what is wrong in Latvian, then in English (``lv / en``).
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from .. import queries as library
from ..settings import base_iri
from ..sparql import explained, query_form, unshift
from .graph_store import sparql_update
from .negotiation import negotiate
from .query_pool import GRAPH_FORMATS, RESULT_FORMATS, Answer

router = APIRouter()

SHORT = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
    "tsv": "text/tab-separated-values", "ttl": "text/turtle", "turtle": "text/turtle", "nt": "application/n-triples",
    "jsonld": "application/ld+json", "rdf": "application/rdf+xml",
}
MAX_BODY = 100_000
"""Bytes a POSTed query may have; a larger body gets 413."""

QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
FORM_TYPE = "application/x-www-form-urlencoded"

EMPTY_DEFAULT_GRAPH = "urn:x-virsis:empty-default-graph"
"""A graph no part of VIRSIS writes to (imports and tokens write under ``{base}graph/``), standing
for the empty default graph of a dataset given with named graphs only: the query pool takes a
list of default graphs, and an empty list there means the union of all graphs."""

SD = "http://www.w3.org/ns/sparql-service-description#"


def _error(lv: str, en: str, status: int, headers: dict[str, str] | None = None) -> PlainTextResponse:
    """A plain-text error, Latvian first."""
    return PlainTextResponse(f"{lv} / {en}\n", status_code=status, headers=headers)


def _prologue() -> str:
    """What is put before every query and update sent on: the service's base IRI, on a line of its own."""
    return f"BASE <{base_iri()}>\n"


def _unshift(message: str) -> str:
    """An error message about the text as sent on, with its positions moved back to the text as the client wrote it."""
    return unshift(message, _prologue())


def _latvian_first(text: str, fallback: str) -> str:
    """``text`` as it is when it is already ``lv / en``, else with ``fallback`` as its Latvian lead."""
    text = text.strip()
    return (text if " / " in text.split("\n", 1)[0] else f"{fallback} / {text}") + "\n"


def relayed(text: str, fallback: str) -> str:
    """An error from the query pool or the update writer about what was sent on: its positions unshifted,
    Latvian first (they write ``lv / en`` themselves; ``fallback`` leads a message that is not)."""
    return _latvian_first(_unshift(text), fallback)


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
    """The media type to answer in: asked for by ``format`` or ``Accept``, and one that ``form`` has (else None)."""
    offers = list(RESULT_FORMATS) if form in ("SELECT", "ASK") else list(GRAPH_FORMATS)
    if requested:
        wanted = SHORT.get(requested.lower(), requested)
        return wanted if wanted in offers else None
    return negotiate(request.headers.get("accept"), offers)


async def _params(request: Request) -> dict[str, list[str]] | Response:
    """The protocol's parameters: the URL's, and for a POST those of its body (a form, a query or an update)."""
    params = {k: request.query_params.getlist(k) for k in request.query_params.keys()}
    if request.method != "POST":
        return params
    too_large = _error(f"pieprasījuma ķermenis ir lielāks par {MAX_BODY} baitiem", f"the request body is larger than {MAX_BODY} bytes", 413)
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_BODY:
        return too_large
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return too_large
    kind, _, options = request.headers.get("content-type", "").partition(";")
    kind = kind.strip().lower()
    if kind not in (QUERY_TYPE, UPDATE_TYPE, FORM_TYPE):
        return _error(
            f"vaicājumu sūtiet kā {QUERY_TYPE} vai {FORM_TYPE}, izmaiņas kā {UPDATE_TYPE} vai {FORM_TYPE}",
            f"POST a query as {QUERY_TYPE} or {FORM_TYPE}, an update as {UPDATE_TYPE} or {FORM_TYPE}", 415)
    for option in options.split(";"):
        name, _, value = option.partition("=")
        charset = value.strip().strip('"')
        if name.strip().lower() == "charset" and charset.lower() not in ("utf-8", "utf8"):
            return _error(f"SPARQL tekstam jābūt UTF-8 kodējumā, nevis {charset}", f"SPARQL text must be encoded in UTF-8, not {charset}", 415)
    form: dict[str, list[str]] = {}
    try:
        text = body.decode("utf-8-sig")
        if kind == FORM_TYPE:
            form = parse_qs(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return _error("pieprasījuma ķermenis nav derīgs UTF-8 teksts", "the request body is not valid UTF-8 text", 400)
    if kind == QUERY_TYPE:
        params["query"] = [text]
    elif kind == UPDATE_TYPE:
        params["update"] = [text]
    else:
        for key, values in form.items():
            params.setdefault(key, []).extend(values)
    return params


_LEXEMES = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
"""Strings, IRIs and comments: where the word FROM is not a keyword."""
_FROM = re.compile(r"(?<![\w:?$])FROM\s+(?:NAMED\s+)?(?:<|[A-Za-z_][\w.-]*:|:)", re.IGNORECASE)


def _has_dataset_clause(text: str) -> bool:
    """Whether a query has a ``FROM`` or ``FROM NAMED`` clause (not the word in a comment, string or IRI)."""
    bare = _LEXEMES.sub(lambda m: "<>" if m.group(0).startswith("<") else ("" if m.group(0).startswith("#") else '""'), text)
    return _FROM.search(bare) is not None


def _query_dataset(sent: str) -> tuple[list[str], list[str]]:
    """The graphs of the ``FROM`` and of the ``FROM NAMED`` clauses of the query ``sent`` (with its prologue).

    Read with rdflib's parser, which resolves prefixed names and relative IRIs.
    A query it cannot read runs as if it had none: pyoxigraph reports the syntax
    error of an invalid one, and a valid one in syntax newer than rdflib's
    (SPARQL 1.2) runs over the union.
    """
    if not _has_dataset_clause(sent):
        return [], []  # nearly every query: rdflib's parse costs some 50 ms, the check microseconds
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        clauses = translateQuery(parseQuery(sent)).algebra.get("datasetClause") or []
    except Exception:  # rdflib raises pyparsing's own exception types
        return [], []
    return [str(c["default"]) for c in clauses if "default" in c], [str(c["named"]) for c in clauses if "named" in c]


def _bad_graph(params: dict[str, list[str]]) -> Response | None:
    """400 for a ``default-graph-uri`` or ``named-graph-uri`` that is not an IRI."""
    for name in ("default-graph-uri", "named-graph-uri"):
        for value in params.get(name, []):
            try:
                ox.NamedNode(value)
            except ValueError:
                return _error(f"{name} vērtība {value!r} nav derīgs IRI", f"the {name} value {value!r} is not a valid IRI", 400)
    return None


@router.api_route("/sparql", methods=["GET", "POST"], name="sparql")
async def sparql(request: Request) -> Response:
    """The SPARQL 1.1 Protocol endpoint."""
    params = await _params(request)
    if isinstance(params, Response):
        return params
    if "update" in request.query_params:
        return _error("izmaiņas (update) sūta POST pieprasījuma ķermenī, nevis URL", "an update is POSTed in the request body, not given in the URL", 400)
    updates, texts = params.get("update", []), params.get("query", [])
    if updates and texts:
        return _error("dodiet vai nu vaicājumu (query), vai izmaiņas (update), ne abus", "give a query or an update, not both", 400)
    if updates:
        return await _update(request, updates)
    browser = negotiate(request.headers.get("accept"), ["text/turtle", "text/html"]) == "text/html"
    if not texts:
        example = params.get("example", [None])[0]
        if example and example in library.library():
            return _form(request, library.library()[example].text)
        return _form(request) if browser else _service_description(request)
    if len(texts) > 1:
        return _error("dodiet vienu vaicājumu (query)", "give one query", 400)
    if (bad := _bad_graph(params)) is not None:
        return bad
    text = texts[0]
    try:
        form = query_form(text)
    except ValueError as exc:
        message = str(exc)  # Latvian first already
        return _form(request, text, 400, message) if browser else PlainTextResponse(f"{message}\n", status_code=400)
    requested = (params.get("format") or [None])[0]
    if browser and not requested:
        return await _html_answer(request, text, form, params)
    media_type = _media_type(request, form, requested)
    if media_type is None:
        offers = ", ".join(RESULT_FORMATS if form in ("SELECT", "ASK") else GRAPH_FORMATS)
        return _error(f"406: {form} atbildi var saņemt kā {offers}", f"406 Not Acceptable: a {form} answer comes as {offers}", 406)
    answer = await _run(request, text, media_type, params)
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type, headers={"Vary": "Accept"})


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
def other_method(request: Request) -> Response:
    """405 for any method the protocol does not use, with ``Allow`` naming the two it does."""
    return _error(
        f"metode {request.method} šeit nav atļauta: vaicājumus sūta ar GET vai POST, izmaiņas ar POST",
        f"method {request.method} is not allowed here: queries are sent by GET or POST, updates by POST",
        405, headers={"Allow": "GET, POST"})


async def _update(request: Request, updates: list[str]) -> Response:
    """One update, POSTed to a server that takes writes, on to the token-checked writer; its errors in Latvian too."""
    if len(updates) > 1:
        return _error("dodiet vienu izmaiņu pieprasījumu (update)", "give one update", 400)
    if request.app.state.read_only:
        return _error("šis serveris ir tikai lasāms (--read-only): izmaiņas tas nepieņem", "this server is read-only (--read-only): it takes no updates", 403)
    response = await sparql_update(request, _prologue() + updates[0])
    if response.status_code < 400 or not (response.media_type or "").startswith("text/plain"):
        return response  # a success, or a SHACL report in Turtle
    text = relayed(bytes(response.body).decode("utf-8", "replace"), "izmaiņas netika pieņemtas")
    kept = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
    return PlainTextResponse(text, status_code=response.status_code, headers=kept)


async def _run(request: Request, text: str, media_type: str | None, params: dict[str, list[str]]) -> Answer:
    """The pool's answer to the query ``text`` over the dataset of the request or of the query; errors in Latvian too."""
    sent = _prologue() + text
    default, named = params.get("default-graph-uri", []), params.get("named-graph-uri", [])
    if not default and not named:
        # The pool takes no default graph to mean the union of all, whatever the query's
        # FROM says, so the query's own dataset is handed to it as if the request gave it.
        default, named = _query_dataset(sent)
    if named and not default:
        default = [EMPTY_DEFAULT_GRAPH]
    pool = request.app.state.query_pool()
    answer = await run_in_threadpool(pool.run, sent, media_type=media_type, default_graphs=default or None, named_graphs=named or None)
    if answer.status < 400:
        return answer
    # Placed in the query as the client wrote it, an unknown prefix named (as `virsis query` says it).
    said = _latvian_first(explained(answer.body.decode("utf-8", "replace"), text, _prologue()), "vaicājumu neizdevās izpildīt")
    return Answer(answer.status, said.encode("utf-8"), "text/plain; charset=utf-8")


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
    except library.QueryError:
        if negotiate(request.headers.get("accept"), ["text/plain", "text/html"]) == "text/html":
            return request.app.state.not_found(request, request.url.path)  # the site's own page, as for any other 404
        return _error(f"nosauktā vaicājuma {name!r} nav: /queries tos uzskaita", f"no named query {name!r}: /queries lists them", 404)
    try:
        values = {k: v for k, v in request.query_params.items() if k not in ("format", "lang") or query.param(k)}
        bindings = library.bind(query, values, request.app.state.store)
    except library.QueryError as exc:
        return PlainTextResponse(_latvian_first(str(exc), "vaicājuma parametri nav derīgi"), status_code=400)
    text = library.prepared(query, bindings)
    requested = request.query_params.get("format")
    offers = ["application/sparql-results+json", "text/csv", "text/html", "text/tab-separated-values", "application/sparql-results+xml"]
    chosen = SHORT.get(requested, requested) if requested else negotiate(request.headers.get("accept"), offers)
    if chosen == "text/html":
        return await _html_answer(request, text, query.form, {})
    if chosen not in RESULT_FORMATS:
        offered = ", ".join(RESULT_FORMATS) + ", text/html"
        return _error(f"406: nosauktā vaicājuma atbildi var saņemt kā {offered}", f"406 Not Acceptable: ask for {offered}", 406)
    answer = await _run(request, text, chosen, {})
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type, headers={"Vary": "Accept"})
