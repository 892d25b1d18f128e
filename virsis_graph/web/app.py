"""Assembles the web application that ``virsis serve`` runs.

One module per view (``linked_data.py`` ...); this one wires them to a store,
the jinja2 templates in ``templates/`` and the labels of the model.
"""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager
from pathlib import Path

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import __version__
from ..importing import ONTOLOGY_GRAPH, VOCABULARIES_GRAPH
from ..plural import counted
from ..settings import TOKENS_FILE, base_iri
from ..store import Store
from ..summary import summarise
from . import catalog, catalogues, dashboard, graph_store, imports, linked_data, search, sparql, terms
from .derived import Derived
from .query_pool import QueryPool
from .negotiation import negotiate
from .wording import Text, choose, literal, shown

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGES = ("lv", "en")
TITLES = ("http://purl.org/dc/terms/title", "http://xmlns.com/foaf/0.1/name", "http://www.w3.org/2004/02/skos/core#prefLabel")
# rdf:type is RDF itself, not a term the ontology declares, yet every record page has a row of it.
SITE_LABELS = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type": {"lv": "veids", "en": "type"}}


def model_labels(store: Store) -> dict[str, dict[str, str]]:
    """``{IRI: {"lv": label, "en": label}}`` for the model's classes, properties and concepts."""
    labels: dict[str, dict[str, str]] = {}
    sparql = (
        "SELECT ?s ?label WHERE { VALUES ?g { <%s> <%s> } GRAPH ?g { ?s <http://www.w3.org/2000/01/rdf-schema#label>"
        "|<http://www.w3.org/2004/02/skos/core#prefLabel> ?label } }" % (ONTOLOGY_GRAPH, VOCABULARIES_GRAPH)
    )
    for row in store.query(sparql):
        label = row["label"]
        if isinstance(label, ox.Literal) and label.language in LANGUAGES:
            labels.setdefault(row["s"].value, {}).setdefault(label.language, label.value)
    return labels


def warm(app: FastAPI) -> None:
    """Make what the pages read from the whole register (web/derived.py), one after another, in this thread.

    The app starts it in a background thread when it starts serving (its
    lifespan: ``virsis serve``), so that at national scale the first visitor of
    the home page, a catalogue or the search does not wait seconds for it (the
    search index takes tens of seconds at 100 000 services). The quality
    scorecard and the dumps are left until asked for: each takes minutes and
    gigabytes at that scale. A failure here is not the site's: the page that
    needs the value makes it again.
    """
    store, derived = app.state.store, app.state.derived
    makers = [
        ("summary", lambda: summarise(store)),
        *((("life-situations", lang), (lambda lang=lang: catalogues.life_situation_rows(store, lang))) for lang in LANGUAGES),
        *((("catalogue", name), (lambda name=name: catalogues.members(store, name))) for name in catalogues.CATALOGUES),
        (search.INDEX, lambda: search.SearchIndex(store)),
    ]
    for key, make in makers:
        try:
            derived.get(key, make)
        except Exception:  # noqa: BLE001 - a store closed under a finished test client, say
            return


