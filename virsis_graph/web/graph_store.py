"""``/graph-store``: the SPARQL 1.1 Graph Store Protocol for an institution's own named graphs, with a token.

A write (``PUT`` replaces a graph, ``POST`` adds to it, ``DELETE`` removes it)
needs ``Authorization: Bearer <token>`` (``virsis token create --org ID``), and
may only touch graphs under ``{base}graph/org/{ID}/`` and only describe that
institution's records: the institution itself, and records that name it as
their competent authority, managing institution, employer or parent — plus
the nodes those records point to (channels, costs, ...). Anything else is
refused with 403, naming what is out of scope; a missing or unknown token gets
401. ``GET`` reads a graph (public data only, as the rest of the site). After a
write the public mirror, the search index, the dumps and the scorecard are
made again. ``virsis serve --read-only`` has none of the write routes.
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from ..privacy import public_quads
from ..settings import base_iri
from ..store import GraphChange, RegisterError
from ..tokens import Token, TokenError, TokenFile

BELONGS = {
    "http://data.europa.eu/m8g/hasCompetentAuthority",
    "https://w3id.org/virsis/ontology#managingInstitution",
    "http://www.w3.org/ns/org#memberOf",
    "http://www.w3.org/ns/org#subOrganizationOf",
}
FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
MAX_BODY = 10_000_000

read_router = APIRouter()
write_router = APIRouter()


def _graph(request: Request) -> str | None:
    graph = request.query_params.get("graph", "")
    try:
        return ox.NamedNode(graph).value if graph else None
    except ValueError:
        return None


@read_router.get("/graph-store")
def read_graph(request: Request) -> Response:
    """A named graph's public statements, as Turtle."""
    graph = _graph(request)
    if graph is None:
        return PlainTextResponse("give ?graph=IRI\n", status_code=400)
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in public_quads(request.app.state.store, [graph])]
    if not triples:
        return request.app.state.not_found(request, f"/graph-store?graph={graph}")
    return Response(ox.serialize(triples, format=ox.RdfFormat.TURTLE), media_type="text/turtle")


def _token(request: Request) -> Token | Response:
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return PlainTextResponse("a write needs Authorization: Bearer <token> (virsis token create --org ID)\n", status_code=401, headers={"WWW-Authenticate": "Bearer"})
    try:
        token = TokenFile(request.app.state.tokens_file).verify(secret.strip())
    except TokenError as exc:
        return PlainTextResponse(f"{exc}\n", status_code=500)
    if token is None:
        return PlainTextResponse("the token is unknown or revoked\n", status_code=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return token


PRIMARY = {"service", "resource", "organisation", "person", "need", "life-situation", "role-assignment"}
"""Records that belong to an institution only through a link of :data:`BELONGS` (needs and life
situations belong to no institution, so no institution's token may write them)."""


def out_of_scope(triples: list[ox.Triple], organisation: str, store) -> list[str]:
    """The register records among the subjects of ``triples`` that are not ``organisation``'s (sorted).

    A record of a :data:`PRIMARY` kind must be the institution or link to it by
    :data:`BELONGS` (in ``triples`` or in the store); another record (a channel,
    a cost, ...) must be pointed to by one that belongs.
    """
    records = base_iri() + "id/"
    org = ox.NamedNode(organisation)
    belonging = {org}
    claimed = {t.subject for t in triples if t.predicate.value in BELONGS and t.object == org}
    for subject in {t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}:
        stored = store.describe([subject])
        if stored:
            # A record the register already holds belongs by what the register says,
            # so that a payload cannot claim another institution's record.
            if any(q.predicate.value in BELONGS and q.object == org for q in stored):
                belonging.add(subject)
        elif subject in claimed:
            belonging.add(subject)
    pointed = {t.object for t in triples if t.subject in belonging}
    bad = set()
    for t in triples:
        subject = t.subject
        if not isinstance(subject, ox.NamedNode) or not subject.value.startswith(records) or subject in belonging:
            continue
        kind = subject.value[len(records):].split("/", 1)[0]
        if kind in PRIMARY or subject not in pointed:
            bad.add(subject.value)
    return sorted(bad)


async def _write(request: Request, replace: bool, delete: bool = False) -> Response:
    token = _token(request)
    if isinstance(token, Response):
        return token
    graph = _graph(request)
    prefix = f"{base_iri()}graph/org/{token.organisation.rsplit('/', 1)[1]}/"
    if graph is None or not graph.startswith(prefix) or len(graph) == len(prefix):
        return PlainTextResponse(f"this token writes only graphs under {prefix} (give ?graph={prefix}NAME)\n", status_code=403)
    store = request.app.state.store
    if delete:
        existed = store.count(graph)
        await run_in_threadpool(store.apply, [GraphChange(graph, replace=True)])
        request.app.state.changed()
        return Response(status_code=204 if existed else 404)
    body = await request.body()
    if len(body) > MAX_BODY:
        return PlainTextResponse(f"the request body is larger than {MAX_BODY} bytes\n", status_code=413)
    kind = request.headers.get("content-type", "text/turtle").split(";")[0].strip().lower()
    if kind not in FORMATS:
        return PlainTextResponse("send " + ", ".join(FORMATS) + "\n", status_code=415)
    try:
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=FORMATS[kind], base_iri=base_iri())]
    except SyntaxError as exc:
        return PlainTextResponse(f"the body is not valid {kind}: {exc}\n", status_code=400)
    bad = out_of_scope(triples, token.organisation, store)
    if bad:
        return PlainTextResponse(f"the token of {token.organisation} may not describe: {', '.join(bad[:20])}\n", status_code=403)
    existed = store.count(graph) > 0
    try:
        await run_in_threadpool(store.apply, [GraphChange(graph, add=triples, replace=replace)])
    except RegisterError as exc:
        return PlainTextResponse(f"{exc}\n", status_code=500)
    request.app.state.changed()
    return Response(status_code=204 if existed else 201)


