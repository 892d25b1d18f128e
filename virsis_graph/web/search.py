"""``/search``: find services by words in Latvian or English, with or without diacritics, narrowed by facets.

The index is built from the register once and kept in memory (:mod:`.derived`):
per service its folded words (titles, descriptions and keywords in both
languages; ``bērns`` and ``berns`` fold to the same word), its kind,
institution, life situations, channels and lifecycle stage. A search matches
services whose text holds every word of the query as the start of a word
(``pabal`` finds ``pabalsts``); facets count the matches by each value and
narrow them when chosen; results come 20 a page, by IRI.

At national scale (100 000 services) building the index reads about two
million values and takes tens of seconds, so it is built in a background thread
(``virsis serve`` starts it as it starts); a search that finds it still being
built waits up to :data:`WAIT` seconds, then says so (``503`` with
``Retry-After``). A search itself takes milliseconds: every service has a number
in IRI order, and each word and facet value keeps the set of services it
belongs to as the bits of a Python integer (a word few services use keeps a list
of numbers instead), so a query is a few ``&`` and ``|`` of integers and a facet
count one ``&`` and ``bit_count()``. A write brings the index up to date in
place (:func:`after_write`): the services whose statements, channels' kinds or
needs' life situations it changed are read again, not the whole register.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from array import array
from bisect import bisect_left, insort
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ..settings import base_iri
from ..store import Store
from .derived import Derived
from .paging import page_number
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
KIND_IRIS = " ".join(f"virsis:{k}" for k in KINDS)
# The services of the whole register: one VALUES of the kinds, so oxigraph reads each kind's instances.
EVERY_SERVICE = f"VALUES ?kind {{ {KIND_IRIS} }} ?s a ?kind ."
# The facets and the path from a service to their values.
FACET_PATHS = (
    ("institution", "cv:hasCompetentAuthority"), ("life_situation", "virsis:meetsNeed/virsis:isNeedOf"),
    ("channel", "cv:hasChannel/dct:type"), ("stage", "virsis:lifecycleStage"),
)
# The text searched; a UNION, not a VALUES of the predicates: two VALUES blocks made oxigraph join
# every title, description and keyword of the register with every service (25 s, not 5 s, at 100 000).
TEXT = "{ ?s dct:title ?o BIND(dct:title AS ?p) } UNION { ?s dct:description ?o BIND(dct:description AS ?p) } UNION { ?s dcat:keyword ?o BIND(dcat:keyword AS ?p) }"
TITLE = "http://purl.org/dc/terms/title"
WORD = re.compile(r"\w+")
ONE = re.compile("1")
WAIT = 5.0
"""Seconds a search waits for the index being built before the page says it is being built."""
RETRY_AFTER = 15
"""Seconds the page asks a client to wait before it tries again (and reloads itself after)."""
INDEX = "search-index"
"""The key of the index in ``app.state.derived``."""
REREAD_LIMIT = 5000
"""A write that touches more services than this makes the index be built again rather than read them one batch at a time."""
BATCH = 200
SMALL = 2000
"""Below this many matches the facets are counted from the matched services, above it by the facet values' bits."""

_combining: dict[int, None] | None = None


def fold(text: str) -> str:
    """Lower case without diacritics: ``Bērns`` → ``berns``."""
    global _combining
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    if _combining is None:  # every combining mark of Unicode, once
        _combining = {c: None for c in range(0x110000) if unicodedata.combining(chr(c))}
    return unicodedata.normalize("NFKD", lowered).translate(_combining)


@dataclass(slots=True)
class Entry:
    """One service in the index: its IRI, titles by language, folded words and facet values."""

    iri: str
    titles: dict[str, str] = field(default_factory=dict)
    words: tuple[str, ...] = ()
    facets: tuple[tuple[str, str], ...] = ()


@dataclass
class Found:
    """The services a search matched (as bits of service numbers) and the facet counts."""

    bits: int
    total: int
    counts: dict[str, Counter]


def bits_of(numbers) -> int:
    """The integer whose set bits are ``numbers``."""
    numbers = list(numbers)
    if not numbers:
        return 0
    flags = bytearray((max(numbers) >> 3) + 1)
    for n in numbers:
        flags[n >> 3] |= 1 << (n & 7)
    return int.from_bytes(flags, "little")


def ones(bits: int) -> list[int]:
    """The numbers of the set bits of ``bits``, lowest first."""
    return [m.start() for m in ONE.finditer(bin(bits)[:1:-1])]


