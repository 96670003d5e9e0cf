"""Musterstadt, in the table-talk phase: a working group, a scenario project with factors, two
published deep-dive topics, two table talks with registrations (the second has two seats, so a
demo guest waits in place 1), project ideas with supports and help offers, comments with a
reply and one comment the moderation hid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gateway.demo.people import MUSTERSTADT, Person
from gateway.demo.seeder import Seeder
from gateway.demo.steps import kickoff, publish_topics, scenario_project

IDEAS = (
    ("Radweg am Fluss", "Ein durchgehender, sicherer Radweg entlang des Flusses.",
     "mobility", "Nord"),
    ("Schattenplätze am Markt", "Bäume und Sonnensegel für den Marktplatz im Sommer.",
     "environment", "Altstadt"),
    ("Reparaturcafé", "Einmal im Monat gemeinsam reparieren statt wegwerfen.", "social", "Süd"),
)  # fmt: skip


def seed(s: Seeder, op: Person) -> None:
    slug = MUSTERSTADT
    admin = kickoff(s, op, slug, "Musterstadt", "DE-NW", 120_000, "Dr. Erika Mustermann")
    scenario_project(s, op, slug, ["Mobilität", "Wohnen", "Klima", "Zusammenhalt"])
    s.advance(admin, slug, "transfer")
    topics = [
        ("Mobilität für alle", "Wie kommen 2040 alle gut durch Musterstadt?"),
        ("Grüne Innenstadt", "Wie wird die Innenstadt kühler und lebendiger?"),
    ]
    publish_topics(
        s, op, admin, slug,
        [{"title": t, "guiding_question": q, "description": q} for t, q in topics],
    )  # fmt: skip
    s.wait(
        lambda: s.call(admin, "POST", f"/cities/{slug}/phase", {"to": "table_talks"}),
        "the table-talk phase",
    )
    dialogue_topics = s.call(admin, "GET", f"/cities/{slug}/topics")
    host = s.person(f"demo-gastgeberin@{slug}.example", "Aylin (Gastgeberin)")
    guests = [
        s.person(f"demo-gast{n}@{slug}.example", name)
        for n, name in enumerate(("Jonas", "Marie", "Karl"), start=1)
    ]
    start = (datetime.now(UTC) + timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
    talks = []
    # The second table is small (two seats), so a demo guest waits in place 1 and sees the
    # waiting position in Mein Bereich.
    for index, (topic, district, seats) in enumerate(
        zip(dialogue_topics[:2], ("Nord", "Altstadt"), (8, 2), strict=False)
    ):
        begins = start + timedelta(days=index * 3)
        talk = {
            "title": f"Tischgespräch: {topic['title']}",
            "topic_id": topic["id"],
            "description": "Wir reden bei Kaffee und Kuchen. Alle sind willkommen.",
            "format": "in_person",
            "address": "Marktplatz 3",
            "district": district,
            "starts_at": begins.isoformat(),
            "ends_at": (begins + timedelta(hours=2)).isoformat(),
            "capacity": seats,
        }
        talks.append(
            s.wait(
                lambda talk=talk: s.call(host, "POST", f"/cities/{slug}/talks", talk),
                "the table-talk phase reaching the dialogue service",
            )
        )
    for guest in guests:
        s.call(guest, "POST", f"/cities/{slug}/talks/{talks[0]['id']}/registrations", {})
    # Jonas and Karl take the two seats of the second talk, Marie waits in place 1.
    for guest in (guests[0], guests[2], guests[1]):
        s.call(guest, "POST", f"/cities/{slug}/talks/{talks[1]['id']}/registrations", {})
    made = [
        s.call(
            host if n % 2 == 0 else guests[1],
            "POST",
            f"/cities/{slug}/ideas",
            {"title": title, "description": text, "category": category, "district": district},
        )
        for n, (title, text, category, district) in enumerate(IDEAS)
    ]
    for guest in guests:
        s.call(guest, "POST", f"/cities/{slug}/ideas/{made[0]['id']}/support")
    # Help offers ("Ich mache mit"): Jonas at the repair café, the host with the shade.
    s.call(guests[0], "POST", f"/cities/{slug}/ideas/{made[2]['id']}/helpers")
    s.call(host, "POST", f"/cities/{slug}/ideas/{made[1]['id']}/helpers")
    _comments(s, slug, admin, host, guests, made, dialogue_topics)
    s.done("Musterstadt: Tischgespräche mit 2 Themen, 2 Gesprächen und 3 Ideen")


def _comments(
    s: Seeder,
    slug: str,
    admin: Person,
    host: Person,
    guests: list[Person],
    ideas: list[dict],
    topics: list[dict],
) -> None:
    """Talk between the tables: a comment and its reply on the river cycle path, a comment on
    the first topic, and one the moderation hid (its reason shows in its place)."""
    on_idea = f"/cities/{slug}/comments/idea/{ideas[0]['id']}"
    first = s.call(
        guests[1], "POST", on_idea,
        {"body": "Super Idee! Bitte mit Beleuchtung, damit man abends sicher fährt."},
    )  # fmt: skip
    s.call(
        host, "POST", on_idea,
        {"body": "Gute Ergänzung – das nehmen wir ins nächste Gespräch mit.",
         "parent_id": first["id"]},
    )  # fmt: skip
    s.call(
        guests[2], "POST", f"/cities/{slug}/comments/topic/{topics[0]['id']}",
        {"body": "Für mich heißt Mobilität für alle: Busse auch am Sonntag."},
    )  # fmt: skip
    advert = s.call(
        guests[0], "POST", on_idea, {"body": "Günstige Fahrräder gibt es bei meinem Laden!"}
    )
    s.call(
        admin, "POST", f"/cities/{slug}/comments/{advert['id']}/hide",
        {"reason": "Werbung – gehört nicht in die Diskussion."},
    )  # fmt: skip
