"""The facilitator's workshop controls in a real browser at 1,366 px: two working-group members
disagree on an influence cell and on a consistency pair; the facilitator sees both values side
by side, is refused a resolution without a value (error summary at the top, the typed note
kept), settles both on the page and they leave the lists; a run set to 3 raw scenarios on the
page shows its parameters, its CIB result beside the bundles, and is computed again with the
number chosen automatically. The run page and the consistency page are checked on a phone too.

Ratings and the other inputs are setup (through the JSON API); what the facilitator does is
done on the pages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from test_scenario_pages import PHONE, Project, _check, _context, _sign_in

DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def wide(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport=DESKTOP)


def _two_raters_disagree(project: Project, cities) -> tuple[list[str], list[str]]:
    """Four factors rated by two members who are three steps apart on factor 1 → 2; three key
    factors with two projections each, rated by both, four steps apart on one pair."""
    second = cities.person_with_role(project.slug, "working_group_member", project.admin)
    factors = project.factors([f"Faktor {k}" for k in range(1, 5)])
    for member, strong in ((project.member, 0), (second, 3)):
        matrix = [[None if i == j else (i + j) % 3 for j in range(4)] for i in range(4)]
        matrix[0][1] = strong
        body = {"factor_ids": factors, "matrix": matrix}
        project.call("put", "/influence/rating", body, member)
    key = factors[1:4]
    project.call("put", "/key-factors", {"factor_ids": key, "note": "Im Workshop gewählt"})
    for factor_id in key:
        for title in ("steigt", "sinkt"):
            body = {"factor_id": factor_id, "title": title}
            project.call("post", "/projections", body, project.member, status=201)
    order = project.call("get", "/projections")["order"]
    for member, value in ((project.member, 1), (second, 5)):
        matrix = [
            [None if i // 2 == j // 2 else (5 if i % 2 == j % 2 else 2) for j in range(6)]
            for i in range(6)
        ]
        matrix[0][2] = matrix[2][0] = value
        body = {"projection_ids": order, "matrix": matrix}
        project.call("put", "/consistency/rating", body, member)
    return factors, order


def _settle(page: Page, tmp_path, name: str, button: str, empty_text: str) -> None:
    """The one dispute on the page: both values shown; refused without a value; settled."""
    disputes = page.locator("form.pair-form")
    expect(disputes).to_have_count(1)
    values = disputes.locator(".rater-values strong")
    expect(values).to_have_count(2)
    assert sorted(values.all_inner_texts()) in (["0", "3"], ["1", "5"])
    expect(disputes.get_by_label("Festgelegter Wert")).to_have_value("")  # no default
    disputes.get_by_label(re.compile("Notiz")).fill("Erst in der Gruppe besprechen")
    disputes.get_by_role("button", name=button).click()
    summary = page.locator(".kern-alert--danger")
    expect(summary).to_contain_text("Festgelegter Wert")
    expect(summary.get_by_role("link", name="Festgelegter Wert")).to_be_visible()
    disputes = page.locator("form.pair-form")
    expect(disputes.get_by_label("Festgelegter Wert")).to_have_attribute("aria-invalid", "true")
    expect(disputes.get_by_label(re.compile("Notiz"))).to_have_value(
        "Erst in der Gruppe besprechen"
    )
    _check(page, tmp_path, f"{name}-error")
    disputes.get_by_label("Festgelegter Wert").select_option("3")
    disputes.get_by_role("button", name=button).click()
    expect(page.get_by_text("Gespeichert.")).to_be_visible()
    expect(page.locator("form.pair-form")).to_have_count(0)
    expect(page.get_by_text(empty_text)).to_be_visible()
    expect(page.get_by_text("Erst in der Gruppe besprechen")).to_be_visible()
    _check(page, tmp_path, name)


def test_facilitator_settles_disputes_and_controls_a_run(
    wide: Page, browser: Browser, api, cities, tmp_path
) -> None:
    project = Project(api, cities)
    project.start(key_factor_count=3)
    _two_raters_disagree(project, cities)
    base, slug = api.base, project.slug
    workspace = f"{base}/stadt/{slug}/szenarien/werkstatt"
    _sign_in(wide, base, project.facilitator)

    # --- the disputed influence cell, then the disputed consistency pair
    wide.goto(f"{workspace}/einfluss")
    expect(wide.get_by_role("link", name=re.compile("^strittig"))).to_have_count(1)
    _settle(wide, tmp_path, "influence-dispute", "Feld klären", "Keine strittigen Felder.")
    expect(wide.get_by_role("heading", name="Geklärte Felder")).to_be_visible()
    wide.goto(f"{workspace}/konsistenz")
    _settle(wide, tmp_path, "consistency-dispute", "Paar klären", "Keine strittigen Paare.")
    expect(wide.get_by_role("heading", name="Geklärte Paare")).to_be_visible()

    # --- a run with 3 raw scenarios; a refused top-k first keeps every other input
    wide.goto(f"{workspace}/laeufe")
    _check(wide, tmp_path, "runs-form")
    wide.get_by_label("Anzahl der Rohszenarien").select_option("3")
    wide.get_by_label("Verknüpfung der Gruppen").select_option("complete")
    wide.get_by_label(re.compile("Höchstens erlaubte Teilinkonsistenzen")).fill("3")
    wide.get_by_label(re.compile("Anzahl der besten Bündel")).fill("0")
    wide.get_by_label("Zusätzlich Cross-Impact-Bilanz (CIB) berechnen").check()
    wide.get_by_role("button", name="Berechnung starten").click()
    expect(wide.locator(".kern-alert--danger")).to_contain_text("Anzahl der besten Bündel")
    expect(wide.get_by_label("Anzahl der Rohszenarien")).to_have_value("3")
    expect(wide.get_by_label("Verknüpfung der Gruppen")).to_have_value("complete")
    expect(wide.get_by_label(re.compile("Höchstens erlaubte"))).to_have_value("3")
    expect(wide.get_by_label("Zusätzlich Cross-Impact-Bilanz (CIB) berechnen")).to_be_checked()
    _check(wide, tmp_path, "runs-form-error")
    wide.get_by_label(re.compile("Anzahl der besten Bündel")).fill("8")
    wide.get_by_role("button", name="Berechnung starten").click()
    expect(wide).to_have_url(re.compile(r"/laeufe/[0-9a-f]{24}$"))
    expect(wide.get_by_role("heading", name="Rohszenarien")).to_be_visible(timeout=60_000)
    first_run = wide.url
    settings = wide.locator("dl.run-parameters")
    expect(settings).to_contain_text("3 (fest eingestellt)")
    expect(settings).to_contain_text("3 gebildet")
    expect(settings).to_contain_text("größte Distanz (complete)")
    expect(settings).to_contain_text("höchstens 3")
    expect(wide.locator(".raw-card")).to_have_count(3)
    for card in wide.locator(".raw-profile").all():  # every profile names every key factor
        expect(card.locator("li")).to_have_count(3)
    expect(
        wide.get_by_text("Das Profil eines Rohszenarios ist sein stärkstes Bündel")
    ).to_be_visible()
    expect(wide.get_by_role("heading", name="Cross-Impact-Bilanz (CIB)")).to_be_visible()
    expect(wide.get_by_role("heading", name="Szenarien der Cross-Impact-Bilanz")).to_be_visible()
    _check(wide, tmp_path, "run-3-raw")

    # --- computed again with the number chosen automatically
    rerun = wide.locator("section[aria-labelledby='erneut']")
    expect(rerun.get_by_label("Anzahl der Rohszenarien")).to_have_value("3")
    rerun.get_by_label("Anzahl der Rohszenarien").select_option("")
    rerun.get_by_role("button", name="Erneut berechnen").click()
    expect(wide).not_to_have_url(first_run)
    expect(wide.get_by_role("heading", name="Rohszenarien")).to_be_visible(timeout=60_000)
    expect(wide.get_by_role("link", name=re.compile("Neuberechnung"))).to_be_visible()
    expect(wide.locator("dl.run-parameters")).to_contain_text("automatisch nach Silhouette")
    expect(wide.get_by_text(re.compile("automatisch gewählt"))).to_be_visible()
    _check(wide, tmp_path, "rerun")

    wide.goto(f"{workspace}/laeufe")
    runs = wide.locator(".run-list__item")
    expect(runs).to_have_count(2)
    expect(runs.nth(0)).to_contain_text("Berechnung 2")
    expect(runs.nth(0)).to_contain_text("Neuberechnung von Berechnung 1")
    expect(runs.nth(0)).to_contain_text("automatisch nach Silhouette")
    expect(runs.nth(1)).to_contain_text("3 (fest eingestellt)")
    _check(wide, tmp_path, "runs-list")

    # --- the same pages on a phone
    phone = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="de-DE", bypass_csp=True
    ).new_page()
    _sign_in(phone, base, project.facilitator)
    for name, url in (("run-phone", first_run), ("consistency-phone", f"{workspace}/konsistenz")):
        phone.goto(url)
        _check(phone, tmp_path, name)
    phone.context.close()
