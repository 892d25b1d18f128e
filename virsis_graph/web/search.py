"""``/search``: find services by words in Latvian or English, with or without diacritics, narrowed by facets.

The index is built from the register once, at the first search, and kept in
memory (the site is read-only): per service its folded text (titles,
descriptions and keywords in both languages; ``bērns`` and ``berns`` fold to the
same word), its kind, institution, life situations, channels and lifecycle
stage. A search matches services whose text holds every word of the query as
the start of a word (``pabal`` finds ``pabalsts``); facets count the matches by
each value and narrow them when chosen; results come 20 a page.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from urllib.parse import urlencode
from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ..settings import base_iri
from ..store import Store
from .paging import page_of
from .wording import Text, choose

router = APIRouter()

PAGE_SIZE = 20
FACETS = ("kind", "institution", "life_situation", "channel", "stage")
KINDS = ("IndividualBenefitService", "GeneralBenefitService", "SharedUseService", "IndividualUseService")
PREFIX = """PREFIX virsis: <https://w3id.org/virsis/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX cv: <http://data.europa.eu/m8g/>
"""
SERVICES = "VALUES ?kind { " + " ".join(f"virsis:{k}" for k in KINDS) + " } ?s a ?kind ."
WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without diacritics: ``Bērns`` → ``berns``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass
class Entry:
    iri: str
    titles: dict[str, str] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)
    facets: dict[str, set[str]] = field(default_factory=lambda: {f: set() for f in FACETS})


class SearchIndex:
    """The services of a store, ready to search."""

    def __init__(self, store: Store) -> None:
        self.entries: dict[str, Entry] = {}
        self.titles: dict[str, dict[str, str]] = {}
        rows = store.query(PREFIX + f"SELECT ?s ?kind WHERE {{ {SERVICES} }}")
        for r in rows:
            entry = self.entries.setdefault(r["s"].value, Entry(r["s"].value))
            entry.facets["kind"].add(r["kind"].value)
        del rows
        text = store.query(PREFIX + f"SELECT ?s ?p ?o WHERE {{ {SERVICES} VALUES ?p {{ dct:title dct:description dcat:keyword }} ?s ?p ?o }}")
        for r in text:
            entry, literal = self.entries[r["s"].value], r["o"]
            if not isinstance(literal, ox.Literal):
                continue
            entry.words.update(WORD.findall(fold(literal.value)))
            if r["p"].value.endswith("/title") and literal.language in ("lv", "en"):
                entry.titles.setdefault(literal.language, literal.value)
        del text
        for facet, path in (
            ("institution", "cv:hasCompetentAuthority"), ("life_situation", "virsis:meetsNeed/virsis:isNeedOf"),
            ("channel", "cv:hasChannel/dct:type"), ("stage", "virsis:lifecycleStage"),
        ):
            found = store.query(PREFIX + f"SELECT ?s ?v WHERE {{ {SERVICES} ?s {path} ?v }}")
            for r in found:
                self.entries[r["s"].value].facets[facet].add(r["v"].value)
            del found
        # Titles of the institutions and life situations the facets name.
        found = store.query(PREFIX + "SELECT ?x ?t WHERE { ?x dct:title ?t . { ?x a cv:PublicOrganisation } UNION { ?x a virsis:LifeSituation } UNION { ?x a virsis:BusinessSituation } }")
        for r in found:
            if isinstance(r["t"], ox.Literal) and r["t"].language in ("lv", "en"):
                self.titles.setdefault(r["x"].value, {}).setdefault(r["t"].language, r["t"].value)
        del found

    def search(self, query: str, chosen: dict[str, str]) -> tuple[list[Entry], dict[str, Counter]]:
        """The services matching every word of ``query`` and every chosen facet value, and the facet counts."""
        words = WORD.findall(fold(query))
        matches = []
        for entry in self.entries.values():
            if all(any(w.startswith(q) for w in entry.words) for q in words) and all(v in entry.facets[f] for f, v in chosen.items()):
                matches.append(entry)
        counts = {f: Counter(v for e in matches for v in e.facets[f]) for f in FACETS}
        return sorted(matches, key=lambda e: e.iri), counts


_lock = threading.Lock()


def index(request: Request) -> SearchIndex:
    with _lock:
        if request.app.state.search_index is None:
            request.app.state.search_index = SearchIndex(request.app.state.store)
        return request.app.state.search_index


@router.get("/search")
def search(request: Request) -> Response:
    """Search the services (HTML)."""
    idx = index(request)
    lang = request.app.state.language(request)
    q = request.query_params.get("q", "")[:200]
    chosen = {f: request.query_params[f] for f in FACETS if request.query_params.get(f)}
    matches, counts = idx.search(q, chosen)
    shown, page, pages = page_of(request, matches, PAGE_SIZE)
    label = request.app.state.label_in(lang)

    def name(value: str) -> str:
        titles = idx.titles.get(value)
        return (titles.get(lang) or titles.get("lv")) if titles else label(value)

    facets = {f: sorted(((name(v), v, n) for v, n in counts[f].items()), key=lambda t: (-t[2], t[0])) for f in FACETS}
    current = {k: v for k, v in request.query_params.items() if k in ("q", "lang", *FACETS) and v}

    def query_with(key: str, value) -> str:
        """The query string with ``key`` set (a new facet value starts again at page 1)."""
        return urlencode({**current, key: value})

    def query_without(key: str) -> str:
        return urlencode({k: v for k, v in current.items() if k != key})

    def result_title(entry: Entry) -> Text:
        """A result's title in the page's language, else the other one (marked on the page), else its address."""
        return choose(entry.titles, lang, entry.iri)

    records = base_iri()
    html = request.app.state.render(
        "search.html", request, q=q, chosen=chosen, results=shown,
        total=len(matches), facets=facets, page=page, pages=pages, name=name, result_title=result_title, query_with=query_with,
        query_without=query_without, local_path=lambda iri: "/" + iri[len(records):] if iri.startswith(records) else iri,
    )
    return HTMLResponse(html)
