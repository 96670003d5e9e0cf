"""Talks in time on a 360 px phone: a start in the past is refused next to the field, a
running talk says "läuft gerade" and offers no join button, an ended one leaves the list (the
"Vergangene Gespräche" filter shows it) and asks its host for the documentation on the talk
page and in Mein Bereich. Every page: axe-core without serious or critical findings, and no
page wider than the screen at 360 px and at 320 px.

The times of a talk held are reached honestly: created ahead (nothing else is accepted), then
the stored start moved (``tests/talk_time_support.py``), as the clock would have by then."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from talk_time_support import begun, ended
from test_dialogue_pages import LOCAL, Pages, _local, _person, _sign_in, _table_talk_city


def _check(pages: Pages, page: Page, name: str) -> None:
    """The dialogue pages' checks at 360 px, and no sideways scrolling at 320 px either."""
    pages.check(page, name)
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": size["height"]})
    try:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
            f"wider than 320 px: {page.url}"
        )
    finally:
        page.set_viewport_size(size)


def _phone(browser: Browser) -> Page:
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="de-DE",
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
    )
    return context.new_page()


def test_talks_in_time_on_a_phone(
    phone: Page, browser: Browser, api, cities, platform, tmp_path: Path
) -> None:
    city = _table_talk_city(api, cities, platform)
    slug, base = city["slug"], api.base
    pages = Pages(tmp_path)
    host, guest, late = (_person(api, n) for n in ("Hanna Zeit", "Bert Pünktlich", "Lotte Spät"))

    # A start an hour ago is refused next to the field, in German; the rest is kept.
    _sign_in(phone, base, host)
    phone.goto(f"{base}/stadt/{slug}/tischgespraeche/neu")
    past = datetime.now(LOCAL) - timedelta(hours=1)
    phone.get_by_label("Titel des Gesprächs").fill("Feierabend am Küchentisch")
    phone.get_by_label("Thema").select_option(label=city["topic"])
    phone.get_by_label("Form").select_option("in_person")
    phone.get_by_label(re.compile("^Adresse")).fill("Lindenstraße 5")
    phone.get_by_label(re.compile("^Stadtteil")).fill("Nordstadt")
    phone.get_by_label("Beginn").fill(_local(past))
    phone.get_by_label("Ende").fill(_local(past + timedelta(hours=2)))
    phone.get_by_label("Plätze für Gäste").fill("4")
    phone.get_by_role("button", name="Tischgespräch anlegen").click()
    expect(phone.get_by_label("Beginn")).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#starts_at-error")).to_have_text("Der Beginn muss in der Zukunft liegen.")
    expect(phone.get_by_label("Titel des Gesprächs")).to_have_value("Feierabend am Küchentisch")
    _check(pages, phone, "start-in-the-past")

    starts = (datetime.now(LOCAL) + timedelta(days=2)).replace(hour=18, minute=0)
    phone.get_by_label("Beginn").fill(_local(starts))
    phone.get_by_label("Ende").fill(_local(starts + timedelta(hours=2)))
    phone.get_by_role("button", name="Tischgespräch anlegen").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Feierabend am Küchentisch")
    talk_url = phone.url.split("?")[0]
    talk_id = talk_url.rsplit("/", 1)[1]
    token = api.post("/sessions", {"email": guest["email"], "password": guest["password"]})
    joined = api.post(f"/cities/{slug}/talks/{talk_id}/registrations", token=token.json()["token"])
    assert joined.status_code == 200 and joined.json()["status"] == "confirmed"

    # The talk began half an hour ago: listed as running, no way to join any more.
    begun(platform, talk_id, minutes=30)
    latecomer = _phone(browser)
    _sign_in(latecomer, base, late)
    latecomer.goto(f"{base}/stadt/{slug}/tischgespraeche")
    card = latecomer.locator(".kern-card", has_text="Feierabend am Küchentisch")
    expect(card.get_by_text("läuft gerade")).to_be_visible()
    _check(pages, latecomer, "list-running")
    card.get_by_role("link", name="Feierabend am Küchentisch").click()
    expect(latecomer.get_by_role("heading", level=1)).to_have_text("Feierabend am Küchentisch")
    expect(
        latecomer.get_by_text("Dieses Gespräch läuft gerade – anmelden kann man sich nicht mehr.")
    ).to_be_visible()
    expect(latecomer.get_by_role("button", name="Ich bin dabei")).to_have_count(0)
    expect(latecomer.get_by_role("button", name="Auf die Warteliste")).to_have_count(0)
    _check(pages, latecomer, "talk-running")

    # Over: out of the list; "Vergangene Gespräche" shows it, marked "vorbei".
    ended(platform, talk_id, hours_ago=1)
    latecomer.goto(f"{base}/stadt/{slug}/tischgespraeche")
    expect(latecomer.get_by_text("Gefundene Gespräche: 0")).to_be_visible()
    expect(latecomer.get_by_role("link", name="Feierabend am Küchentisch")).to_have_count(0)
    latecomer.get_by_label("Vergangene Gespräche", exact=True).check()
    latecomer.get_by_role("button", name="Gespräche anzeigen").click()
    expect(latecomer.get_by_text("Vergangene Gespräche: 1")).to_be_visible()
    card = latecomer.locator(".kern-card", has_text="Feierabend am Küchentisch")
    expect(card.get_by_text("vorbei")).to_be_visible()
    _check(pages, latecomer, "list-past")
    latecomer.context.close()

    # The host is asked for the documentation: on the talk page and in Mein Bereich.
    phone.goto(talk_url)
    expect(phone.get_by_text("Dein Gespräch ist vorbei")).to_be_visible()
    expect(phone.get_by_role("button", name="Tischgespräch absagen")).to_have_count(0)
    _check(pages, phone, "talk-ended-host")
    phone.goto(f"{base}/konto")
    hosted = phone.locator("section[aria-labelledby=my-hosted]")
    expect(hosted.get_by_role("link", name="Gespräch dokumentieren")).to_be_visible()
    _check(pages, phone, "my-area-ended")
    hosted.get_by_role("link", name="Gespräch dokumentieren").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Gespräch dokumentieren")
    phone.goto(talk_url)
    phone.get_by_role("link", name="Gespräch dokumentieren").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Gespräch dokumentieren")
