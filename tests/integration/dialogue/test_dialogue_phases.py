"""Phase rules through the running platform: table talks in their window (hosts prepare a
little earlier), conversations of the working groups in the scenario phase whose observations
reach the scenarios service's intake as facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dialogue_support import (
    advance,
    create_talk,
    dialogue_topic,
    outbox_events,
    publish_topic,
    talk_body,
    to_scenarios,
    until_status,
)
from talk_time_support import begun


def test_hosts_prepare_before_the_window_guests_wait_for_it(api, cities, platform) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    starts = datetime.now(UTC) + timedelta(days=5)
    schedule = {
        "table_talks": {
            "start": starts.isoformat(),
            "end": (starts + timedelta(days=40)).isoformat(),
        }
    }
    to_scenarios(api, slug, admin)
    host = api.verified_login()

    # Scenario phase: citizens may not host yet.
    early = api.post(f"/cities/{slug}/talks", talk_body(None), token=host["token"])
    assert early.status_code == 409 and early.json()["error"]["code"] == "phase_closed"
    assert "phase" in early.json()["error"]["fields"]

    assert advance(api, slug, admin, "transfer").status_code == 200
    publish_topic(platform, slug, "Arbeit")
    topic = dialogue_topic(api, slug, "Arbeit")
    body = talk_body(topic["id"], starts_at=(starts + timedelta(days=1)).isoformat(),
                     ends_at=(starts + timedelta(days=1, hours=2)).isoformat())  # fmt: skip
    # Transfer without a planned table-talk window: closed.
    closed = api.post(f"/cities/{slug}/talks", body, token=host["token"])
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "phase_closed"
    # With the window five days ahead (within the 14 days of preparation): hosts may prepare.
    assert api.put(f"/cities/{slug}/schedule", schedule, token=admin["token"]).ok
    prepared = until_status(
        lambda: api.post(f"/cities/{slug}/talks", body, token=host["token"]),
        201,
        "a prepared talk accepted once the schedule is known",
    )
    talk_id = prepared.json()["id"]
    guest = api.verified_login()
    waiting = api.post(f"/cities/{slug}/talks/{talk_id}/registrations", token=guest["token"])
    assert waiting.status_code == 409 and waiting.json()["error"]["code"] == "phase_closed"

    assert advance(api, slug, admin, "table_talks").status_code == 200
    joined = until_status(
        lambda: api.post(f"/cities/{slug}/talks/{talk_id}/registrations", token=guest["token"]),
        200,
        "joining once the table talks have begun",
    )
    assert joined.json()["status"] == "confirmed"

    closing = advance(api, slug, admin, "closing", override_reason="Früher Abschluss im Test")
    assert closing.status_code == 200
    late = until_status(
        lambda: api.post(f"/cities/{slug}/talks", body, token=host["token"]),
        409,
        "hosting refused after the table talks",
    )
    assert late.json()["error"]["code"] == "phase_closed"


def test_working_groups_hold_conversations_in_the_scenario_phase(api, cities, platform) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    to_scenarios(api, slug, admin)
    member = cities.person_with_role(slug, "working_group_member", admin)
    citizen = api.verified_login()

    talk = create_talk(api, slug, member, None, title="Wie sieht Jena 2040 aus?")
    assert talk["kind"] == "scenario_conversation"
    path = f"/cities/{slug}/talks/{talk['id']}"
    assert api.post(f"{path}/registrations", token=citizen["token"]).json()["status"] == "confirmed"
    begun(platform, talk["id"], minutes=10)  # the conversation is held, then documented
    refused = api.post(f"/cities/{slug}/talks", talk_body(None), token=citizen["token"])
    assert refused.status_code == 409

    form = api.get(f"/cities/{slug}/forms/talk_documentation?kind=scenario_conversation").json()
    assert "observations" in form["schema"]["required"]
    table_form = api.get(f"/cities/{slug}/forms/talk_documentation").json()["schema"]
    assert "observations" not in table_form["properties"]
    assert api.get(f"/cities/{slug}/forms/talk_documentation?kind=x").status_code == 422

    documentation = {
        "participants": 7,
        "summary": "Sieben Nachbarinnen und Nachbarn über die Zukunft des Viertels.",
    }
    missing = api.post(f"{path}/documentation", documentation, token=member["token"])
    assert missing.status_code == 422 and "observations" in missing.json()["error"]["fields"]
    documentation["observations"] = [
        {"kind": "observation", "text": "Immer mehr Läden stehen leer."},
        {"kind": "forecast", "text": "In zehn Jahren arbeiten viele von zu Hause."},
        {"kind": "guess", "text": "Etwas anderes."},
    ]
    wrong = api.post(f"{path}/documentation", documentation, token=member["token"])
    assert wrong.status_code == 422 and "observations.2.kind" in wrong.json()["error"]["fields"]
    documentation["observations"].pop()
    assert (
        api.post(f"{path}/documentation", documentation, token=citizen["token"]).status_code == 403
    )
    done = api.post(f"{path}/documentation", documentation, token=member["token"])
    assert done.status_code == 200, done.text

    facts = [
        e for e in outbox_events(platform, talk["id"])
        if e["type"] == "stadtdialog.dialogue.observation.submitted.v1"
    ]  # fmt: skip
    assert sorted((f["data"]["kind"], f["data"]["text"]) for f in facts) == [
        ("forecast", "In zehn Jahren arbeiten viele von zu Hause."),
        ("observation", "Immer mehr Läden stehen leer."),
    ]
    assert all(set(f["data"]) == {"talk_id", "kind", "text"} for f in facts)
