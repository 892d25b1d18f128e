"""Dereferenceable records: ``/id/{kind}/{identifier}`` in HTML, Turtle, N-Triples, JSON-LD and RDF/XML.

The choice (documented in the README): a record's URL answers directly in the
negotiated format, with ``Vary: Accept``, a ``Content-Location`` naming the
format's own URL (``/id/service/s-01.ttl``), ``Link`` headers to every
alternate, and a strong ``ETag`` (``If-None-Match`` gives 304). No 303
redirect: the records are documents about public services, not the services
themselves, and one round trip is kinder to harvesters. ``*/*`` (curl, most
RDF tools) gets Turtle; browsers ask for HTML and get it.

What is served is the record's own statements, from every graph, with
personal data removed (:mod:`virsis_graph.privacy`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ..namespaces import PREFIXES
from ..privacy import PERSON, RDF_TYPE, public
from ..records import IDENTIFIER
from ..settings import base_iri
from ..store import Store
from .. import trace
from ..queries import QueryError
from .diagram import chain_svg
from .negotiation import negotiate
from .schema_org import government_service, script_json


@dataclass(frozen=True)
class Format:
    extension: str
    media_type: str
    rdf: ox.RdfFormat | None


FORMATS = (
    Format("ttl", "text/turtle", ox.RdfFormat.TURTLE),
    Format("html", "text/html", None),
    Format("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
    Format("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    Format("rdf", "application/rdf+xml", ox.RdfFormat.RDF_XML),
)
BY_EXTENSION = {f.extension: f for f in FORMATS}
BY_MEDIA_TYPE = {f.media_type: f for f in FORMATS}
KIND = re.compile(r"[a-z][a-z-]{0,39}")

router = APIRouter()


def record_triples(store: Store, iri: ox.NamedNode) -> list[ox.Triple]:
    """The public statements about ``iri``: its own, from every graph, without personal data."""
    triples = list(dict.fromkeys(store.describe([iri])))
    person = ox.Triple(iri, ox.NamedNode(RDF_TYPE), ox.NamedNode(PERSON)) in triples
    return public(triples, {iri} if person else None)


def _split(kind: str, name: str, store: Store) -> tuple[ox.NamedNode, Format | None, list[ox.Triple]] | None:
    """The record a path names, the format its extension asks for (if any), and its triples."""
    candidates = [(name, None)]
    stem, dot, extension = name.rpartition(".")
    if dot and extension in BY_EXTENSION:
        candidates.insert(0, (stem, BY_EXTENSION[extension]))  # an identifier may itself contain '.'
    for identifier, fmt in candidates:
        if not KIND.fullmatch(kind) or not IDENTIFIER.fullmatch(identifier):
            continue
        iri = ox.NamedNode(f"{base_iri()}id/{kind}/{identifier}")
        triples = record_triples(store, iri)
        if triples:
            return iri, fmt, triples
    return None


def schema_org(store: Store, iri: ox.NamedNode, triples: list[ox.Triple], lang: str, label) -> str | None:
    """The page's schema.org JSON-LD (services only), ready to embed."""
    data = government_service(store, iri, triples, lang, label)
    return script_json(data) if data else None


def chain_picture(store: Store, kind: str, identifier: str, lang: str) -> str | None:
    """The SVG of a record's chain: down from a life situation, need or service, up from a resource."""
    records = base_iri()

    def link(key: str) -> str | None:
        return f"/{key[len(records):]}?lang={lang}" if key.startswith(records + "id/") else None

    try:
        if kind in trace.TRACE_KINDS:
            chain = trace.trace(store, kind, identifier, lang)
        elif kind == "resource":
            chain = trace.impact(store, identifier, lang)
        else:
            return None
    except QueryError:
        return None
    return chain_svg(chain, lang, link) if chain.edges else None


@router.get("/id/{kind}/{name}", name="record")
def record(kind: str, name: str, request: Request) -> Response:
    """A register record in the format the request asks for."""
    store: Store = request.app.state.store
    found = _split(kind, name, store)
    if found is None:
        return request.app.state.not_found(request, f"/id/{kind}/{name}")
    iri, fmt, triples = found
    identifier = iri.value.rsplit("/", 1)[1]
    path = f"/id/{kind}/{identifier}"
    headers = {"Vary": "Accept", "Link": ", ".join(f'<{path}.{f.extension}>; rel="alternate"; type="{f.media_type}"' for f in FORMATS)}
    if fmt is None:
        chosen = negotiate(request.headers.get("accept"), [f.media_type for f in FORMATS])
        if chosen is None:
            offered = ", ".join(f.media_type for f in FORMATS)
            return Response(f"406 Not Acceptable: this record is offered as {offered}\n", status_code=406, media_type="text/plain", headers=headers)
        fmt = BY_MEDIA_TYPE[chosen]
        headers["Content-Location"] = f"{path}.{fmt.extension}"
    if fmt.rdf is None:
        lang = request.app.state.language(request)
        diagram = chain_picture(store, kind, identifier, lang)
        render = request.app.state.render
        body = render("record.html", request, iri=iri, kind=kind, identifier=identifier, triples=triples,
                      schema_org=lambda lang, label: schema_org(store, iri, triples, lang, label), diagram=diagram).encode("utf-8")
        media_type = "text/html; charset=utf-8"
    else:
        prefixes = {**PREFIXES, "id": base_iri() + "id/"} if fmt.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
        body = ox.serialize(sorted(triples, key=str), format=fmt.rdf, prefixes=prefixes)
        media_type = fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers["ETag"] = etag
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    response_class = HTMLResponse if fmt.rdf is None else Response
    return response_class(body, media_type=media_type, headers=headers)
