"""What the site makes from the whole register: kept until a write, made in the background when slow, said so meanwhile."""

from __future__ import annotations

import re
import threading
import time

import pytest
from conftest import rid
from fastapi.testclient import TestClient

from virsis_graph import queries as library
from virsis_graph.web import catalog, catalogues, dashboard, search
from virsis_graph.web.app import create_app
from virsis_graph.web.derived import Derived

HTML = {"Accept": "text/html"}
BASE = "https://data.virsis.gov.lv/"
CHANNEL_TYPE = "https://w3id.org/virsis/vocab/channel-type/"
NEW_SERVICE = f"""@prefix dct: <http://purl.org/dc/terms/> .
@prefix cv: <http://data.europa.eu/m8g/> .
@prefix virsis: <https://w3id.org/virsis/ontology#> .
<{BASE}id/service/s-900> a virsis:IndividualBenefitService ; dct:identifier "s-900" ;
    dct:title "Jauns pakalpojums"@lv , "A new service"@en ;
    dct:description "Jauns pakalpojums iedzīvotājiem."@lv ;
    cv:hasCompetentAuthority <{BASE}id/organisation/vdaa> ;
    virsis:serviceOwner <{BASE}id/person/p-18> ;
    virsis:lifecycleStage <https://w3id.org/virsis/vocab/lifecycle-stage/provision> ;
    virsis:meetsNeed <{BASE}id/need/n-12> ;
    virsis:publishedIn <https://w3id.org/virsis/catalogue/latvija-gov-lv> ;
    cv:hasChannel <{BASE}id/channel/s-900-e-service> .
<{BASE}id/channel/s-900-e-service> a cv:Channel ; dct:identifier "s-900-e-service" ; dct:type <{CHANNEL_TYPE}e-service> .
"""
"""The service test_web_graph_store.py writes (which registration.ttl accepts), published in Latvija.gov.lv."""
GRAPH = f"{BASE}graph/org/vdaa/new-services"


