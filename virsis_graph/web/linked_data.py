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

import re
from collections.abc import Callable

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..namespaces import PREFIXES
from ..privacy import PERSON, RDF_TYPE, public
from ..records import IDENTIFIER
from ..settings import base_iri
from ..store import Store
from .. import trace
from ..queries import QueryError
from .diagram import Picture, draw
from .negotiation import Format, rdf_body, represent, split_extension
from .schema_org import government_service, script_json
from .terms import term_link
from .wording import Text, choose

KIND = re.compile(r"[a-z][a-z-]{0,39}")
# What names a record to a person, best first (a person has foaf:name, a concept skos:prefLabel).
TITLE_PREDICATES = ("http://purl.org/dc/terms/title", "http://xmlns.com/foaf/0.1/name",
                    "http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label")
# The register's main kinds of record, as the home page counts them (summary.py): a record's kind line
# names the first of these it is an instance of (through rdfs:subClassOf), else its own classes.
RECORD_CLASSES = tuple(ox.NamedNode(c) for c in (
    "https://w3id.org/virsis/ontology#LifeSituation", "https://w3id.org/virsis/ontology#Need",
    "https://w3id.org/virsis/ontology#Service", "https://w3id.org/virsis/ontology#Resource",
    "http://www.w3.org/ns/org#Organization", "http://xmlns.com/foaf/0.1/Person",
    "https://w3id.org/virsis/ontology#RoleAssignment",
))
LANGUAGE_ORDER = {"lv": 0, "en": 1}  # a property's values in Latvian first, then English, on every page

router = APIRouter()


def record_triples(store: Store, iri: ox.NamedNode) -> list[ox.Triple]:
    """The public statements about ``iri``: its own, from every graph, without personal data."""
    triples = list(dict.fromkeys(store.describe([iri])))
    person = ox.Triple(iri, ox.NamedNode(RDF_TYPE), ox.NamedNode(PERSON)) in triples
    return public(triples, {iri} if person else None)


def _split(kind: str, name: str, store: Store) -> tuple[ox.NamedNode, Format | None, list[ox.Triple]] | None:
    """The record a path names, the format its extension asks for (if any), and its triples."""
    for identifier, fmt in split_extension(name):
        if not KIND.fullmatch(kind) or not IDENTIFIER.fullmatch(identifier):
            continue
        iri = ox.NamedNode(f"{base_iri()}id/{kind}/{identifier}")
        triples = record_triples(store, iri)
        if triples:
            return iri, fmt, triples
    return None


def titles_of(store: Store, iris: list[ox.NamedNode]) -> dict[str, dict[str, str]]:
    """``{IRI: {language: title}}`` of records (``""`` for a title without language), from :data:`TITLE_PREDICATES`, best first."""
    found: dict[str, dict[str, str]] = {}
    wanted = list(dict.fromkeys(iris))
    for start in range(0, len(wanted), 100):
        # IRIs were validated by ox.NamedNode and are written in its own syntax. One VALUES
        # of (subject, predicate) pairs: two separate VALUES made oxigraph read every
        # title in the register (0.8 s at 100 000 services; the pairs take 0.4 ms).
        pairs = " ".join(f"({i} <{p}>)" for i in wanted[start : start + 100] for p in TITLE_PREDICATES)
        rows = store.query(f"SELECT ?s ?p ?t WHERE {{ VALUES (?s ?p) {{ {pairs} }} ?s ?p ?t FILTER(isLiteral(?t)) }}")
        ranked = sorted(((TITLE_PREDICATES.index(r["p"].value), r["s"].value, r["t"]) for r in rows), key=lambda x: (x[0], x[1], x[2].value))
        for _, subject, title in ranked:
            found.setdefault(subject, {}).setdefault(title.language or "", title.value)
    return found


def names_of(store: Store, iris: list[ox.NamedNode], lang: str) -> dict[str, Text]:
    """Each record's name for a page in ``lang``: its title in ``lang``, else the other language's, else its identifier."""
    titles = titles_of(store, iris)
    return {i.value: choose(titles.get(i.value, {}), lang, i.value.rsplit("/", 1)[-1]) for i in iris}


