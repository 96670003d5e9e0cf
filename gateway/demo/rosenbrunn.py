"""Rosenbrunn, in the Abschluss: three table talks held and documented, project ideas with
supports, help offers, status and next steps, a published closing event with registrations,
and its results with charts.

Talks are only hosted ahead of time, and documented once they have begun. So ``start`` takes
the city to the table talks and schedules the talks a short lead ahead (the other cities are
seeded meanwhile); ``finish`` waits for their start, has the host document them and closes."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from gateway.demo.people import ROSENBRUNN, Person
from gateway.demo.seeder import Seeder
from gateway.demo.steps import kickoff, publish_topics, scenario_project

CITY = f"/cities/{ROSENBRUNN}"
# How far ahead the talks are hosted: time enough for their guests to join before they begin.
LEAD = timedelta(seconds=20)
TOPICS = [
    {"title": "Treffpunkte im Quartier", "guiding_question": "Wo begegnen wir uns 2040?",
     "description": "Plätze, Räume und Anlässe, an denen Nachbarschaft entsteht.",
     "questions": ["Welcher Ort fehlt in Deinem Viertel?"]},
    {"title": "Klimafeste Altstadt", "guiding_question": "Wie bleibt die Altstadt im Sommer "
     "lebenswert?", "description": "Schatten, Wasser und Grün zwischen alten Mauern.",
     "questions": ["Wo ist es Dir im Sommer zu heiß?"]},
]  # fmt: skip
TALKS = [  # topic index, title, district, address, participants, summary
    (0, "Nachbarschaftstisch im Rosenviertel", "Rosenviertel", "Gemeindehaus, Kirchgasse 4", 7,
     "Sieben Nachbarinnen und Nachbarn, drei Generationen. Es fehlt ein Raum ohne "
     "Verzehrzwang; die leere Drogerie am Eck wäre ideal."),
    (0, "Kaffeetafel im Seniorentreff Nord", "Nord", "Seniorentreff, Lindenweg 12", 9,
     "Viele wünschen sich Bänke auf dem Weg zum Markt und einen Bürgerbus am Vormittag."),
    (1, "Gespräch im Schatten der Stadtmauer", "Altstadt", "Café Mauerblick, Wallstraße 2", 5,
     "Hitze in den engen Gassen ist ein großes Thema. Idee: Trinkbrunnen und Patenschaften "
     "für Straßenbäume."),
]  # fmt: skip
IDEAS = [  # title, description, category, district, talk index
    ("Offenes Wohnzimmer im Leerstand", "Ein leerer Laden wird zum Treffpunkt ohne "
     "Verzehrzwang, getragen von Ehrenamtlichen.", "social", "Rosenviertel", 0),
    ("Bürgerbus am Vormittag", "Ein ehrenamtlich gefahrener Kleinbus verbindet Nord mit dem "
     "Markt und der Arztpraxis.", "mobility", "Nord", 1),
    ("Trinkbrunnen in der Altstadt", "Drei Trinkbrunnen an den heißesten Plätzen der "
     "Altstadt.", "environment", "Altstadt", 2),
    ("Baumpatenschaften", "Anwohnende gießen und pflegen die Straßenbäume vor ihrer Tür.",
     "environment", "Altstadt", 2),
]  # fmt: skip
GUESTS = ("Matthias", "Ilse", "Selin")


@dataclass
class Started:
    admin: Person
    host: Person
    guests: list[Person]
    talks: list[dict] = field(default_factory=list)
    ideas: list[dict] = field(default_factory=list)
    begins: datetime | None = None


def start(s: Seeder, op: Person) -> Started:
    """To the table talks; three talks hosted a short lead ahead, guests registered."""
    slug = ROSENBRUNN
    admin = kickoff(s, op, slug, "Rosenbrunn", "DE-RP", 31_000, "Claudia Winterfeld")
    scenario_project(s, op, slug, ["Zusammenhalt", "Klima", "Nahversorgung", "Demografie"])
    s.advance(admin, slug, "transfer")
    publish_topics(s, op, admin, slug, TOPICS)
    s.wait(lambda: s.call(admin, "POST", f"{CITY}/phase", {"to": "table_talks"}), "table talks")
    host = s.person(f"demo-gastgeber@{slug}.example", "Konrad (Gastgeber)")
    guests = [s.person(f"demo-gast{n}@{slug}.example", g) for n, g in enumerate(GUESTS, 1)]
    topics = {t["title"]: t for t in s.call(admin, "GET", f"{CITY}/topics")}
    started = Started(admin, host, guests, begins=datetime.now(UTC) + LEAD)
    for topic, title, district, address, _, _ in TALKS:
        talk = {
            "title": title,
            "topic_id": topics[TOPICS[topic]["title"]]["id"],
            "description": "Wir sprechen bei Kaffee und Kuchen über die Zukunft unserer Stadt.",
            "format": "in_person",
            "address": address,
            "district": district,
            "starts_at": started.begins.isoformat(),
            "ends_at": (started.begins + timedelta(hours=2)).isoformat(),
            "capacity": 10,
        }
        made = s.wait(lambda talk=talk: s.call(host, "POST", f"{CITY}/talks", talk), "a talk")
        started.talks.append(made)
        for guest in guests:  # joining is open until the talk begins
            s.call(guest, "POST", f"{CITY}/talks/{made['id']}/registrations", {})
    s.done("Rosenbrunn: 3 Tischgespräche angesetzt, Gäste angemeldet")
    return started


def _document(s: Seeder, started: Started, topics: dict[str, dict]) -> None:
    for k, (talk, row) in enumerate(zip(started.talks, TALKS, strict=True)):
        topic, _, _, _, participants, summary = row
        questions = topics[TOPICS[topic]["title"]].get("guiding_questions") or []
        body = {
            "participants": participants,
            "summary": summary,
            "insights": [{"question": questions[0], "answer": summary}] if questions else [],
            "ideas": [idea[0] for idea in IDEAS if idea[4] == k],
        }
        s.call(started.host, "POST", f"{CITY}/talks/{talk['id']}/documentation", body)


def _ideas(s: Seeder, started: Started) -> None:
    """Ideas from the documented talks, with supports and help offers."""
    host, guests = started.host, started.guests
    # Supports: the first idea by everyone else, the others by fewer.
    for n, ((title, text, category, district, talk), supporters) in enumerate(
        zip(IDEAS, (3, 2, 2, 1), strict=True)
    ):
        author = host if n % 2 == 0 else guests[n % 3]
        body = {"title": title, "description": text, "category": category,
                "district": district, "talk_id": started.talks[talk]["id"]}  # fmt: skip
        idea = s.call(author, "POST", f"{CITY}/ideas", body)
        started.ideas.append(idea)
        for person in [p for p in (host, *guests) if p is not author][:supporters]:
            s.call(person, "POST", f"{CITY}/ideas/{idea['id']}/support")
    s.call(guests[0], "POST", f"{CITY}/ideas/{started.ideas[0]['id']}/helpers")
    s.call(guests[2], "POST", f"{CITY}/ideas/{started.ideas[1]['id']}/helpers")


def finish(s: Seeder, started: Started) -> None:
    """Once the talks have begun: documented; ideas moved on; the closing with its event."""
    assert started.begins is not None
    time.sleep(max(0.0, (started.begins - datetime.now(UTC)).total_seconds() + 1))
    admin, slug = started.admin, ROSENBRUNN
    topics = {t["title"]: t for t in s.call(admin, "GET", f"{CITY}/topics")}
    _document(s, started, topics)
    _ideas(s, started)
    moves = (
        (0, ("in_discussion", "in_progress"), "Die Wohnungsbaugesellschaft stellt den Laden."),
        (1, ("in_discussion",), "Der Seniorenbeirat prüft Fahrzeug und Fahrplan."),
        (2, ("in_discussion", "in_progress", "realised"), "Die Stadtwerke haben gebaut."),
    )
    for index, statuses, reason in moves:
        for status in statuses:
            body = {"status": status, "reason": reason}
            s.call(admin, "POST", f"{CITY}/ideas/{started.ideas[index]['id']}/status", body)
    s.advance(admin, slug, "closing", "Alle Tischgespräche sind geführt und dokumentiert.")
    event = s.first(admin, "POST", f"{CITY}/closing-events", _closing_event(), "closing event")
    s.call(admin, "POST", f"{CITY}/closing-events/{event['id']}/publish")
    for person in (*started.guests, started.host):
        s.call(person, "POST", f"{CITY}/closing-events/{event['id']}/registrations", {})
    steps = (
        (0, "Mietvertrag für den Laden in der Rosengasse", "Wohnbau Rosenbrunn eG", "in_progress"),
        (1, "Probefahrten mit einem geliehenen Kleinbus", "Seniorenbeirat", "planned"),
        (2, "Einweihung der drei Trinkbrunnen", "Stadtwerke Rosenbrunn", "done"),
        (3, "Gießkannen und Patenschaftsschilder ausgeben", "Grünflächenamt", "planned"),
    )
    today = datetime.now(UTC).date()
    for index, what, owner, status in steps:
        # A step done has its date behind it, the others ahead.
        due = today + timedelta(days=-14 if status == "done" else 60)
        body = {"what": what, "owner_organisation": owner, "status": status,
                "due_date": due.isoformat()}  # fmt: skip
        s.call(admin, "POST", f"{CITY}/ideas/{started.ideas[index]['id']}/next-steps", body)
    s.step(admin, slug, "closing", "results_published", "Ergebnisse auf der Ergebnisseite.")
    s.wait(
        lambda: s.call(None, "GET", f"{CITY}/results")["talks"]["held"] == len(TALKS),
        "the documented talks in the results",
    )
    s.done("Rosenbrunn: Abschluss, 3 dokumentierte Gespräche, 4 Ideen, Abschlussveranstaltung")


def _closing_event() -> dict:
    starts = (datetime.now(UTC) + timedelta(days=21)).replace(
        hour=16, minute=0, second=0, microsecond=0
    )
    return {
        "title": "Abschlussabend: Rosenbrunn 2040",
        "description": "Wir schauen auf ein Jahr Stadtdialog zurück und nach vorn: Was wird "
        "aus den Ideen der Tischgespräche?",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=3)).isoformat(),
        "venue": {"name": "Stadthalle Rosenbrunn", "address": "Am Rosengarten 1, 55555 "
                  "Rosenbrunn", "district": "Altstadt", "directions": "Bus 3 bis Rosengarten"},
        "partners": [
            {"name": "Bürgerstiftung Rosenbrunn", "kind": "foundation", "role": "Moderation"},
            {"name": "Stadtverwaltung Rosenbrunn", "kind": "administration"},
        ],
        "agenda": [
            {"time": "18:00", "title": "Begrüßung", "speakers": "Bürgermeisterin"},
            {"time": "18:30", "title": "Was an den Tischen besprochen wurde"},
            {"time": "19:30", "title": "Nächste Schritte der Projektideen"},
        ],
        "accessibility": {"step_free": True, "hearing_loop": True, "notes": "Gebärdensprache"},
        "capacity": 80,
    }  # fmt: skip