def eventually(check, seconds: float = 120.0):
    """``check()``'s first true answer, asked again every 0.2 s for up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        answer = check()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(0.2)


# ---------------------------------------------------------------------------
# The store of derived values
# ---------------------------------------------------------------------------


def test_a_value_is_made_once_and_again_after_a_write():
    derived, made = Derived(), []

    def make():
        made.append(1)
        return len(made)

    assert derived.get("k", make) == 1 and derived.get("k", make) == 1 and made == [1]
    derived.clear()
    assert derived.peek("k") is None and derived.get("k", make) == 2


def test_requests_arriving_while_a_value_is_made_wait_for_that_one_maker():
    derived, release, calls = Derived(), threading.Event(), []

    def make():
        calls.append(1)
        release.wait(10)
        return "value"

    answers = []
    threads = [threading.Thread(target=lambda: answers.append(derived.get("k", make))) for _ in range(4)]
    for t in threads:
        t.start()
    eventually(lambda: calls, 5)
    release.set()
    for t in threads:
        t.join(10)
    assert answers == ["value"] * 4 and calls == [1]


def test_a_value_made_from_the_register_before_a_write_is_not_kept():
    derived, release = Derived(), threading.Event()
    # The background maker has started and waits; a write clears; the value it then makes is stale.
    assert derived.background("k", lambda: release.wait(10) and "before the write", wait=0.01) is None
    derived.clear()
    release.set()
    time.sleep(0.2)
    assert derived.peek("k") is None
    assert derived.background("k", lambda: "after the write", wait=5) == "after the write"


def test_the_newest_value_made_is_remembered_across_writes_when_asked_for():
    derived, release = Derived(), threading.Event()
    assert derived.background("k", lambda: "first", wait=5, last=True) == "first"
    assert derived.background("other", lambda: "not remembered", wait=5) == "not remembered"
    derived.clear()
    assert (derived.peek("k"), derived.last("k"), derived.last("other")) == (None, "first", None)
    # Made from the register before a second write: not kept, but newer than "first".
    assert derived.background("k", lambda: release.wait(10) and "second", wait=0.01, last=True) is None
    derived.clear()
    assert derived.last("k") == "first"
    release.set()
    assert eventually(lambda: derived.last("k") == "second", 10)
    assert derived.peek("k") is None


def test_an_error_reaches_the_request_and_the_next_request_tries_again():
    derived = Derived()

    def fail():
        raise RuntimeError("the store went away")

    with pytest.raises(RuntimeError):
        derived.get("k", fail)
    assert derived.get("k", lambda: "made") == "made"


# ---------------------------------------------------------------------------
# Pages made from something still being made
# ---------------------------------------------------------------------------


@pytest.fixture
def fresh_client(example_store) -> TestClient:
    """An app of its own (its derived values start empty) over the shared example registry, which it does not change."""
    return TestClient(create_app(example_store))


def test_the_quality_page_says_the_scorecard_is_being_computed_meanwhile(fresh_client, monkeypatch):
    release = threading.Event()
    store = fresh_client.app.state.store

    def slow(store_):
        release.wait(60)
        return dashboard.compiled_scorecards(store_)

    fresh_client.app.state.make_scorecards = slow  # the hook another validator plugs into
    monkeypatch.setattr(dashboard, "WAIT", 0.05)
    for lang, words in (("lv", "tiek aprēķināts"), ("en", "is being computed")):
        r = fresh_client.get("/quality", params={"lang": lang}, headers=HTML)
        assert r.status_code == 503 and r.headers["Retry-After"] == str(dashboard.RETRY_AFTER)
        assert words in r.text and '<meta http-equiv="refresh"' in r.text
    r = fresh_client.get("/quality", params={"format": "csv"})  # an analyst's tool: no page, the same wait
    assert r.status_code == 503 and r.headers["Retry-After"] == str(dashboard.RETRY_AFTER)
    assert r.text.startswith("Kvalitātes novērtējums tiek aprēķināts") and "text/plain" in r.headers["content-type"]
    release.set()
    page = eventually(lambda: (r := fresh_client.get("/quality", headers=HTML)).status_code == 200 and r.text)
    assert page and page.count('/quality?condition=') >= 10  # the ten bars
    assert store is fresh_client.app.state.store


def test_after_a_write_the_quality_page_shows_the_last_scorecard_saying_so_while_the_next_is_computed(writable_site, monkeypatch):
    """At national scale a scorecard takes minutes; with writes every few minutes there would rarely be one to see.

    The first scorecard (the example registry: vdaa's services, no s-900) is
    shown, with the time its validation started, after s-900 is written and
    while the next scorecard is held back; then the next one, which lists s-900.
    """
    client, release = writable_site.client, threading.Event()
    release.set()

    def held(store_):
        release.wait(60)
        return dashboard.compiled_scorecards(store_)

    client.app.state.make_scorecards = held
    monkeypatch.setattr(dashboard, "WAIT", 0.05)
    vdaa = {"institution": "vdaa"}
    stamp = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC"
    first = eventually(lambda: (r := client.get("/quality", params={**vdaa, "lang": "en"}, headers=HTML)).status_code == 200 and r.text)
    assert first and "s-900" not in first and "/id/service/s-" in first
    made_at = re.search("Assessed at " + stamp, first).group(1)
    release.clear()
    auth = {"Authorization": f"Bearer {writable_site.secrets['vdaa']}", "Content-Type": "text/turtle"}
    assert client.put("/graph-store", params={"graph": GRAPH}, content=NEW_SERVICE.encode(), headers=auth).status_code == 201
    for lang, words in (("lv", "Novērtējums uz " + stamp + r"\.</strong>\s*Reģistrs kopš tā laika ir mainīts"),
                        ("en", "The scorecard as of " + stamp + r"\.</strong>\s*The register has changed since")):
        r = client.get("/quality", params={**vdaa, "lang": lang}, headers=HTML)
        assert r.status_code == 200 and "s-900" not in r.text
        assert re.search(words, r.text).group(1) == made_at, lang
    release.set()
    later = eventually(lambda: "s-900" in (r := client.get("/quality", params={**vdaa, "lang": "en"}, headers=HTML)).text and r.text)
    assert later and "has changed since" not in later and re.search("Assessed at " + stamp, later).group(1) >= made_at


def test_the_quality_page_says_plainly_when_the_register_is_too_large(fresh_client, example_store, monkeypatch):
    monkeypatch.setattr(dashboard, "LIMIT", 1000)  # the example registry holds more statements than that
    n = f"{example_store.count():,}".replace(",", "\u00a0")
    r = fresh_client.get("/quality", headers=HTML)
    assert r.status_code == 200 and "Retry-After" not in r.headers and "http-equiv" not in r.text
    assert f"Tik lielam reģistram ({n} apgalvojumu) kvalitātes novērtējums vietnē netiek aprēķināts" in r.text
    r = fresh_client.get("/quality", params={"lang": "en"}, headers=HTML)
    assert f"The scorecard is not computed on the site for a register this large ({n} statements)" in r.text
    r = fresh_client.get("/quality", headers={"Accept": "application/json"})
    assert r.status_code == 503 and "Retry-After" not in r.headers  # it will not be made here: no use trying again
    assert f"({example_store.count()} apgalvojumu)" in r.text and "virsis quality --store" in r.text


def test_the_search_says_its_index_is_being_built_meanwhile(fresh_client, monkeypatch):
    release = threading.Event()

    class Slow(search.SearchIndex):
        def __init__(self, store):
            release.wait(60)
            super().__init__(store)

    monkeypatch.setattr(search, "SearchIndex", Slow)
    monkeypatch.setattr(search, "WAIT", 0.05)
    r = fresh_client.get("/search", params={"q": "berns"}, headers=HTML)
    assert r.status_code == 503 and "tiek veidots" in r.text and r.headers["Retry-After"] == str(search.RETRY_AFTER)
    release.set()
    # services.ttl: "bērns" occurs in the descriptions of s-05 and s-24 only (test_web_pages.py).
    page = eventually(lambda: (r := fresh_client.get("/search", params={"q": "berns"})).status_code == 200 and r.text)
    assert re.findall(r'href="/id/service/(s-\d+)\?', page) == ["s-05", "s-24"]


def test_the_dumps_answer_503_until_they_are_made(fresh_client, monkeypatch):
    release = threading.Event()
    make = catalog.Dumps.make
    monkeypatch.setattr(catalog.Dumps, "make", classmethod(lambda cls, store: release.wait(60) and make(store)))
    monkeypatch.setattr(catalog, "WAIT", 0.05)
    for path in ("/catalog", "/.well-known/void", "/dumps/register.ttl", "/dumps/register.nq.gz.sha256"):
        r = fresh_client.get(path)
        assert r.status_code == 503 and r.headers["Retry-After"] == str(catalog.RETRY_AFTER)
        assert r.text.startswith("503: reģistra lejupielādes datnes tiek veidotas") and " / the register's dump files are being made" in r.text
    assert fresh_client.get("/dumps/nothing.ttl").status_code == 404  # not a dump at all: no need to wait for them
    release.set()
    assert eventually(lambda: fresh_client.get("/catalog").status_code == 200)


# ---------------------------------------------------------------------------
# Pages of a national register, and what they read
# ---------------------------------------------------------------------------


def test_a_catalogues_members_are_the_services_its_query_lists(example_store):
    # 34 services in Latvija.gov.lv, 6 in Business.gov.lv, 11 in Virsis.gov.lv (test_web_pages.py).
    for name, count in (("public", 34), ("business", 6), ("inter-institutional", 11)):
        query = library.named(catalogues.CATALOGUES[name][0])
        listed = [r["service"] for r in library.run(example_store, query)]
        assert catalogues.members(example_store, name) == listed and len(listed) == count


def test_the_services_under_a_condition_come_a_page_at_a_time(fresh_client, monkeypatch):
    # Condition 1: s-18, s-21, s-29 and s-30 (test_web_pages.py), by identifier; two a page.
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 2)
    found = lambda page: re.findall(r'href="/id/service/(s-\d+)\?', page)  # noqa: E731
    first = eventually(lambda: (r := fresh_client.get("/quality", params={"condition": 1}, headers=HTML)).status_code == 200 and r.text)
    assert found(first) == ["s-18", "s-21"] and "4 pakalpojumi · lapa 1 / 2" in first
    assert 'href="/quality?condition=1&amp;lang=lv&amp;page=2#services" rel="next"' in first
    second = fresh_client.get("/quality", params={"condition": 1, "page": 2, "lang": "en"}, headers=HTML).text
    assert found(second) == ["s-29", "s-30"] and 'rel="prev"' in second and "4 services · page 2 / 2" in second


def test_bits_of_service_numbers():
    assert search.bits_of([0, 3, 9]) == 0b1000001001
    assert search.ones(0b1000001001) == [0, 3, 9] and search.ones(0) == []
    assert search.ones_from(0b1000001001, 1, 5) == [3, 9]
    assert search.ones_from(0b1000001001, 0, 2) == [0, 3]
    assert search.ones_from(0b1000001001, 3, 2) == []
    assert search.fold("Bērnu PABALSTS") == "bernu pabalsts"


# ---------------------------------------------------------------------------
# A write shows at once
# ---------------------------------------------------------------------------


@pytest.fixture
def site(writable_site):
    """A fresh copy of the example registry (writes change it) and the headers of a write by vdaa."""
    auth = {"Authorization": f"Bearer {writable_site.secrets['vdaa']}", "Content-Type": "text/turtle"}
    return writable_site.client, writable_site.store, auth


def same_as_built_afresh(index: search.SearchIndex, store) -> None:
    """The index brought up to date answers as one built from the register now, for words and facets."""
    fresh = search.SearchIndex(store)
    questions = [("", {}), ("jauns", {}), ("pakalpojums", {}), ("berns", {}), ("a", {}),
                 ("", {"channel": CHANNEL_TYPE + "e-service"}), ("", {"channel": CHANNEL_TYPE + "in-person"}),
                 ("", {"institution": rid("organisation/vdaa")}), ("", {"kind": "https://w3id.org/virsis/ontology#IndividualBenefitService"})]
    for q, chosen in questions:
        mine, theirs = index.search(q, chosen), fresh.search(q, chosen)
        assert mine.total == theirs.total and mine.counts == theirs.counts, (q, chosen)
        assert [e.iri for e in index.page(mine, 0, 100)] == [e.iri for e in fresh.page(theirs, 0, 100)], (q, chosen)


def test_a_write_shows_at_once_on_every_page_made_from_the_whole_register(site):
    client, store, auth = site
    count = lambda: int(re.search(r"<td>Pakalpojums</td><td>(\d+)</td>", client.get("/", headers=HTML).text).group(1))  # noqa: E731
    total = lambda: int(re.search(r"<p>(\d+) pakalpojum", client.get("/catalogue/public", headers=HTML).text).group(1))  # noqa: E731
    hits = lambda q, **facets: re.findall(r'href="/id/service/(s-\d+)\?', client.get("/search", params={"q": q, **facets}).text)  # noqa: E731
    # data/examples/README.md: 51 services; 34 of them in Latvija.gov.lv; no service says "jauns".
    assert (count(), total(), hits("jauns")) == (51, 34, [])
    index = client.app.state.derived.peek(search.INDEX)
    assert index is not None

    assert client.put("/graph-store", params={"graph": GRAPH}, content=NEW_SERVICE.encode(), headers=auth).status_code == 201
    assert (count(), total(), hits("jauns")) == (52, 35, ["s-900"])
    # s-900 sorts after s-51 and the other 33, so it is the tenth service of page 2.
    second = client.get("/catalogue/public", params={"page": 2}, headers=HTML).text
    assert re.findall(r'href="/id/service/(s-\d+)\?', second)[-1] == "s-900"
    # The search index was brought up to date, not built again, and answers as one built now would.
    assert client.app.state.derived.peek(search.INDEX) is index
    same_as_built_afresh(index, store)

    # Only the channel's kind changes: the service's channel facet follows.
    moved = NEW_SERVICE.replace(f"<{CHANNEL_TYPE}e-service>", f"<{CHANNEL_TYPE}in-person>")
    assert client.put("/graph-store", params={"graph": GRAPH}, content=moved.encode(), headers=auth).status_code == 204
    assert "s-900" in hits("jauns", channel=CHANNEL_TYPE + "in-person") and hits("jauns", channel=CHANNEL_TYPE + "e-service") == []
    same_as_built_afresh(index, store)

    assert client.delete("/graph-store", params={"graph": GRAPH}, headers=auth).status_code == 204
    assert (count(), total(), hits("jauns")) == (51, 34, [])
    assert client.app.state.derived.peek(search.INDEX) is index
    same_as_built_afresh(index, store)
