"""Accessibility offers in a real browser (issue 16 items 3 and 4): "Barriere melden" on every
page and a report with its reference number, Leichte Sprache one click from the start page,
the sign-language video uploaded by an operator and shown with its symbol, size and duration;
axe-core on every new page, on a phone (360 px) and a desktop."""

from __future__ import annotations

import re
from pathlib import Path

from browser_support import accessibility_violations, fits_the_screen
from playwright.sync_api import Page, expect

VIDEO = Path(__file__).parents[1] / "fixtures" / "video" / "dgs-sample.webm"


def _check(page: Page) -> None:
    assert fits_the_screen(page), f"horizontal scrolling on {page.url}"
    assert accessibility_violations(page) == [], page.url


def _sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("Du bist angemeldet.")).to_be_visible()


def test_leichte_sprache_is_one_click_from_the_start_page(phone: Page, api, tmp_path) -> None:
    phone.goto(api.base + "/")
    offers = phone.get_by_role("navigation", name="Leichte Sprache und Gebärdensprache")
    offers.get_by_role("link", name="Leichte Sprache").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Stadt-Dialog in Leichter Sprache")
    expect(phone.get_by_role("heading", name="So melden Sie eine Barriere")).to_be_visible()
    assert phone.locator(".easy-read").get_attribute("lang") == "de"
    _check(phone)
    phone.screenshot(path=str(tmp_path / "leichte-sprache-phone.png"), full_page=True)

    phone.goto(api.base + "/leichte-sprache?lang=en")
    expect(phone.get_by_text("German Easy Language (Leichte Sprache)")).to_be_visible()
    _check(phone)


def test_a_barrier_is_reported_from_a_city_page(phone: Page, api, cities, tmp_path) -> None:
    made = cities.create()
    slug = made["slug"]
    phone.goto(f"{api.base}/stadt/{slug}")
    footer = phone.get_by_role("navigation", name="Barrierefreiheit")
    footer.get_by_role("link", name="Barriere melden").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Barriere melden")
    expect(phone.get_by_label("Seite, auf der die Barriere ist")).to_have_value(f"/stadt/{slug}")
    expect(phone.get_by_label("Stadt")).to_have_value(slug)
    _check(phone)

    phone.get_by_label("Was ist die Barriere?").fill("kurz")
    phone.get_by_role("button", name="Meldung absenden").click()
    expect(phone.locator("#description-error")).to_contain_text("10")
    _check(phone)

    reporter = f"melder-{slug}@example.org"
    phone.get_by_label("Was ist die Barriere?").fill(
        "Die Phasen-Übersicht ist für Screenreader stumm."
    )
    phone.get_by_label(re.compile("^E-Mail-Adresse für eine Antwort")).fill(reporter)
    phone.get_by_role("button", name="Meldung absenden").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Danke, Deine Meldung ist angekommen"
    )
    reference = phone.locator(".reference-number").inner_text()
    assert re.fullmatch(r"BF-\d{4}-\d{6}", reference)
    _check(phone)
    phone.screenshot(path=str(tmp_path / "barriere-gemeldet-phone.png"), full_page=True)
    assert reference in api.sink.wait_for(reporter)[-1]["Subject"]

    # Every page carries the link, in English too.
    phone.goto(api.base + "/anmelden?lang=en")
    expect(phone.get_by_role("link", name="Report a barrier")).to_be_visible()


def test_the_city_admin_lists_and_answers_reports(desktop: Page, api, cities, tmp_path) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    body = {"city": slug, "page": f"/stadt/{slug}", "description": "Kontrast im Kopf zu schwach."}
    reference = api.post("/accessibility/reports", body).json()["reference"]
    _sign_in(desktop, api.base, admin["email"], admin["password"])
    desktop.goto(f"{api.base}/barrierefreiheit/meldungen?stadt={slug}")
    card = desktop.locator(f"#meldung-{reference}")
    expect(card).to_contain_text("Offen")
    _check(desktop)
    desktop.screenshot(path=str(tmp_path / "meldungen-desktop.png"), full_page=True)
    card.get_by_label("Notiz zur Antwort").fill("Wird im nächsten Release behoben.")
    card.get_by_role("button", name="Als beantwortet markieren").click()
    expect(desktop.locator(f"#meldung-{reference}")).to_contain_text("Beantwortet")
    _check(desktop)


def test_an_operator_uploads_a_sign_language_video(
    desktop: Page, phone: Page, api, cities, operator, tmp_path
) -> None:
    made = cities.create()
    slug = made["slug"]
    _sign_in(desktop, api.base, operator["email"], operator["password"])
    desktop.goto(api.base + "/gebaerdensprache/verwaltung")
    _check(desktop)
    desktop.get_by_label("Für").select_option(slug)
    desktop.get_by_label("Video-Datei (MP4 oder WebM)").set_input_files(str(VIDEO))
    desktop.get_by_role("button", name="Video hochladen").click()
    expect(desktop.get_by_text("Gespeichert.")).to_be_visible()
    _check(desktop)

    phone.goto(f"{api.base}/stadt/{slug}")
    section = phone.locator("section", has=phone.locator("#gebaerdensprache"))
    expect(section.locator(".dgs-symbol").first).to_have_text("DGS")
    expect(section).to_contain_text("0:02 Minuten")
    expect(section).to_contain_text("kB (WebM)")
    video = section.locator("video")
    expect(video).to_have_attribute("controls", "")
    # The browser's player read the file: its duration is known.
    phone.wait_for_function(
        "() => document.querySelector('#gebaerdensprache ~ figure video, section video')"
        ".readyState >= 1"
    )
    download = section.get_by_role("link", name=re.compile("^Video herunterladen"))
    expect(download).to_have_attribute("href", f"/stadt/{slug}/gebaerdensprache/video?download=1")
    _check(phone)
    phone.screenshot(path=str(tmp_path / "stadt-dgs-phone.png"), full_page=True)

    phone.goto(api.base + "/gebaerdensprache")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Deutscher Gebärdensprache")
    _check(phone)
