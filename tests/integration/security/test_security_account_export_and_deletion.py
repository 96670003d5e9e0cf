"""A rich account through the data export and the deletion (issue 16, deliverables 5 and 6).

The person has a role and an organisation, submits an observation, hosts an upcoming talk
with guests (one without an account, through an invitation link) and a documented one, holds a
seat at one talk and waits at another, proposes an idea, supports and helps another, and
registers for a closing event with needs. Then:

* the export (JSON and the readable page) holds each of these, and nobody else's name;
* deleting the account cancels the upcoming hosted talk (its guests are mailed, its seats are
  free, the invitation link is dead), frees the person's seats so the waiting lists move up,
  mails the person, and afterwards no service database and no public fact holds the
  person's name or address.
"""

from __future__ import annotations

import json
import re
import sys
import uuid
from pathlib import Path

import pytest
import requests
from kombu import Connection, Queue

from services.kit.outbox import public_exchange
from services.kit.testing import wait_until

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "dialogue"))
sys.path.insert(0, str(HERE.parent / "events"))
sys.path.insert(0, str(HERE))
from dialogue_support import (  # noqa: E402
    GUIDING_QUESTION,
    advance,
    create_talk,
    dialogue_topic,
    publish_topic,
    to_scenarios,
)
from events_support import event_body  # noqa: E402
from guest_support import CONSENT  # noqa: E402
from personal_data_support import PASSWORD, _database_leaks, _leaks, _person  # noqa: E402
from talk_time_support import begun  # noqa: E402

pytestmark = pytest.mark.integration


def _section(export: dict, service: str, name: str) -> list[dict]:
    part = export["services"][service]
    return next(s["items"] for s in part["sections"] if s["name"] == name)


def _subjects(api, email: str) -> list[str]:
    return [str(m["Subject"]) for m in api.sink.messages if m["To"] == email]


def _page_session(api, person: dict) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{api.base}/anmelden", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    signed_in = session.post(
        f"{api.base}/anmelden",
        data={"email": person["email"], "password": PASSWORD, "csrf_token": token},
        timeout=10,
    )
    assert signed_in.status_code == 200, signed_in.text
    return session


def _rich_city(api, cities, platform, rich: dict) -> dict:
    """A city walked through its phases, the rich person acting in each."""
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    grant = {"account_id": rich["id"], "city": slug, "role": "working_group_member"}
    assert api.post("/roles", grant, token=admin["token"]).status_code == 200
    organisation = {"name": f"Nachbarschaftsverein {uuid.uuid4().hex[:6]}", "kind": "association"}
    assert api.post("/me/organisations", organisation, token=rich["token"]).status_code == 201
    to_scenarios(api, slug, admin)
    observed = api.post(
        f"/cities/{slug}/scenarios/observations",
        {"kind": "observation", "text": "Abends fährt kein Bus in die Nordstadt."},
        token=rich["token"],
    )
    assert observed.status_code == 201, observed.text
    assert advance(api, slug, admin, "transfer").status_code == 200
    title = f"Mobilität {uuid.uuid4().hex[:6]}"
    publish_topic(platform, slug, title)
    wait_until(
        lambda: api.get(f"/cities/{slug}/tallies").json().get("scenarios.topic.published") == 1,
        30,
        "the topic counted by the cities service",
    )
    assert advance(api, slug, admin, "table_talks").status_code == 200
    topic = dialogue_topic(api, slug, title)
    return {"slug": slug, "admin": admin, "topic": topic, "organisation": organisation}


def _join(api, slug: str, talk: dict, who: dict, status: str) -> None:
    joined = api.post(f"/cities/{slug}/talks/{talk['id']}/registrations", {}, token=who["token"])
    assert joined.status_code == 200, joined.text
    assert joined.json()["status"] == status


