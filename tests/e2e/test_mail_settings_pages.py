"""Mails people may switch off, on a 360 px phone: Mein Bereich's switches (the host's daily
summary, the reminder the day before) and the page of the one-click unsubscribe link. Each view:
axe-core without serious or critical findings, no sideways scrolling at 360 and 320 px, and a
screenshot (to ``$STADTDIALOG_SCREENSHOTS`` when set, else the test's temporary folder)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from browser_support import accessibility_violations, fits_the_screen
from playwright.sync_api import Page, expect

from services.kit.config import load_settings
from services.kit.mail_choices import HOST_SUMMARY, unsubscribe_link, unsubscribe_tokens
from services.kit.testing import session_secret_key

PASSWORD = "Tischgespräch-42"


def _person(api) -> dict:  # noqa: ANN001
    email = f"{uuid.uuid4().hex[:10]}@example.org"
    body = {"email": email, "display_name": "Mia M.", "password": PASSWORD, "privacy_consent": True}
    response = api.post("/accounts", body)
    assert response.status_code == 201
    assert api.post("/accounts/verify", {"token": api.mailed_token(email)}).status_code == 200
    token = api.post("/sessions", {"email": email, "password": PASSWORD}).json()["token"]
    return {"email": email, "token": token, "id": response.json()["id"]}


def _check(page: Page, shots: Path, name: str) -> None:
    assert fits_the_screen(page), f"wider than 360 px: {page.url}"
    assert accessibility_violations(page) == [], page.url
    page.screenshot(path=str(shots / f"mails-{name}-360.png"), full_page=True)
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": size["height"]})
    try:
        assert fits_the_screen(page), f"wider than 320 px: {page.url}"
    finally:
        page.set_viewport_size(size)


def test_switching_mails_off_on_a_phone(phone: Page, api, tmp_path: Path) -> None:  # noqa: ANN001
    shots = Path(os.environ.get("STADTDIALOG_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    me = _person(api)
    phone.goto(api.base + "/anmelden")
    phone.get_by_label("E-Mail-Adresse").fill(me["email"])
    phone.get_by_label("Passwort").fill(PASSWORD)
    phone.get_by_role("button", name="Anmelden").click()
    expect(phone.get_by_text("Du bist angemeldet.")).to_be_visible()

    phone.goto(api.base + "/konto#my-mails")
    reminder = phone.get_by_label("Erinnerung am Tag vor einem Tischgespräch")
    summary = phone.get_by_label("Tägliche Zusammenfassung für Gastgeberinnen und Gastgeber")
    expect(reminder).to_be_checked()
    expect(summary).to_be_checked()
    reminder.uncheck()
    phone.get_by_role("button", name="E-Mail-Einstellungen speichern").click()
    expect(phone.get_by_text("Deine E-Mail-Einstellungen sind gespeichert.")).to_be_visible()
    expect(phone.get_by_label("Erinnerung am Tag vor einem Tischgespräch")).not_to_be_checked()
    assert api.get("/me", token=me["token"]).json()["mail_off"] == ["talk_reminder"]
    section = phone.locator("section[aria-labelledby=my-mails]")
    section.screenshot(path=str(shots / "mails-mein-bereich-section-360.png"))
    _check(phone, shots, "mein-bereich")

    # The link of a summary's List-Unsubscribe header, opened in the browser: a question
    # first (a GET changes nothing), the button switches the summary off.
    session_secret_key()
    tokens = unsubscribe_tokens(load_settings().secret_key)
    link = unsubscribe_link(tokens, api.base, me["id"], HOST_SUMMARY)
    phone.goto(link)
    expect(phone.get_by_role("heading", name="E-Mails abbestellen")).to_be_visible()
    _check(phone, shots, "abbestellen")
    assert api.get("/me", token=me["token"]).json()["mail_off"] == ["talk_reminder"]
    phone.get_by_role("button", name="Abbestellen").click()
    expect(phone.get_by_role("heading", name="Abbestellt")).to_be_visible()
    _check(phone, shots, "abbestellt")
    assert sorted(api.get("/me", token=me["token"]).json()["mail_off"]) == [
        "host_summary",
        "talk_reminder",
    ]