def create_app(store: Store, *, query_limits: dict | None = None, read_only: bool = False, tokens_file: str | None = None) -> FastAPI:
    """The web application serving ``store`` (the caller keeps it open while the app runs).

    ``query_limits`` are passed to the SPARQL endpoint's
    :class:`~virsis_graph.web.query_pool.QueryPool` (``workers``, ``timeout``,
    ``max_rows``, ``queue_wait``); the pool and its public mirror are made at the
    first query and removed when the app shuts down. ``read_only`` leaves out
    every write route; writes check bearer tokens against ``tokens_file``
    (default ``VIRSIS_TOKENS``).
    """
    pool: list[QueryPool] = []
    pool_lock = threading.Lock()

    def query_pool() -> QueryPool:
        with pool_lock:
            if not pool:
                pool.append(QueryPool(store, **(query_limits or {})))
            return pool[0]

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        # What pages make from the whole register is made while the first visitors arrive, not when they ask.
        threading.Thread(target=warm, args=(app,), name="virsis-warm", daemon=True).start()
        yield
        with pool_lock:
            for p in pool:
                p.close()
            pool.clear()

    app = FastAPI(title="VIRSIS graph", version=__version__, docs_url=None, redoc_url=None, lifespan=lifespan)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"], expose_headers=["ETag", "Link", "Content-Location"])
    def changed(added: list[ox.Quad] | None = None, removed: list[ox.Quad] | None = None) -> None:
        """After a write: the public mirror takes its delta (``added``/``removed`` quads; without them it is
        made again in the background), and what else was made from the register is made again when next asked for."""
        with pool_lock:
            current = list(pool)
        for p in current:
            if added is None and removed is None:
                p.rebuild(store)
            else:
                p.refresh(store, added or [], removed or [])
        app.state.derived.clear(keep=search.after_write(app.state.derived, store, added, removed))

    app.state.query_pool = query_pool
    app.state.changed = changed
    app.state.write_lock = threading.Lock()  # writes one at a time: each is validated against the register it changes
    app.state.tokens_file = tokens_file or TOKENS_FILE.value()
    app.state.read_only = read_only
    app.state.store = store
    # The home page's counts, life situations, catalogue members, search index, scorecards and dumps (web/derived.py).
    app.state.derived = Derived()
    app.state.make_scorecards = dashboard.compiled_scorecards  # a hook: another validator can make the scorecard (web/dashboard.py)
    app.state.labels = model_labels(store)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters["counted"] = counted  # {{ n|counted(lang, ("pakalpojums", "pakalpojumi"), ("service", "services")) }}
    env.filters["shown"] = shown  # {{ text|shown }}: a Text in the other language gets its lang attribute
    env.filters["literal"] = literal  # {{ term|literal(lang) }}: yes/no, a duration in words, a decimal comma
    records = base_iri() + "id/"

    def language(request: Request) -> str:
        wanted = request.query_params.get("lang", "lv")
        return wanted if wanted in LANGUAGES else "lv"

    def term_label_in(lang: str):
        """A function giving the model's label of an IRI as a :class:`Text` in ``lang`` (else the other language), or None
        when the model has none: a page then knows the IRI is not a term of the model (and links it by its address)."""

        def term_label(iri: str) -> Text | None:
            found = app.state.labels.get(iri) or SITE_LABELS.get(iri)
            return choose(found, lang) if found else None

        return term_label

    def label_in(lang: str):
        """A function giving the model's label of an IRI in ``lang`` (else the other language, else its last segment)."""
        term_label = term_label_in(lang)

        def label(iri: str) -> str:
            found = term_label(iri)
            return found.text if found else iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

        return label

    def render(template: str, request: Request, **context) -> str:
        lang = language(request)
        label = label_in(lang)

        def local(term) -> str | None:
            """The site's own path for a record IRI, else None."""
            value = getattr(term, "value", "")
            return "/" + value[len(base_iri()):] if isinstance(term, ox.NamedNode) and value.startswith(records) else None

        def titled(triples, fallback: str) -> Text:
            """The record's title (or a person's name, or a concept's label) in the page's language, else
            without a language, else in the other one, else ``fallback``."""
            texts: dict[str, str] = {}
            for predicate in TITLES:  # dct:title first
                for t in triples:
                    if t.predicate.value == predicate and isinstance(t.object, ox.Literal):
                        texts.setdefault(t.object.language or "", t.object.value)
            return choose(texts, lang, fallback)

        other = "en" if lang == "lv" else "lv"
        return env.get_template(template).render(
            request=request, lang=lang, other=other, label=label, term_label=term_label_in(lang), local=local,
            titled=titled, title=lambda triples, fallback: titled(triples, fallback).text,
            is_iri=lambda term: isinstance(term, ox.NamedNode), version=__version__, **context
        )

    def not_found(request: Request, path: str) -> Response:
        if negotiate(request.headers.get("accept"), ["text/plain", "text/html"]) == "text/html":
            return HTMLResponse(render("404.html", request, path=path), status_code=404)
        return PlainTextResponse(f"404: nav atrasts / not found: {path}\n", status_code=404)

    app.state.render = render
    app.state.language = language
    app.state.label_in = label_in
    app.state.term_label_in = term_label_in
    app.state.not_found = not_found

    @app.exception_handler(404)
    def any_not_found(request: Request, exc: Exception) -> Response:
        return not_found(request, request.url.path)

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> str:
        """The home page: what the register holds."""
        return render("home.html", request, summary=app.state.derived.get("summary", lambda: summarise(store)))

    app.include_router(linked_data.router)
    app.include_router(catalog.router)
    app.include_router(sparql.router)
    app.include_router(catalogues.router)
    app.include_router(search.router)
    app.include_router(dashboard.router)
    app.include_router(terms.router)
    app.include_router(graph_store.read_router)
    if not read_only:
        app.include_router(graph_store.write_router)
        app.include_router(imports.router)
    return app
