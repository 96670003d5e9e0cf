"""A complete scenario workshop for a new city, in Chromium at 1,366 px, with two raters and no
API call (issue 18, first acceptance bullet).

The operator's city with its first admin is the only setup (there is no page for creating a
city). On the pages: the admin invites a facilitator by e-mail and a working-group member into a
new working group; both sign up, confirm their address from the mail and accept; the admin
changes the phase. The facilitator creates the project, enters 12 factors and deletes one after
its confirmation page; both rate the influence matrix; the key factors are fixed; projections
are added and one is edited; both rate the consistency matrix, four steps apart on one pair,
which the facilitator settles; a run with 3 raw scenarios and CIB; three scenarios written and
published, one withdrawn with a reason and published again, as a visitor sees. Every page is
checked with axe-core and for page-wide scrolling, and screenshotted (``shots``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from scenario_support import (
    activate,
    cut_analysis_heads,
    enter_scenario_phase,
    fill_matrix,
    invite_facilitator,
    invite_group_member,
    look,
    publish,
    saved,
    sign_in,
    sign_up_and_accept,
    whole_labels,
    write_scenario,
)

DESKTOP = {"width": 1366, "height": 900}
FACTORS = (
    "Wohnkosten", "Nahverkehr", "Klimaanpassung", "Einzelhandel in der Innenstadt", "Ehrenamt",
    "Schulen", "Digitale Verwaltung", "Gesundheitsversorgung", "Tourismus", "Energiepreise",
    "Zuzug junger Familien", "Sicherheitsgefühl",
)  # fmt: skip
SCENARIOS = ("Kurze Wege", "Teure Mitte", "Stille Vororte")


def _facilitator_influence(k: int) -> int:
    """The k-th cell (row by row, diagonal left out) of the facilitator's 12 × 12 matrix."""
    return (k * 5 + k // 11) % 4


def _member_influence(k: int) -> int:
    """The member's k-th cell of the 11 × 11 matrix left after "Tourismus" (the ninth factor)
    went: the facilitator's value for the same pair, one step off on every ninth cell (a
    difference, not a dispute: disputes start at two steps)."""
    i, j = divmod(k, 10)
    j += j >= i
    a, b = i + (i >= 8), j + (j >= 8)  # back to the positions among the twelve
    value = _facilitator_influence(a * 11 + b - (b > a))
    return value + (1 if value < 3 else -1) if k % 9 == 0 else value


def _page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, locale="de-DE", bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def facilitator(browser: Browser) -> Iterator[Page]:
    yield from _page(browser)


@pytest.fixture
def member(browser: Browser) -> Iterator[Page]:
    yield from _page(browser)


@pytest.fixture
def admin(browser: Browser) -> Iterator[Page]:
    yield from _page(browser)


def test_a_whole_workshop_on_the_pages_with_two_raters(
    facilitator: Page, member: Page, admin: Page, api, cities, tmp_path
) -> None:
    made = cities.create()  # setup: the operator's city and its admin (no page for this)
    slug, base = made["slug"], api.base
    workspace = f"{base}/stadt/{slug}/szenarien/werkstatt"
    shots = tmp_path

    # --- people: invited by the city admin on the pages, signed up and accepted on the pages
    sign_in(admin, base, made["admin"]["email"])
    mira, jonas = f"mira-{slug}@example.org", f"jonas-{slug}@example.org"
    invite_facilitator(admin, base, slug, mira)
    invite_group_member(admin, base, slug, "Zukunft Altstadt", jonas)
    sign_up_and_accept(facilitator, base, api.sink, mira, "Mira Moderation")
    sign_up_and_accept(member, base, api.sink, jonas, "Jonas Gruppe")

    # --- the project (kickoff), then the admin opens the scenario phase
    facilitator.goto(workspace)
    facilitator.get_by_label("Titel des Projekts").fill("Zukunft 2040")
    facilitator.get_by_label(re.compile("Anzahl der Schlüsselfaktoren")).fill("3")
    facilitator.get_by_role("button", name="Projekt anlegen").click()
    saved(facilitator)
    look(facilitator, shots, "01-project")
    enter_scenario_phase(admin, base, slug)

    # --- twelve factors; one deleted after the page naming what depends on it
    facilitator.goto(f"{workspace}/faktoren")
    for title in FACTORS:
        facilitator.get_by_label("Titel des Faktors").fill(title)
        facilitator.get_by_role("button", name="Faktor hinzufügen").click()
        saved(facilitator)
    expect(facilitator.locator("table tbody tr")).to_have_count(12)
    look(facilitator, shots, "02-factors-12")

    # --- the influence matrix: the facilitator rates all twelve, then one factor goes
    facilitator.goto(f"{workspace}/einfluss")
    fill_matrix(facilitator, 12 * 11, _facilitator_influence)
    assert whole_labels(facilitator) == []
    look(facilitator, shots, "03-influence-facilitator-12")
    facilitator.goto(f"{workspace}/faktoren")
    facilitator.get_by_role("link", name="„Tourismus“ löschen").click()
    consequences = facilitator.locator(".confirm-consequences")
    expect(consequences).to_contain_text("Der Einflussfaktor „Tourismus“ wird gelöscht.")
    expect(consequences).to_contain_text(re.compile(r"Einflussmatrizen \(Bewertende: 1\)"))
    look(facilitator, shots, "04-factor-delete-confirm")
    activate(facilitator.get_by_role("button", name="Endgültig löschen"))
    saved(facilitator)
    expect(facilitator.locator("table tbody tr")).to_have_count(11)
    look(facilitator, shots, "05-factors-11")

    # --- the member rates the eleven on their own page; close to the facilitator
    member.goto(f"{workspace}/einfluss")
    fill_matrix(member, 11 * 10, _member_influence)
    expect(member.get_by_text("Bewertet: 110 von 110 Feldern.")).to_be_visible()
    look(member, shots, "06-influence-member")

    # --- key factors: the facilitator takes the analysis' suggestion
    facilitator.goto(f"{workspace}/einfluss")
    expect(facilitator.get_by_role("heading", name="Mittlerer Einfluss")).to_be_visible()
    means = facilitator.locator("table.matrix--values").first
    expect(means).to_contain_text(re.compile(r"\d,5"))  # German decimals in the mean matrix
    expect(means).not_to_contain_text(re.compile(r"\d\.\d"))
    assert whole_labels(facilitator) == []
    assert cut_analysis_heads(facilitator) == []  # "Rang indirekt (MICMAC)" was cut off
    look(facilitator, shots, "07-influence-facilitator")
    facilitator.get_by_role("button", name="Schlüsselfaktoren festlegen").click()
    saved(facilitator)
    look(facilitator, shots, "08-key-factors")

    # --- projections: two per key factor, one edited
    facilitator.goto(f"{workspace}/projektionen")
    expect(facilitator.locator("section.projection-card")).to_have_count(3)
    for k in range(3):
        for title in ("steigt", "sinkt"):
            card = facilitator.locator("section.projection-card").nth(k)
            card.get_by_label("Projektion", exact=True).fill(title)
            card.get_by_role("button", name="Projektion hinzufügen").click()
            saved(facilitator)
    facilitator.locator("section.projection-card").first.get_by_role(
        "link", name="„steigt“ bearbeiten"
    ).click()
    expect(facilitator.get_by_role("heading", level=1)).to_have_text(
        "Zukunftsprojektion bearbeiten"
    )
    look(facilitator, shots, "09-projection-edit")
    facilitator.get_by_label("Projektion", exact=True).fill("steigt deutlich")
    facilitator.get_by_role("button", name="Änderungen speichern").click()
    saved(facilitator)
    expect(facilitator.locator("section.projection-card").first).to_contain_text("steigt deutlich")
    look(facilitator, shots, "10-projections")

    # --- consistency: both rate; four steps apart on the first pair
    member.goto(f"{workspace}/konsistenz")
    fill_matrix(member, 12, lambda k: 5 if k == 0 else (4 if k % 3 else 2))
    look(member, shots, "11-consistency-member")
    facilitator.goto(f"{workspace}/konsistenz")
    fill_matrix(facilitator, 12, lambda k: 1 if k == 0 else (4 if k % 3 else 2))
    disputes = facilitator.locator("form.pair-form")
    expect(disputes).to_have_count(1)
    expect(disputes.locator(".rater-values strong")).to_have_count(2)
    # each rater's value in the scale's words too, and so the choices to settle it
    expect(disputes.locator(".rater-values")).to_contain_text("5 (stützen sich stark)")
    expect(disputes.locator(".rater-values")).to_contain_text("1 (schließen sich aus)")
    expect(disputes.get_by_label("Festgelegter Wert").locator("option[value='4']")).to_have_text(
        "4 – passen"
    )
    expect(disputes.get_by_label("Festgelegter Wert")).to_have_value("")
    expect(disputes).to_contain_text("Uneinigkeit 2,0")
    assert whole_labels(facilitator) == []
    look(facilitator, shots, "12-consistency-dispute")
    disputes.get_by_label("Festgelegter Wert").select_option("4")
    disputes.get_by_label(re.compile("Notiz")).fill("In der Gruppe besprochen")
    disputes.get_by_role("button", name="Paar klären").click()
    saved(facilitator)
    expect(facilitator.get_by_text("Keine strittigen Paare.")).to_be_visible()
    look(facilitator, shots, "13-consistency-settled")

    # --- a run with 3 raw scenarios and CIB
    facilitator.goto(f"{workspace}/laeufe")
    facilitator.get_by_label("Anzahl der Rohszenarien").select_option("3")
    facilitator.get_by_label("Zusätzlich Cross-Impact-Bilanz (CIB) berechnen").check()
    look(facilitator, shots, "14-run-form")
    facilitator.get_by_role("button", name="Berechnung starten").click()
    expect(facilitator).to_have_url(re.compile(r"/laeufe/[0-9a-f]{24}$"))
    expect(facilitator.get_by_role("heading", name="Rohszenarien", exact=True)).to_be_visible(
        timeout=60_000
    )
    run_url = facilitator.url
    expect(facilitator.locator(".raw-card")).to_have_count(3)
    expect(facilitator.locator("dl.run-parameters")).to_contain_text("3 (fest eingestellt)")
    expect(
        facilitator.get_by_role("heading", name="Szenarien der Cross-Impact-Bilanz")
    ).to_be_visible()
    look(facilitator, shots, "15-run")

    # --- three scenarios written and published
    for raw, title in enumerate(SCENARIOS, start=1):
        write_scenario(facilitator, run_url, raw, title)
    scenarios_url = facilitator.url
    expect(facilitator.locator(".scenario-card")).to_have_count(3)
    look(facilitator, shots, "16-scenarios-written")
    for title in SCENARIOS:
        publish(facilitator, title)
    look(facilitator, shots, "17-scenarios-published")

    # --- one withdrawn with a reason, then published again; the visitor's page follows
    visitor = admin  # the admin's browser stands in for any visitor of the public page
    public = f"{base}/stadt/{slug}/szenarien"
    visitor.goto(public)
    expect(visitor.get_by_role("heading", name="Teure Mitte")).to_be_visible()
    facilitator.goto(scenarios_url)
    card = facilitator.locator(".scenario-card").filter(has_text="Teure Mitte")
    card.get_by_role("link", name="„Teure Mitte“ zurückziehen").click()
    expect(facilitator.locator(".confirm-consequences")).to_contain_text("sehen es nicht mehr")
    facilitator.get_by_label(re.compile("^Grund")).fill("Die Erzählung fehlt noch.")
    look(facilitator, shots, "18-withdraw-confirm")
    facilitator.get_by_role("button", name="Zurückziehen").click()
    card = facilitator.locator(".scenario-card").filter(has_text="Teure Mitte")
    expect(card.locator(".kern-badge")).to_have_text("zurückgezogen")
    expect(card.locator(".withdrawn-reason")).to_contain_text(
        re.compile(r"Zurückgezogen am \d\d\.\d\d\.\d{4}\. Grund: Die Erzählung fehlt noch\.")
    )
    look(facilitator, shots, "19-withdrawn")
    visitor.reload()
    expect(visitor.get_by_role("heading", name="Teure Mitte")).to_have_count(0)
    expect(visitor.get_by_role("heading", name="Kurze Wege")).to_be_visible()
    publish(facilitator, "Teure Mitte", again=True)
    look(facilitator, shots, "20-published-again")
    visitor.reload()
    for title in SCENARIOS:
        expect(visitor.get_by_role("heading", name=title)).to_be_visible()
    # the profile's factor names keep their width (30 % of the card), not the shortest line's
    term = visitor.locator(".scenario-card dt").first
    assert term.evaluate("e => e.getBoundingClientRect().width") > 150
    look(visitor, shots, "21-public-scenarios")
