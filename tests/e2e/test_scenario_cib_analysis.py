"""The cross-impact (CIB) page and the readable analysis in a real browser.

CIB: a working-group member's cross-impact matrix arrives through the API; the facilitator
judges on the page, disagrees on one cell by four steps, sees both raters' values in the
disputed cell, settles it, starts a run with CIB from the page and reads the solution set
beside the strongest bundles, with the paragraph on how the two methods differ — at 1,366 px
and on a 360 px phone, axe-core clean, no page-wide horizontal scrolling.

Analysis: twelve factors' influence matrix at 1,366 px is not cut off (all twelve columns
inside its box, names in the column heads) and its heads stay put while it scrolls; on a phone
it scrolls inside its box; MICMAC ranks, impulse and dynamics indices and the numbered system
grid with its legend are on the page. Screenshots under pytest's tmp_path."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from test_scenario_pages import PHONE, Project, _check, _context, _image_loaded, _sign_in

from services.kit.testing import wait_until

DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def wide(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport=DESKTOP)


@pytest.fixture
def small(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport=PHONE, is_mobile=True, has_touch=True)


def _within_phone(page: Page) -> None:
    """Nothing wider than the phone: a mobile browser zooms out to show what is wider, so
    ``fits_the_screen`` alone (scroll width against the zoomed-out window) would pass."""
    wide_ones = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 361 && !e.closest('.matrix-scroll'))
            .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' +
                             Math.round(e.getBoundingClientRect().right))"""
    )
    assert wide_ones == [], wide_ones
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _workshop(project: Project) -> tuple[list[str], list[str]]:
    """Three key factors with two projections each; returns (projection order, titles)."""
    ids = project.factors(["Wohnen", "Verkehr", "Klima"])
    project.call("put", "/key-factors", {"factor_ids": ids, "note": "alle drei"})
    titles = []
    for name, factor_id in zip(("Wohnen", "Verkehr", "Klima"), ids, strict=True):
        for p in ("wächst", "schrumpft"):
            title = f"{name} {p}"
            project.call(
                "post",
                "/projections",
                {"factor_id": factor_id, "title": title},
                project.member,
                201,
            )
            titles.append(title)
    order = project.call("get", "/projections")["order"]
    return order, titles


