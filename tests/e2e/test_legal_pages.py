"""The legal pages in a real browser: the footer of every page links the four texts (German
and English), a registration without consent is refused at the box, and a city admin fills in
the city's part of the privacy notice, which the public page then shows. axe-core finds
nothing serious or critical on any of these pages, on a phone and on a desktop."""

from __future__ import annotations

import re
import uuid

from browser_support import accessibility_violations, fits_the_screen
from playwright.sync_api import Page, expect

PAGES_DE = {
    "Impressum": ("/impressum", "Impressum"),
    "Datenschutz": ("/datenschutz", "Datenschutzerklärung"),
    "Nutzungsbedingungen": ("/nutzungsbedingungen", "Nutzungsbedingungen"),
    "Barrierefreiheit": ("/barrierefreiheit", "Erklärung zur Barrierefreiheit"),
}
PAGES_EN = {
    "Legal notice": "/impressum",
    "Privacy": "/datenschutz",
    "Terms of use": "/nutzungsbedingungen",
    "Accessibility": "/barrierefreiheit",
}


def _check(page: Page, shots, name: str) -> None:  # noqa: ANN001
    assert fits_the_screen(page), f"horizontal scrolling on {page.url}"
    assert accessibility_violations(page) == [], page.url
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def _footer(page: Page):  # noqa: ANN202 - a Playwright locator
    return page.get_by_role("navigation", name=re.compile("^(Rechtliches|Legal)$"))


def _sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("Du bist angemeldet.")).to_be_visible()


def test_the_footer_of_every_page_links_the_legal_pages_in_german_and_english(
    phone: Page, api, cities, tmp_path
) -> None:
    made = cities.create()
    slug = made["slug"]
    for path in ("/", "/anmelden", "/registrieren", "/passwort-vergessen", f"/stadt/{slug}"):
        phone.goto(api.base + path)
        footer = _footer(phone)
        for label, (target, _) in PAGES_DE.items():
            link = footer.get_by_role("link", name=label, exact=True)
            expected = f"/stadt/{slug}{target}" if path.startswith("/stadt/") else target
            expect(link).to_have_attribute("href", expected)

    for label, (target, title) in PAGES_DE.items():
        phone.goto(api.base + "/")
        _footer(phone).get_by_role("link", name=label, exact=True).click()
        expect(phone).to_have_url(api.base + target)
        expect(phone.get_by_role("heading", level=1)).to_have_text(title)
        _check(phone, tmp_path, f"platform{target.replace('/', '-')}-phone")
    # The statement's text leads to the feedback form (built with the accessibility issue);
    # the page's accessibility navigation links it too, naming the page the report is about.
    statement = phone.locator("#inhalt")
    expect(statement.get_by_role("link", name="Barriere melden")).to_have_attribute(
        "href", "/barrierefreiheit/melden"
    )

    phone.goto(api.base + f"/stadt/{slug}?lang=en")
    for label, target in PAGES_EN.items():
        link = _footer(phone).get_by_role("link", name=label, exact=True)
        expect(link).to_have_attribute("href", f"/stadt/{slug}{target}")
    _footer(phone).get_by_role("link", name="Privacy", exact=True).click()
    expect(
        phone.get_by_role("heading", level=2, name=re.compile("Details of the city"))
    ).to_be_visible()
    expect(phone.get_by_text("This text is available in German only.")).to_be_visible()
    _check(phone, tmp_path, "city-privacy-en-phone")


def test_a_registration_without_consent_is_refused_at_the_box(phone: Page, api, tmp_path) -> None:
    email = f"ohne-zustimmung-{uuid.uuid4().hex[:8]}@example.org"
    phone.goto(api.base + "/registrieren")
    expect(phone.get_by_text("Was wir speichern")).to_be_visible()
    _check(phone, tmp_path, "register-phone")
    phone.get_by_label("Name, der anderen angezeigt wird").fill("Ohne Zustimmung")
    phone.get_by_label("E-Mail-Adresse").fill(email)
    phone.get_by_label(re.compile("^Passwort")).fill("Mitmachen-2027")
    phone.get_by_role("button", name="Konto anlegen").click()
    box = phone.get_by_label(re.compile("^Ich habe die Datenschutzerklärung gelesen"))
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#privacy_consent-error")).to_have_text(
        "Bitte stimme der Datenschutzerklärung zu, um ein Konto anzulegen."
    )
    expect(phone.get_by_label("E-Mail-Adresse")).to_have_value(email)  # nothing typed is lost
    _check(phone, tmp_path, "register-refused-phone")
    # With the box ticked the same form goes through.
    phone.get_by_label(re.compile("^Passwort")).fill("Mitmachen-2027")
    box.check()
    phone.get_by_role("button", name="Konto anlegen").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Fast geschafft")


def test_a_city_admin_fills_in_the_privacy_part_and_the_public_page_shows_it(
    desktop: Page, api, cities, operator, tmp_path
) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    _sign_in(desktop, api.base, admin["email"], admin["password"])
    desktop.goto(api.base + f"/stadt/{slug}/verwaltung")
    desktop.get_by_role("link", name="Datenschutzerklärung bearbeiten").click()
    expect(desktop.get_by_role("heading", level=1)).to_contain_text("Angaben der Stadt")
    expect(desktop.get_by_text(re.compile(r"Noch \d+ Stellen auszufüllen"))).to_be_visible()
    _check(desktop, tmp_path, "city-privacy-edit-desktop")

    officer = f"Dr. Daten Schutz {uuid.uuid4().hex[:6]}"
    desktop.get_by_label("Text (Markdown)").fill(
        "## Verantwortliche Stelle\n\nStadtverwaltung, Rathausplatz 1\n\n"
        f"## Datenschutzbeauftragte\n\n{officer}, [dsb@example.org](mailto:dsb@example.org)\n\n"
        "<script>alert('x')</script>\n"
    )
    desktop.get_by_role("button", name="Neue Fassung speichern").click()
    expect(desktop.get_by_text("Neue Fassung gespeichert.")).to_be_visible()
    expect(desktop.get_by_role("cell", name="Test Person")).to_be_visible()
    _check(desktop, tmp_path, "city-privacy-saved-desktop")

    desktop.get_by_role("link", name="Öffentliche Seite ansehen").click()
    expect(desktop.get_by_role("heading", level=3, name="Datenschutzbeauftragte")).to_be_visible()
    expect(desktop.get_by_text(officer)).to_be_visible()
    expect(desktop.get_by_text("<script>alert('x')</script>")).to_be_visible()  # as text
    city_part = desktop.get_by_role("region", name=re.compile("^Angaben der Stadt"))
    expect(city_part.get_by_text(re.compile(r"Fassung 1 vom .* 20\d\d"))).to_be_visible()
    _check(desktop, tmp_path, "city-privacy-public-desktop")

    # The operator's editor of the platform texts (only looked at: the texts stay as they are).
    desktop.get_by_role("button", name="Abmelden").click()
    _sign_in(desktop, api.base, operator["email"], operator["password"])
    desktop.goto(api.base + "/konto")
    desktop.get_by_role("link", name="Impressum bearbeiten").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Impressum – Text der Plattform")
    _check(desktop, tmp_path, "platform-imprint-edit-desktop")
