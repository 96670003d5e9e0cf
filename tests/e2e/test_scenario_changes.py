"""Changing the workshop afterwards, in a real browser at 1,366 px (issue 18 items 1 and 7):
the facilitator builds a small project on the pages, is refused a duplicate factor (German,
whatever the case), deletes a factor after a confirmation that names its ratings, restores an
earlier version of the influence matrix, edits a projection, and publishes, withdraws (with a
reason, after a refusal without one) and publishes again a scenario — each public step after a
page that says what happens. A visitor's scenarios page shows the scenario, then not, then
again; a citizen's observation marked as a factor candidate becomes a factor in one step.
Every page: axe-core without violations, no horizontal scrolling.

Only the city, its people and its phase are set up outside the pages (the cities service's
test helpers); everything the facilitator does is done on the workshop pages, no API call."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from test_scenario_pages import Project, _check, _context, _sign_in

DESKTOP = {"width": 1366, "height": 900}
FACTORS = ("Verkehr", "Wohnen", "Klima", "Bildung", "Tourismus", "Arbeit")


@pytest.fixture
def wide(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport=DESKTOP)


@pytest.fixture
def visitor(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport=DESKTOP)


def _saved(page: Page) -> None:
    expect(page.get_by_text("Gespeichert.")).to_be_visible()


def _activate(control: Locator) -> None:
    """Pressed with the keyboard, as a keyboard user does: right after a full-page screenshot
    a mouse click can land while the page is laid out again, and be lost."""
    control.focus()
    control.press("Enter")


def _rate_influence(page: Page, n: int, shift: int) -> None:
    selects = page.locator("form.matrix-form select")
    expect(selects).to_have_count(n * (n - 1))
    for k in range(n * (n - 1)):
        selects.nth(k).select_option(str((k * 5 + k // n + shift) % 4))
    page.get_by_role("button", name="Matrix speichern").click()
    _saved(page)


def test_facilitator_changes_the_workshop_on_its_pages(
    wide: Page, visitor: Page, api, cities, tmp_path
) -> None:
    project = Project(api, cities)
    base, slug = api.base, project.slug
    workspace = f"{base}/stadt/{slug}/szenarien/werkstatt"
    _sign_in(wide, base, project.facilitator)

    # --- the project on the page (kickoff), then the city enters the scenario phase
    wide.goto(workspace)
    wide.get_by_label("Titel des Projekts").fill("Zukunft 2040")
    wide.get_by_label(re.compile("Anzahl der Schlüsselfaktoren")).fill("3")
    wide.get_by_role("button", name="Projekt anlegen").click()
    _saved(wide)
    project.advance("scenarios")

    # --- factors; a duplicate in other case is refused in German
    wide.goto(f"{workspace}/faktoren")
    for title in FACTORS:
        wide.get_by_label("Titel des Faktors").fill(title)
        wide.get_by_role("button", name="Faktor hinzufügen").click()
        _saved(wide)
    wide.get_by_label("Titel des Faktors").fill("  verKEHR")
    wide.get_by_label("Indikatoren").fill("Modal Split")  # the profile fields are here too
    wide.get_by_label("Heutiger Stand").fill("40 % Auto")
    wide.get_by_role("button", name="Faktor hinzufügen").click()
    expect(wide.locator("#title-error")).to_contain_text("gibt es schon")
    expect(wide.get_by_label("Indikatoren")).to_have_value("Modal Split")
    expect(wide.get_by_label("Heutiger Stand")).to_have_value("40 % Auto")
    expect(wide.get_by_label("Quellen")).to_have_value("")
    expect(wide.get_by_label("Titel des Faktors")).to_have_attribute("aria-invalid", "true")
    _check(wide, tmp_path, "factor-duplicate")
    expect(wide.locator("table tbody tr")).to_have_count(len(FACTORS))

    # --- the influence matrix saved twice: two versions
    wide.goto(f"{workspace}/einfluss")
    _rate_influence(wide, len(FACTORS), 0)
    first = wide.get_by_label("Einfluss von Verkehr auf Wohnen").input_value()
    _rate_influence(wide, len(FACTORS), 1)
    second = wide.get_by_label("Einfluss von Verkehr auf Wohnen").input_value()
    assert first != second

    # --- a factor deleted after the page that names what depends on it
    wide.goto(f"{workspace}/faktoren")
    wide.get_by_role("link", name="„Tourismus“ löschen").click()
    expect(wide.get_by_role("heading", level=1)).to_have_text("Einflussfaktor „Tourismus“ löschen?")
    consequences = wide.locator(".confirm-consequences")
    expect(consequences).to_contain_text("Der Einflussfaktor „Tourismus“ wird gelöscht.")
    expect(consequences).to_contain_text(
        re.compile(r"\d+ Werte in den Einflussmatrizen \(Bewertende: 1\)")
    )
    _check(wide, tmp_path, "factor-delete-confirm")
    _activate(wide.get_by_role("button", name="Endgültig löschen"))
    _saved(wide)
    expect(wide.locator("table tbody tr")).to_have_count(len(FACTORS) - 1)
    expect(wide.get_by_role("cell", name="Tourismus")).to_have_count(0)

    # --- the earlier version of the influence matrix restored
    wide.goto(f"{workspace}/einfluss")
    wide.get_by_role("link", name="Frühere Fassungen der Einflussmatrizen").click()
    rows = wide.locator(".versions-table tbody tr")
    expect(rows).to_have_count(2)
    _check(wide, tmp_path, "versions")
    _activate(rows.nth(1).get_by_role("button", name=re.compile("wiederherstellen")))
    _saved(wide)
    expect(wide.locator(".versions-table tbody tr")).to_have_count(3)
    expect(wide.locator(".versions-table tbody tr").first).to_contain_text("wiederhergestellt")
    wide.goto(f"{workspace}/einfluss")
    expect(wide.get_by_label("Einfluss von Verkehr auf Wohnen")).to_have_value(first)

    # --- key factors: the suggestion; projections on the page, one edited
    wide.get_by_role("button", name="Schlüsselfaktoren festlegen").click()
    _saved(wide)
    wide.goto(f"{workspace}/projektionen")
    cards = wide.locator("section.projection-card")
    expect(cards).to_have_count(3)
    for k in range(3):
        for title in ("steigt", "sinkt"):
            card = wide.locator("section.projection-card").nth(k)
            card.get_by_label("Projektion", exact=True).fill(title)
            card.get_by_role("button", name="Projektion hinzufügen").click()
            _saved(wide)
    wide.locator("section.projection-card").first.get_by_role(
        "link", name="„steigt“ bearbeiten"
    ).click()
    expect(wide.get_by_role("heading", level=1)).to_have_text("Zukunftsprojektion bearbeiten")
    wide.get_by_label("Projektion", exact=True).fill("")
    wide.get_by_role("button", name="Änderungen speichern").click()
    expect(wide.get_by_label("Projektion", exact=True)).to_have_attribute("aria-invalid", "true")
    _check(wide, tmp_path, "projection-edit-error")
    wide.get_by_label("Projektion", exact=True).fill("steigt deutlich")
    wide.get_by_role("button", name="Änderungen speichern").click()
    _saved(wide)
    expect(wide.locator("section.projection-card").first).to_contain_text("steigt deutlich")
    _check(wide, tmp_path, "projections-edited")

    # --- consistency, a run, a scenario from its first raw scenario
    wide.goto(f"{workspace}/konsistenz")
    selects = wide.locator("form.matrix-form select")
    expect(selects).to_have_count(12)
    for k in range(12):
        selects.nth(k).select_option(str(4 if k % 3 else 2))
    wide.get_by_role("button", name="Matrix speichern").click()
    _saved(wide)
    wide.goto(f"{workspace}/laeufe")
    wide.get_by_role("button", name="Berechnung starten").click()
    expect(wide.get_by_role("heading", name="Rohszenarien")).to_be_visible(timeout=60_000)
    raw = wide.locator("#raw-1")
    raw.get_by_label("Titel des Szenarios").fill("Kurze Wege")
    raw.get_by_role("button", name="Szenario aus Rohszenario 1 schreiben").click()
    _saved(wide)

    # --- published after the page that says what happens
    wide.get_by_role("link", name="„Kurze Wege“ veröffentlichen").click()
    expect(wide.locator(".confirm-consequences")).to_contain_text("Szenario-Landkarte")
    _check(wide, tmp_path, "scenario-publish-confirm")
    _activate(wide.get_by_role("button", name="Veröffentlichen", exact=True))
    card = wide.locator(".scenario-card")
    expect(card.locator(".kern-badge")).to_have_text("veröffentlicht")
    visitor.goto(f"{base}/stadt/{slug}/szenarien")
    expect(visitor.get_by_role("heading", name="Kurze Wege")).to_be_visible()

    # --- withdrawn: refused without a reason, then with one
    card.get_by_role("link", name="„Kurze Wege“ zurückziehen").click()
    expect(wide.locator(".confirm-consequences")).to_contain_text("sehen es nicht mehr")
    wide.get_by_role("button", name="Zurückziehen").click()
    expect(wide.get_by_label(re.compile("^Grund"))).to_have_attribute("aria-invalid", "true")
    _check(wide, tmp_path, "scenario-withdraw-error")
    wide.get_by_label(re.compile("^Grund")).fill("Die Erzählung fehlt noch.")
    wide.get_by_role("button", name="Zurückziehen").click()
    card = wide.locator(".scenario-card")
    expect(card.locator(".kern-badge")).to_have_text("zurückgezogen")
    expect(card.locator(".withdrawn-reason")).to_contain_text("Die Erzählung fehlt noch.")
    _check(wide, tmp_path, "scenario-withdrawn")
    visitor.reload()
    expect(visitor.get_by_role("heading", name="Kurze Wege")).to_have_count(0)

    # --- published again
    card.get_by_role("link", name="„Kurze Wege“ erneut veröffentlichen").click()
    expect(wide.locator(".confirm-consequences")).to_contain_text("Der Grund wird dabei gelöscht")
    wide.get_by_role("button", name="Erneut veröffentlichen").click()
    expect(wide.locator(".scenario-card .kern-badge")).to_have_text("veröffentlicht")
    visitor.reload()
    expect(visitor.get_by_role("heading", name="Kurze Wege")).to_be_visible()
    _check(visitor, tmp_path, "citizens-republished")

    # --- an observation marked as a factor candidate becomes a factor in one step
    wide.goto(f"{base}/stadt/{slug}/beobachtungen")
    wide.get_by_label("Das beobachte ich …").check()
    wide.get_by_label("Dein Text").fill("Viele Läden in der Altstadt stehen leer.")
    wide.get_by_role("button", name="Beitrag senden").click()
    expect(wide.get_by_text("Danke! Dein Beitrag ist angekommen.")).to_be_visible()
    wide.goto(f"{workspace}/beobachtungen")
    card = wide.locator(".observation-card").filter(has_text="Läden in der Altstadt")
    card.get_by_label("Als möglichen neuen Faktor vormerken").check()
    card.get_by_role("button", name="Zuordnung speichern").click()
    _saved(wide)
    card = wide.locator(".observation-card").filter(has_text="Läden in der Altstadt")
    card.get_by_label("Titel des neuen Einflussfaktors").fill("Leerstand")
    _check(wide, tmp_path, "candidate")
    _activate(card.get_by_role("button", name="Als Einflussfaktor übernehmen"))
    expect(wide).to_have_url(re.compile(r"/werkstatt/faktoren\?ok=1$"))
    row = wide.locator("table tbody tr").filter(has_text="Leerstand")  # the text: its description
    expect(row).to_contain_text("aus einer Beobachtung")
    expect(row).to_contain_text("Viele Läden in der Altstadt stehen leer.")
    expect(row.locator("td").nth(3)).to_have_text("1")
