"""Table talks and project ideas in a real browser: a citizen hosts a talk on a phone, another
joins, the host documents it with the city's plugin field and proposes an idea that others
support; the same host and join journeys by keyboard alone; invitations and moderation."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from browser_support import accessibility_violations, fits_the_screen
from playwright.sync_api import Browser, BrowserContext, Page, expect
from talk_time_support import begun

from services.kit.testing import wait_until

LOCAL = ZoneInfo("Europe/Berlin")
PASSWORD = "Tischgespräch-42"
DISTRICTS = ["Nordstadt", "Altstadt"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 900}


# The gateway sends a Content-Security-Policy (scripts from its own origin only), so axe-core,
# which the test injects, needs the browser to bypass it; the pages themselves run no script.
def _context(browser: Browser, phone: bool) -> BrowserContext:
    if phone:
        return browser.new_context(
            viewport=PHONE, locale="de-DE", is_mobile=True, has_touch=True, bypass_csp=True
        )
    return browser.new_context(viewport=DESKTOP, locale="de-DE", bypass_csp=True)


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = _context(browser, phone=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    context = _context(browser, phone=False)
    yield context.new_page()
    context.close()


# ---------------------------------------------------------------- setup through the API
def _person(api, name: str) -> dict:
    """A verified account with its own display name (the name a host sees)."""
    email = f"{uuid.uuid4().hex[:10]}@example.org"
    body = {"email": email, "display_name": name, "password": PASSWORD, "privacy_consent": True}
    assert api.post("/accounts", body).status_code == 201
    assert api.post("/accounts/verify", {"token": api.mailed_token(email)}).status_code == 200
    return {"email": email, "password": PASSWORD, "name": name}


def _publish_topic(api, platform, slug: str, fact: dict) -> None:  # noqa: ANN001
    """The scenarios service's topic fact, published until the cities service counted it."""

    def counted() -> bool:
        return api.get(f"/cities/{slug}/tallies").json().get("scenarios.topic.published", 0) >= 1

    # A fact published before a freshly started service has bound its queue is dropped by
    # the broker; the same topic again is harmless (the dialogue service upserts by its id).
    for _attempt in range(4):
        platform.publish_fact("scenarios", "topic", "published", fact, city=slug)
        try:
            wait_until(counted, 30, "the topic counted by the cities service")
            break
        except AssertionError:
            continue
    assert counted(), "the cities service never counted the published topic"


def _table_talk_city(api, cities, platform) -> dict:
    """A city in the table-talk phase with one deep-dive topic and the Ortsteile plugin."""
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    token = admin["token"]
    config = {"config": {"districts": DISTRICTS}}
    assert api.put(f"/cities/{slug}/plugins/ortsteile", config, token=token).status_code == 200
    step = f"/cities/{slug}/phases/kickoff/steps/working_group_formed"
    assert api.post(step, {"note": "Für den Test gebildet"}, token=token).ok
    for phase in ("scenarios", "transfer"):
        assert api.post(f"/cities/{slug}/phase", {"to": phase}, token=token).status_code == 200
    title = f"Mobilität {uuid.uuid4().hex[:6]}"
    question = "Wie bewegen wir uns 2040 durch unsere Stadt?"
    topic_id = f"topic-{uuid.uuid4().hex[:8]}"
    fact = {"topic_id": topic_id, "title": title, "guiding_question": question}

    _publish_topic(api, platform, slug, fact)
    assert api.post(f"/cities/{slug}/phase", {"to": "table_talks"}, token=token).status_code == 200
    wait_until(
        lambda: any(t["title"] == title for t in api.get(f"/cities/{slug}/topics").json()),
        90,
        "the topic in the dialogue service",
    )
    wait_until(
        lambda: (
            "district"
            in api.get(f"/cities/{slug}/forms/talk_documentation").json()["schema"]["properties"]
        ),
        90,
        "the Ortsteile field in the documentation form",
    )
    return {"slug": slug, "admin": admin, "topic": title, "question": question}


def _local(moment: datetime) -> str:
    return moment.astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M")