def kind_names(store: Store, iri: ox.NamedNode, triples: list[ox.Triple], label: Callable[[str], Text | None]) -> list[Text]:
    """What kind of record ``iri`` is, in words (``label`` gives a class's :class:`Text`, or None): the register's
    kind of record it belongs to (:data:`RECORD_CLASSES`), else the classes it states."""
    values = " ".join(f"({n} {c})" for n, c in enumerate(RECORD_CLASSES))
    rows = store.query(f"SELECT ?c WHERE {{ VALUES (?n ?c) {{ {values} }} ?record a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?c }} ORDER BY ?n LIMIT 1",
                       {"record": iri})
    classes = [r["c"].value for r in rows] or sorted(t.object.value for t in triples if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode))
    return [name for name in map(label, classes) if name is not None]


def ordered(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The rows of a record page: by property, and a property's texts in Latvian, then English, then others."""
    def key(t: ox.Triple) -> tuple:
        language = t.object.language if isinstance(t.object, ox.Literal) else None
        return t.predicate.value, LANGUAGE_ORDER.get(language or "", 2), language or "", t.object.value
    return sorted(triples, key=key)


def schema_org(store: Store, iri: ox.NamedNode, triples: list[ox.Triple], lang: str, label) -> str | None:
    """The page's schema.org JSON-LD (services only), ready to embed."""
    data = government_service(store, iri, triples, lang, label)
    return script_json(data) if data else None


def chain_picture(store: Store, kind: str, identifier: str, lang: str, chain: trace.Chain | None = None) -> Picture | None:
    """The picture of a record's chain: down from a life situation, need or service, up from a resource.

    ``chain`` is the record's chain when the caller has it already (it is then
    not traced again, and its untitled nodes get their titles here). A record
    without a title in ``lang`` is shown by its title in the other language
    (marked with ``lang``), not by its bare identifier."""
    records = base_iri()

    def link(key: str) -> str | None:
        return f"/{key[len(records):]}?lang={lang}" if key.startswith(records + "id/") else None

    try:
        if chain is not None:
            pass
        elif kind in trace.TRACE_KINDS:
            chain = trace.trace(store, kind, identifier, lang)
        elif kind == "resource":
            chain = trace.impact(store, identifier, lang)
        else:
            return None
    except QueryError:
        return None
    if not chain.edges:
        return None
    untitled = [ox.NamedNode(key) for key, node in chain.nodes.items() if not node.title and key.startswith(records + "id/")]
    languages: dict[str, str] = {}
    for key, texts in titles_of(store, untitled).items():
        found = choose(texts, lang)
        if found.text:
            chain.nodes[key].title = found.text
            languages[key] = found.lang
    return draw(chain, lang, link, languages)


@router.get("/id/{kind}/{name}", name="record")
def record(kind: str, name: str, request: Request) -> Response:
    """A register record in the format the request asks for."""
    store: Store = request.app.state.store
    found = _split(kind, name, store)
    if found is None:
        return request.app.state.not_found(request, f"/id/{kind}/{name}")
    iri, fmt, triples = found
    identifier = iri.value.rsplit("/", 1)[1]

    def body(fmt: Format) -> bytes:
        if fmt.rdf is not None:
            return rdf_body(triples, fmt, {**PREFIXES, "id": base_iri() + "id/"})
        lang = request.app.state.language(request)
        diagram = chain_picture(store, kind, identifier, lang)
        term_label = request.app.state.term_label_in(lang)
        linked = [t.object for t in triples if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(base_iri() + "id/")]
        return request.app.state.render(
            "record.html", request, iri=iri, kind=kind, identifier=identifier, triples=triples, rows=ordered(triples),
            names=names_of(store, linked, lang), kinds=kind_names(store, iri, triples, term_label), term_link=term_link,
            schema_org=lambda lang, label: schema_org(store, iri, triples, lang, label), diagram=diagram).encode("utf-8")

    return represent(request, f"/id/{kind}/{identifier}", fmt, body, what="this record")
