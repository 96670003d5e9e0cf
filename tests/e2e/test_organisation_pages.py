"""Organisations as supporters in a real browser on a phone: a member names her Verein in
Mein Bereich, supports an idea in its name and sees the Verein named on the idea's page
(escaped, "nach eigener Angabe"); a second member of the same Verein finds it counted once
and withdraws it. Every page: fits the phone, axe-core 0 serious/critical, no raw keys."""

from __future__ import annotations

from browser_support import assert_no_raw_keys
from playwright.sync_api import Browser, Page, expect
from test_dialogue_pages import Pages, _context, _person, _sign_in, _table_talk_city

from services.kit.testing import wait_until

VEREIN = "Kiez <b>&</b> Verein"  # markup in a name a person typed: shown as text
CODES = frozenset({"association", "initiative", "support", "helper", "confirmed"})


def _name_the_verein(page: Page, base: str, spelling: str, pages: Pages, shot: str) -> None:
    page.goto(f"{base}/konto#my-organisations")
    section = page.locator("section[aria-labelledby=my-organisations]")
    section.get_by_label("Name der Organisation").fill(spelling)
    section.get_by_label("Art der Organisation").select_option(label="Verein")
    section.get_by_role("button", name="Organisation eintragen").click()
    expect(page.get_by_text("Deine Organisation ist eingetragen.")).to_be_visible()
    expect(section.locator("strong", has_text=spelling)).to_be_visible()
    pages.check(page, shot)
    assert_no_raw_keys(page, CODES)


def test_support_an_idea_as_an_organisation_on_a_phone(
    phone: Page, desktop: Page, browser: Browser, api, cities, platform, tmp_path
) -> None:
    city = _table_talk_city(api, cities, platform)
    slug, base = city["slug"], api.base
    pages = Pages(tmp_path)
    author, mara, otto = (_person(api, n) for n in ("Ida Idee", "Mara Mitglied", "Otto Ober"))
    token = api.post("/sessions", {"email": author["email"], "password": author["password"]})
    idea = api.post(
        f"/cities/{slug}/ideas",
        {"title": "Bänke am Fluss", "description": "Mehr Bänke zum Ausruhen.",
         "category": "environment", "district": "Nordstadt"},
        token=token.json()["token"],
    ).json()  # fmt: skip
    idea_url = f"{base}/stadt/{slug}/ideen/{idea['id']}"

    _sign_in(phone, base, mara)
    _name_the_verein(phone, base, VEREIN, pages, "mein-bereich")
    phone.goto(idea_url)
    orgs = phone.locator("section[aria-labelledby=organisationen]")
    expect(orgs.locator("#organisationen-zahlen")).to_contain_text("Organisationen: 0 unterstützen")
    pages.check(phone, "idee-vorher")
    orgs.get_by_role("button", name=f"Im Namen von {VEREIN} unterstützen").click()
    expect(phone.get_by_text("Die Idee zeigt jetzt, was Deine Organisation")).to_be_visible()
    listed = orgs.locator("#organisationen-liste li")
    expect(listed).to_have_text(f"{VEREIN} (Verein) – unterstützt, nach eigener Angabe")
    assert orgs.locator("#organisationen-liste b").count() == 0  # the markup stayed text
    expect(orgs.locator("#organisationen-zahlen")).to_contain_text("Organisationen: 1 unterstützen")
    pages.check(phone, "idee-unterstuetzt")
    assert_no_raw_keys(phone, CODES)
    # Anyone (not signed in, on a desktop) sees the Verein on the idea's page.
    desktop.goto(idea_url)
    expect(desktop.locator("#organisationen-liste li")).to_contain_text(f"{VEREIN} (Verein)")
    pages.check(desktop, "idee-desktop")

    # Otto is in the same Verein (spelled his way): it is supported already; he withdraws it.
    other = _context(browser, phone=True).new_page()
    _sign_in(other, base, otto)
    _name_the_verein(other, base, "kiez <b>&</b>  verein", pages, "mein-bereich-otto")
    other.goto(idea_url)
    others = other.locator("section[aria-labelledby=organisationen]")
    expect(others.locator("#organisationen-zahlen")).to_contain_text(
        "Organisationen: 1 unterstützen"
    )
    withdraw = others.get_by_role("button", name="Unterstützung von kiez <b>&</b>  verein")
    withdraw.click()
    expect(others.locator("#organisationen-zahlen")).to_contain_text(
        "Organisationen: 0 unterstützen"
    )
    expect(others.locator("#organisationen-liste")).to_have_count(0)
    pages.check(other, "idee-zurueckgezogen")
    other.context.close()

    # The results page counts supporting organisations, in German.
    wait_until(
        lambda: (
            api.get(f"/cities/{slug}/results").json()["ideas"].get("organisations") == 0
            and api.get(f"/cities/{slug}/results").json()["facts"]["counted"] > 0
        ),
        30,
        "the results with the organisations",
    )
    phone.goto(f"{base}/stadt/{slug}/ergebnisse")
    expect(phone.get_by_text("Unterstützende Organisationen")).to_be_visible()
    pages.check(phone, "ergebnisse")
    assert_no_raw_keys(phone, CODES)
