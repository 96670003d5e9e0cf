"""The Abschluss in a real browser: an admin creates and publishes a closing event on a desktop,
citizens register on a phone (waiting list included), the results show their charts, the
next steps of an idea appear publicly, a closing evening is announced early (while the table
talks run, registration opening later), and an admin invites a working-group member."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from browser_support import accessibility_violations, fits_the_screen
from playwright.sync_api import Page, expect

from services.kit.testing import wait_until


def _check(page: Page, shots, name: str) -> None:  # noqa: ANN001
    assert fits_the_screen(page), f"horizontal scrolling on {page.url}"
    assert accessibility_violations(page) == [], page.url
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def _sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("Du bist angemeldet.")).to_be_visible()


def _to_table_talks(api, platform, made: dict) -> None:  # noqa: ANN001
    """kickoff → … → table_talks through the cities API (the phase needs a topic fact)."""
    slug, token = made["slug"], made["admin"]["token"]
    step = f"/cities/{slug}/phases/kickoff/steps/working_group_formed"
    assert api.post(step, {"note": "Gruppe steht"}, token=token).status_code == 200
    for phase in ("scenarios", "transfer"):
        assert api.post(f"/cities/{slug}/phase", {"to": phase}, token=token).status_code == 200
    topic = {
        "topic_id": "t-mob",
        "title": "Mobilität",
        "guiding_question": "Wie bewegen wir uns 2040?",
        "description": "Wege, Verkehrsmittel, Erreichbarkeit.",
        "guiding_questions": ["Wie bewegen wir uns 2040?"],
    }
    platform.publish_fact("scenarios", "topic", "published", topic, slug)
    wait_until(
        # Signed in: past the gateway's public cache, which a fact may empty before it counts.
        lambda: (
            api.get(f"/cities/{slug}/tallies", token=token).json().get("scenarios.topic.published")
        ),
        90,
        "the topic fact counted",
    )
    assert api.post(f"/cities/{slug}/phase", {"to": "table_talks"}, token=token).ok


def _to_closing(api, platform, made: dict) -> None:  # noqa: ANN001
    """kickoff → … → closing (the table talks' end overridden with a reason)."""
    slug, token = made["slug"], made["admin"]["token"]
    _to_table_talks(api, platform, made)
    moved = api.post(
        f"/cities/{slug}/phase", {"to": "closing", "override_reason": "Test"}, token=token
    )
    assert moved.status_code == 200, moved.text


def _dialogue_facts(platform, slug: str) -> str:  # noqa: ANN001
    """A held talk and two ideas, as the dialogue service's outbox publishes them."""
    talk, topic = uuid.uuid4().hex[:24], uuid.uuid4().hex[:24]
    ideas = [uuid.uuid4().hex[:24], uuid.uuid4().hex[:24]]
    created = {
        "talk_id": talk,
        "topic_id": topic,
        "kind": "table_talk",
        "format": "in_person",
        "district": "Nord",
        "capacity": 8,
        "access": "open",
        "starts_at": "2027-05-04T16:00:00+00:00",
        "ends_at": "2027-05-04T18:00:00+00:00",
    }
    platform.publish_fact("dialogue", "talk", "created", created, slug)
    documented = {
        "talk_id": talk,
        "topic_id": topic,
        "kind": "table_talk",
        "participants": 7,
        "ideas": 2,
        "tags": [],
    }
    platform.publish_fact("dialogue", "talk", "documented", documented, slug)
    for idea, (category, district) in zip(
        ideas, [("mobility", "Nord"), ("green", "Süd")], strict=True
    ):
        proposed = {
            "idea_id": idea,
            "category": category,
            "district": district,
            "talk_id": talk,
            "tags": [],
        }
        platform.publish_fact("dialogue", "idea", "proposed", proposed, slug)
    platform.publish_fact("dialogue", "idea", "supported", {"idea_id": ideas[0]}, slug)
    return ideas[0]


def test_closing_event_from_draft_to_registration_and_results(
    desktop: Page, phone: Page, api, cities, platform, tmp_path
) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    _to_closing(api, platform, made)
    idea = _dialogue_facts(platform, slug)

    # The admin, on a desktop: from the admin page to a new closing event.
    _sign_in(desktop, api.base, admin["email"], admin["password"])
    desktop.goto(f"{api.base}/stadt/{slug}/verwaltung")
    desktop.get_by_role("link", name="Abschluss verwalten").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Abschluss verwalten")
    _check(desktop, tmp_path, "manage-empty")
    desktop.get_by_role("link", name="Neue Abschlussveranstaltung anlegen").click()
    desktop.get_by_label("Plätze").fill("1")
    desktop.get_by_role("button", name="Als Entwurf anlegen").click()
    # Refused: the reasons stand at their fields, in German.
    expect(desktop.get_by_label("Titel")).to_have_attribute("aria-invalid", "true")
    expect(desktop.locator("#title-error")).to_contain_text("Länge muss zwischen 1 und 200")
    expect(desktop.get_by_label("Name des Ortes")).to_have_attribute("aria-invalid", "true")
    _check(desktop, tmp_path, "event-form-errors")
    day = (date.today() + timedelta(days=21)).isoformat()
    desktop.get_by_label("Titel").fill("Musterstadt 2040: Was wir vorhaben")
    desktop.get_by_label("Beginn").fill(f"{day}T18:00")
    desktop.get_by_label("Ende").fill(f"{day}T21:00")
    desktop.get_by_label("Name des Ortes").fill("Stadthalle")
    desktop.get_by_label(re.compile("^Stadtteil")).fill("Innenstadt")
    desktop.get_by_label("Partner").fill("Bürgerstiftung | Stiftung | Moderation")
    desktop.get_by_label("Programm").fill(
        "18:00 | Begrüßung | Oberbürgermeisterin\n18:30 | Ergebnisse"
    )
    desktop.get_by_label("Stufenlos erreichbar").check()
    desktop.get_by_role("button", name="Als Entwurf anlegen").click()
    expect(desktop.get_by_text("Gespeichert.")).to_be_visible()
    expect(desktop.get_by_text("Entwurf", exact=True)).to_be_visible()
    desktop.get_by_role("button", name="Veröffentlichen: Anmeldung öffnen").click()
    expect(desktop.get_by_text("veröffentlicht", exact=True)).to_be_visible()
    _check(desktop, tmp_path, "event-published")
    event_id = desktop.url.split("/")[-1].split("?")[0]

    # Someone else takes the only place first.
    first = api.verified_login()
    taken = api.post(
        f"/cities/{slug}/closing-events/{event_id}/registrations", {}, token=first["token"]
    )
    assert taken.json()["status"] == "confirmed"

    # A citizen on a phone: city page → the event → the waiting list.
    citizen = api.verified_login()
    _sign_in(phone, api.base, citizen["email"], citizen["password"])
    phone.goto(f"{api.base}/stadt/{slug}")
    phone.get_by_role("link", name="Musterstadt 2040: Was wir vorhaben").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Musterstadt 2040: Was wir vorhaben")
    expect(phone.get_by_text("Stufenlos erreichbar")).to_be_visible()
    _check(phone, tmp_path, "event-phone")
    phone.get_by_label(re.compile("Was brauchst Du")).fill("Einen Platz nah an der Bühne")
    phone.get_by_role("button", name="Verbindlich anmelden").click()
    expect(phone.get_by_text("Du stehst auf Platz 1 der Warteliste.")).to_be_visible()
    _check(phone, tmp_path, "event-phone-waiting")
    api.sink.wait_for(citizen["email"], count=2)  # verification, then the waiting list

    # The place frees: the citizen moves up and is told.
    api.delete(f"/cities/{slug}/closing-events/{event_id}/registrations/me", token=first["token"])
    api.sink.wait_for(citizen["email"], count=3)  # "moved up"
    phone.reload()
    expect(phone.get_by_text("Du hast einen Platz.")).to_be_visible()

    # The organisers see who comes and what they need (names, never e-mail addresses).
    desktop.reload()
    expect(desktop.get_by_role("cell", name="Einen Platz nah an der Bühne")).to_be_visible()

    # A next step for the idea, then the public overview.
    def every_fact_counted() -> bool:  # the facts are handled concurrently: wait for each
        results = api.get(f"/cities/{slug}/results", token=admin["token"]).json()
        ideas, talks = results["ideas"], results["talks"]
        return ideas["total"] == 2 and ideas["supports"] == 1 and talks["held"] == 1

    wait_until(every_fact_counted, 90, "results")
    desktop.goto(f"{api.base}/stadt/{slug}/verwaltung/abschluss")
    card = desktop.locator(f"#idee-{idea}")
    card.get_by_text("Nächsten Schritt hinzufügen").click()
    card.get_by_label("Was passiert als Nächstes?").fill("Machbarkeitsstudie Radweg")
    card.get_by_label(re.compile("Wer kümmert sich")).fill("Tiefbauamt")
    card.get_by_role("button", name="Schritt speichern").click()
    expect(desktop.get_by_text("Gespeichert.")).to_be_visible()
    _check(desktop, tmp_path, "manage-next-step")
    phone.goto(f"{api.base}/stadt/{slug}/ideen-umsetzung")
    expect(phone.get_by_text("Machbarkeitsstudie Radweg", exact=False)).to_be_visible()
    _check(phone, tmp_path, "next-steps-phone")

    # Results with their charts, each with its numbers as a table.
    phone.goto(f"{api.base}/stadt/{slug}/ergebnisse")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Ergebnisse des Stadtdialogs")
    charts = phone.get_by_role("img")
    expect(charts.filter(has_text="Projektideen nach Status")).to_have_count(1)
    assert phone.locator("svg.chart").count() >= 4
    phone.get_by_text("Zahlen als Tabelle").first.click()
    expect(phone.get_by_role("row", name=re.compile("geführt 1"))).to_be_visible()
    _check(phone, tmp_path, "results-phone")
    phone.goto(f"{api.base}/jahrgang/{made['city']['cohort_year']}/ergebnisse")
    expect(phone.get_by_role("link", name=made["city"]["name"])).to_be_visible()
    _check(phone, tmp_path, "cohort-phone")

    # Cancelling from the phone.
    phone.goto(f"{api.base}/stadt/{slug}/abschluss/{event_id}")
    phone.get_by_role("button", name="Anmeldung stornieren").click()
    expect(phone.get_by_text("Deine Anmeldung ist storniert.")).to_be_visible()
    expect(phone.get_by_role("button", name="Verbindlich anmelden")).to_be_visible()

    # The admin cancels the event: a reason is required and goes to everyone registered.
    desktop.goto(f"{api.base}/stadt/{slug}/verwaltung/abschluss/{event_id}")
    desktop.get_by_role("button", name="Absagen").click()
    expect(desktop.locator("#reason-error")).to_contain_text("Länge muss zwischen")
    desktop.get_by_label(re.compile("Grund der Absage")).fill("Die Halle ist gesperrt.")
    desktop.get_by_role("button", name="Absagen").click()
    expect(desktop.get_by_text("abgesagt", exact=True)).to_be_visible()
    phone.goto(f"{api.base}/stadt/{slug}/abschluss/{event_id}")
    expect(phone.get_by_text("Diese Veranstaltung ist abgesagt.")).to_be_visible()
    expect(phone.get_by_text("Die Halle ist gesperrt.")).to_be_visible()
    _check(phone, tmp_path, "event-cancelled-phone")
    phone.goto(f"{api.base}/stadt/{slug}/ergebnisse?lang=en")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Results of the city dialogue")


def test_admin_invites_a_working_group_member_by_email(
    desktop: Page, api, cities, tmp_path
) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    _sign_in(desktop, api.base, admin["email"], admin["password"])
    desktop.goto(f"{api.base}/stadt/{slug}/verwaltung")
    desktop.get_by_role("link", name="Arbeitsgruppen und Einladungen").click()
    _check(desktop, tmp_path, "groups-empty")
    desktop.get_by_label("Name der Arbeitsgruppe").fill("Zukunft Innenstadt")
    desktop.get_by_role("button", name="Arbeitsgruppe anlegen").click()
    expect(desktop.get_by_text("Die Arbeitsgruppe ist angelegt.")).to_be_visible()

    group = desktop.locator("section.group-card").filter(has_text="Zukunft Innenstadt")
    group.get_by_label("E-Mail-Adresse").fill("kein-at-zeichen")
    group.get_by_label("Organisation", exact=True).fill("Heimatverein")
    group.get_by_role("button", name="Einladung senden").click()
    group = desktop.locator("section.group-card").filter(has_text="Zukunft Innenstadt")
    expect(group.get_by_label("E-Mail-Adresse")).to_have_attribute("aria-invalid", "true")
    expect(group.locator(".kern-error")).to_contain_text("Keine gültige E-Mail-Adresse")
    _check(desktop, tmp_path, "groups-error")

    email = f"verein-{slug}@example.org"
    group.get_by_label("E-Mail-Adresse").fill(email)
    group.get_by_label("Organisation", exact=True).fill("Heimatverein")
    group.get_by_label("Art der Organisation").select_option("association")
    group.get_by_role("button", name="Einladung senden").click()
    expect(desktop.get_by_text("Einladung verschickt.")).to_be_visible()
    expect(desktop.get_by_role("cell", name=email)).to_be_visible()
    _check(desktop, tmp_path, "groups-invited")
    mail = api.sink.wait_for(email)[0]
    assert "Zukunft Innenstadt" in mail.get_body(("plain",)).get_content()


def test_closing_event_drafted_and_announced_during_the_table_talks(
    desktop: Page, phone: Page, api, cities, platform, tmp_path
) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    _to_table_talks(api, platform, made)  # the talks still run: no closing phase yet

    _sign_in(desktop, api.base, admin["email"], admin["password"])
    desktop.goto(f"{api.base}/stadt/{slug}/verwaltung")
    desktop.get_by_role("link", name="Abschluss verwalten").click()
    desktop.get_by_role("link", name="Neue Abschlussveranstaltung anlegen").click()
    day = date.today() + timedelta(days=60)
    opens = date.today() + timedelta(days=30)
    desktop.get_by_label("Titel").fill("Abschlussabend: Was wir vorhaben")
    desktop.get_by_label("Beginn").fill(f"{day.isoformat()}T18:00")
    desktop.get_by_label("Ende").fill(f"{day.isoformat()}T21:00")
    desktop.get_by_label("Plätze").fill("80")
    desktop.get_by_label("Anmeldung ab").fill(f"{opens.isoformat()}T09:00")
    desktop.get_by_label("Name des Ortes").fill("Rathaussaal")
    desktop.get_by_role("button", name="Als Entwurf anlegen").click()
    expect(desktop.get_by_text("Gespeichert.")).to_be_visible()
    expect(desktop.get_by_text("Entwurf", exact=True)).to_be_visible()
    _check(desktop, tmp_path, "early-draft")
    desktop.get_by_role("button", name="Veröffentlichen: Anmeldung öffnen").click()
    expect(desktop.get_by_text("veröffentlicht", exact=True)).to_be_visible()
    event_id = desktop.url.split("/")[-1].split("?")[0]
    assert api.get(f"/cities/{slug}").json()["phase"] == "table_talks"

    # Citizens see it announced; registration opens on the day the city set.
    citizen = api.verified_login()
    _sign_in(phone, api.base, citizen["email"], citizen["password"])
    phone.goto(f"{api.base}/stadt/{slug}")
    phone.get_by_role("link", name="Abschlussabend: Was wir vorhaben").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Abschlussabend: Was wir vorhaben")
    expect(phone.get_by_text("Die Anmeldung öffnet am", exact=False)).to_contain_text(
        opens.strftime("%d.%m.%Y")
    )
    expect(phone.get_by_role("button", name="Verbindlich anmelden")).to_have_count(0)
    _check(phone, tmp_path, "early-announced-phone")
    early = api.post(
        f"/cities/{slug}/closing-events/{event_id}/registrations", {}, token=citizen["token"]
    )
    assert early.status_code == 409, early.text
