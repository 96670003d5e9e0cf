"""Factor profile sheets (Steckbriefe) in a real browser: a working-group member opens a
factor's sheet from the factors page, completes its current state on the edit form and sees it
on the sheet, then all sheets as one document — on a desktop (1,366 px) and a phone (360 px),
axe-core clean, and printed: no navigation or buttons, each factor on a page of its own."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader
from test_scenario_exchange import DESKTOP, _printed
from test_scenario_pages import PHONE, Project, _check, _context, _sign_in


@pytest.fixture
def wide(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport=DESKTOP)


@pytest.fixture
def narrow(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport=PHONE, is_mobile=True, has_touch=True)


def test_a_factor_sheet_is_completed_read_and_printed(
    wide: Page, narrow: Page, api, cities, tmp_path
) -> None:
    project = Project(api, cities)
    project.start(key_factor_count=2)
    traffic = project.call(
        "post",
        "/factors",
        {
            "title": "Verkehr",
            "description": "Wie sich Menschen und Waren in der Stadt bewegen.",
            "indicators": "Anteil der Wege mit dem Rad\nPendlerzahlen",
            "sources": "Mobilitätsbericht der Stadt 2025",
        },
        project.member,
        status=201,
    )
    project.factors(["Wohnen"])
    seen = {
        "kind": "forecast",
        "text": "In zehn Jahren fahren hier kaum noch Autos durch die Innenstadt.",
        "factor_id": traffic["id"],
    }
    project.call("post", "/observations", seen, project.member, status=201)

    # --- desktop: from the factors page to the sheet, completed on the edit form
    _sign_in(wide, api.base, project.member)
    wide.goto(f"{api.base}/stadt/{project.slug}/szenarien/werkstatt/faktoren")
    wide.get_by_role("link", name="Steckbrief „Verkehr“").click()
    expect(wide.get_by_role("heading", level=1, name="Steckbrief: Verkehr")).to_be_visible()
    expect(wide.get_by_role("heading", name="Heutiger Stand")).to_be_visible()
    expect(wide.get_by_text("Mobilitätsbericht der Stadt 2025")).to_be_visible()
    expect(wide.get_by_text(seen["text"])).to_be_visible()
    _check(wide, tmp_path, "sheet-desktop")

    wide.get_by_role("link", name="„Verkehr“ bearbeiten").click()
    wide.get_by_label("Heutiger Stand").fill("Vier von zehn Wegen mit dem Auto.")
    wide.get_by_label("Quellen").fill("x" * 2001)
    wide.get_by_role("button", name="Änderungen speichern").click()
    expect(wide.locator(".kern-alert--danger").get_by_role("link", name="Quellen")).to_be_visible()
    expect(wide.get_by_label("Heutiger Stand")).to_have_value("Vier von zehn Wegen mit dem Auto.")
    _check(wide, tmp_path, "sheet-edit-error")
    wide.get_by_label("Quellen").fill("Mobilitätsbericht der Stadt 2025")
    wide.get_by_role("button", name="Änderungen speichern").click()
    expect(wide.get_by_text("Gespeichert.")).to_be_visible()
    wide.get_by_role("link", name="Steckbriefe aller Faktoren (zum Drucken)").click()
    expect(
        wide.get_by_role("heading", level=1, name="Steckbriefe der Einflussfaktoren")
    ).to_be_visible()
    expect(wide.get_by_role("heading", level=2, name="1. Verkehr")).to_be_visible()
    expect(wide.get_by_role("heading", level=2, name="2. Wohnen")).to_be_visible()
    expect(wide.get_by_text("Vier von zehn Wegen mit dem Auto.")).to_be_visible()
    _check(wide, tmp_path, "sheets-desktop")

    # --- printed: the content only, each factor on a page of its own
    _printed(wide, tmp_path, "sheets")
    wide.emulate_media(media="print")
    pages = PdfReader(io.BytesIO(wide.pdf(prefer_css_page_size=True))).pages
    wide.emulate_media(media="screen")
    assert len(pages) == 2
    first, second = (page.extract_text() for page in pages)
    assert "1. Verkehr" in first and "Vier von zehn Wegen" in first and "2. Wohnen" not in first
    assert "2. Wohnen" in second and "noch nicht beschrieben" in second
    for text in (first, second):
        assert "Überblick" not in text and "Bearbeiten" not in text

    # --- phone: one sheet, all of it readable
    _sign_in(narrow, api.base, project.member)
    narrow.goto(
        f"{api.base}/stadt/{project.slug}/szenarien/werkstatt/faktoren/{traffic['id']}/steckbrief"
    )
    expect(narrow.get_by_role("heading", level=1, name="Steckbrief: Verkehr")).to_be_visible()
    expect(narrow.get_by_text("Vier von zehn Wegen mit dem Auto.")).to_be_visible()
    _check(narrow, tmp_path, "sheet-phone")
    _printed(narrow, tmp_path, "sheet-phone")
