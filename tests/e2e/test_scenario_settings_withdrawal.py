"""The last workshop objects changed on their pages, in a real browser at 1,366 px (issue 18
item 1), with a look at 360 px: the facilitator changes the project's method settings (an empty
title refused at the top and at the field, the choices kept; then a confirmation that names what
keeps its result), a working-group member withdraws their own influence matrix after a
confirmation that counts its cells, and edits a draft deep-dive topic (refused without a
guiding question, every input kept). Every page: axe-core without serious or critical findings,
nothing wider than the screen, no raw keys.

The project with its ratings and a finished run is set up through the API (``Project``): what
this test is about is done on the pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from raw_text_support import findings, page_text
from scenario_support import activate, look, saved
from test_scenario_pages import Project, _context, _sign_in

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def facilitator_page(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport=DESKTOP)


@pytest.fixture
def member_page(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport=DESKTOP)


def _look(page: Page, shots: Path, name: str, phone: bool = False) -> None:
    """The page at 1,366 px (and, ``phone``, at 360 px too): axe-core, width, no raw keys."""
    text, _links = page_text(page.content())
    assert findings(text) == [], findings(text)
    look(page, shots, name)
    if phone:
        page.set_viewport_size(PHONE)
        look(page, shots, f"{name}-360")
        page.set_viewport_size(DESKTOP)


def test_settings_own_matrix_and_draft_topic_changed_on_the_pages(
    facilitator_page: Page, member_page: Page, api, cities, tmp_path
) -> None:
    project = Project(api, cities)
    project.start(key_factor_count=3)
    project.published_scenario()
    base, slug = api.base, project.slug
    workspace = f"{base}/stadt/{slug}/szenarien/werkstatt"
    page = facilitator_page
    _sign_in(page, base, project.facilitator)

    # --- the project's settings: from the overview, refused without a title, then confirmed
    page.goto(workspace)
    settings = page.locator("#einstellungen ~ dl")
    expect(settings).to_contain_text("Dynamik")
    page.get_by_role("link", name="Titel, Beschreibung und Einstellungen ändern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Einstellungen des Projekts")
    expect(page.get_by_role("radio", name="Dynamik")).to_be_checked()
    _look(page, tmp_path, "settings", phone=True)
    page.get_by_label("Titel des Projekts").fill("")
    page.get_by_label(re.compile("^Beschreibung")).fill("Wir rechnen <neu>")
    page.get_by_role("radio", name="MICMAC").check()
    page.get_by_role("button", name="Einstellungen speichern").click()
    expect(page.get_by_role("link", name="Titel des Projekts")).to_be_visible()  # at the top
    expect(page.get_by_label("Titel des Projekts")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label(re.compile("^Beschreibung"))).to_have_value("Wir rechnen <neu>")
    _look(page, tmp_path, "settings-error")
    page.get_by_label("Titel des Projekts").fill("Zukunft 2040")
    # a refused form keeps the choice: MICMAC is still ticked
    expect(page.get_by_role("radio", name="MICMAC")).to_be_checked()
    page.get_by_role("radio", name="Minimum").check()
    page.get_by_role("button", name="Einstellungen speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Einstellungen des Projekts ändern?")
    consequences = page.locator(".confirm-consequences")
    expect(consequences).to_contain_text(
        "Rangfolge der Schlüsselfaktoren nach: Dynamik wird zu MICMAC."
    )
    expect(consequences).to_contain_text("bleiben gewählt")
    expect(consequences).to_contain_text("Bisherige Berechnungen (1) behalten ihre Ergebnisse")
    _look(page, tmp_path, "settings-confirm", phone=True)
    activate(page.get_by_role("button", name="Einstellungen übernehmen"))
    saved(page)
    expect(settings).to_contain_text("MICMAC")
    expect(settings).to_contain_text("Minimum")
    _look(page, tmp_path, "overview-settings")

    # --- a member withdraws their own influence matrix, after the confirmation
    member = member_page
    _sign_in(member, base, project.member)
    member.goto(f"{workspace}/einfluss")
    member.get_by_role("link", name="Meine Bewertungen dieser Matrix zurückziehen").click()
    expect(member.get_by_role("heading", level=1)).to_have_text(
        "Deine Bewertungen der Einflussmatrix zurückziehen?"
    )
    expect(member.locator(".confirm-consequences")).to_contain_text("20 Felder zählen nicht mehr")
    expect(member.locator(".confirm-consequences")).to_contain_text("wiederherstellen")
    _look(member, tmp_path, "withdraw-confirm", phone=True)
    activate(member.get_by_role("button", name="Bewertungen zurückziehen"))
    expect(
        member.get_by_text("Deine Bewertungen dieser Matrix sind zurückgezogen.")
    ).to_be_visible()
    expect(member.get_by_text("Bewertet: 0 von 20 Feldern.")).to_be_visible()
    expect(
        member.get_by_role("link", name="Meine Bewertungen dieser Matrix zurückziehen")
    ).to_have_count(0)
    _look(member, tmp_path, "withdrawn")

    # --- transfer: the member edits a draft topic on its page
    project.advance("transfer")
    project.call(
        "post", "/topics", {"title": "Wohnen", "guiding_question": "Wie?"}, project.member, 201
    )
    member.goto(f"{base}/stadt/{slug}/transfer")
    member.get_by_role("link", name="„Wohnen“ bearbeiten").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Vertiefungsthema bearbeiten")
    _look(member, tmp_path, "topic-edit", phone=True)
    member.get_by_label("Titel des Themas").fill("Wohnen für alle")
    member.get_by_label("Leitfrage").fill("")
    member.get_by_label(re.compile("^Fragen für die Tischgespräche")).fill("Wo?\nMit wem?")
    member.get_by_role("checkbox", name="Grüne Nachbarschaften").check()
    member.get_by_role("button", name="Änderungen speichern").click()
    expect(member.get_by_role("link", name="Leitfrage")).to_be_visible()
    expect(member.get_by_label("Leitfrage")).to_have_attribute("aria-invalid", "true")
    expect(member.get_by_label("Titel des Themas")).to_have_value("Wohnen für alle")
    expect(member.get_by_label(re.compile("^Fragen für die Tischgespräche"))).to_have_value(
        "Wo?\nMit wem?"
    )
    expect(member.get_by_role("checkbox", name="Grüne Nachbarschaften")).to_be_checked()
    _look(member, tmp_path, "topic-edit-error")
    member.get_by_label("Leitfrage").fill("Wie bleibt Wohnen bezahlbar?")
    member.get_by_role("button", name="Änderungen speichern").click()
    saved(member)
    card = member.locator(".topic-card")
    expect(card).to_contain_text("Wohnen für alle")
    expect(card).to_contain_text("Wie bleibt Wohnen bezahlbar?")
    expect(card.locator("li")).to_have_text(["Wo?", "Mit wem?"])
    _look(member, tmp_path, "topic-saved")
    print("screenshots:", tmp_path)
