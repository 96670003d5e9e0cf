"""The city admin's page of organisations on a phone: reached from the admin overview, the
table of organisations acting in the city (names escaped), confirming a self-named initiative
(the idea page then says "von der Stadt bestätigt"), hiding a bogus one — first without a
reason (the field is named), then with one — so it leaves the idea page, and showing it again.
Every page: fits the phone, axe-core 0 serious/critical, no raw keys."""

from __future__ import annotations

from browser_support import assert_no_raw_keys
from playwright.sync_api import Page, expect
from test_dialogue_pages import Pages, _person, _sign_in, _table_talk_city

MEIER = "Familie <i>Meier</i>"  # markup in a name a person typed: shown as text
REPAIR = "Reparaturinitiative Nord"
CODES = frozenset({"association", "initiative", "support", "helper", "confirmed", "hidden"})


def _backing(api, slug: str, idea_id: str, name: str) -> None:  # noqa: ANN001
    """A person names an initiative on her account and supports the idea in its name."""
    person = _person(api, name.split()[0])
    token = api.post("/sessions", {"email": person["email"], "password": person["password"]})
    token = token.json()["token"]
    body = {"name": name, "kind": "initiative", "city": slug}
    assert api.post("/me/organisations", body, token=token).status_code == 201
    path = f"/cities/{slug}/ideas/{idea_id}/organisations"
    key = api.get(f"{path}/mine", token=token).json()[0]["key"]
    assert api.post(f"{path}/{key}/support", token=token).ok


def test_an_admin_confirms_hides_and_shows_organisations_on_a_phone(
    phone: Page, desktop: Page, api, cities, platform, tmp_path
) -> None:
    city = _table_talk_city(api, cities, platform)
    slug, base, admin = city["slug"], api.base, city["admin"]
    pages = Pages(tmp_path)
    idea = api.post(
        f"/cities/{slug}/ideas",
        {"title": "Bänke am Fluss", "description": "Mehr Bänke zum Ausruhen.",
         "category": "environment", "district": "Nordstadt"},
        token=admin["token"],
    ).json()  # fmt: skip
    for name in (MEIER, REPAIR):
        _backing(api, slug, idea["id"], name)

    _sign_in(phone, base, admin)
    phone.goto(f"{base}/stadt/{slug}/verwaltung")
    phone.get_by_role("link", name="Organisationen", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Organisationen in")
    table = phone.locator("table")
    expect(table.locator("tbody tr")).to_have_count(2)
    row = table.locator("tbody tr", has_text="Reparaturinitiative")
    expect(row).to_contain_text("Initiative")
    expect(row).to_contain_text("nach eigener Angabe")
    expect(table.locator("tbody th", has_text=MEIER)).to_be_visible()
    assert table.locator("i").count() == 0  # the markup stayed text
    pages.check(phone, "organisationen")
    assert_no_raw_keys(phone, CODES)

    # Confirm the repair initiative.
    phone.get_by_role("button", name=f"{REPAIR} bestätigen").click()
    expect(phone.locator("#meldung")).to_contain_text("von der Stadt bestätigt")
    expect(row).to_contain_text("von der Stadt bestätigt")
    pages.check(phone, "bestaetigt")

    # Hide the family: without a reason the field is named, then with one.
    hide = phone.get_by_role("button", name=f"{MEIER} ausblenden")
    hide.click()
    expect(phone.locator("#fehler")).to_contain_text("Grund")
    pages.check(phone, "ausblenden-ohne-grund")
    assert_no_raw_keys(phone, CODES)
    family = phone.locator("section.kern-card", has_text="Familie")
    family.get_by_label("Grund für das Ausblenden").fill("Keine Organisation, ein Familienname.")
    phone.get_by_role("button", name=f"{MEIER} ausblenden").click()
    expect(phone.locator("#meldung")).to_contain_text("ausgeblendet")
    expect(table.locator("tbody tr", has_text="Familie")).to_contain_text("ausgeblendet")
    expect(phone.get_by_text("Keine Organisation, ein Familienname.")).to_be_visible()
    pages.check(phone, "ausgeblendet")
    assert_no_raw_keys(phone, CODES)

    # The idea page: the confirmed initiative, no family.
    phone.goto(f"{base}/stadt/{slug}/ideen/{idea['id']}")
    listed = phone.locator("#organisationen-liste li")
    expect(listed).to_have_text(f"{REPAIR} (Initiative) – unterstützt, von der Stadt bestätigt")
    expect(phone.locator("#organisationen-zahlen")).to_contain_text("1 unterstützen")
    pages.check(phone, "idee")

    # Shown again, the family counts again.
    phone.goto(f"{base}/stadt/{slug}/verwaltung/organisationen")
    phone.get_by_role("button", name=f"{MEIER} wieder zeigen").click()
    expect(phone.locator("#meldung")).to_contain_text("wieder gezeigt")
    pages.check(phone, "wieder-gezeigt")
    phone.goto(f"{base}/stadt/{slug}/ideen/{idea['id']}")
    expect(phone.locator("#organisationen-zahlen")).to_contain_text("2 unterstützen")
    # The same page on a wide screen.
    _sign_in(desktop, base, admin)
    desktop.goto(f"{base}/stadt/{slug}/verwaltung/organisationen")
    expect(desktop.locator("table tbody tr")).to_have_count(2)
    pages.check(desktop, "organisationen-breit")