def _cib_matrix(n: int) -> list[list[int | None]]:
    """Projection 2k promotes the even projections of other factors (+2) and restricts the odd
    ones (−2), and the other way round: "all grow" and "all shrink" carry themselves."""
    return [
        [None if i // 2 == j // 2 else (2 if i % 2 == j % 2 else -2) for j in range(n)]
        for i in range(n)
    ]


def test_cib_is_judged_disputed_settled_and_solved_in_the_room(
    wide: Page, small: Page, api, cities, tmp_path
) -> None:
    project = Project(api, cities)
    project.start(key_factor_count=3)
    order, titles = _workshop(project)
    n = len(order)
    body = {"projection_ids": order, "matrix": _cib_matrix(n)}
    project.call("put", "/cross-impacts/rating", body, project.member)
    fits = [
        [None if i // 2 == j // 2 else (5 if i % 2 == j % 2 else 2) for j in range(n)]
        for i in range(n)
    ]  # the consistency matrix the bundles come from (rated in the workshop before)
    body = {"projection_ids": order, "matrix": fits}
    project.call("put", "/consistency/rating", body, project.member)
    workspace = f"{api.base}/stadt/{project.slug}/szenarien/werkstatt"

    # --- the facilitator judges on the page: the member's values, one cell four steps apart
    _sign_in(wide, api.base, project.facilitator)
    wide.goto(f"{workspace}/cib")
    expect(wide.get_by_role("heading", level=1)).to_have_text("Cross-Impact-Bilanz (CIB)")
    matrix = _cib_matrix(n)
    matrix[0][2] = -2  # "Wohnen wächst" on "Verkehr wächst": the member says +2
    for i in range(n):
        for j in range(n):
            if matrix[i][j] is not None:
                wide.locator(f"#cell-{i}-{j}").select_option(str(matrix[i][j]))
    expect(wide.locator("form.matrix-form select")).to_have_count(n * n - 3 * 4)
    wide.get_by_role("button", name="Matrix speichern").click()
    expect(wide.get_by_text("Gespeichert.")).to_be_visible()
    expect(wide.get_by_text("Bewertet: 24 von 24 Feldern.")).to_be_visible()
    expect(
        wide.get_by_label("Wirkung von Wohnen: Wohnen wächst auf Verkehr: Verkehr wächst")
    ).to_have_value("-2")

    # --- the disputed cell shows both raters' values and is settled without a default value
    disputed = wide.locator(f"#pair-{order[0]}-{order[2]}")
    expect(disputed).to_contain_text(
        "Wirkung von Wohnen: Wohnen wächst auf Verkehr: Verkehr wächst"
    )
    values = disputed.get_by_role("list", name="Bewertungen je Person")
    expect(values.locator("li")).to_have_count(2)
    expect(values).to_contain_text("2")
    expect(values).to_contain_text("-2")
    expect(disputed.get_by_label("Festgelegter Wert")).to_have_value("")
    _check(wide, tmp_path, "cib-disputed")
    disputed.get_by_role("button", name="Feld klären").click()  # no value chosen: refused
    expect(wide.locator(f"#pair-{order[0]}-{order[2]}-value")).to_have_attribute(
        "aria-invalid", "true"
    )
    disputed = wide.locator(f"#pair-{order[0]}-{order[2]}")
    disputed.get_by_label("Festgelegter Wert").select_option("2")
    disputed.get_by_label("Notiz").fill("Wohnungsbau zieht Verkehr an")
    disputed.get_by_role("button", name="Feld klären").click()
    expect(wide.get_by_text("Gespeichert.")).to_be_visible()
    expect(wide.get_by_text("Keine strittigen Felder.")).to_be_visible()
    expect(wide.get_by_role("heading", name="Geklärte Felder")).to_be_visible()

    # --- a run with CIB from this page; the solution set beside the bundles
    wide.get_by_label("Zulässige Inkonsistenz (IC)").select_option("0")
    wide.get_by_role("button", name="Berechnung mit CIB starten").click()
    expect(wide.get_by_text("Gespeichert.")).to_be_visible()

    def solved() -> bool:
        wide.reload()
        return (
            wide.get_by_role("heading", name=re.compile("CIB: konsistente Szenarien")).count() > 0
        )

    wait_until(solved, 60, "the CIB solution on the page", interval=0.5)
    solution = wide.locator("section[aria-labelledby='loesung']")
    expect(solution.get_by_role("heading", name="CIB: konsistente Szenarien (2)")).to_be_visible()
    expect(
        solution.get_by_role("heading", name="Konsistenzanalyse: die stärksten Bündel")
    ).to_be_visible()
    expect(solution.get_by_text("Grundlage: die Cross-Impact-Matrix der Gruppe")).to_be_visible()
    first = solution.locator(".cib-card").first
    expect(first).to_contain_text("TIS")
    expect(first).to_contain_text("IC 0")
    expect(solution.get_by_text("Die Cross-Impact-Bilanz fragt gerichtet")).to_be_visible()
    _check(wide, tmp_path, "cib-solution-1366")

    # --- the same page on a phone
    _sign_in(small, api.base, project.facilitator)
    small.goto(f"{workspace}/cib")
    expect(small.get_by_role("heading", name="CIB: konsistente Szenarien (2)")).to_be_visible()
    box = small.locator(".matrix-scroll").first
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the matrix scrolls in its box"
    _within_phone(small)
    _check(small, tmp_path, "cib-360")


def _twelve(project: Project) -> list[str]:
    names = [
        "Wohnkosten", "Nahverkehr", "Klimaanpassung", "Einzelhandel in der Innenstadt",
        "Ehrenamt", "Schulen", "Digitale Verwaltung", "Gesundheitsversorgung", "Tourismus",
        "Energiepreise", "Zuzug junger Familien", "Sicherheitsgefühl",
    ]  # fmt: skip
    ids = project.factors(names)
    for who, shift in ((project.member, 0), (project.facilitator, 1)):
        matrix = [
            [None if i == j else (i * 7 + j * 3 + shift * (i % 2)) % 4 for j in range(12)]
            for i in range(12)
        ]
        project.call("put", "/influence/rating", {"factor_ids": ids, "matrix": matrix}, who)
    return names


def test_a_twelve_factor_influence_matrix_reads_at_1366_and_on_a_phone(
    wide: Page, small: Page, api, cities, tmp_path
) -> None:
    project = Project(api, cities)
    project.start(key_factor_count=4)
    names = _twelve(project)
    page_url = f"{api.base}/stadt/{project.slug}/szenarien/werkstatt/einfluss"

    _sign_in(wide, api.base, project.facilitator)
    wide.goto(page_url)
    box = wide.locator(".matrix-scroll").first
    table = box.locator("table")
    expect(table.locator("thead th.col-head")).to_have_count(12)
    expect(table.locator("thead th.col-head").nth(11)).to_contain_text("Sicherheitsgefühl")
    # nothing cut off: the whole matrix inside its box, the box inside the window
    widths = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    assert widths[0] <= widths[1] + 1, f"12 columns fit at 1,366 px: {widths}"
    right = box.evaluate("b => b.getBoundingClientRect().right")
    assert right <= DESKTOP["width"]
    # the head row stays on top while the box scrolls
    head_top = table.locator("thead").evaluate("h => h.getBoundingClientRect().top")
    box.evaluate("b => b.scrollTo(0, 200)")
    assert table.locator("thead").evaluate("h => h.getBoundingClientRect().top") == head_top
    box.evaluate("b => b.scrollTo(0, 0)")
    # analysis: indices, MICMAC ranks, the numbered grid and its legend
    figures = wide.get_by_role("region", name="Kennzahlen der Faktoren")
    for column in ("Impulsindex", "Dynamikindex", "Rang direkt", "Rang indirekt (MICMAC)"):
        expect(figures.get_by_role("columnheader", name=column)).to_be_visible()
    legend = wide.get_by_role("list", name="Legende des Systemgrids")
    expect(legend.locator("li")).to_have_count(12)
    expect(legend.locator("li").nth(3)).to_have_text(f"4 {names[3]}")
    _image_loaded(wide, "img[src$='systemgrid.svg']")
    _check(wide, tmp_path, "influence-12-1366")
    wide.locator(".matrix-scroll").first.screenshot(path=str(tmp_path / "matrix-12-1366.png"))

    _sign_in(small, api.base, project.facilitator)
    small.goto(page_url)
    box = small.locator(".matrix-scroll").first
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "scrolls inside its box"
    box.evaluate("b => b.scrollTo(400, 0)")
    # the row heads stay on the left while the box scrolls sideways
    row_left = box.locator("th.row-head").first.evaluate("h => h.getBoundingClientRect().left")
    assert abs(row_left - box.evaluate("b => b.getBoundingClientRect().left")) < 3
    box.evaluate("b => b.scrollTo(0, 0)")
    _within_phone(small)
    _check(small, tmp_path, "influence-12-360")
    box.screenshot(path=str(tmp_path / "matrix-12-360.png"))