def test_a_rich_account_is_exported_whole_and_deleted_without_trace(api, cities, platform):
    rich = _person(api, "Reich")
    other_host, guest_account = _person(api, "Gastgeber"), _person(api, "Gast")
    first, waiter = _person(api, "Erster"), _person(api, "Wartend")
    city = _rich_city(api, cities, platform, rich)
    slug, admin, topic_id = city["slug"], city["admin"], city["topic"]["id"]

    # The rich person's upcoming talk: an account guest and a guest without an account.
    hosted = create_talk(api, slug, rich, topic_id, capacity=3, title="Küchentisch Reich")
    invitation = api.post(
        f"/cities/{slug}/talks/{hosted['id']}/invitations", {}, token=rich["token"]
    )
    assert invitation.status_code == 201, invitation.text
    link_token = invitation.json()["link"].split("token=")[1]
    _join(api, slug, hosted, guest_account, "confirmed")
    tag = uuid.uuid4().hex[:8]
    guest = {"email": f"gast-{tag}@example.org", "name": f"Gast Ohnekonto{tag}"}
    asked = api.post(
        "/talk-invitations/guest",
        {"token": link_token, "name": guest["name"], "email": guest["email"], **CONSENT},
    )
    assert asked.status_code == 202, asked.text
    confirm = api.post(
        "/talk-invitations/guest/confirm", {"token": api.mailed_token(guest["email"])}
    )
    assert confirm.status_code == 200, confirm.text

    # A documented talk of the person (it began half an hour ago).
    past = create_talk(api, slug, rich, topic_id, title="Schon begonnen")
    begun(platform, past["id"], minutes=30)
    documented = api.post(
        f"/cities/{slug}/talks/{past['id']}/documentation",
        {
            "participants": 3,
            "summary": "Wir haben über Radwege gesprochen.",
            "insights": [{"question": GUIDING_QUESTION, "answer": "Mehr Busse nach 22 Uhr."}],
            "ideas": ["Nachtbus"],
        },
        token=rich["token"],
    )
    assert documented.status_code == 200, documented.text

    # A seat at one talk (someone waits behind), a waiting place at another.
    seated_at = create_talk(api, slug, other_host, topic_id, capacity=1, title="Ein Platz")
    _join(api, slug, seated_at, rich, "confirmed")
    _join(api, slug, seated_at, waiter, "waitlisted")
    waiting_at = create_talk(api, slug, other_host, topic_id, capacity=1, title="Voll")
    _join(api, slug, waiting_at, first, "confirmed")
    _join(api, slug, waiting_at, rich, "waitlisted")

    # Ideas: one of the person's own, support and help for another's.
    own_idea = {
        "title": "Nachtbus Nordstadt",
        "description": "Bus nach 22 Uhr.",
        "category": "mobility",
    }
    own = api.post(f"/cities/{slug}/ideas", own_idea, token=rich["token"])
    assert own.status_code == 201, own.text
    theirs = api.post(
        f"/cities/{slug}/ideas",
        {"title": "Bücherschrank", "description": "Am Marktplatz.", "category": "culture"},
        token=other_host["token"],
    )
    assert theirs.status_code == 201, theirs.text
    idea_path = f"/cities/{slug}/ideas/{theirs.json()['id']}"
    assert api.post(f"{idea_path}/support", token=rich["token"]).status_code == 200
    assert api.post(f"{idea_path}/helpers", token=rich["token"]).status_code == 200

    # The closing event: the person holds the only seat with needs, someone waits.
    moved = advance(api, slug, admin, "closing", override_reason="Test: Abschluss vorgezogen")
    assert moved.status_code == 200, moved.text
    made = api.post(f"/cities/{slug}/closing-events", event_body(capacity=1), token=admin["token"])
    assert made.status_code == 201, made.text
    event_path = f"/cities/{slug}/closing-events/{made.json()['id']}"
    assert api.post(f"{event_path}/publish", {}, token=admin["token"]).status_code == 200
    needs = "Rollstuhlplatz und Induktionsschleife"
    entered = api.post(f"{event_path}/registrations", {"needs": needs}, token=rich["token"])
    assert entered.status_code in (200, 201), entered.text
    assert entered.json()["status"] == "confirmed"
    behind = api.post(f"{event_path}/registrations", {"needs": ""}, token=waiter["token"])
    assert behind.json()["status"] == "waitlisted"

    # ------------------------------------------------------------------ the export
    response = api.get("/me/export", token=rich["token"])
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["Content-Disposition"]
    export = response.json()
    assert export["account"]["email"] == rich["email"]
    account = _section(export, "identity", "accounts")[0]
    assert {"city": slug, "role": "working_group_member"}.items() <= account["roles"][0].items()
    assert account["organisations"][0]["name"] == city["organisation"]["name"]
    assert _section(export, "identity", "sessions")
    talks = {t["title"]: t for t in _section(export, "dialogue", "talks")}
    assert talks["Küchentisch Reich"]["confirmed_guests"] == 2
    assert talks["Küchentisch Reich"]["address"] == "Lindenstraße 5"
    assert "Schon begonnen" in talks
    registrations = {r["talk_title"]: r for r in _section(export, "dialogue", "registrations")}
    assert registrations["Ein Platz"]["status"] == "bestätigt"
    assert registrations["Voll"]["status"] == "Warteliste"
    assert registrations["Voll"]["position"] == 1
    assert [i["talk_title"] for i in _section(export, "dialogue", "invitations")] == [
        "Küchentisch Reich"
    ]
    documentation = _section(export, "dialogue", "documentations")
    assert documentation[0]["values"]["summary"] == "Wir haben über Radwege gesprochen."
    assert [i["title"] for i in _section(export, "dialogue", "ideas")] == ["Nachtbus Nordstadt"]
    supports = _section(export, "dialogue", "idea_supports")
    assert sorted(s["kind"] for s in supports) == ["helper", "support"]
    assert {s["idea_title"] for s in supports} == {"Bücherschrank"}
    observations = _section(export, "scenarios", "observations")
    assert observations[0]["text"] == "Abends fährt kein Bus in die Nordstadt."
    closing = _section(export, "events", "registrations")
    assert closing[0]["needs"] == needs and closing[0]["status"] == "bestätigt"
    # Never other people's personal data: the guests are counted, not named.
    others = [guest_account, guest, waiter, first, other_host, admin]
    others = [{"email": p["email"], "name": p.get("name", p["email"])} for p in others]
    assert _leaks(json.dumps(export, ensure_ascii=False), others) == []

    page = _page_session(api, rich).get(f"{api.base}/konto/meine-daten?format=html", timeout=30)
    assert page.status_code == 200, page.text
    for text in ("Meine Daten", "Küchentisch Reich", needs, "Nachtbus Nordstadt", "Bücherschrank"):
        assert text in page.text
    assert _leaks(page.text, others) == []

    # ------------------------------------------------------------------ the deletion
    connection = Connection(platform.infra.amqp_uri)
    stream = Queue(
        f"deletion-scan-{uuid.uuid4().hex[:8]}",
        exchange=public_exchange(),
        routing_key=f"{slug}.#",
        durable=False,
        auto_delete=True,
    )(connection.channel())
    stream.declare()

    deleted = api.delete("/me", {"password": PASSWORD}, token=rich["token"])
    assert deleted.status_code == 200, deleted.text

    def cancelled_mail(email: str) -> bool:
        return any("abgesagt" in s for s in _subjects(api, email))

    for person in (guest_account, guest):
        wait_until(lambda p=person: cancelled_mail(p["email"]), 30, "the guests' cancellation")
    wait_until(
        lambda: any("Konto ist gelöscht" in s for s in _subjects(api, rich["email"])),
        30,
        "the goodbye mail to the deleted person",
    )
    # The waiting lists moved up: the talk's and the closing event's.
    wait_until(
        lambda: (
            api.get(
                f"/cities/{slug}/talks/{seated_at['id']}/registrations/me", token=waiter["token"]
            ).json()["status"]
            == "confirmed"
        ),
        30,
        "the waiting guest seated",
    )
    wait_until(
        lambda: (
            api.get(f"{event_path}/registrations/me", token=waiter["token"]).json()["status"]
            == "confirmed"
        ),
        30,
        "the closing event's waiting list moved up",
    )
    talk = api.get(f"/cities/{slug}/talks/{hosted['id']}", token=admin["token"]).json()
    assert talk["status"] == "cancelled" and talk["seats_taken"] == 0
    assert talk["host_name"] == "Gelöschtes Konto" and talk["address"] is None
    dead = api.post(
        "/talk-invitations/guest",
        {"token": link_token, "name": "Spät Dran", "email": f"spaet-{tag}@example.org", **CONSENT},
    )
    assert dead.status_code in (409, 422), dead.text
    ideas = api.get(f"/cities/{slug}/ideas").json()
    assert any(i["title"] == "Nachtbus Nordstadt" for i in ideas)  # contributions stay

    try:
        wait_until(lambda: not _database_leaks(platform, rich), 30, "the person forgotten")
    except AssertionError:
        pytest.fail(f"personal data left after deletion: {_database_leaks(platform, rich)}")
    seen = []
    while (message := stream.get(no_ack=True)) is not None:
        seen.append(message.payload)
    assert any(e["type"].endswith("talk.cancelled.v1") for e in seen)
    assert _leaks(json.dumps(seen, ensure_ascii=False), [rich]) == []
    connection.release()