def ones_from(bits: int, skip: int, take: int) -> list[int]:
    """The numbers of the set bits after the first ``skip`` of them, at most ``take``, lowest first."""
    flags = bin(bits)[:1:-1]  # flags[i] == "1" when bit i is set
    low, high = 0, len(flags)
    while low < high:  # the shortest prefix holding ``skip`` set bits
        middle = (low + high) // 2
        if flags.count("1", 0, middle) >= skip:
            high = middle
        else:
            low = middle + 1
    found, at = [], low
    while len(found) < take:
        at = flags.find("1", at)
        if at < 0:
            break
        found.append(at)
        at += 1
    return found


def _rows(store: Store, sparql: str):
    """The solutions of ``sparql`` as tuples of terms, read in this thread (pyoxigraph results stay on their thread)."""
    solutions = store.query(PREFIX + sparql)
    found = [tuple(s) for s in solutions]
    del solutions
    return found


def _services(subjects: list[ox.NamedNode] | None) -> str:
    """The pattern binding ``?s`` (and ``?kind``) to every service, or to those of ``subjects`` that are services."""
    if subjects is None:
        return EVERY_SERVICE
    # One VALUES (of the subjects) and a FILTER on the kind: a second VALUES would make oxigraph scan.
    return f"VALUES ?s {{ {' '.join(map(str, subjects))} }} ?s a ?kind FILTER(?kind IN ({', '.join(KIND_IRIS.split())}))"


def read_services(store: Store, subjects: list[ox.NamedNode] | None = None) -> dict[str, Entry]:
    """The entries of every service (``subjects`` None) or of those of ``subjects`` that are services, by IRI."""
    scope = _services(subjects)
    entries: dict[str, Entry] = {}
    facets: dict[str, set[tuple[str, str]]] = {}
    for s, kind in _rows(store, f"SELECT ?s ?kind WHERE {{ {scope} }}"):
        entries.setdefault(s.value, Entry(s.value))
        facets.setdefault(s.value, set()).add(("kind", kind.value))
    words: dict[str, set[str]] = {iri: set() for iri in entries}
    folded: dict[str, list[str]] = {}  # the same text (a keyword, a stock phrase) is folded once
    for s, p, o in _rows(store, f"SELECT ?s ?p ?o WHERE {{ {scope} {TEXT} }}"):
        if not isinstance(o, ox.Literal):
            continue
        text = o.value
        found = folded.get(text)
        if found is None:
            found = folded[text] = WORD.findall(fold(text))
        words[s.value].update(found)
        if p.value == TITLE and o.language in ("lv", "en"):
            entries[s.value].titles.setdefault(o.language, text)
    for facet, path in FACET_PATHS:
        # Over the whole register the facet's statements are read without the join with the services' kinds
        # (which took oxigraph longer than reading them all) and kept for the services found above.
        pattern = f"?s {path} ?v" if subjects is None else f"{scope} ?s {path} ?v"
        for s, v in _rows(store, f"SELECT ?s ?v WHERE {{ {pattern} }}"):
            if s.value in facets:
                facets[s.value].add((facet, v.value))
    for iri, entry in entries.items():
        entry.words = tuple(sorted(words[iri]))
        entry.facets = tuple(sorted(facets[iri]))
    return entries


def facet_titles(store: Store, subjects: list[ox.NamedNode] | None = None) -> dict[str, dict[str, str]]:
    """The titles (Latvian, English) of the institutions and life situations the facets name (or of those of ``subjects``)."""
    scope = f"VALUES ?x {{ {' '.join(map(str, subjects))} }} " if subjects is not None else ""
    titles: dict[str, dict[str, str]] = {}
    query = (f"SELECT ?x ?t WHERE {{ {scope}?x dct:title ?t . "
             "{ ?x a cv:PublicOrganisation } UNION { ?x a virsis:LifeSituation } UNION { ?x a virsis:BusinessSituation } }")
    for x, t in _rows(store, query):
        if isinstance(t, ox.Literal) and t.language in ("lv", "en"):
            titles.setdefault(x.value, {}).setdefault(t.language, t.value)
    return titles


