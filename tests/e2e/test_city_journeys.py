"""Citizen and partner journeys in a real browser, on a phone and on a desktop."""

from __future__ import annotations

import re

from browser_support import accessibility_violations, fits_the_screen
from playwright.sync_api import Page, expect


def _check(page: Page) -> None:
    assert fits_the_screen(page), f"horizontal scrolling on {page.url}"
    assert accessibility_violations(page) == [], page.url


def test_citizen_finds_a_city_and_registers_on_a_phone(phone: Page, api, cities, tmp_path) -> None:
    made = cities.create()
    phone.goto(api.base + "/")
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Gestalte die Zukunft Deiner Stadt mit"
    )
    _check(phone)
    phone.get_by_role("link", name=made["city"]["name"]).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(made["city"]["name"])
    expect(phone.get_by_text("Arbeitsgruppe gebildet", exact=False)).to_be_visible()
    _check(phone)
    phone.screenshot(path=str(tmp_path / "city-phone.png"), full_page=True)

    phone.get_by_role("link", name="Registrieren").click()
    phone.get_by_label("Name, der anderen angezeigt wird").fill("Rosa")
    phone.get_by_label("E-Mail-Adresse").fill("kein-at-zeichen")
    phone.get_by_label(re.compile("^Passwort")).fill("kurz")
    phone.get_by_role("button", name="Konto anlegen").click()
    email_field = phone.get_by_label("E-Mail-Adresse")
    expect(email_field).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#email-error")).to_have_text("Keine gültige E-Mail-Adresse.")
    expect(phone.locator("#password-error")).to_contain_text("Länge muss zwischen 10 und 256")
    expect(phone.locator("#privacy_consent-error")).to_contain_text("Datenschutzerklärung zu")
    _check(phone)
    email_field.fill(f"rosa-{made['slug']}@example.org")
    phone.get_by_label(re.compile("^Passwort")).fill("Mitmachen-2027")
    phone.get_by_label(re.compile("^Ich habe die Datenschutzerklärung gelesen")).check()
    phone.get_by_role("button", name="Konto anlegen").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Fast geschafft")
    api.sink.wait_for(f"rosa-{made['slug']}@example.org")

    phone.goto(api.base + "/?lang=en")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Help shape the future of your city")


def test_partner_switches_on_a_plugin_and_an_admin_advances(desktop: Page, api, cities) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    desktop.goto(api.base + "/anmelden")
    desktop.get_by_label("E-Mail-Adresse").fill(admin["email"])
    desktop.get_by_label("Passwort").fill(admin["password"])
    desktop.get_by_role("button", name="Anmelden").click()
    expect(desktop.get_by_text("Du bist angemeldet.")).to_be_visible()

    desktop.goto(f"{api.base}/stadt/{slug}/verwaltung")
    _check(desktop)
    card = desktop.locator("#plugin-jugendforum")
    card.get_by_role("button", name="Speichern und aktivieren").click()
    card = desktop.locator("#plugin-jugendforum")
    expect(card.locator(".kern-error")).to_contain_text("Pflichtfeld fehlt")
    expect(card.get_by_label(re.compile("Jugendgespräche"))).to_have_attribute(
        "aria-invalid", "true"
    )
    card.get_by_label(re.compile("Jugendgespräche")).fill("2")
    card.get_by_role("button", name="Speichern und aktivieren").click()
    expect(desktop.get_by_text("Gespeichert.")).to_be_visible()
    expect(desktop.locator("#plugin-jugendforum .kern-badge")).to_have_text("aktiv")
    desktop.goto(f"{api.base}/stadt/{slug}")
    expect(desktop.get_by_text("Jugendforum", exact=False).first).to_be_visible()

    desktop.goto(f"{api.base}/stadt/{slug}/verwaltung")
    desktop.get_by_role("button", name="Zur nächsten Phase wechseln").click()
    # first the page that says what the change does and which steps are still open
    expect(desktop.get_by_role("heading", level=1)).to_have_text(
        "Von „Auftakt“ zu „Szenarien“ wechseln?"
    )
    expect(desktop.locator(".confirm-consequences")).to_contain_text("Szenario-Werkstatt öffnet")
    expect(desktop.locator(".open-steps")).to_contain_text("Arbeitsgruppe gebildet")
    _check(desktop)
    desktop.get_by_role("button", name="Jetzt zu „Szenarien“ wechseln").click()
    expect(desktop.locator("#phase ~ form .kern-error, section .kern-error").first).to_contain_text(
        "Arbeitsgruppe"
    )
    step = desktop.locator("form.step-note").filter(
        has=desktop.locator("input[value=working_group_formed]")
    )
    step.get_by_label(re.compile("Notiz")).fill("Keine Stiftung vor Ort")
    step.get_by_role("button", name="Als erledigt markieren").click()
    expect(desktop.get_by_text("Gespeichert.")).to_be_visible()
    desktop.get_by_label(re.compile("Begründung")).fill("Die Gruppe steht")
    desktop.get_by_role("button", name="Zur nächsten Phase wechseln").click()
    expect(desktop.get_by_text("Begründung: Die Gruppe steht")).to_be_visible()
    desktop.get_by_role("button", name="Jetzt zu „Szenarien“ wechseln").click()
    expect(desktop.get_by_role("heading", name=re.compile("Phase: Szenarien"))).to_be_visible()
    _check(desktop)


def test_a_citizen_may_not_open_the_admin_page(desktop: Page, api, cities) -> None:
    made = cities.create()
    response = desktop.goto(f"{api.base}/stadt/{made['slug']}/verwaltung")
    assert response.status == 401
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Anmeldung erforderlich")
