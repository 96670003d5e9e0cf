"""The cross-impact (CIB) matrix exchanged with Excel on the CIB page in a real browser: a
working-group member on a 360 px phone downloads their own judgements as XLSX; the facilitator
at 1,366 px imports that file as their own and sees −3…+3 in their matrix's cells, downloads
the group's mean, and a broken CSV is refused with row, column and reason at the top and at
the file field. axe-core on each page state, screenshots under pytest's tmp_path."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from test_scenario_cib_analysis import _cib_matrix, _within_phone, _workshop
from test_scenario_pages import PHONE, Project, _check, _context, _sign_in

DESKTOP = {"width": 1366, "height": 900}
FILE_FIELD = "Datei für den Import (XLSX oder CSV)"


@pytest.fixture
def wide(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport=DESKTOP)


@pytest.fixture
def small(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport=PHONE, is_mobile=True, has_touch=True)


def test_cross_impacts_go_to_excel_and_back_on_the_cib_page(
    wide: Page, small: Page, api, cities, tmp_path
) -> None:
    project = Project(api, cities)
    project.start(key_factor_count=3)
    order, _titles = _workshop(project)
    matrix = _cib_matrix(len(order))
    matrix[0][2] = 3  # "Wohnen wächst" on "Verkehr wächst": strongly
    matrix[1][5] = None  # not judged
    body = {"projection_ids": order, "matrix": matrix}
    project.call("put", "/cross-impacts/rating", body, project.member)
    page = f"{api.base}/stadt/{project.slug}/szenarien/werkstatt/cib"

    # --- the member, on a phone, downloads their own judgements
    _sign_in(small, api.base, project.member)
    small.goto(page)
    section = small.locator("section[aria-labelledby='austausch']")
    expect(section.get_by_role("heading", name="Austausch mit Excel")).to_be_visible()
    expect(section.get_by_role("link", name="Gesamtsicht als XLSX")).to_have_count(0)
    section.scroll_into_view_if_needed()
    _within_phone(small)
    _check(small, tmp_path, "cib-exchange-phone")
    with small.expect_download() as info:
        section.get_by_role("link", name="Meine Cross-Impact-Matrix als XLSX").click()
    download = info.value
    assert download.suggested_filename == f"cross-impact-matrix-{project.slug}.xlsx"
    xlsx = tmp_path / "cib.xlsx"
    download.save_as(xlsx)

    # --- the facilitator imports it as their own judgements
    _sign_in(wide, api.base, project.facilitator)
    wide.goto(page)
    section = wide.locator("section[aria-labelledby='austausch']")
    expect(section.get_by_text("Der Import ersetzt deine eigene Bewertung ganz")).to_be_visible()
    expect(section.get_by_text("von −3 (hemmt stark) bis +3 (fördert stark)")).to_be_visible()
    _check(wide, tmp_path, "cib-exchange")
    section.get_by_label(FILE_FIELD).set_input_files(str(xlsx))
    section.get_by_role("button", name="Als meine Bewertung importieren").click()
    expect(wide.get_by_text("Gespeichert.")).to_be_visible()
    expect(wide.get_by_text("Bewertet: 23 von 24 Feldern.")).to_be_visible()
    cell = "Wirkung von {} auf {}".format
    wohnen, verkehr, klima = "Wohnen: Wohnen", "Verkehr: Verkehr", "Klima: Klima"
    expect(wide.get_by_label(cell(f"{wohnen} wächst", f"{verkehr} wächst"))).to_have_value("3")
    expect(wide.get_by_label(cell(f"{wohnen} wächst", f"{verkehr} schrumpft"))).to_have_value("-2")
    expect(wide.get_by_label(cell(f"{wohnen} schrumpft", f"{klima} schrumpft"))).to_have_value("")

    # --- the group's mean goes out for reading and printing
    section = wide.locator("section[aria-labelledby='austausch']")
    with wide.expect_download() as info:
        section.get_by_role("link", name="Gesamtsicht als CSV").click()
    assert info.value.suggested_filename == f"cross-impact-matrix-gesamt-{project.slug}.csv"

    # --- a broken CSV: refused, the reasons at the top and at the field
    broken = tmp_path / "kaputt.csv"
    row = f"wirkt auf →;{verkehr} wächst;{wohnen} schrumpft\r\n{wohnen} wächst;5;1\r\n"
    broken.write_bytes(row.encode("utf-8-sig"))
    section.get_by_label(FILE_FIELD).set_input_files(str(broken))
    section.get_by_role("button", name="Als meine Bewertung importieren").click()
    summary = wide.locator(".kern-alert--danger")
    expect(summary).to_contain_text("Zeile 2, Spalte B: „5“ ist kein Wert von -3 bis 3")
    expect(summary.get_by_role("link", name="Datei für den Import")).to_be_visible()
    expect(wide.get_by_label(FILE_FIELD)).to_have_attribute("aria-invalid", "true")
    expect(wide.locator("#import-cib-datei-error")).to_contain_text(
        re.compile("Zeile 2, Spalte C: Dieses Feld wird nicht bewertet")
    )
    _check(wide, tmp_path, "cib-exchange-error")
    # nothing of the broken file was stored
    wide.goto(page)
    expect(wide.get_by_label(cell(f"{wohnen} wächst", f"{verkehr} wächst"))).to_have_value("3")
