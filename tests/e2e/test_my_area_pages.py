"""Mein Bereich on a 360 px phone: a confirmed registration and a waiting position, the
display name changed, the e-mail address changed through the mailed link, another session
ended; a newcomer's friendly empty lists. Every view: axe-core without serious or critical
findings, and no page wider than the screen at 360 px and at 320 px.

Screenshots (phone and 1366 px desktop) go to ``$STADTDIALOG_SCREENSHOTS`` when set, else to
the test's temporary folder."""

from __future__ import annotations

import os
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from browser_support import accessibility_violations, fits_the_screen
from playwright.sync_api import Browser, Page, expect

from services.kit.testing import wait_until

PASSWORD = "Tischgespräch-42"
WIDE = {"width": 1366, "height": 900}


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("STADTDIALOG_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _person(api, name: str) -> dict:  # noqa: ANN001
    email = f"{uuid.uuid4().hex[:10]}@example.org"
    body = {"email": email, "display_name": name, "password": PASSWORD, "privacy_consent": True}
    assert api.post("/accounts", body).status_code == 201
    assert api.post("/accounts/verify", {"token": api.mailed_token(email)}).status_code == 200
    token = api.post("/sessions", {"email": email, "password": PASSWORD}).json()["token"]
    return {"email": email, "password": PASSWORD, "name": name, "token": token}


def _table_talk_city(api, cities, platform) -> dict:  # noqa: ANN001
    """A city in the table-talk phase with one deep-dive topic (as the dialogue tests make)."""
    made = cities.create()
    slug, token = made["slug"], made["admin"]["token"]
    step = f"/cities/{slug}/phases/kickoff/steps/working_group_formed"
    assert api.post(step, {"note": "Für den Test gebildet"}, token=token).ok
    for phase in ("scenarios", "transfer"):
        assert api.post(f"/cities/{slug}/phase", {"to": phase}, token=token).status_code == 200
    title = f"Wohnen {uuid.uuid4().hex[:6]}"
    fact = {"topic_id": f"topic-{uuid.uuid4().hex[:8]}", "title": title,
            "guiding_question": "Wie wollen wir 2040 wohnen?"}  # fmt: skip

    def counted() -> bool:
        return api.get(f"/cities/{slug}/tallies").json().get("scenarios.topic.published", 0) >= 1

    for _attempt in range(4):  # a fact before the queue is bound is dropped: send it again
        platform.publish_fact("scenarios", "topic", "published", fact, city=slug)
        try:
            wait_until(counted, 30, "the topic counted by the cities service")
            break
        except AssertionError:
            continue
    assert api.post(f"/cities/{slug}/phase", {"to": "table_talks"}, token=token).status_code == 200
    topic = wait_until(
        lambda: next((t for t in api.get(f"/cities/{slug}/topics").json() if t["title"] == title),
                     None),
        90,
        "the topic in the dialogue service",
    )  # fmt: skip
    return {"slug": slug, "topic_id": topic["id"]}


def _talk(api, slug: str, host: dict, topic_id: str, title: str, capacity: int, days: int):  # noqa: ANN001, ANN202
    starts = (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)
    body = {"title": title, "topic_id": topic_id, "description": "Bei Tee und Keksen",
            "format": "in_person", "address": "Lindenstraße 5", "district": "Nordstadt",
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "capacity": capacity}  # fmt: skip
    made = api.post(f"/cities/{slug}/talks", body, token=host["token"])
    assert made.status_code == 201, made.text
    return made.json()


def _check(page: Page, shots: Path, name: str) -> None:
    """No sideways scrolling at 360 px and at 320 px, axe-core clean, and a screenshot."""
    assert fits_the_screen(page), f"wider than 360 px: {page.url}"
    assert accessibility_violations(page) == [], page.url
    page.screenshot(path=str(shots / f"mein-bereich-{name}-360.png"), full_page=True)
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": size["height"]})
    try:
        assert fits_the_screen(page), f"wider than 320 px: {page.url}"
    finally:
        page.set_viewport_size(size)


def _sign_in(page: Page, base: str, person: dict) -> None:
    page.goto(base + "/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(person["email"])
    page.get_by_label("Passwort").fill(person["password"])
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("Du bist angemeldet.")).to_be_visible()


def test_my_area_on_a_phone(phone: Page, browser: Browser, api, cities, platform, shots) -> None:  # noqa: ANN001
    city = _table_talk_city(api, cities, platform)
    slug, topic_id = city["slug"], city["topic_id"]
    host, neighbour = _person(api, "Gastgeberin Hanna"), _person(api, "Nachbar Ole")
    me = _person(api, "Frieda Fröhlich")
    full = _talk(api, slug, host, topic_id, "Ein Platz am Küchentisch", 1, 5)
    open_talk = _talk(api, slug, host, topic_id, "Großer Tisch im Hof", 8, 9)
    join = f"/cities/{slug}/talks/{{}}/registrations"
    assert api.post(join.format(full["id"]), {}, token=neighbour["token"]).json()["status"] == (
        "confirmed"
    )
    assert api.post(join.format(full["id"]), {}, token=me["token"]).json()["status"] == "waitlisted"
    assert api.post(join.format(open_talk["id"]), {}, token=me["token"]).ok
    # I host a talk of my own, propose an idea and offer help with the host's.
    _talk(api, slug, me, topic_id, "Mein Tisch am Markt", 6, 12)
    ideas = f"/cities/{slug}/ideas"
    idea = {"description": "Damit alle mitmachen können.", "category": "social",
            "district": "Nordstadt"}  # fmt: skip
    mine = api.post(ideas, {**idea, "title": "Sitzbänke am Markt"}, token=me["token"])
    theirs = api.post(ideas, {**idea, "title": "Leihladen"}, token=host["token"])
    assert mine.status_code == theirs.status_code == 201, theirs.text
    assert api.post(f"{ideas}/{theirs.json()['id']}/helpers", token=me["token"]).ok

    # A second browser, signed in as me: the session to end later.
    laptop = browser.new_context(viewport=WIDE, locale="de-DE", bypass_csp=True).new_page()
    _sign_in(laptop, api.base, me)

    _sign_in(phone, api.base, me)
    phone.get_by_role("link", name="Mein Bereich").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mein Bereich")
    registrations = phone.locator("section", has=phone.locator("#my-registrations"))
    waiting = registrations.locator("li", has_text="Ein Platz am Küchentisch")
    expect(waiting).to_contain_text("Warteliste, Platz 1")
    expect(registrations.locator("li", has_text="Großer Tisch im Hof")).to_contain_text(
        "Platz sicher"
    )
    # Nothing of the neighbour or the host: names of other people are not on the page.
    expect(phone.locator("main")).not_to_contain_text("Nachbar Ole")
    expect(phone.locator("main")).not_to_contain_text("Gastgeberin Hanna")
    hosted = phone.locator("section", has=phone.locator("#my-hosted"))
    expect(hosted.get_by_role("link", name="Mein Tisch am Markt")).to_be_visible()
    expect(hosted).to_contain_text("0 Gäste mit sicherem Platz, 0 auf der Warteliste")
    own_ideas = phone.locator("section", has=phone.locator("#my-ideas"))
    expect(own_ideas.get_by_role("link", name="Sitzbänke am Markt")).to_be_visible()
    expect(own_ideas.locator("li", has_text="Leihladen")).to_contain_text("Ich mache mit")
    _check(phone, shots, "anmeldungen")
    waiting.get_by_role("link").click()
    expect(phone).to_have_url(re.compile(f"/stadt/{slug}/tischgespraeche/{full['id']}$"))
    phone.go_back()

    # The display name.
    phone.get_by_label("Angezeigter Name").fill("Frieda F.")
    phone.get_by_role("button", name="Namen speichern").click()
    expect(phone.get_by_role("status")).to_contain_text("Dein Name ist geändert.")
    expect(phone.get_by_text("Hallo Frieda F.!")).to_be_visible()

    # The e-mail address: a wrong password first, named at its field.
    new = f"neu-{uuid.uuid4().hex[:8]}@example.org"
    phone.get_by_label("Neue E-Mail-Adresse").fill(new)
    phone.get_by_label("Dein aktuelles Passwort").fill("nicht-das-passwort-1")
    phone.get_by_role("button", name="Link an die neue Adresse schicken").click()
    expect(phone.locator("#email_password-error")).to_have_text("Das Passwort ist falsch.")
    expect(phone.get_by_label("Neue E-Mail-Adresse")).to_have_value(new)
    _check(phone, shots, "fehler")
    phone.get_by_label("Dein aktuelles Passwort").fill(PASSWORD)
    phone.get_by_role("button", name="Link an die neue Adresse schicken").click()
    expect(phone.get_by_role("status")).to_contain_text("Link an die neue Adresse geschickt")
    expect(phone.locator("#my-account + dl")).to_contain_text(me["email"])  # not yet changed
    mail = api.sink.wait_for(new, count=1)[0]
    link = re.search(r"https?://\S+/konto/email-bestaetigen\?token=[\w.\-]+",
                     mail.get_body(("plain",)).get_content()).group(0)  # fmt: skip
    phone.goto(api.base + link[link.index("/konto/") :])
    expect(phone.get_by_role("heading", level=1)).to_have_text("Neue E-Mail-Adresse bestätigt")
    _check(phone, shots, "email-bestaetigt")
    phone.get_by_role("link", name="Zu Mein Bereich").click()
    expect(phone.locator("#my-account + dl")).to_contain_text(new)

    # Sessions: this phone, the laptop and the API token of the setup; the laptop's first.
    sessions = phone.locator("section", has=phone.locator("#my-sessions"))
    expect(sessions.locator("li")).to_have_count(3)
    expect(sessions.locator("li", has_text="diese Sitzung")).to_have_count(1)
    expect(sessions.locator("li", has_text="App oder Programm (API)")).to_have_count(1)
    _check(phone, shots, "sitzungen")
    other_browser = sessions.locator("li", has_text="Chrome").filter(has_not_text="diese Sitzung")
    other_browser.get_by_role("button", name=re.compile("^Sitzung beenden")).click()
    expect(phone.get_by_role("status")).to_contain_text("Die Sitzung ist beendet.")
    expect(sessions.locator("li")).to_have_count(2)
    laptop.goto(api.base + "/konto")
    expect(laptop.get_by_role("link", name="Anmelden")).to_be_visible()  # signed out there
    expect(laptop.get_by_role("link", name="Mein Bereich")).to_have_count(0)
    assert api.get("/me", token=me["token"]).status_code == 200  # the API token still works
    phone.get_by_role("button", name="Alle anderen abmelden").click()
    expect(phone.get_by_role("status")).to_contain_text("Alle anderen Sitzungen sind abgemeldet")
    expect(sessions.locator("li")).to_have_count(1)
    expect(phone.get_by_text("Du bist nur hier angemeldet.")).to_be_visible()
    assert api.get("/me", token=me["token"]).status_code == 401

    # The same page on a desktop, for the record.
    _sign_in(laptop, api.base, {"email": new, "password": PASSWORD})
    laptop.goto(api.base + "/konto")
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Mein Bereich")
    assert accessibility_violations(laptop) == []
    laptop.screenshot(path=str(shots / "mein-bereich-1366.png"), full_page=True)
    laptop.context.close()


def test_a_newcomer_sees_friendly_empty_lists(phone: Page, api, shots) -> None:  # noqa: ANN001
    person = _person(api, "Neu Hier")
    _sign_in(phone, api.base, person)
    phone.goto(api.base + "/konto")
    for text in (
        "Du bist noch zu keinem Tischgespräch angemeldet.",
        "Du richtest noch kein Gespräch aus.",
        "Keine angefangenen Dokumentationen.",
        "Du hast noch keine Projektidee eingebracht.",
        "Du unterstützt noch keine Idee.",
        "Du hast noch nichts beobachtet.",
    ):
        expect(phone.get_by_text(text)).to_be_visible()
    _check(phone, shots, "leer")
    phone.goto(api.base + "/konto?lang=en")
    expect(phone.get_by_role("heading", level=1)).to_have_text("My area")
    expect(phone.get_by_text("You have not registered for a table talk yet.")).to_be_visible()
    assert fits_the_screen(phone)


def test_roles_are_shown_in_words_with_the_city_name(phone: Page, api, cities) -> None:  # noqa: ANN001
    made = cities.create()
    _sign_in(phone, api.base, made["admin"])
    phone.goto(api.base + "/konto")
    roles = phone.locator("dt", has_text="Rollen").locator("xpath=following-sibling::dd")
    expect(roles).to_have_text(f"Stadt-Admin ({made['city']['name']})")
    assert "city_admin" not in phone.locator("main").inner_text()
