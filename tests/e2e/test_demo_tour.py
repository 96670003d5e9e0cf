"""The demo cohort's tour in a real browser, as the start page tells a newcomer to take it, at
1,366 px and on a 360 px phone: the start page with the tour and the demo logins; the Transfer
city's scenario page with the map, the three scenarios and their profiles; a table talk of
Musterstadt; the Abschluss city's results with their charts; the cohort page with every city
and its phase. axe-core finds nothing serious, no page scrolls sideways; screenshots of each
are kept in the test's folder."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from browser_support import accessibility_violations, fits_the_screen
from demo_support import fresh_demo
from playwright.sync_api import Browser, Page, expect

from gateway.demo.people import PASSWORD
from services.kit.testing import wait_until

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 360, "height": 740}
PHASES = {
    "Bachstetten": "Auftakt",
    "Beispielstadt": "Szenarien",
    "Wiesenbrück": "Transfer",
    "Musterstadt": "Tischgespräche",
    "Rosenbrunn": "Abschluss",
}


@pytest.fixture(scope="module")
def demo(api, operator) -> int:  # noqa: ANN001
    year, _, seconds = fresh_demo(api, operator)
    print(f"demo seeded in {seconds:.1f} s")
    return year


def _check(page: Page, tmp_path, name: str) -> None:
    assert fits_the_screen(page), f"horizontal scrolling on {page.url}"
    assert accessibility_violations(page) == [], page.url
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def _loaded(page: Page, selector: str, count: int) -> None:
    images = page.locator(selector)
    expect(images).to_have_count(count)
    for image in images.all():
        image.scroll_into_view_if_needed()
        wait_until(
            lambda image=image: image.evaluate("i => i.complete && i.naturalWidth > 0"),
            15,
            f"{selector} loaded",
        )


@pytest.fixture(params=[DESKTOP, PHONE], ids=["1366", "360"])
def page(request, browser: Browser) -> Iterator[Page]:
    phone = request.param is PHONE
    context = browser.new_context(
        viewport=request.param, is_mobile=phone, has_touch=phone, locale="de-DE", bypass_csp=True
    )
    yield context.new_page()
    context.close()


def test_the_demo_tour(page: Page, demo: int, api, tmp_path) -> None:  # noqa: ANN001
    width = page.viewport_size["width"]
    base = api.base

    # --- the start page: the tour and the demo logins
    page.goto(base + "/")
    tour = page.locator("section.demo-tour")
    expect(
        tour.get_by_role("heading", name="Neu hier? Ein Rundgang durch die Demo")
    ).to_be_visible()
    expect(tour).to_contain_text(PASSWORD)
    expect(tour).to_contain_text("demo-moderation@wiesenbrueck.example")
    _check(page, tmp_path, f"start-{width}")

    # --- 1. the scenario map of the Transfer city, its three scenarios and their profiles
    tour.get_by_role("link", name="Die Szenariokarte von Wiesenbrück").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zukunftsszenarien für Wiesenbrück")
    _loaded(page, "img[src$='karte.svg']", 1)
    cards = page.locator(".scenario-card")
    expect(cards).to_have_count(3)
    for title in ("Lebendige Mitte", "Wachstum am Stadtrand", "Leise Stadt"):
        card = cards.filter(has=page.get_by_role("heading", name=title))
        expect(card).to_have_count(1)
        expect(card.locator("dd")).to_have_count(6)  # the profile names every key factor
    if width > 640:
        _loaded(page, "img[src$='/profil.svg']", 3)
    else:  # on a phone the profile charts give way to their shares in words
        expect(page.locator("img[src$='/profil.svg']")).to_have_count(3)
        for image in page.locator("img[src$='/profil.svg']").all():
            expect(image).to_be_hidden()
        expect(cards.locator(".profile-share").first).to_contain_text("der verwandten Bündel")
    expect(page.locator(".map-legend li")).to_have_count(3)
    expect(page.get_by_role("heading", name="Eine Innenstadt für alle")).to_be_visible()
    _check(page, tmp_path, f"scenarios-{width}")

    # --- 2. a table talk in Musterstadt
    page.goto(base + "/")
    page.get_by_role("link", name="Ein Tischgespräch in Musterstadt").click()
    page.get_by_role("link", name=re.compile("^Tischgespräch: Mobilität für alle")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mobilität für alle")
    _check(page, tmp_path, f"talk-{width}")

    # --- 2b. where people talk: Musterstadt's district map counts the demo talks
    page.goto(base + "/stadt/musterstadt/stadtteile")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wo wird gesprochen?")
    expect(page.locator("figure svg").first).to_be_visible()
    for district in ("Nord", "Altstadt"):  # one demo talk each
        row = page.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=district))
        expect(row.locator("td").first).to_have_text("1")
    _check(page, tmp_path, f"districts-{width}")

    # --- 3. the results of the closed city, with charts
    page.goto(base + "/")
    page.get_by_role("link", name="Die Ergebnisse von Rosenbrunn").click()
    charts = page.locator("figure.chart-figure")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 4
    expect(page.locator("#chart-talks-caption")).to_have_text("Tischgespräche (Anzahl Gespräche)")
    expect(charts.locator("svg").first).to_be_visible()
    _check(page, tmp_path, f"results-{width}")

    # --- 4. the cohort: every city with its phase
    page.goto(base + "/")
    page.get_by_role("link", name=f"Alle Städte des Jahrgangs {demo}").click()
    rows = page.locator("#staedte ~ div table tbody tr")
    expect(rows).to_have_count(len(PHASES))
    for city, phase in PHASES.items():
        expect(rows.filter(has_text=city)).to_contain_text(phase)
    _check(page, tmp_path, f"cohort-{width}")