# ---------------------------------------------------------------- checks on every page
class Pages:
    """Checks every visited page (fits a phone, axe-core, German title) and keeps a screenshot."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def check(self, page: Page, name: str) -> None:
        assert fits_the_screen(page), f"horizontal scrolling on {page.url}"
        assert accessibility_violations(page) == [], page.url
        assert page.title().endswith("– Stadtdialog") and page.locator("main").count() == 1
        assert page.locator("html").get_attribute("lang") == "de"
        self.count += 1
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True)


def _sign_in(page: Page, base: str, person: dict) -> None:
    page.goto(base + "/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(person["email"])
    page.get_by_label("Passwort").fill(person["password"])
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("Du bist angemeldet.")).to_be_visible()


def _second_phone(browser: Browser) -> Page:
    return _context(browser, phone=True).new_page()


# ---------------------------------------------------------------- the phone journey
def test_host_join_document_and_ideas_on_a_phone(
    phone: Page, browser: Browser, api, cities, platform, tmp_path
) -> None:
    city = _table_talk_city(api, cities, platform)
    slug, base = city["slug"], api.base
    pages = Pages(tmp_path)
    host = _person(api, "Hanna Gastgeberin")
    guest = _person(api, "Bert Nachbar")

    # The city page leads to the talks; the host offers one.
    _sign_in(phone, base, host)
    phone.goto(f"{base}/stadt/{slug}")
    section = phone.locator("section[aria-labelledby=dialog]")
    expect(section.get_by_role("link", name=city["topic"])).to_be_visible()
    pages.check(phone, "city")
    section.get_by_role("link", name="Tischgespräch anbieten").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Tischgespräch anbieten")
    pages.check(phone, "host-form")

    starts = (datetime.now(LOCAL) + timedelta(days=2)).replace(hour=18, minute=0)
    phone.get_by_label("Titel des Gesprächs").fill("Wie kommen wir zur Arbeit?")
    phone.get_by_label("Thema").select_option(label=city["topic"])
    phone.get_by_label(re.compile("^Worum soll es gehen")).fill("Ein Abend am Küchentisch")
    phone.get_by_label("Form").select_option("in_person")
    phone.get_by_label(re.compile("^Adresse")).fill("Lindenstraße 5")
    phone.get_by_label("Beginn").fill(_local(starts))
    phone.get_by_label("Ende").fill(_local(starts + timedelta(hours=3)))
    phone.get_by_label("Plätze für Gäste").fill("4")
    phone.get_by_role("button", name="Tischgespräch anlegen").click()
    # No district: the reason stands next to the district field, the rest is kept.
    district = phone.get_by_label(re.compile("^Stadtteil"))
    expect(district).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#district-error")).to_have_text(
        "Stadtteil fehlt: Ein Gespräch vor Ort braucht einen Stadtteil; er erscheint in der Liste."
    )
    expect(phone.get_by_label("Titel des Gesprächs")).to_have_value("Wie kommen wir zur Arbeit?")
    pages.check(phone, "host-form-error")
    district.fill("Nordstadt")
    phone.get_by_role("button", name="Tischgespräch anlegen").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Wie kommen wir zur Arbeit?")
    expect(phone.get_by_text("Dein Tischgespräch ist angelegt.", exact=False)).to_be_visible()
    talk_url = phone.url.split("?")[0]
    pages.check(phone, "talk-host")

    # A second citizen finds it in the filtered list and joins.
    neighbour = _second_phone(browser)
    _sign_in(neighbour, base, guest)
    neighbour.goto(f"{base}/stadt/{slug}/tischgespraeche")
    neighbour.get_by_label(re.compile("^Stadtteil")).fill("nordstadt")
    neighbour.get_by_label("Nur mit freien Plätzen").check()
    neighbour.get_by_role("button", name="Gespräche anzeigen").click()
    expect(neighbour.get_by_text("Gefundene Gespräche: 1")).to_be_visible()
    pages.check(neighbour, "list-filtered")
    neighbour.get_by_role("link", name="Wie kommen wir zur Arbeit?").click()
    expect(neighbour.get_by_text("Lindenstraße 5")).to_have_count(0)  # not before joining
    pages.check(neighbour, "talk-citizen")
    neighbour.get_by_role("button", name="Ich bin dabei").click()
    expect(neighbour.get_by_text("Du bist dabei – Dein Platz: Nr. 1.")).to_be_visible()
    expect(neighbour.get_by_text("Lindenstraße 5")).to_be_visible()
    pages.check(neighbour, "talk-joined")

    # The evening of the talk: it began an hour ago (the stored times moved, as the clock would).
    begun(platform, talk_url.rsplit("/", 1)[1], minutes=60, hours=3)

    # The host sees the guest's name and takes the talk into the calendar.
    phone.goto(talk_url)
    expect(phone.locator("section[aria-labelledby=gaeste]")).to_contain_text("Bert Nachbar")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="In den Kalender eintragen (.ics)").click()
    ics = download.value.path().read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in ics and "Wie kommen wir zur Arbeit?" in ics
    assert "Lindenstraße 5" in ics

    # Documentation: rendered from the form's schema, with the Ortsteile "Stadtteil" choice.
    phone.get_by_role("link", name="Gespräch dokumentieren").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Gespräch dokumentieren")
    pages.check(phone, "documentation")
    phone.get_by_label("Anzahl der Teilnehmenden").fill("5")
    phone.get_by_label("Zusammenfassung").fill("Wir wünschen uns sichere Radwege zur Schule.")
    phone.get_by_label(city["question"]).fill("Mit dem Rad und dem Bus.")
    phone.get_by_role("button", name="Entwurf speichern").click()
    expect(phone.get_by_text("Entwurf gespeichert.")).to_be_visible()
    expect(phone.get_by_label("Anzahl der Teilnehmenden")).to_have_value("5")
    phone.get_by_role("button", name="Dokumentation abschicken").click()
    stadtteil = phone.get_by_label("Stadtteil", exact=True)
    expect(stadtteil).to_have_attribute("aria-invalid", "true")  # the plugin's required field
    pages.check(phone, "documentation-error")
    stadtteil.select_option("Altstadt")
    phone.get_by_label("Genannte Ideen").fill("Radweg zur Schule\nBürgerbus am Abend")
    phone.get_by_role("button", name="Dokumentation abschicken").click()
    expect(phone.get_by_text("Danke! Die Dokumentation ist abgeschickt.")).to_be_visible()
    expect(phone.get_by_text("Bürgerbus am Abend")).to_be_visible()
    documented = api.get(f"/cities/{slug}/talks/{talk_url.rsplit('/', 1)[1]}/documentation")
    assert documented.json()["submitted"]["values"]["district"] == "Altstadt"

    # An idea from the talk, with the plugin's district choice.
    phone.get_by_role("link", name="Projektidee aus diesem Gespräch vorschlagen").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Idee vorschlagen")
    pages.check(phone, "idea-form")
    phone.get_by_label("Titel").fill("Radweg zur Grundschule")
    phone.get_by_label("Beschreibung").fill("Ein sicherer Radweg vom Markt bis zur Grundschule.")
    phone.get_by_label("Bereich").select_option(label="Mobilität")
    phone.get_by_label("Stadtteil", exact=True).select_option("Nordstadt")
    phone.get_by_role("button", name="Idee veröffentlichen").click()
    expect(phone.get_by_text("Danke! Deine Idee ist veröffentlicht.")).to_be_visible()
    idea_url = phone.url.split("?")[0]
    pages.check(phone, "idea-host")

    # Another citizen supports it and signs up to help.
    neighbour.goto(f"{base}/stadt/{slug}/ideen")
    pages.check(neighbour, "ideas")
    neighbour.get_by_role("link", name="Radweg zur Grundschule").click()
    assert neighbour.url.split("?")[0] == idea_url
    neighbour.get_by_role("button", name="Idee unterstützen").click()
    expect(neighbour.get_by_text("Danke für Deine Unterstützung!")).to_be_visible()
    neighbour.get_by_role("button", name="Ich mache mit").click()
    expect(neighbour.get_by_text("Du machst mit.")).to_be_visible()
    expect(neighbour.locator("#zahlen")).to_have_text("1 unterstützen · 1 machen mit")
    expect(neighbour.get_by_role("button", name="Unterstützung zurückziehen")).to_be_visible()
    pages.check(neighbour, "idea-supported")
    neighbour.context.close()


# ---------------------------------------------------------------- keyboard only
def _tab_to(page: Page, css: str, text: str | None = None, limit: int = 120) -> None:
    """Press Tab until the focused element matches ``css`` (and contains ``text``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        found = page.evaluate(
            """([css, text]) => { const el = document.activeElement;
                 return !!el && el.matches(css) && (!text || el.textContent.includes(text)); }""",
            [css, text],
        )
        if found:
            return
    raise AssertionError(f"Tab never reached {css} {text or ''} on {page.url}")


def _type_into(page: Page, css: str, value: str) -> None:
    _tab_to(page, css)
    page.keyboard.type(value)


def _keyboard_sign_in(page: Page, base: str, person: dict) -> None:
    page.goto(base + "/anmelden")
    _type_into(page, "#email", person["email"])
    _type_into(page, "#password", person["password"])
    page.keyboard.press("Enter")
    expect(page.get_by_text("Du bist angemeldet.")).to_be_visible()


def _type_time(page: Page, css: str, moment: datetime) -> None:
    """A datetime-local field by keyboard. Chromium orders its segments by the browser's own
    language, not the page's: month/day/year and AM/PM in English, day.month.year in German.
    The year takes up to six digits, so the test moves on to the time with an arrow key."""
    local = moment.astimezone(LOCAL)
    hour12 = local.strftime("%I")
    english = ["%m", "%d", "%Y", "ArrowRight", hour12, "%M", "p" if local.hour >= 12 else "a"]
    german = ["%d", "%m", "%Y", "ArrowRight", "%H", "%M"]
    wanted = local.strftime("%Y-%m-%dT%H:%M")
    for index, keys in enumerate((english, german)):
        if index:  # back out of the field and into its first segment again
            while page.evaluate("(css) => document.activeElement.matches(css)", css):
                page.keyboard.press("Shift+Tab")
            page.keyboard.press("Tab")
        else:
            _tab_to(page, css)
        for key in keys:
            if key == "ArrowRight":
                page.keyboard.press(key)
            else:
                page.keyboard.type(local.strftime(key) if key.startswith("%") else key)
        if page.locator(css).input_value() == wanted:
            return
    raise AssertionError(f"{css} shows {page.locator(css).input_value()!r}, not {wanted}")


def test_host_and_join_by_keyboard_alone(desktop: Page, browser: Browser, api, cities, platform):
    city = _table_talk_city(api, cities, platform)
    slug, base = city["slug"], api.base
    host = _person(api, "Tina Tastatur")
    guest = _person(api, "Karl Keyboard")

    _keyboard_sign_in(desktop, base, host)
    desktop.goto(f"{base}/stadt/{slug}/tischgespraeche")
    _tab_to(desktop, "a", "Tischgespräch anbieten")
    desktop.keyboard.press("Enter")
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Tischgespräch anbieten")
    _type_into(desktop, "#title", "Tastatur am Küchentisch")
    _tab_to(desktop, "#topic_id")
    desktop.keyboard.type(city["topic"][:4])  # type-ahead picks the topic
    expect(desktop.locator("#topic_id option:checked")).to_have_text(city["topic"])
    _type_into(desktop, "#address", "Am Markt 1")
    _type_into(desktop, "#district", "Altstadt")
    starts = (datetime.now(LOCAL) + timedelta(days=3)).replace(hour=10, minute=30)
    _type_time(desktop, "#starts_at", starts)
    _type_time(desktop, "#ends_at", starts + timedelta(hours=2))
    _tab_to(desktop, "#capacity")
    desktop.keyboard.press("Control+A")
    desktop.keyboard.type("3")
    _tab_to(desktop, "button[type=submit]", "Tischgespräch anlegen")
    desktop.keyboard.press("Enter")
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Tastatur am Küchentisch")
    talk_url = desktop.url.split("?")[0]
    # Focus is visible on the focused control (KERN's outline), never removed.
    _tab_to(desktop, "a", "In den Kalender eintragen")
    outline = desktop.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    shadow = desktop.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert outline != "none" or shadow != "none"
    assert accessibility_violations(desktop) == []

    # The join journey by keyboard: sign in, open the talk, join, the host sees the name.
    other = _context(browser, phone=False)
    joiner = other.new_page()
    _keyboard_sign_in(joiner, base, guest)
    joiner.goto(talk_url)
    _tab_to(joiner, "button[type=submit]", "Ich bin dabei")
    joiner.keyboard.press("Space")
    expect(joiner.get_by_text("Du bist dabei – Dein Platz: Nr. 1.")).to_be_visible()
    _tab_to(joiner, "button[type=submit]", "Meine Anmeldung zurücknehmen")
    assert accessibility_violations(joiner) == []
    other.close()

    desktop.goto(talk_url)
    expect(desktop.locator("section[aria-labelledby=gaeste]")).to_contain_text("Karl Keyboard")


# ---------------------------------------------------------------- invitations and moderation
def test_invitation_link_guest_without_account_and_moderation(
    desktop: Page, browser: Browser, api, cities, platform, tmp_path
) -> None:
    city = _table_talk_city(api, cities, platform)
    slug, base, admin = city["slug"], api.base, city["admin"]
    pages = Pages(tmp_path)
    host = _person(api, "Ines Einladend")
    _sign_in(desktop, base, host)
    desktop.goto(f"{base}/stadt/{slug}/tischgespraeche/neu")
    starts = datetime.now(LOCAL) + timedelta(days=2)
    desktop.get_by_label("Titel des Gesprächs").fill("Nur für Nachbarn")
    desktop.get_by_label("Thema").select_option(label=city["topic"])
    desktop.get_by_label("Form").select_option("online")
    desktop.get_by_label(re.compile("^Link zum Online-Treffen")).fill("https://meet.example.org/x")
    desktop.get_by_label("Beginn").fill(_local(starts))
    desktop.get_by_label("Ende").fill(_local(starts + timedelta(hours=1)))
    desktop.get_by_label("Plätze für Gäste").fill("2")
    desktop.get_by_label("Wer darf kommen?").select_option("invitation_only")
    desktop.get_by_role("button", name="Tischgespräch anlegen").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Nur für Nachbarn")

    desktop.get_by_role("button", name="Einladungslink erstellen").click()
    expect(desktop.get_by_text("Der Einladungslink ist erstellt.")).to_be_visible()
    link = desktop.get_by_label("Einladungslink").input_value()
    qr = desktop.get_by_role("img", name="QR-Code des Einladungslinks")
    expect(qr).to_be_visible()
    desktop.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=qr.element_handle()
    )
    pages.check(desktop, "talk-invitations")

    # A neighbour without an account follows the link and joins as a guest.
    visitor = _context(browser, phone=True).new_page()
    visitor.goto(base + link[link.index("/tischgespraeche/einladung") :])
    expect(visitor.get_by_role("heading", level=2, name="Nur für Nachbarn")).to_be_visible()
    pages.check(visitor, "invitation")
    email = f"erika-{uuid.uuid4().hex[:6]}@example.org"
    visitor.get_by_label("Dein Name").fill("Nachbarin Erika")
    visitor.get_by_label("E-Mail-Adresse", exact=True).fill(email)
    # Without the yes to the privacy notice the form is refused, keeping what was typed.
    visitor.get_by_role("button", name="Als Gast anmelden").click()
    expect(visitor.locator("#privacy_consent-error")).to_contain_text("Datenschutzerklärung")
    expect(visitor.get_by_label("E-Mail-Adresse", exact=True)).to_have_value(email)
    visitor.get_by_label(re.compile("Datenschutzerklärung gelesen")).check()
    visitor.get_by_role("button", name="Als Gast anmelden").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Bitte bestätige Deine Anmeldung")
    visitor.goto(f"{base}/tischgespraeche/gast-bestaetigen?token={api.mailed_token(email)}")
    pages.check(visitor, "guest-confirm")
    visitor.get_by_role("button", name="Ja, ich komme").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Du bist dabei")
    visitor.context.close()
    desktop.reload()
    guests = desktop.locator("section[aria-labelledby=gaeste]")
    expect(guests).to_contain_text("Nachbarin Erika (ohne Konto)")

    # A citizen's own topic, reported; the city admin hides it from the moderation queue.
    desktop.goto(f"{base}/stadt/{slug}/themen/neu")
    desktop.get_by_label("Thema", exact=True).fill("Laute Nächte am Fluss")
    desktop.get_by_role("button", name="Thema vorschlagen").click()
    expect(desktop.get_by_label("Thema")).to_have_value(re.compile(".+"))
    topic_id = desktop.get_by_label("Thema").input_value()
    reported = api.post(
        f"/cities/{slug}/topics/{topic_id}/report",
        {"reason": "Kein Thema für die Stadt"},
        token=api.verified_login()["token"],
    )
    assert reported.status_code == 200, reported.text

    moderator = _context(browser, phone=False)
    page = moderator.new_page()
    _sign_in(page, base, admin)
    page.goto(f"{base}/stadt/{slug}/verwaltung")
    page.get_by_role("link", name="Moderation der Tischgespräche und Ideen").click()
    item = page.locator(f"#thema-{topic_id}")
    expect(item).to_contain_text("1 Meldungen: Kein Thema für die Stadt")
    pages.check(page, "moderation")
    item.get_by_role("button", name="Thema ausblenden").click()
    item = page.locator(f"#thema-{topic_id}")
    expect(item.locator(".kern-error")).to_contain_text("Länge muss zwischen 3 und 1000")
    item.get_by_label("Grund (öffentlich sichtbar)").fill("Gehört nicht in den Stadtdialog")
    item.get_by_role("button", name="Thema ausblenden").click()
    expect(page.locator(f"#thema-{topic_id}")).to_contain_text("Gehört nicht in den Stadtdialog")
    assert all(t["id"] != topic_id for t in api.get(f"/cities/{slug}/topics").json())
    moderator.close()
