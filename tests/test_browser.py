"""A person in a real browser: search without diacritics, a service, its need and life situation, English.

Headless Debian chromium (``/usr/bin/chromium``, installed by ``make test`` and
``.ci/run``; Playwright never downloads a browser here) drives a real
``virsis serve --examples``. Every step leaves a PNG screenshot in
``build/screenshots/`` (or ``$VIRSIS_SCREENSHOTS``) for a person to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("VIRSIS_SCREENSHOTS") or REPO / "build" / "screenshots")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser test drives Debian's chromium. "
            "Install it with `sudo apt-get install chromium` (`make test` and `.ci/run` do this by themselves)."
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield b
        finally:
            b.close()


class Journey:
    """One browser page with everything it asked for and everything that went wrong, and its screenshots."""

    def __init__(self, page: Page, site: str) -> None:
        self.page, self.site = page, site
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.shots: list[Path] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text} at {m.location.get('url')}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))

    def shoot(self, name: str) -> None:
        path = SCREENSHOTS / f"{len(self.shots) + 1:02d}-{name}.png"
        # A file left by an earlier run must not pass for this run's picture.
        path.unlink(missing_ok=True)
        self.page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)


@pytest.fixture
def journey(browser: Browser, site_url: str) -> Iterator[Journey]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="lv-LV")
    try:
        yield Journey(context.new_page(), site_url)
    finally:
        context.close()


def assert_fits_the_column(page: Page) -> None:
    """The page's chain picture ends inside the main column (no part hidden to the right) and is drawn at
    no less than diagram.MIN_SCALE of its size, so its text stays legible."""
    from virsis_graph.web.diagram import MIN_SCALE

    svg = page.locator("main figure svg")
    main, box = page.locator("main").bounding_box(), svg.bounding_box()
    padding = 16  # base.html: main has 1rem of padding each side
    assert box["x"] + box["width"] <= main["x"] + main["width"] - padding + 0.5
    assert box["width"] >= MIN_SCALE * int(svg.get_attribute("width"))


def record_url(site: str, path: str, lang: str) -> re.Pattern[str]:
    return re.compile(re.escape(f"{site}{path}?lang={lang}") + "$")


@pytest.mark.slow
def test_a_person_finds_a_service_and_its_life_situation_in_both_languages(journey: Journey):
    page, site = journey.page, journey.site

    page.goto(f"{site}/")
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dzīves situāciju, vajadzību, pakalpojumu un resursu reģistrs")
    # The search form has room below the register's table (base.html).
    table, form = page.locator("main table").bounding_box(), page.locator('main form[role="search"]').bounding_box()
    assert form["y"] - (table["y"] + table["height"]) >= 16
    journey.shoot("home")

    # "Maternitātes pabalsts" (s-02, services.ttl) typed without its long ā, as
    # on a keyboard without Latvian layout. No other service has a word
    # starting "maternitat" in its title, description or keywords.
    page.get_by_label("Meklēt pakalpojumus").fill("maternitates")
    page.get_by_role("button", name="Meklēt").click()
    expect(page).to_have_url(re.compile(r"/search\?.*q=maternitates"))
    results = page.locator("main ol > li a")
    expect(results).to_have_count(1)
    expect(results).to_have_text("Maternitātes pabalsts")
    journey.shoot("search")

    results.click()
    expect(page).to_have_url(record_url(site, "/id/service/s-02", "lv"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Maternitātes pabalsts")
    diagram = page.locator("main figure svg")
    expect(diagram).to_be_visible()
    # s-02 uses r-01, r-02, r-14, r-16 and r-25 (services.ttl): each is a node of its chain.
    for resource in ("r-01", "r-02", "r-14", "r-16", "r-25"):
        expect(diagram.locator(f'a[href="/id/resource/{resource}?lang=lv"]')).to_have_count(1)
    journey.shoot("service")

    # The service meets one need, n-02, which belongs to one life situation, ls-01 (life-situations.ttl).
    need = page.locator('main table a[href^="/id/need/"]')
    expect(need).to_have_count(1)
    need.click()
    expect(page).to_have_url(record_url(site, "/id/need/n-02", "lv"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ienākumi grūtniecības un dzemdību atvaļinājuma laikā")
    journey.shoot("need")

    situation = page.locator('main table a[href^="/id/life-situation/"]')
    expect(situation).to_have_count(1)
    situation.click()
    expect(page).to_have_url(record_url(site, "/id/life-situation/ls-01", "lv"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bērna gaidīšana un piedzimšana")
    diagram = page.locator("main figure svg")
    expect(diagram).to_be_visible()
    # ls-01 has the eight needs n-01 … n-08 (life-situations.ttl), each a node of its diagram.
    for n in range(1, 9):
        expect(diagram.locator(f'a[href="/id/need/n-{n:02d}?lang=lv"]')).to_have_count(1)
    assert_fits_the_column(page)
    journey.shoot("life-situation")

    page.locator("header").get_by_role("link", name="English").click()
    expect(page).to_have_url(record_url(site, "/id/life-situation/ls-01", "en"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Expecting and having a baby")
    expect(page.locator("main figure figcaption")).to_have_text("The chain: what depends on what")
    expect(page.locator("main figure svg")).to_be_visible()
    assert_fits_the_column(page)
    expect(page.locator("header").get_by_role("link", name="Latviski")).to_be_visible()
    journey.shoot("life-situation-en")

    for shot in journey.shots:
        assert shot.is_file() and shot.stat().st_size > 0, shot
        assert shot.read_bytes()[:8] == PNG_SIGNATURE, f"{shot} is not a PNG"
    assert journey.problems == []
    # Everything the pages need comes from the site itself: no CDN, fonts or scripts from elsewhere.
    assert journey.requests and [u for u in journey.requests if not u.startswith(f"{site}/")] == []
