"""Forms that help, in a real browser on a 360 px phone (issue 17 items 5 and 8): signed out,
the host form sends to sign-in and sign-in returns there; a submit with several gaps shows
every error at once in a summary at the top that takes the focus and links to each field; the
in-person fields say when they are needed; after the fix the confirmation takes the focus.
Every page: axe-core without serious or critical findings, no wider than a 320 px screen."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from browser_support import accessibility_violations, fits_the_screen
from playwright.sync_api import Page, expect
from test_dialogue_pages import _publish_topic

from services.kit.testing import wait_until

LOCAL = ZoneInfo("Europe/Berlin")
PASSWORD = "Tischgespräch-42"


def _person(api) -> dict:
    email = f"{uuid.uuid4().hex[:10]}@example.org"
    body = {"email": email, "display_name": "Hanna", "password": PASSWORD, "privacy_consent": True}
    assert api.post("/accounts", body).status_code == 201
    assert api.post("/accounts/verify", {"token": api.mailed_token(email)}).status_code == 200
    return {"email": email, "password": PASSWORD}


def _table_talk_city(api, cities, platform) -> dict:
    made = cities.create()
    slug, token = made["slug"], made["admin"]["token"]
    step = f"/cities/{slug}/phases/kickoff/steps/working_group_formed"
    assert api.post(step, {"note": "Für den Test gebildet"}, token=token).ok
    for phase in ("scenarios", "transfer"):
        assert api.post(f"/cities/{slug}/phase", {"to": phase}, token=token).status_code == 200
    title = f"Wohnen {uuid.uuid4().hex[:6]}"
    fact = {"topic_id": f"topic-{uuid.uuid4().hex[:8]}", "title": title}

    _publish_topic(api, platform, slug, fact)
    assert api.post(f"/cities/{slug}/phase", {"to": "table_talks"}, token=token).status_code == 200
    wait_until(
        lambda: any(t["title"] == title for t in api.get(f"/cities/{slug}/topics").json()),
        90,
        "the topic in the dialogue service",
    )
    return {"slug": slug, "topic": title}


def _check(page: Page) -> None:
    """axe-core clean, and no sideways scrolling at 360 px nor at 320 px."""
    assert accessibility_violations(page) == [], page.url
    assert fits_the_screen(page), f"wider than 360 px: {page.url}"
    page.set_viewport_size({"width": 320, "height": 740})
    try:
        assert fits_the_screen(page), f"wider than 320 px: {page.url}"
    finally:
        page.set_viewport_size({"width": 360, "height": 740})


def _focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_host_form_errors_at_once_with_focus_and_sign_in_back_to_it(
    phone: Page, api, cities, platform
) -> None:
    city = _table_talk_city(api, cities, platform)
    person = _person(api)
    host_form = f"/stadt/{city['slug']}/tischgespraeche/neu"

    # Signed out: the host form asks to sign in, and sign-in returns to it.
    phone.goto(api.base + host_form)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bitte melde Dich an")
    phone.get_by_role("link", name="Zur Anmeldung").click()
    expect(phone).to_have_url(re.compile(r"/anmelden\?next="))
    _check(phone)
    phone.get_by_label("E-Mail-Adresse").fill(person["email"])
    phone.get_by_label("Passwort").fill(person["password"])
    phone.get_by_role("button", name="Anmelden").click()
    expect(phone).to_have_url(api.base + host_form)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Tischgespräch anbieten")

    # The in-person fields say when they are needed.
    expect(phone.get_by_label(re.compile("^Adresse"))).to_be_visible()
    expect(phone.locator("label[for=address]")).to_contain_text("Pflicht bei Gespräch vor Ort")
    expect(phone.locator("label[for=district]")).to_contain_text("Pflicht bei Gespräch vor Ort")
    expect(phone.locator("label[for=link]")).to_contain_text("Pflicht bei Online-Gespräch")
    _check(phone)

    # One submit with four gaps: all four at once, the summary on top and focused.
    phone.get_by_label("Titel des Gesprächs").fill("Wie wohnen wir 2040?")
    phone.get_by_label("Thema").select_option(label=city["topic"])
    phone.get_by_label("Form").select_option("in_person")
    phone.get_by_role("button", name="Tischgespräch anlegen").click()
    summary = phone.locator("#fehler")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Bitte korrigiere Folgendes:")
    for label in ("Adresse", "Stadtteil", "Beginn", "Ende"):
        expect(summary.get_by_role("link", name=re.compile(f"^{label}:"))).to_be_visible()
    expect(summary).to_be_focused()
    assert _focused_id(phone) == "fehler"
    expect(phone.locator("#district-error")).to_contain_text("Stadtteil fehlt")
    expect(phone.get_by_label("Titel des Gesprächs")).to_have_value("Wie wohnen wir 2040?")
    _check(phone)

    # A link of the summary leads to its field, ready to type.
    summary.get_by_role("link", name=re.compile("^Stadtteil:")).click()
    expect(phone.locator("#district")).to_be_focused()

    # Fixed in one go: the talk's page, its confirmation focused.
    starts = datetime.now(LOCAL) + timedelta(days=5)
    phone.get_by_label(re.compile("^Adresse")).fill("Lindenstraße 5")
    phone.get_by_label(re.compile("^Stadtteil")).fill("Nordstadt")
    phone.get_by_label("Beginn").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    phone.get_by_label("Ende").fill((starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    phone.get_by_role("button", name="Tischgespräch anlegen").click()
    expect(phone).to_have_url(re.compile(r"#meldung$"))
    notice = phone.locator("#meldung")
    expect(notice).to_contain_text("Dein Tischgespräch ist angelegt.")
    expect(notice).to_be_focused()
    _check(phone)


def test_sign_in_errors_and_the_unconfirmed_address_on_a_phone(phone: Page, api) -> None:
    unconfirmed = api.register()
    phone.goto(api.base + "/anmelden?next=%2Fkonto")
    phone.get_by_role("button", name="Anmelden").click()
    summary = phone.locator("#fehler")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile("^E-Mail-Adresse:"))).to_be_visible()
    expect(summary.get_by_role("link", name=re.compile("^Passwort:"))).to_be_visible()
    _check(phone)

    phone.get_by_label("E-Mail-Adresse").fill(unconfirmed["email"])
    phone.get_by_label("Passwort").fill(unconfirmed["password"])
    phone.get_by_role("button", name="Anmelden").click()
    resend = phone.get_by_role("button", name="Bestätigungsmail erneut senden")
    expect(resend).to_be_visible()
    _check(phone)
    resend.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("E-Mail unterwegs")
    expect(phone.get_by_role("heading", level=1)).to_be_focused()
    api.sink.wait_for(unconfirmed["email"], count=2)  # the second mail: the link again
    _check(phone)
