"""``/graph-store``: the SPARQL 1.1 Graph Store Protocol for an institution's own named graphs, with a token.

A write (``PUT`` replaces a graph, ``POST`` adds to it, ``DELETE`` removes it)
needs ``Authorization: Bearer <token>`` (``virsis token create --org ID``), and
may only touch graphs under ``{base}graph/org/{ID}/`` and only describe that
institution's records: the institution itself, and records that name it as
their competent authority, managing institution, employer or parent — plus
the nodes those records point to (channels, costs, ...). Anything else is
refused with 403, naming what is out of scope; a missing or unknown token gets
401. ``GET`` reads a graph (public data only, as the rest of the site).

Every write (and every SPARQL Update, :func:`sparql_update`) is validated
before it is made, as ``virsis import`` validates an import: the records it
touches, as they will be after it, in their neighbourhood in the register,
against every shape; a violation refuses the whole write with 422 and a SHACL
validation report (Turtle when ``Accept`` asks for it, else a text listing each
focus node, path and message), and the store stays exactly as it was;
warnings do not refuse. Writes are made one at a time. After a write the public
mirror takes its delta at once (:meth:`~virsis_graph.web.query_pool.QueryPool.refresh`),
and the search index, the dumps and the scorecard are made again when next
asked for. ``virsis serve --read-only`` has none of the write routes.
"""

from __future__ import annotations

from itertools import chain

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from ..changes import Write, plan_write, touched, validate_after
from ..privacy import public_quads
from ..settings import base_iri
from ..store import GraphChange, RegisterError, Store
from ..tokens import Token, TokenError, TokenFile
from ..validation import Report
from .negotiation import negotiate

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


def plain_error(lv: str, en: str, status: int, headers: dict[str, str] | None = None) -> PlainTextResponse:
    """A plain-text error, Latvian first."""
    return PlainTextResponse(f"{lv} / {en}\n", status_code=status, headers=headers)


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
        return plain_error("norādiet ?graph=IRI", "give ?graph=IRI", 400)
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in public_quads(request.app.state.store, [graph])]
    if not triples:
        return request.app.state.not_found(request, f"/graph-store?graph={graph}")
    return Response(ox.serialize(triples, format=ox.RdfFormat.TURTLE), media_type="text/turtle")


def token_of(request: Request) -> Token | Response:
    """The write token of ``request``'s ``Authorization: Bearer``, or the 401 (or 500) answer to give."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return plain_error(
            "rakstīšanai vajag galveni Authorization: Bearer <žetons> (virsis token create --org ID)",
            "a write needs Authorization: Bearer <token> (virsis token create --org ID)", 401, {"WWW-Authenticate": "Bearer"})
    try:
        token = TokenFile(request.app.state.tokens_file).verify(secret.strip())
    except TokenError as exc:
        return plain_error("žetonu failu nevar nolasīt", f"the token file cannot be read: {exc}", 500)
    if token is None:
        return plain_error("žetons nav zināms vai ir atsaukts", "the token is unknown or revoked", 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return token


PRIMARY = {"service", "resource", "organisation", "person", "need", "life-situation", "role-assignment"}
"""Records that belong to an institution only through a link of :data:`BELONGS` (needs and life
situations belong to no institution, so no institution's token may write them)."""


def _primary(node: object) -> bool:
    """Whether ``node`` is a register record of a :data:`PRIMARY` kind (not a channel, a cost, ...)."""
    records = base_iri() + "id/"
    return isinstance(node, ox.NamedNode) and node.value.startswith(records) and node.value[len(records):].split("/", 1)[0] in PRIMARY


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
        if _primary(subject) or subject not in pointed:
            bad.add(subject.value)
    return sorted(bad)


# ---------------------------------------------------------------------------
# Validation: the records a write touches, as they will be after it
# ---------------------------------------------------------------------------


def validate_write(store: Store, write: Write) -> Report | None:
    """Validate the records ``write`` touches, as they will be after it, in their neighbourhood; None when it touches none.

    As ``virsis import`` validates an import it cannot read back before it
    commits (:func:`~virsis_graph.changes.validate_after`): results about a
    part are filed under the records that will own it, so a write is not
    refused for a defect of a template another record owns.
    """
    focus = touched(store, {q.subject for q in chain(write.added, write.removed)}, write).nodes
    if not focus:
        return None
    return validate_after(store, write, focus)


def refusal(request: Request, report: Report) -> Response:
    """422 with the SHACL validation report: Turtle when asked for, else each violation's focus node, path and message."""
    if negotiate(request.headers.get("accept"), ["text/plain", "text/turtle"]) == "text/turtle":
        return Response(report.graph.serialize(format="turtle"), status_code=422, media_type="text/turtle")
    lines = [
        f"ieraksts neatbilst reģistra formām (SHACL), nekas netika ierakstīts: {report.count('violation')} pārkāpumi / "
        f"the write does not conform to the register's shapes (SHACL), nothing was written: {report.count('violation')} violations"
    ]
    for r in report.results:
        if r.severity == "violation":
            lv, en = r.text("lv"), r.text("en")
            lines.append(f"- {r.focus} {r.path or '-'}: {lv if lv == en else f'{lv} / {en}'}")
    return PlainTextResponse("\n".join(lines) + "\n", status_code=422)


def _commit(app, changes: list[GraphChange]) -> tuple[Write, Report | None]:
    """Validate and make ``changes``; the write and, when it was refused, the report that refused it.

    Runs in a worker thread, one write at a time: each write is validated against
    the register it changes, and the mirror takes the deltas in order.
    """
    with app.state.write_lock:
        return commit_locked(app, changes)


def commit_locked(app, changes: list[GraphChange]) -> tuple[Write, Report | None]:
    """:func:`_commit` for a caller that holds ``app.state.write_lock`` (and planned ``changes`` under it)."""
    store = app.state.store
    write = plan_write(store, changes)
    report = validate_write(store, write)
    if report is not None and not report.conforms("violation"):
        return write, report
    made = write.changes()
    if made:
        store.apply(made)
        app.state.changed(write.added, write.removed)
    return write, None


# ---------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------


def scope_prefix(token: Token) -> str:
    return f"{base_iri()}graph/org/{token.organisation.rsplit('/', 1)[1]}/"


def out_of_scope_error(token: Token, bad: list[str]) -> Response:
    listed = ", ".join(bad[:20])
    return plain_error(f"{token.organisation} žetons nedrīkst aprakstīt: {listed}", f"the token of {token.organisation} may not describe: {listed}", 403)


async def _write(request: Request, replace: bool, delete: bool = False) -> Response:
    token = token_of(request)
    if isinstance(token, Response):
        return token
    graph = _graph(request)
    prefix = scope_prefix(token)
    if graph is None or not graph.startswith(prefix) or len(graph) == len(prefix):
        return plain_error(
            f"šis žetons raksta tikai grafos zem {prefix} (norādiet ?graph={prefix}NOSAUKUMS)",
            f"this token writes only graphs under {prefix} (give ?graph={prefix}NAME)", 403)
    store = request.app.state.store
    if delete:
        changes = [GraphChange(graph, replace=True)]
    else:
        body = await request.body()
        if len(body) > MAX_BODY:
            return plain_error(f"pieprasījuma ķermenis ir lielāks par {MAX_BODY} baitiem", f"the request body is larger than {MAX_BODY} bytes", 413)
        kind = request.headers.get("content-type", "text/turtle").split(";")[0].strip().lower()
        if kind not in FORMATS:
            return plain_error("sūtiet " + ", ".join(FORMATS), "send " + ", ".join(FORMATS), 415)
        try:
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=FORMATS[kind], base_iri=base_iri())]
        except SyntaxError as exc:
            return plain_error(f"ķermenis nav derīgs {kind}", f"the body is not valid {kind}: {exc}", 400)
        bad = out_of_scope(triples, token.organisation, store)
        if bad:
            return out_of_scope_error(token, bad)
        changes = [GraphChange(graph, add=triples, replace=replace)]
    try:
        write, refused = await run_in_threadpool(_commit, request.app, changes)
    except RegisterError as exc:
        return plain_error("reģistrā neizdevās ierakstīt", f"the register could not be written: {exc}", 500)
    if refused is not None:
        return refusal(request, refused)
    existed = bool(write.before[graph])
    if delete and not existed:
        return plain_error(f"grafa {graph} nav", f"no graph {graph}", 404)
    # 201 only for a graph that now is: an empty body leaves none to GET (the store keeps no empty graphs).
    return Response(status_code=201 if write.after[graph] and not existed else 204)


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
    raise ValueError("tukšos mezglus caur galapunktu ierakstīt nevar / blank nodes cannot be written through the endpoint")


