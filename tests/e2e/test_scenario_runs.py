"""Runs the facilitator controls and understands, in a real browser at 1,366 px and on a phone:
a run with its parameters set on the form (3 raw scenarios, linkage, bound, top-k) shows them
on the run and in the list, draws its dendrogram and silhouette (with their tables), is
computed again with other settings, and the two runs are compared (parameters that differ,
raw scenarios that correspond). Every page passes axe and fits the screen.

Factors, ratings and projections are setup (through the JSON API); what the facilitator does
is done on the pages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from test_scenario_pages import PHONE, Project, _check, _context, _image_loaded, _sign_in

DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def wide(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport=DESKTOP)


def _influence_rated(project: Project) -> tuple[list[str], list[str]]:
    """Five factors with a rated influence matrix; the analysis' suggestion of four key factors
    and a choice of four that departs from it."""
    factors = project.factors([f"Faktor {k}" for k in range(1, 6)])
    matrix = [[None if i == j else (i * 3 + j) % 4 for j in range(5)] for i in range(5)]
    project.call("put", "/influence/rating", {"factor_ids": factors, "matrix": matrix})
    suggestion = project.call("get", "/influence")["suggestion"]
    other = next(f for f in factors if f not in suggestion)
    return suggestion, [other, *suggestion[1:]]


def _choose_key_factors_on_the_page(page: Page, workspace: str, key: list[str], tmp_path) -> None:
    """A choice that departs from the suggestion is refused without a reason; the choice stays
    ticked (issue 18 item 6: forms keep every input after an error), then saved with one."""
    page.goto(f"{workspace}/einfluss")
    section = page.locator("section[aria-labelledby='schluesselfaktoren']")
    boxes = section.locator("input[name='factor_ids']")
    for box in boxes.all():
        box.set_checked(box.get_attribute("value") in key)
    section.get_by_role("button", name="Schlüsselfaktoren festlegen").click()
    summary = page.locator(".kern-alert--danger")
    expect(summary.get_by_role("link", name="Begründung")).to_be_visible()
    section = page.locator("section[aria-labelledby='schluesselfaktoren']")
    for box in section.locator("input[name='factor_ids']").all():
        if box.get_attribute("value") in key:
            expect(box).to_be_checked()
        else:
            expect(box).not_to_be_checked()
    expect(section.get_by_label(re.compile("^Begründung"))).to_have_attribute(
        "aria-invalid", "true"
    )
    _check(page, tmp_path, "key-factors-error")
    section.get_by_label(re.compile("^Begründung")).fill("Leerstand ist uns wichtiger")
    section.get_by_role("button", name="Schlüsselfaktoren festlegen").click()
    expect(page.get_by_text("Gespeichert.")).to_be_visible()


def _rated_project(project: Project, key: list[str]) -> None:
    """Four key factors with 3, 2, 3 and 2 projections (36 bundles), every pair rated 1–5 by
    one member, so the bundles differ in many ways and the tree has ties."""
    for k, (factor_id, count) in enumerate(zip(key, (3, 2, 3, 2), strict=True)):
        for p in range(count):
            body = {"factor_id": factor_id, "title": f"F{k + 1} Projektion {p + 1}"}
            project.call("post", "/projections", body, project.member, status=201)
    listed = project.call("get", "/projections")
    order = listed["order"]
    owner = {p["id"]: k for k, kf in enumerate(listed["key_factors"]) for p in kf["projections"]}
    factor_of = [owner[pid] for pid in order]
    n = len(order)
    values = [[None] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if factor_of[i] != factor_of[j]:
                values[i][j] = values[j][i] = 2 + (i * 7 + j * 3) % 4
    body = {"projection_ids": order, "matrix": values}
    project.call("put", "/consistency/rating", body, project.member)


def _finished(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/laeufe/[0-9a-f]{24}$"))
    expect(page.get_by_role("heading", name="Rohszenarien", exact=True)).to_be_visible(
        timeout=60_000
    )


def _plots_shown(page: Page, raw: int) -> None:
    expect(page.get_by_role("heading", name="Wie die Bündel gruppiert wurden")).to_be_visible()
    _image_loaded(page, "img[src$='/dendrogramm.svg']")
    _image_loaded(page, "img[src$='/silhouette.svg']")
    expect(page.get_by_role("img", name=re.compile("^Dendrogramm"))).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile("^Balkendiagramm der Silhouettenwerte"))
    ).to_be_visible()
    expect(page.locator("table.run-members tbody tr")).to_have_count(raw)
    expect(page.locator("table.run-silhouette tbody tr").first).to_contain_text("2")
    for card in page.locator(".raw-profile").all():  # every profile names every key factor
        expect(card.locator("li")).to_have_count(4)


def test_facilitator_sets_runs_reruns_and_compares_them(
    wide: Page, browser: Browser, api, cities, tmp_path
) -> None:
    project = Project(api, cities)
    project.start(key_factor_count=4)
    _, key = _influence_rated(project)
    base, slug = api.base, project.slug
    workspace = f"{base}/stadt/{slug}/szenarien/werkstatt"
    _sign_in(wide, base, project.facilitator)
    _choose_key_factors_on_the_page(wide, workspace, key, tmp_path)
    assert {f["id"] for f in project.call("get", "/key-factors")["factors"]} == set(key)
    _rated_project(project, key)

    # --- a run set on the form: 3 raw scenarios, average linkage, at most 2 partial, top 20
    wide.goto(f"{workspace}/laeufe")
    wide.get_by_label("Anzahl der Rohszenarien").select_option("3")
    wide.get_by_label("Verknüpfung der Gruppen").select_option("average")
    wide.get_by_label(re.compile("Höchstens erlaubte Teilinkonsistenzen")).fill("2")
    wide.get_by_label(re.compile("Anzahl der besten Bündel")).fill("20")
    wide.get_by_role("button", name="Berechnung starten").click()
    _finished(wide)
    first = wide.url
    settings = wide.locator("dl.run-parameters")
    expect(settings).to_contain_text("3 (fest eingestellt)")
    expect(settings).to_contain_text("3 gebildet")
    expect(settings).to_contain_text("mittlere Distanz (average)")
    expect(settings).to_contain_text("höchstens 2")
    expect(settings).to_contain_text("20")
    expect(wide.locator(".raw-card")).to_have_count(3)
    _plots_shown(wide, 3)
    _check(wide, tmp_path, "run-desktop")

    # --- computed again: 4 raw scenarios, complete linkage
    rerun = wide.locator("section[aria-labelledby='erneut']")
    rerun.get_by_label("Anzahl der Rohszenarien").select_option("4")
    rerun.get_by_label("Verknüpfung der Gruppen").select_option("complete")
    rerun.get_by_role("button", name="Erneut berechnen").click()
    expect(wide).not_to_have_url(first)
    _finished(wide)
    second = wide.url
    expect(wide.locator("dl.run-parameters")).to_contain_text("4 (fest eingestellt)")
    expect(wide.locator("dl.run-parameters")).to_contain_text("größte Distanz (complete)")
    expect(wide.locator(".raw-card")).to_have_count(4)
    _plots_shown(wide, 4)

    # --- compared with the run it recomputes
    wide.get_by_role("link", name="mit ihr vergleichen").click()
    expect(wide.get_by_role("heading", name="Berechnung 1 und Berechnung 2")).to_be_visible()
    expect(wide.get_by_text(re.compile("auf demselben Stand der Eingaben"))).to_be_visible()
    parameters = wide.locator("table.run-compare-parameters")
    expect(parameters.locator("tr", has_text="Verknüpfung")).to_contain_text("verschieden")
    expect(parameters.locator("tr", has_text="Rohszenarien").first).to_contain_text(
        "3 (fest eingestellt)"
    )
    expect(parameters.locator("tr", has_text="Beste Bündel")).to_contain_text("gleich")
    expect(parameters.locator("tr", has_text="Gefundene Bündel")).to_contain_text("20 in beiden")
    expect(wide.locator("table.run-compare-matrix tbody tr")).to_have_count(3)
    expect(wide.locator("table.run-compare-matrix thead th")).to_have_count(5)
    expect(wide.locator(".run-compare-matches li").first).to_contain_text(
        re.compile(r"Rohszenario 1 \(Berechnung 1\) entspricht Rohszenario \d \(Berechnung 2\)")
    )
    expect(wide.locator("table.run-compare-profiles").first.locator("tbody tr")).to_have_count(4)
    _check(wide, tmp_path, "compare-desktop")
    compare = wide.url

    # --- the list: both runs with their parameters, the comparison one click away
    wide.goto(f"{workspace}/laeufe")
    runs = wide.locator(".run-list__item")
    expect(runs).to_have_count(2)
    expect(runs.nth(0)).to_contain_text("4 (fest eingestellt)")
    expect(runs.nth(0)).to_contain_text("größte Distanz (complete)")
    expect(runs.nth(1)).to_contain_text("3 (fest eingestellt)")
    expect(runs.nth(1)).to_contain_text("mittlere Distanz (average)")
    _check(wide, tmp_path, "runs-desktop")
    wide.get_by_role("link", name="Die letzten beiden Berechnungen vergleichen").click()
    expect(wide.get_by_role("heading", name="Berechnung 1 und Berechnung 2")).to_be_visible()

    # --- the comparison's own form: a run left out is named, the choice kept
    wide.get_by_label("Erste Berechnung").select_option("")
    wide.get_by_role("button", name="Vergleichen").click()
    summary = wide.locator(".kern-alert--danger")
    expect(summary.get_by_role("link", name="Erste Berechnung")).to_be_visible()
    expect(wide.get_by_label("Erste Berechnung")).to_have_attribute("aria-invalid", "true")
    expect(wide.get_by_label("Zweite Berechnung")).to_have_value(second.rsplit("/", 1)[1])
    _check(wide, tmp_path, "compare-error")
    wide.get_by_label("Erste Berechnung").select_option(second.rsplit("/", 1)[1])
    wide.get_by_label("Zweite Berechnung").select_option(first.rsplit("/", 1)[1])
    wide.get_by_role("button", name="Vergleichen").click()
    expect(wide.get_by_role("heading", name="Berechnung 2 und Berechnung 1")).to_be_visible()
    expect(wide.locator("table.run-compare-matrix tbody tr")).to_have_count(4)

    # --- from a run, the comparison page opens with that run chosen and no error
    wide.goto(first)
    wide.get_by_role("link", name="Mit einer anderen Berechnung vergleichen").click()
    expect(wide.get_by_role("heading", name="Berechnungen vergleichen")).to_be_visible()
    expect(wide.locator(".kern-alert--danger")).to_have_count(0)
    expect(wide.get_by_label("Zweite Berechnung")).to_have_value(first.rsplit("/", 1)[1])
    expect(wide.get_by_label("Erste Berechnung")).to_have_value("")

    # --- the same pages on a phone
    phone = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="de-DE", bypass_csp=True
    ).new_page()
    _sign_in(phone, base, project.facilitator)
    for name, url in (
        ("run-phone", first),
        ("compare-phone", compare),
        ("runs-phone", f"{workspace}/laeufe"),
    ):
        phone.goto(url)
        _check(phone, tmp_path, name)
        # a phone browser widens its layout to what overflows: the page itself must stay 360
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
    phone.goto(first)
    _plots_shown(phone, 3)
    phone.context.close()
