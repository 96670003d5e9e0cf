"""No personal data leaks: a realistic flow (registration, city work, a table talk with a
guest without account, a documented talk, an idea and its supporters), then

* no e-mail address or display name in any fact on the public stream ``stadtdialog.public``,
* none in any service's log output,
* and after the host deletes the account, none of the host's data in any service database.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

import pytest
from kombu import Connection, Queue

from services.kit.outbox import public_exchange
from services.kit.testing import wait_until

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dialogue"))
from dialogue_support import GUIDING_QUESTION, create_talk, table_talk_city  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from guest_support import CONSENT
from personal_data_support import PASSWORD, _database_leaks, _leaks, _person  # noqa: E402
from talk_time_support import begun  # noqa: E402

pytestmark = pytest.mark.integration


def test_no_personal_data_in_public_facts_logs_or_after_deletion(api, cities, platform) -> None:
    connection = Connection(platform.infra.amqp_uri)
    queue = Queue(
        f"security-scan-{uuid.uuid4().hex[:8]}",
        exchange=public_exchange(),
        routing_key="#",
        durable=False,
        auto_delete=True,
    )
    bound = queue(connection.channel())
    bound.declare()

    city = table_talk_city(api, cities, platform)
    slug, topic = city["slug"], city["topic"]
    host, citizen = _person(api, "Gastgeberin"), _person(api, "Buerger")

    talk = create_talk(api, slug, host, topic["id"], access="invitation_only", capacity=4)
    talk_path = f"/cities/{slug}/talks/{talk['id']}"
    invitation = api.post(f"{talk_path}/invitations", {}, token=host["token"])
    assert invitation.status_code == 201, invitation.text
    link_token = invitation.json()["link"].split("token=")[1]

    guest_tag = uuid.uuid4().hex[:8]
    guest = {"email": f"gast-{guest_tag}@example.org", "name": f"Gast Spurlos{guest_tag}"}
    asked = api.post(
        "/talk-invitations/guest",
        {"token": link_token, "name": guest["name"], "email": guest["email"], **CONSENT},
    )
    assert asked.status_code == 202, asked.text
    joined = api.post(
        "/talk-invitations/guest/confirm", {"token": api.mailed_token(guest["email"])}
    )
    assert joined.status_code == 200, joined.text
    registered = api.post(
        f"{talk_path}/registrations", {"token": link_token}, token=citizen["token"]
    )
    assert registered.status_code == 200, registered.text

    begun(platform, talk["id"], minutes=30)  # held: now the host documents it
    documented = api.post(
        f"{talk_path}/documentation",
        {
            "participants": 3,
            "summary": "Wir haben über Radwege gesprochen.",
            "insights": [{"question": GUIDING_QUESTION, "answer": "Mehr Busse nach 22 Uhr."}],
            "ideas": ["Nachtbus"],
        },
        token=host["token"],
    )
    assert documented.status_code == 200, documented.text
    idea = api.post(
        f"/cities/{slug}/ideas",
        {
            "title": "Nachtbus Nordstadt",
            "description": "Ein Bus, der auch nach 22 Uhr fährt.",
            "category": "mobility",
            "talk_id": talk["id"],
        },
        token=host["token"],
    )
    assert idea.status_code == 201, idea.text
    idea_path = f"/cities/{slug}/ideas/{idea.json()['id']}"
    assert api.post(f"{idea_path}/support", token=citizen["token"]).status_code == 200
    assert api.post(f"{idea_path}/helpers", token=citizen["token"]).status_code == 200

    people = [host, citizen, guest]
    seen: list[dict] = []
    expected = {"talk.created", "registration.confirmed", "idea.proposed", "idea.volunteered"}

    def arrived() -> bool:
        while (message := bound.get(no_ack=True)) is not None:
            seen.append(message.payload)
        kinds = {".".join(e["type"].split(".")[2:4]) for e in seen if e.get("city") == slug}
        return expected <= kinds

    wait_until(arrived, 30, "the flow's facts on the public stream")
    public = json.dumps(seen, ensure_ascii=False)
    assert _leaks(public, people) == []

    # The host deletes the account: every service forgets the host's e-mail and name.
    deleted = api.delete("/me", {"password": PASSWORD}, token=host["token"])
    assert deleted.status_code == 200, deleted.text
    try:
        wait_until(lambda: not _database_leaks(platform, host), 30, "the host forgotten")
    except AssertionError:
        pytest.fail(f"personal data left after deletion: {_database_leaks(platform, host)}")

    while (message := bound.get(no_ack=True)) is not None:
        seen.append(message.payload)
    assert _leaks(json.dumps(seen, ensure_ascii=False), people) == []
    connection.release()

    logs = {path.name: path.read_text(errors="replace") for path in platform.logs.glob("*.log")}
    assert logs, "no service log found"
    leaks = {name: _leaks(text, people) for name, text in logs.items()}
    assert {name: found for name, found in leaks.items() if found} == {}
