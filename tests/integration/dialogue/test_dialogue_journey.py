"""The acceptance journey: a host creates a talk for a published topic, invites by link, a
person without an account joins through it, the talk is documented with a plugin field that
is enabled for that city (and absent in another), an idea is proposed and supported, and the
events arrive at a consumer of the public stream."""

from __future__ import annotations

import json
import uuid

from dialogue_support import GUIDING_QUESTION, create_talk, outbox_events, table_talk_city
from guest_support import CONSENT
from kombu import Connection, Queue
from talk_time_support import begun

from services.kit.outbox import public_exchange
from services.kit.testing import wait_until


def _steps(api, slug: str) -> dict[str, dict]:
    timeline = api.get(f"/cities/{slug}/phases").json()["phases"]
    return {s["id"]: s for s in next(p for p in timeline if p["phase"] == "table_talks")["steps"]}


def test_host_invites_a_guest_documents_and_an_idea_is_supported(api, cities, platform) -> None:
    city = table_talk_city(api, cities, platform)
    slug, admin, topic = city["slug"], city["admin"], city["topic"]
    assert topic["guiding_questions"] == [GUIDING_QUESTION]

    # A third party listens to the city's dialogue facts on the public stream.
    connection = Connection(platform.infra.amqp_uri)
    queue = Queue(
        f"test-consumer-{uuid.uuid4().hex[:8]}",
        exchange=public_exchange(),
        routing_key=f"{slug}.dialogue.#",
        durable=False,
        auto_delete=True,
    )
    bound = queue(connection.channel())
    bound.declare()

    enabled = api.put(
        f"/cities/{slug}/plugins/jugendforum",
        {"config": {"required_talks": 1}},
        token=admin["token"],
    )
    assert enabled.status_code == 200, enabled.text

    host = api.verified_login()
    talk = create_talk(api, slug, host, topic["id"], access="invitation_only", capacity=4)
    talk_id = talk["id"]
    assert talk["topic_title"] == topic["title"] and talk["address"] == "Lindenstraße 5"

    invitation = api.post(f"/cities/{slug}/talks/{talk_id}/invitations", {}, token=host["token"])
    assert invitation.status_code == 201, invitation.text
    link = invitation.json()["link"]
    token = link.split("token=")[1]
    qr = f"/cities/{slug}/talks/{talk_id}/invitations/{invitation.json()['id']}/qr"
    png = api.get(f"{qr}.png", token=host["token"])
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    svg = api.get(f"{qr}.svg", token=host["token"])
    assert svg.status_code == 200 and b"<svg" in svg.content

    # The invitation page shows the talk, not yet the host's address.
    opened = api.post("/talk-invitations/open", {"token": token})
    assert opened.status_code == 200 and opened.json()["title"] == talk["title"]
    assert opened.json()["address"] is None

    # A person without an account: name and e-mail, confirmed by the mailed link.
    guest_email = f"gast-{uuid.uuid4().hex[:8]}@example.org"
    asked = api.post(
        "/talk-invitations/guest",
        {"token": token, "name": "Nachbarin Erika", "email": guest_email, **CONSENT},
    )
    assert asked.status_code == 202, asked.text
    confirmation = api.mailed_token(guest_email)
    joined = api.post("/talk-invitations/guest/confirm", {"token": confirmation})
    assert joined.status_code == 200, joined.text
    assert joined.json()["status"] == "confirmed" and joined.json()["seat"] == 1
    again = api.post("/talk-invitations/guest/confirm", {"token": confirmation})
    assert again.json()["registration_id"] == joined.json()["registration_id"]
    seat_mail = platform.mail_sink.wait_for(guest_email, count=2)[1]
    calendar = next(seat_mail.iter_attachments())
    assert calendar.get_content_type() == "text/calendar"
    ics = calendar.get_content()
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "BEGIN:VEVENT" in ics and talk["title"] in ics and "Lindenstra" in ics

    # Signed-in citizens need the link too for a talk by invitation.
    citizen = api.verified_login()
    path = f"/cities/{slug}/talks/{talk_id}/registrations"
    refused = api.post(path, {}, token=citizen["token"])
    assert refused.status_code == 403 and "token" in refused.json()["error"]["fields"]
    accepted = api.post(path, {"token": token}, token=citizen["token"])
    assert accepted.status_code == 200 and accepted.json()["status"] == "confirmed"

    guests = api.get(f"/cities/{slug}/talks/{talk_id}/guests", token=host["token"]).json()
    assert [g["display_name"] for g in guests["confirmed"]] == ["Nachbarin Erika", "Test Person"]
    assert "@" not in json.dumps(guests)

    # The evening of the talk: it began half an hour ago, the host documents it.
    begun(platform, talk_id, minutes=30)
    late = api.post(path, {"token": token}, token=api.verified_login()["token"])
    assert late.status_code == 409 and "talk" in late.json()["error"]["fields"]

    # The form carries the plugin field here, and not in a city without the plugin.
    form = api.get(f"/cities/{slug}/forms/talk_documentation").json()["schema"]
    assert form["properties"]["youth_talk"]["type"] == "boolean"
    assert form["properties"]["summary"]["title"] == "Zusammenfassung"
    other = cities.create()["slug"]
    other_form = api.get(f"/cities/{other}/forms/talk_documentation").json()["schema"]
    assert "youth_talk" not in other_form["properties"] and "summary" in other_form["properties"]

    # A draft first (only the host sees it), then the submission.
    doc_path = f"/cities/{slug}/talks/{talk_id}/documentation"
    draft = api.put(f"{doc_path}/draft", {"summary": "Noch unfertig"}, token=host["token"])
    assert (
        draft.status_code == 200 and draft.json()["draft"]["values"]["summary"] == "Noch unfertig"
    )
    assert api.get(doc_path).json()["draft"] is None
    documentation = {
        "participants": 5,
        "summary": "Wir haben über Radwege und den Bus am Abend gesprochen.",
        "insights": [{"question": GUIDING_QUESTION, "answer": "Mehr Busse nach 22 Uhr."}],
        "ideas": ["Nachtbus Nordstadt"],
        "youth_talk": "vielleicht",
    }
    wrong = api.post(doc_path, documentation, token=host["token"])
    assert wrong.status_code == 422 and "youth_talk" in wrong.json()["error"]["fields"]
    documentation["youth_talk"] = True
    submitted = api.post(doc_path, documentation, token=host["token"])
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["submitted"]["tags"] == ["youth"]
    assert submitted.json()["draft"] is None
    retried = api.post(doc_path, documentation, token=host["token"])
    assert (
        retried.status_code == 200 and retried.json()["submitted"] == submitted.json()["submitted"]
    )
    documented = [
        e for e in outbox_events(platform, talk_id)
        if e["type"] == "stadtdialog.dialogue.talk.documented.v1"
    ]  # fmt: skip
    assert len(documented) == 1 and documented[0]["data"]["tags"] == ["youth"]

    # The cities service counts the youth talk: the plugin's step completes by itself.
    wait_until(
        lambda: _steps(api, slug)["jugendforum:jugendforum"]["done"],
        30,
        "the Jugendforum step done after one documented youth talk",
    )

    # An idea from the documented talk; support and "Ich mache mit" once per person.
    idea = api.post(
        f"/cities/{slug}/ideas",
        {
            "title": "Nachtbus Nordstadt",
            "description": "Ein Bus, der auch nach 22 Uhr durch die Nordstadt fährt.",
            "category": "mobility",
            "district": "Nordstadt",
            "needs": "Gespräche mit den Stadtwerken",
            "talk_id": talk_id,
        },
        token=host["token"],
    )
    assert idea.status_code == 201, idea.text
    idea_path = f"/cities/{slug}/ideas/{idea.json()['id']}"
    for _ in range(2):
        supported = api.post(f"{idea_path}/support", token=citizen["token"])
        assert supported.status_code == 200 and supported.json()["supporters"] == 1
    helping = api.post(f"{idea_path}/helpers", token=citizen["token"])
    assert helping.json()["helpers"] == 1 and helping.json()["i_help"] is True
    assert api.get(idea_path).json()["supporters"] == 1

    # The facts arrive at the consumer, none with an e-mail address or a person's name.
    expected = {
        "talk.created", "invitation.created", "registration.confirmed", "talk.documented",
        "idea.proposed", "idea.supported", "idea.volunteered",
    }  # fmt: skip
    seen: list[dict] = []

    def arrived() -> bool:
        while (message := bound.get(no_ack=True)) is not None:
            seen.append(message.payload)
        kinds = {".".join(e["type"].split(".")[2:4]) for e in seen}
        return expected <= kinds

    wait_until(arrived, 30, "the dialogue facts at a public consumer")
    body = json.dumps([e["data"] for e in seen])
    assert "@" not in body and "Erika" not in body and "Test Person" not in body
    assert {e["city"] for e in seen} == {slug}
    confirmed = [e for e in seen if e["type"].endswith("registration.confirmed.v1")]
    assert len(confirmed) == 2 and {e["data"]["guest"] for e in confirmed} == {True, False}
    connection.release()