class SearchIndex:
    """The services of a store, ready to search (thread-safe; brought up to date by :meth:`apply`)."""

    def __init__(self, store: Store) -> None:
        self._lock = threading.Lock()
        entries = read_services(store)
        self.iris: list[str] = sorted(entries)
        """Service number → IRI; numbers are in IRI order, but for services added since the index was built."""
        self.numbers: dict[str, int] = {iri: n for n, iri in enumerate(self.iris)}
        self.entries: list[Entry | None] = [entries[iri] for iri in self.iris]
        self.appended = 0
        """How many services were added after the build (their numbers break the IRI order)."""
        self.titles = facet_titles(store)
        self.everyone = (1 << len(self.iris)) - 1
        word_numbers: dict[str, list[int]] = {}
        facet_numbers: dict[tuple[str, str], list[int]] = {}
        for n, entry in enumerate(self.entries):
            for word in entry.words:
                word_numbers.setdefault(word, []).append(n)
            for pair in entry.facets:
                facet_numbers.setdefault(pair, []).append(n)
        self.common = max(64, len(self.iris) // 32)
        """A word of at least this many services keeps its services as bits, a rarer one as a list of numbers."""
        self.word_bits: dict[str, int] = {}
        self.word_lists: dict[str, array] = {}
        for word, numbers in word_numbers.items():
            if len(numbers) >= self.common:
                self.word_bits[word] = bits_of(numbers)
            else:
                self.word_lists[word] = array("I", numbers)
        self.vocabulary = sorted(word_numbers)
        self.facet_bits: dict[str, dict[str, int]] = {f: {} for f in FACETS}
        for (facet, value), numbers in facet_numbers.items():
            self.facet_bits[facet][value] = bits_of(numbers)

    # -- searching -------------------------------------------------------------

    def _word(self, prefix: str) -> int:
        """The services with a word starting with ``prefix``."""
        bits, numbers = 0, []
        at = bisect_left(self.vocabulary, prefix)
        while at < len(self.vocabulary) and self.vocabulary[at].startswith(prefix):
            word = self.vocabulary[at]
            if word in self.word_bits:
                bits |= self.word_bits[word]
            else:
                numbers.extend(self.word_lists.get(word, ()))
            at += 1
        return bits | bits_of(numbers)

    def search(self, query: str, chosen: dict[str, str]) -> Found:
        """The services matching every word of ``query`` and every chosen facet value, and the facet counts."""
        with self._lock:
            bits = self.everyone
            for prefix in WORD.findall(fold(query)):
                bits &= self._word(prefix)
            for facet, value in chosen.items():
                bits &= self.facet_bits[facet].get(value, 0)
            total = bits.bit_count()
            counts: dict[str, Counter] = {f: Counter() for f in FACETS}
            if total <= SMALL:
                for n in ones(bits):
                    for facet, value in self.entries[n].facets:
                        counts[facet][value] += 1
            else:
                for facet, values in self.facet_bits.items():
                    for value, members in values.items():
                        found = (bits & members).bit_count()
                        if found:
                            counts[facet][value] = found
            return Found(bits, total, counts)

    def page(self, found: Found, start: int, size: int) -> list[Entry]:
        """The matched services from the ``start``-th (0-based) in IRI order, at most ``size``."""
        with self._lock:
            if self.appended:
                numbers = sorted(ones(found.bits), key=self.iris.__getitem__)[start:start + size]
            else:
                numbers = ones_from(found.bits, start, size)
            return [self.entries[n] for n in numbers]

    # -- keeping up with writes --------------------------------------------------

    def _unlist(self, n: int) -> None:
        entry = self.entries[n]
        if entry is None:
            return
        clear = ~(1 << n)
        for word in entry.words:
            if word in self.word_bits:
                self.word_bits[word] &= clear
            elif word in self.word_lists:
                self.word_lists[word].remove(n)
        for facet, value in entry.facets:
            self.facet_bits[facet][value] &= clear
        self.everyone &= clear
        self.entries[n] = None

    def _list(self, n: int, entry: Entry) -> None:
        bit = 1 << n
        for word in entry.words:
            if word in self.word_bits:
                self.word_bits[word] |= bit
            elif word in self.word_lists:
                self.word_lists[word].append(n)
            else:
                self.word_lists[word] = array("I", [n])
                insort(self.vocabulary, word)
        for facet, value in entry.facets:
            self.facet_bits[facet][value] = self.facet_bits[facet].get(value, 0) | bit
        self.everyone |= bit
        self.entries[n] = entry

    def apply(self, store: Store, added: list[ox.Quad], removed: list[ox.Quad]) -> bool:
        """Bring the index up to date after a write that ``added`` and ``removed`` these quads (already in the store).

        Reads again the services the write touched: the subjects of its
        statements, and the services whose channel or need is one of them (a
        channel's kind and a need's life situation are facets of the services).
        Returns False, leaving the index as it was, when that is not the way: a
        statement about a blank node (no query can name it) or more than
        :data:`REREAD_LIMIT` services; the index must then be built again.
        """
        subjects: set[ox.NamedNode] = set()
        for quad in (*added, *removed):
            if not isinstance(quad.subject, ox.NamedNode):
                return False
            subjects.add(quad.subject)
        if not subjects:
            return True
        touched = sorted(subjects, key=lambda s: s.value)
        linked: set[str] = {s.value for s in touched}
        for start in range(0, len(touched), BATCH):
            batch = " ".join(map(str, touched[start:start + BATCH]))
            for (s,) in _rows(store, f"SELECT DISTINCT ?s WHERE {{ VALUES ?x {{ {batch} }} {{ ?s cv:hasChannel ?x }} UNION {{ ?s virsis:meetsNeed ?x }} }}"):
                linked.add(s.value)
        if len(linked) > REREAD_LIMIT:
            return False
        services = sorted(linked)
        fresh: dict[str, Entry] = {}
        titles: dict[str, dict[str, str]] = {}
        for start in range(0, len(services), BATCH):
            batch = [ox.NamedNode(iri) for iri in services[start:start + BATCH]]
            fresh.update(read_services(store, batch))
        for start in range(0, len(touched), BATCH):
            titles.update(facet_titles(store, touched[start:start + BATCH]))
        with self._lock:
            for iri in services:
                n = self.numbers.get(iri)
                if n is not None:
                    self._unlist(n)
                if iri in fresh:
                    if n is None:
                        n = self.numbers[iri] = len(self.iris)
                        self.iris.append(iri)
                        self.entries.append(None)
                        self.appended += 1
                    self._list(n, fresh[iri])
            for subject in touched:
                self.titles.pop(subject.value, None)
            self.titles.update(titles)
        return True


def after_write(derived: Derived, store: Store, added: list[ox.Quad] | None, removed: list[ox.Quad] | None) -> list[str]:
    """Bring a built search index up to date after a write (its quads ``added`` and ``removed``).

    Returns the keys of ``derived`` it kept up to date (``[INDEX]``), or none when
    the index must be built again: there was none, the write's statements are not
    known (``added`` and ``removed`` None) or :meth:`SearchIndex.apply` declined.
    """
    index = derived.peek(INDEX)
    if index is None or (added is None and removed is None):
        return []
    try:
        return [INDEX] if index.apply(store, added or [], removed or []) else []
    except Exception:  # noqa: BLE001 - the write is made; the index is built again rather than fail it
        return []


def pending_page(request: Request, heading: Text | str, wait_lv: str, wait_en: str, retry: int | None = RETRY_AFTER) -> Response:
    """``503`` with ``Retry-After: retry``: the page is made from something still being made; it reloads by itself then.

    ``retry`` None: it will not be made (the message says why), so ``200`` without ``Retry-After``.
    """
    lang = request.app.state.language(request)
    html = request.app.state.render("pending.html", request, heading=heading, message=wait_lv if lang == "lv" else wait_en, retry=retry)
    if retry is None:
        return HTMLResponse(html)
    return HTMLResponse(html, status_code=503, headers={"Retry-After": str(retry)})


@router.get("/search")
def search(request: Request) -> Response:
    """Search the services (HTML)."""
    store: Store = request.app.state.store
    idx: SearchIndex | None = request.app.state.derived.background(INDEX, lambda: SearchIndex(store), WAIT)
    lang = request.app.state.language(request)
    if idx is None:
        return pending_page(request, "Meklēt pakalpojumus" if lang == "lv" else "Search services",
                            "Meklēšanas rādītājs tiek veidots; lapa atjaunosies pati.",
                            "The search index is being built; the page will reload by itself.")
    q = request.query_params.get("q", "")[:200]
    chosen = {f: request.query_params[f] for f in FACETS if request.query_params.get(f)}
    found = idx.search(q, chosen)
    counts = found.counts
    page, pages = page_number(request, found.total, PAGE_SIZE)
    shown = idx.page(found, (page - 1) * PAGE_SIZE, PAGE_SIZE)
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
        total=found.total, facets=facets, page=page, pages=pages, name=name, result_title=result_title, query_with=query_with,
        query_without=query_without, local_path=lambda iri: "/" + iri[len(records):] if iri.startswith(records) else iri,
    )
    return HTMLResponse(html)
