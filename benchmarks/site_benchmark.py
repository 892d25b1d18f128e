"""Latency of the site's pages (`virsis serve`) on a national register, cold and warm, next to a record as Turtle.

    python benchmarks/site_benchmark.py                          # 100 000 services
    python benchmarks/site_benchmark.py --services 2000          # a quick run
    python benchmarks/site_benchmark.py --store PATH --samples 10

In one run it

1. makes or reuses the embedded store of a synthetic register of ``--services``
   services as ``query_benchmark.py`` does, or takes ``--store PATH``;
2. picks, with a random generator seeded by ``--seed``, ``--samples`` records of
   each kind (life situations, needs, services, resources, institutions) and,
   for the search, a word of each sampled service's Latvian title (its first
   five letters, as a person types them) and its institution;
3. makes the web application in this process (``create_app(store,
   read_only=True)``) and requests it through Starlette's ``TestClient``, one
   request at a time, ``Accept: text/html`` — no network and no uvicorn, so the
   figures are the application's own. The client does not run the app's
   lifespan, so nothing is made in advance (``virsis serve`` makes the home
   page's counts, life situations, catalogue members and search index in the
   background as it starts);
4. for each kind of page — home, the list of life situations, one life
   situation, the first and a middle page of each catalogue, search with words,
   with a facet and with both, the record pages of each kind, ``/ontology`` —
   times the first request as **cold** (it makes what the kind reads from the
   whole register), then ``--samples`` requests as **warm**: a different record,
   page, word or facet each (a page without such a choice, ``/``, is requested
   again, alternating the languages), p50 and p95; the baseline is the sampled
   services' records as Turtle (``GET /id/service/{id}``, ``Accept:
   text/turtle``) in the same run;
5. for the search, a cold request answers ``503`` within ``search.WAIT``
   seconds while the index is built in the background: it prints that answer,
   then waits for the index and prints how long building it took;
6. last (they make minutes of work in background threads, which slow down
   everything else in this process), ``/catalog``, whose first request starts
   making the dumps: it waits up to ``--dumps-timeout`` seconds for them and
   then times ``/catalog`` warm; and ``/quality``, whose first request starts
   the scorecard: it waits up to ``--quality-timeout`` seconds for it (default
   0: only the first answer). A register above ``dashboard.PYSHACL_LIMIT``
   statements (100 000 services is) gets a page saying the scorecard is not
   computed, at once; that page is what is timed then.

It prints figures only and asserts nothing; any answer other than 200 (503
where said above) is printed with ``!!!``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate_register import register_options  # noqa: E402
from query_benchmark import percentile, prepare, sample_values  # noqa: E402

from virsis_graph.settings import base_iri  # noqa: E402
from virsis_graph.store import EmbeddedStore  # noqa: E402
from virsis_graph.web import catalogues, search  # noqa: E402
from virsis_graph.web.app import create_app  # noqa: E402

HTML = {"Accept": "text/html"}
TURTLE = {"Accept": "text/turtle"}
DCT = "http://purl.org/dc/terms/"
CV = "http://data.europa.eu/m8g/"
KIND = "https://w3id.org/virsis/ontology#IndividualBenefitService"


@dataclass
class Kind:
    """One kind of page: its first request (cold) and the others (warm)."""

    name: str
    urls: list[str]
    cold: float | None = None
    cold_status: int | None = None
    warm: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def get(client, url: str, headers: dict[str, str] = HTML) -> tuple[float, int]:
    began = time.perf_counter()
    response = client.get(url, headers=headers)
    return time.perf_counter() - began, response.status_code


def run(client, kind: Kind, expected: tuple[int, ...] = (200,)) -> Kind:
    """The first URL once (cold), then every URL after it (warm)."""
    kind.cold, kind.cold_status = get(client, kind.urls[0])
    if kind.cold_status not in expected:
        kind.problems.append(f"{kind.urls[0]} answered {kind.cold_status} (cold)")
    for url in kind.urls[1:]:
        seconds, status = get(client, url)
        if status == 200:
            kind.warm.append(seconds)
        else:
            kind.problems.append(f"{url} answered {status}")
    return kind


def wait_for(client, url: str, timeout: float) -> tuple[float | None, int]:
    """Seconds until ``url`` answers something other than 503 (None if not within ``timeout``), and that answer."""
    began = time.perf_counter()
    status = 503
    while time.perf_counter() - began < timeout:
        _, status = get(client, url)
        if status != 503:
            return time.perf_counter() - began, status
        time.sleep(1.0)
    return None, status


def titles_and_institutions(store: EmbeddedStore, services: list[str]) -> list[tuple[str, str]]:
    """(Latvian title, institution IRI) of each sampled service that has both."""
    values = " ".join(str(ox.NamedNode(f"{base_iri()}id/service/{s}")) for s in services)
    rows = store.query(f"SELECT ?s (SAMPLE(?t) AS ?title) (SAMPLE(?i) AS ?institution) WHERE {{ VALUES ?s {{ {values} }} "
                       f"?s <{DCT}title> ?t FILTER(lang(?t) = \"lv\") ?s <{CV}hasCompetentAuthority> ?i }} GROUP BY ?s")
    return [(r["title"].value, r["institution"].value) for r in rows]


def ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.1f}"


def main(argv: list[str] | None = None) -> int:
    head, usage, rest = __doc__.split("\n\n", 2)
    parser = argparse.ArgumentParser(description=f"{head}\n\n{usage}", epilog=rest, formatter_class=argparse.RawDescriptionHelpFormatter)
    register_options(parser, store="an embedded store that already holds a register (instead of --services)")
    parser.add_argument("--samples", metavar="N", type=int, default=20, help="warm requests of each kind of page, each for another record (default 20)")
    parser.add_argument("--dumps-timeout", metavar="SECONDS", type=float, default=900.0, help="seconds to wait for the dumps behind /catalog (default 900)")
    parser.add_argument("--quality-timeout", metavar="SECONDS", type=float, default=0.0, help="seconds to wait for the quality scorecard (default 0)")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", module="fastapi")  # TestClient's deprecation notice about httpx
    from fastapi.testclient import TestClient

    args.work.mkdir(parents=True, exist_ok=True)
    path = (args.store or prepare(args.work, args.services, args.seed)).resolve()
    rng = random.Random(args.seed)
    n = args.samples
    store = EmbeddedStore(path)
    try:
        quads = len(store._store)
        picked = {kind: sample_values(store, kind, n, rng) for kind in ("life-situation", "need", "service", "resource", "organisation")}
        words = titles_and_institutions(store, picked["service"])
        sizes = {name: len(catalogues.members(store, name)) for name in catalogues.CATALOGUES}

        began = time.perf_counter()
        client = TestClient(create_app(store, read_only=True))
        made = time.perf_counter() - began

        def alternate(url: str) -> list[str]:
            return [url + ("" if i % 2 == 0 else ("&" if "?" in url else "?") + "lang=en") for i in range(n + 1)]

        def cycle(urls: list[str]) -> list[str]:
            return [urls[i % len(urls)] for i in range(n + 1)] if urls else []

        prefixes = [search.fold(title).split()[0][:5] for title, _ in words]
        kinds: list[Kind] = [
            Kind("home /", alternate("/")),
            Kind("/life-situations", alternate("/life-situations")),
            Kind("/life-situations/{id}", cycle([f"/life-situations/{i}" for i in picked["life-situation"]])),
        ]
        for name, size in sizes.items():
            pages = max(1, -(-size // catalogues.PAGE_SIZE))
            kinds.append(Kind(f"/catalogue/{name} p. 1", alternate(f"/catalogue/{name}")))
            middle = [f"/catalogue/{name}?page={rng.randint(max(1, pages // 4), max(1, 3 * pages // 4))}" for _ in range(n + 1)]
            kinds.append(Kind(f"/catalogue/{name} middle", middle))
        search_kinds = [
            Kind("/search?q=", cycle([f"/search?q={p}" for p in prefixes])),
            Kind("/search facet", cycle([f"/search?institution={i}" for _, i in words])),
            Kind("/search?q= & facet", cycle([f"/search?q={p}&institution={i}&kind={KIND.replace('#', '%23')}" for p, (_, i) in zip(prefixes, words)])),
            Kind("/search no words", cycle([f"/search?page={rng.randint(1, 100)}" for _ in range(n + 1)])),
        ]
        records = [Kind(f"/id/{kind}/{{id}}", cycle([f"/id/{kind}/{i}" for i in picked[kind]]))
                   for kind in ("service", "need", "resource", "life-situation", "organisation")]
        others = [Kind("/ontology", alternate("/ontology")), Kind("/vocab/channel-type", alternate("/vocab/channel-type"))]

        print(f"timing {len(kinds) + len(search_kinds) + len(records) + len(others)} kinds of page, {n} warm requests each ...", flush=True)
        for kind in kinds:
            run(client, kind)
        first = search_kinds[0]
        first.cold, first.cold_status = get(client, first.urls[0])
        index_ready, _ = wait_for(client, first.urls[0], 1800.0)
        index_built = None if index_ready is None else first.cold + index_ready
        first.urls = first.urls[1:]
        for url in first.urls:
            seconds, status = get(client, url)
            first.warm.append(seconds) if status == 200 else first.problems.append(f"{url} answered {status}")
        for kind in search_kinds[1:]:
            run(client, kind)
        for kind in [*records, *others]:
            run(client, kind)
        baseline = [get(client, f"/id/service/{s}", TURTLE)[0] for s in picked["service"]]

        print("/catalog: its first request starts making the dumps ...", flush=True)
        catalog = Kind("/catalog", ["/catalog"] * (n + 1))
        catalog.cold, catalog.cold_status = get(client, "/catalog")
        dumps_ready, dumps_status = wait_for(client, "/catalog", args.dumps_timeout) if catalog.cold_status == 503 else (0.0, catalog.cold_status)
        if dumps_ready is not None:
            for _ in range(n):
                seconds, status = get(client, "/catalog")
                catalog.warm.append(seconds) if status == 200 else catalog.problems.append(f"/catalog answered {status}")
        print("/quality: its first request starts the scorecard ...", flush=True)
        quality = Kind("/quality", alternate("/quality"))
        quality.cold, quality.cold_status = get(client, "/quality")
        scored = None
        if quality.cold_status == 503 and args.quality_timeout > 0:
            scored, _ = wait_for(client, "/quality", args.quality_timeout)
        # A register too large for pyshacl gets a page saying so (200) instead of the charts.
        charted = "/quality?condition=" in client.get("/quality", headers=HTML).text
        if charted or quality.cold_status == 200:
            for url in quality.urls[1:]:
                seconds, status = get(client, url)
                quality.warm.append(seconds) if status == 200 else quality.problems.append(f"{url} answered {status}")
    finally:
        store.close()  # the background threads still making the dumps or the scorecard end with the process

    print()
    print(f"register: {path} ({quads:,} quads; catalogues: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()) + " services)")
    print(f"machine:  {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, pyoxigraph {ox.__version__}, {dt.date.today()}")
    print(f"create_app: {made * 1000:.0f} ms; requests in process (TestClient), one at a time, Accept: text/html\n")
    base50 = percentile(baseline, 50)
    header = f"{'page':38} {'cold ms':>9} {'status':>6} {'warm n':>7} {'p50 ms':>8} {'p95 ms':>8} {'p50/baseline':>13}"
    print(header)
    print("-" * len(header))
    problems: list[str] = []
    for kind in [*kinds, *search_kinds, *records, *others, catalog, quality]:
        p50 = percentile(kind.warm, 50) if kind.warm else None
        p95 = percentile(kind.warm, 95) if kind.warm else None
        ratio = f"{p50 / base50:.0f}" if p50 is not None else "—"
        print(f"{kind.name:38} {ms(kind.cold):>9} {kind.cold_status or '—':>6} {len(kind.warm):>7} {ms(p50):>8} {ms(p95):>8} {ratio:>13}")
        problems += kind.problems
    print(f"{'baseline: a service as Turtle':38} {'':>9} {'':>6} {len(baseline):>7} {ms(base50):>8} {ms(percentile(baseline, 95)):>8} {'1':>13}")
    print()
    print(f"search index: built {'in ' + format(index_built, '.1f') + ' s' if index_built is not None else 'NOT within 1800 s'} "
          f"(the first search answered {first.cold_status} after {ms(first.cold)} ms)")
    print("dumps behind /catalog: " + (f"made {dumps_ready + (catalog.cold or 0):.1f} s after the first request" if dumps_ready is not None else
                                       f"not made within {args.dumps_timeout:g} s (last answer {dumps_status})"))
    if charted:
        print("quality scorecard: computed " + (f"{scored + (quality.cold or 0):.1f} s after the first request" if scored else "at once"))
    elif quality.cold_status == 200:
        print(f"quality scorecard: not computed, the register is larger than pyshacl can take (dashboard.PYSHACL_LIMIT); "
              f"the page says so in {ms(quality.cold)} ms (cold), p50 {ms(percentile(quality.warm, 50) if quality.warm else None)} ms")
    else:
        print(f"quality scorecard: being computed (the first request answered {quality.cold_status} after {ms(quality.cold)} ms; "
              f"not ready within --quality-timeout {args.quality_timeout:g} s)")
    for problem in problems:
        print(f"!!! {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