@write_router.put("/graph-store")
async def put_graph(request: Request) -> Response:
    """Replace a graph of the token's institution."""
    return await _write(request, replace=True)


@write_router.post("/graph-store")
async def post_graph(request: Request) -> Response:
    """Add statements to a graph of the token's institution."""
    return await _write(request, replace=False)


@write_router.delete("/graph-store")
async def delete_graph(request: Request) -> Response:
    """Remove a graph of the token's institution."""
    return await _write(request, replace=True, delete=True)


def _ox(term) -> ox.NamedNode | ox.Literal:
    """An rdflib term of an update's data as a pyoxigraph term (no blank nodes: they cannot be scoped)."""
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype))) if term.datatype else ox.Literal(str(term))
    raise ValueError("blank nodes cannot be written through the endpoint: give every node an IRI")


async def sparql_update(request: Request, text: str) -> Response:
    """``INSERT DATA`` / ``DELETE DATA`` into the token's own graphs, checked as a Graph Store write is."""
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    token = _token(request)
    if isinstance(token, Response):
        return token
    try:
        operations = translateUpdate(parseUpdate(text)).algebra
    except Exception as exc:  # rdflib raises pyparsing's own exception types
        return PlainTextResponse(f"the update is not valid SPARQL: {exc}\n", status_code=400)
    prefix = f"{base_iri()}graph/org/{token.organisation.rsplit('/', 1)[1]}/"
    adds: dict[str, list[ox.Triple]] = {}
    removes: dict[str, list[ox.Triple]] = {}
    for op in operations:
        if op.name not in ("InsertData", "DeleteData"):
            return PlainTextResponse("only INSERT DATA and DELETE DATA are served: the register is changed by data, not by patterns\n", status_code=400)
        if op.triples:
            return PlainTextResponse(f"name the graph: INSERT DATA {{ GRAPH <{prefix}NAME> {{ ... }} }}\n", status_code=400)
        target = adds if op.name == "InsertData" else removes
        for graph, triples in (op.quads or {}).items():
            if not str(graph).startswith(prefix) or str(graph) == prefix:
                return PlainTextResponse(f"this token writes only graphs under {prefix}\n", status_code=403)
            try:
                target.setdefault(str(graph), []).extend(ox.Triple(_ox(s), _ox(p), _ox(o)) for s, p, o in triples)
            except ValueError as exc:
                return PlainTextResponse(f"{exc}\n", status_code=400)
    store = request.app.state.store
    bad = out_of_scope([t for triples in (*adds.values(), *removes.values()) for t in triples], token.organisation, store)
    if bad:
        return PlainTextResponse(f"the token of {token.organisation} may not describe: {', '.join(bad[:20])}\n", status_code=403)
    changes = [GraphChange(g, add=adds.get(g, []), remove=removes.get(g, [])) for g in sorted({*adds, *removes})]
    try:
        await run_in_threadpool(store.apply, changes)
    except RegisterError as exc:
        return PlainTextResponse(f"{exc}\n", status_code=500)
    request.app.state.changed()
    return Response(status_code=204)