async def sparql_update(request: Request, text: str) -> Response:
    """``INSERT DATA`` / ``DELETE DATA`` into the token's own graphs, checked and validated as a Graph Store write is.

    The operations are made in order (``DELETE DATA`` then ``INSERT DATA`` of the
    same statement leaves it there, the other way round leaves it out), and all
    of them or none.
    """
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    token = token_of(request)
    if isinstance(token, Response):
        return token
    try:
        operations = translateUpdate(parseUpdate(text)).algebra
    except Exception as exc:  # rdflib raises pyparsing's own exception types
        return plain_error("izmaiņu pieprasījums nav derīgs SPARQL", f"the update is not valid SPARQL: {exc}", 400)
    prefix = scope_prefix(token)
    changes: list[GraphChange] = []  # one per operation and graph, in order: a later one sees the earlier ones
    for op in operations:
        if op.name not in ("InsertData", "DeleteData"):
            return plain_error(
                "pieņem tikai INSERT DATA un DELETE DATA: reģistru maina ar datiem, nevis ar šabloniem",
                "only INSERT DATA and DELETE DATA are served: the register is changed by data, not by patterns", 400)
        if op.triples:
            example = f"INSERT DATA {{ GRAPH <{prefix}NAME> {{ ... }} }}"
            return plain_error(f"norādiet grafu: {example}", f"name the graph: {example}", 400)
        for graph, triples in (op.quads or {}).items():
            if not str(graph).startswith(prefix) or str(graph) == prefix:
                return plain_error(f"šis žetons raksta tikai grafos zem {prefix}", f"this token writes only graphs under {prefix}", 403)
            try:
                made = [ox.Triple(_ox(s), _ox(p), _ox(o)) for s, p, o in triples]
            except ValueError:
                return plain_error(
                    "tukšos mezglus caur galapunktu ierakstīt nevar: dodiet katram mezglam IRI",
                    "blank nodes cannot be written through the endpoint: give every node an IRI", 400)
            changes.append(GraphChange(str(graph), add=made) if op.name == "InsertData" else GraphChange(str(graph), remove=made))
    store = request.app.state.store
    bad = out_of_scope([t for change in changes for t in (*change.add, *change.remove)], token.organisation, store)
    if bad:
        return out_of_scope_error(token, bad)
    try:
        _, refused = await run_in_threadpool(_commit, request.app, changes)
    except RegisterError as exc:
        return plain_error("reģistrā neizdevās ierakstīt", f"the register could not be written: {exc}", 500)
    if refused is not None:
        return refusal(request, refused)
    return Response(status_code=204)
