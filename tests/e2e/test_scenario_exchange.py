"""Matrices exchanged with Excel in a real browser at 1,366 px: a working-group member downloads
their influence matrix as XLSX, the facilitator imports that file as their own rating and sees
the values in their matrix; a broken CSV is refused with the row, the column and the reason at
the top and at the file field; the consistency page offers the same controls. axe-core on each
page state, screenshots under pytest's tmp_path."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from test_scenario_pages import Project, _check, _context, _sign_in

DESKTOP = {"width": 1366, "height": 900}
FILE_FIELD = "Datei für den Import (XLSX oder CSV)"


@pytest.fixture
def wide(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport=DESKTOP)


@pytest.fixture
def other(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport=DESKTOP)


def test_matrix_goes_to_excel_and_back_on_the_pages(
    wide: Page, other: Page, api, cities, tmp_path
) -> None:
    project = Project(api, cities)
    project.start(key_factor_count=2)
    titles = ["Verkehr", '=HYPERLINK("http://evil.example")', "Wohnen"]
    ids = project.factors(titles)
    matrix = [[None, 3, 1], [0, None, 2], [2, None, None]]
    project.call("put", "/influence/rating", {"factor_ids": ids, "matrix": matrix}, project.member)
    workspace = f"{api.base}/stadt/{project.slug}/szenarien/werkstatt"

    # --- the member downloads their own matrix
    _sign_in(other, api.base, project.member)
    other.goto(f"{workspace}/einfluss")
    section = other.locator("section[aria-labelledby='austausch']")
    expect(section.get_by_role("heading", name="Austausch mit Excel")).to_be_visible()
    expect(section.get_by_role("link", name="Gesamtsicht als XLSX")).to_have_count(0)
    with other.expect_download() as info:
        section.get_by_role("link", name="Meine Einflussmatrix als XLSX").click()
    download = info.value
    assert download.suggested_filename == f"einflussmatrix-{project.slug}.xlsx"
    xlsx = tmp_path / "einfluss.xlsx"
    download.save_as(xlsx)

    # --- the facilitator imports it as their own rating
    _sign_in(wide, api.base, project.facilitator)
    wide.goto(f"{workspace}/einfluss")
    section = wide.locator("section[aria-labelledby='austausch']")
    expect(section.get_by_role("link", name="Gesamtsicht als CSV")).to_be_visible()
    expect(section.get_by_text("Der Import ersetzt deine eigene Bewertung ganz")).to_be_visible()
    _check(wide, tmp_path, "exchange-influence")
    section.get_by_label(FILE_FIELD).set_input_files(str(xlsx))
    section.get_by_role("button", name="Als meine Bewertung importieren").click()
    expect(wide.get_by_text("Gespeichert.")).to_be_visible()
    expect(wide.get_by_label(f"Einfluss von Verkehr auf {titles[1]}")).to_have_value("3")
    expect(wide.get_by_label("Einfluss von Wohnen auf Verkehr")).to_have_value("2")
    expect(wide.get_by_label(f"Einfluss von Wohnen auf {titles[1]}")).to_have_value("")

    # --- a broken CSV: refused, the reasons at the top and at the field
    broken = tmp_path / "kaputt.csv"
    broken.write_bytes("wirkt auf →;Verkehr;Wohnen;Schule\r\nWohnen;4;;\r\n".encode("utf-8-sig"))
    section = wide.locator("section[aria-labelledby='austausch']")
    section.get_by_label(FILE_FIELD).set_input_files(str(broken))
    section.get_by_role("button", name="Als meine Bewertung importieren").click()
    summary = wide.locator(".kern-alert--danger")
    expect(summary).to_contain_text("Zeile 1, Spalte D: „Schule“ ist kein Einflussfaktor")
    expect(summary.get_by_role("link", name="Datei für den Import")).to_be_visible()
    field = wide.get_by_label(FILE_FIELD)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(wide.locator("#import-einfluss-datei-error")).to_contain_text(
        re.compile("Zeile 2, Spalte B: „4“ ist kein Wert von 0 bis 3")
    )
    _check(wide, tmp_path, "exchange-influence-error")

    # --- the consistency page has the same controls
    project.call("put", "/key-factors", {"factor_ids": [ids[0], ids[2]], "note": "Test"})
    for factor_id in (ids[0], ids[2]):
        for title in ("steigt", "sinkt"):
            body = {"factor_id": factor_id, "title": title}
            project.call("post", "/projections", body, project.member, status=201)
    wide.goto(f"{workspace}/konsistenz")
    section = wide.locator("section[aria-labelledby='austausch']")
    expect(section.get_by_role("link", name="Meine Konsistenzmatrix als CSV")).to_be_visible()
    expect(section.get_by_label(FILE_FIELD)).to_be_visible()
    _check(wide, tmp_path, "exchange-consistency")


def _printed(page: Page, tmp_path, name: str) -> None:
    """The page as printed: no navigation, no buttons, no forms other than a matrix, nothing
    wider than the page; a screenshot and a PDF (landscape A4) to look at."""
    page.emulate_media(media="print")
    for hidden in (".site-header", ".workspace-nav", ".site-footer", "button", ".no-print"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # a rating matrix prints as values: no select keeps its box (the screen rule outranked it)
    boxed = page.evaluate(
        """() => [...document.querySelectorAll('.matrix-select')]
            .filter(e => getComputedStyle(e).borderTopWidth !== '0px').length"""
    )
    assert boxed == 0
    page.screenshot(path=str(tmp_path / f"{name}-print.png"), full_page=True)
    pdf = page.pdf(path=str(tmp_path / f"{name}.pdf"), prefer_css_page_size=True)
    assert b"/MediaBox [0 0 841.9" in pdf  # A4 landscape, from the stylesheet's @page
    page.emulate_media(media="screen")


def test_matrices_raw_scenarios_and_the_map_print_without_the_page_around_them(
    wide: Page, api, cities, tmp_path
) -> None:
    project = Project(api, cities)
    project.start(key_factor_count=3)
    scenario = project.published_scenario()
    workspace = f"{api.base}/stadt/{project.slug}/szenarien/werkstatt"
    _sign_in(wide, api.base, project.facilitator)
    wide.goto(f"{workspace}/einfluss")
    _printed(wide, tmp_path, "influence")
    expect(wide.locator("table.matrix").first).to_be_visible()
    wide.goto(f"{workspace}/konsistenz")
    _printed(wide, tmp_path, "consistency")
    wide.goto(f"{workspace}/laeufe/{scenario['run_id']}")
    expect(wide.get_by_role("link", name="alle Tabellen als XLSX")).to_be_visible()
    _check(wide, tmp_path, "run-downloads")
    _printed(wide, tmp_path, "run")
    expect(wide.locator(".raw-card").first).to_be_visible()
    wide.goto(f"{api.base}/stadt/{project.slug}/szenarien")
    _printed(wide, tmp_path, "map")
    expect(wide.locator("figure.plot img").first).to_be_visible()


SCW = Path(__file__).parents[1] / "fixtures/scenario-examples/scenariowizard_somewhereland.scw"


def test_a_facilitator_takes_a_scenariowizard_file_into_a_new_project(
    wide: Page, api, cities, tmp_path
) -> None:
    project = Project(api, cities)
    project.start(key_factor_count=6)
    _sign_in(wide, api.base, project.facilitator)
    wide.goto(f"{api.base}/stadt/{project.slug}/szenarien/werkstatt")
    section = wide.locator("section[aria-labelledby='scenariowizard']")
    expect(section.get_by_role("heading", name="ScenarioWizard-Datei übernehmen")).to_be_visible()
    section.get_by_role("button", name="Datei übernehmen").click()
    expect(wide.locator(".kern-alert--danger")).to_contain_text("ScenarioWizard-Datei (.scw)")
    expect(wide.get_by_label("ScenarioWizard-Datei (.scw)")).to_have_attribute(
        "aria-invalid", "true"
    )
    _check(wide, tmp_path, "scenariowizard-error")
    wide.get_by_label("ScenarioWizard-Datei (.scw)").set_input_files(str(SCW))
    wide.get_by_role("button", name="Datei übernehmen").click()
    expect(wide).to_have_url(re.compile(r"/werkstatt/projektionen"))
    expect(wide.get_by_text("A1 Patriots party")).to_be_visible()
    expect(wide.get_by_role("heading", name="A. Government")).to_be_visible()
    _check(wide, tmp_path, "scenariowizard-projections")
