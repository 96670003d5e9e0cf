"""The whole project from an XLSX workbook in a real browser (1,366 px and 360 px): a
facilitator of an empty project is refused a CSV (the reason at the top and at the file field),
then takes in a project workbook and finds its factors, with their profile fields, on the
factors page and their Steckbrief; its scenario comes in as a draft without a run, marked so on
the scenarios page, is published after a confirmation that says it has no place on the map, and
the citizens' page shows it without map and profile (1,366 and 360 px); axe-core on each page
state."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from test_scenario_exchange import DESKTOP
from test_scenario_pages import PHONE, Project, _check, _context, _sign_in

from gateway.project_exchange import project_tables
from gateway.scenario_exchange import to_xlsx

FIELD = "Projektdatei (XLSX oder ZIP mit CSV-Dateien)"
SCENARIO = "Grüne Innenstadt"


@pytest.fixture
def wide(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport=DESKTOP)


@pytest.fixture
def narrow(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport=PHONE, is_mobile=True, has_touch=True)


def _workbook() -> bytes:
    project = {"title": "Aus Excel", "description": "", "settings": {
        "key_factor_count": 2, "influence_threshold": "mean", "rank_by": "dynamics",
        "aggregation": "median"}}  # fmt: skip
    factors = [
        {"id": "a", "title": "Verkehr", "indicators": "Pendlerzahlen", "sources": "Zensus"},
        {"id": "b", "title": "Wohnen", "current_state": "Mieten steigen"},
        {"id": "c", "title": "Klima"},
    ]
    refs = [{"id": f["id"], "title": f["title"]} for f in factors]
    influence = {"factors": refs, "matrix": [[None, 3, 2], [1, None, 0], [2, 1, None]]}
    key = [
        {"id": "a", "title": "Verkehr", "projections": [
            {"id": "a1", "title": "Mehr Rad", "description": "", "probability": None},
            {"id": "a2", "title": "Mehr Auto", "description": "", "probability": None}]},
        {"id": "b", "title": "Wohnen", "projections": [
            {"id": "b1", "title": "Mieten stabil", "description": "", "probability": None},
            {"id": "b2", "title": "Mieten ziehen an", "description": "", "probability": None}]},
    ]  # fmt: skip
    scenario = {"title": SCENARIO, "status": "published", "projections": [
        {"factor_id": "a", "projection_id": "a1"}, {"factor_id": "b", "projection_id": "b1"}],
        "narrative": "Die Innenstadt gehört dem Rad und dem Fußverkehr."}  # fmt: skip
    criteria = [{"title_de": "Bürgernähe", "description_de": "", "source": "project"}]
    tables = project_tables(project, factors, influence, {"key_factors": key}, None, [scenario],
                            None, criteria)  # fmt: skip
    return to_xlsx(tables)


def test_a_facilitator_takes_a_project_workbook_into_an_empty_project(
    wide: Page, narrow: Page, api, cities, tmp_path
) -> None:
    project = Project(api, cities)
    project.start(key_factor_count=2)
    _sign_in(wide, api.base, project.facilitator)
    wide.goto(f"{api.base}/stadt/{project.slug}/szenarien/werkstatt")
    section = wide.locator("section[aria-labelledby='projektdatei']")
    expect(section.get_by_role("link", name="Projekt als XLSX herunterladen")).to_be_visible()
    csv_zip = section.get_by_role("link", name="Projekt als CSV-Dateien (ZIP) herunterladen")
    expect(csv_zip).to_be_visible()
    broken = tmp_path / "projekt.csv"
    broken.write_text("Titel;Wert\r\n", encoding="utf-8")
    section.get_by_label(FIELD).set_input_files(str(broken))
    section.get_by_role("button", name="Projekt übernehmen").click()
    summary = wide.locator(".kern-alert--danger")
    expect(summary).to_contain_text("keine XLSX-Arbeitsmappe und kein ZIP-Archiv")
    expect(summary.get_by_role("link", name=FIELD)).to_be_visible()
    expect(wide.get_by_label(FIELD)).to_have_attribute("aria-invalid", "true")
    _check(wide, tmp_path, "project-file-error")

    good = tmp_path / "projekt.xlsx"
    good.write_bytes(_workbook())
    section = wide.locator("section[aria-labelledby='projektdatei']")
    section.get_by_label(FIELD).set_input_files(str(good))
    section.get_by_role("button", name="Projekt übernehmen").click()
    expect(wide.get_by_text("Gespeichert.")).to_be_visible()
    expect(wide.get_by_text("Als Entwürfe übernommene Szenarien: 1.")).to_be_visible()
    expect(wide.get_by_role("link", name="Zu den Szenarien")).to_be_visible()
    # with factors, the import is gone and the download stays
    section = wide.locator("section[aria-labelledby='projektdatei']")
    expect(section.get_by_label(FIELD)).to_have_count(0)
    expect(section.get_by_role("link", name="Projekt als XLSX herunterladen")).to_be_visible()
    _check(wide, tmp_path, "project-file-done")
    wide.goto(f"{api.base}/stadt/{project.slug}/szenarien/werkstatt/faktoren")
    for title in ("Verkehr", "Wohnen", "Klima"):
        expect(wide.get_by_role("link", name=f"Steckbrief „{title}“")).to_be_visible()

    # the imported scenario: a draft without a run, published after a confirmation
    wide.goto(f"{api.base}/stadt/{project.slug}/szenarien/werkstatt/szenarien")
    card = wide.locator(".scenario-card", has_text=SCENARIO)
    expect(card.get_by_text("Entwurf")).to_be_visible()
    expect(card.get_by_text("Aus einer Projektdatei übernommen, ohne Berechnung")).to_be_visible()
    expect(card.get_by_text("Verkehr: Mehr Rad")).to_be_visible()
    _check(wide, tmp_path, "project-file-scenario-draft")
    card.get_by_role("link", name=f"„{SCENARIO}“ veröffentlichen").click()
    expect(wide.get_by_text("Es erscheint nicht auf der Szenariokarte.")).to_be_visible()
    _check(wide, tmp_path, "project-file-scenario-confirm")
    wide.get_by_role("button", name="Veröffentlichen").click()
    expect(
        wide.locator(".scenario-card", has_text=SCENARIO).get_by_text("veröffentlicht")
    ).to_be_visible()
    wide.goto(f"{api.base}/stadt/{project.slug}/szenarien")
    expect(wide.get_by_role("heading", name=SCENARIO)).to_be_visible()
    expect(wide.get_by_text("Mieten stabil")).to_be_visible()
    expect(wide.get_by_role("heading", name="Die Szenariokarte")).to_have_count(0)
    expect(wide.locator("img[src*='profil.svg']")).to_have_count(0)
    _check(wide, tmp_path, "project-file-citizens")

    _sign_in(narrow, api.base, project.facilitator)
    narrow.goto(f"{api.base}/stadt/{project.slug}/szenarien")
    expect(narrow.get_by_role("heading", name=SCENARIO)).to_be_visible()
    _check(narrow, tmp_path, "project-file-citizens-phone")
    narrow.goto(f"{api.base}/stadt/{project.slug}/szenarien/werkstatt/szenarien")
    expect(narrow.get_by_text("Aus einer Projektdatei übernommen, ohne Berechnung")).to_be_visible()
    _check(narrow, tmp_path, "project-file-scenarios-phone")
    narrow.goto(f"{api.base}/stadt/{project.slug}/szenarien/werkstatt/faktoren/steckbriefe")
    expect(narrow.get_by_text("Pendlerzahlen")).to_be_visible()
    expect(narrow.get_by_text("Mieten steigen")).to_be_visible()
    _check(narrow, tmp_path, "project-file-sheets-phone")
    narrow.goto(f"{api.base}/stadt/{project.slug}/szenarien/werkstatt")
    _check(narrow, tmp_path, "project-file-overview-phone")
