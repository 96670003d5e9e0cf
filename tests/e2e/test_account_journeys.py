"""Account pages in a real browser: sign in, download my data, delete the account."""

from __future__ import annotations

import json

from browser_support import accessibility_violations, fits_the_screen
from playwright.sync_api import Page, expect


def _sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("Du bist angemeldet.")).to_be_visible()


def test_download_my_data_and_delete_the_account_on_a_phone(phone: Page, api) -> None:
    person = api.verified_login()
    _sign_in(phone, api.base, person["email"], person["password"])
    phone.get_by_role("link", name="Mein Bereich").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mein Bereich")
    expect(phone.get_by_text(person["email"])).to_be_visible()
    assert fits_the_screen(phone)
    assert accessibility_violations(phone) == []

    with phone.expect_download() as download_info:
        phone.get_by_role("link", name="Meine Daten herunterladen").click()
    exported = json.loads(download_info.value.path().read_text(encoding="utf-8"))
    assert exported["account"]["email"] == person["email"]

    phone.get_by_label("Zur Bestätigung: Dein Passwort").fill("nicht-das-passwort-1")
    phone.get_by_role("button", name="Konto endgültig löschen").click()
    expect(phone.locator("#password-error")).to_have_text("Das Passwort ist falsch.")
    phone.get_by_label("Zur Bestätigung: Dein Passwort").fill(person["password"])
    phone.get_by_role("button", name="Konto endgültig löschen").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Konto gelöscht")
    expect(phone.get_by_role("link", name="Anmelden")).to_be_visible()
    assert (
        api.post(
            "/sessions", {"email": person["email"], "password": person["password"]}
        ).status_code
        == 401
    )
