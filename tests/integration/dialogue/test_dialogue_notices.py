"""The host's daily summary and the reminder the day before: sent once (not per registration,
not twice when the pass runs again, in two processes at once or after a restart), and not at
all to someone who switched them off; a guest's mails carry the link to leave, an account
holder's the one-click ``List-Unsubscribe`` headers (RFC 8058).

The pass is what the dialogue's timer runs; the tests run it on demand as an operator
(``ops_send_notices``), several times at once, with a second dialogue process on the queue.
The testbed sends summaries at any hour (``STADTDIALOG_HOST_SUMMARY_HOUR=0``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import requests
from bson import ObjectId
from dialogue_support import create_talk, table_talk_city
from guest_support import CONSENT
from nameko.standalone.rpc import ClusterRpcProxy

from services.kit.context import Caller
from services.kit.testing import caller_context, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def second_dialogue_process(api, platform) -> Iterator[None]:
    """Another ``nameko run`` of the dialogue service: its timer and its RPC consumer race."""
    platform.replica("dialogue", 2)
    yield
    platform.stop_service("dialogue-2")


def _rpc(platform, caller: Caller) -> ClusterRpcProxy:
    return ClusterRpcProxy(
        {"AMQP_URI": platform.infra.amqp_uri, "serializer": "json"},
        timeout=60,
        context_data=caller_context(caller),
    )


def _run_pass(platform, operator: dict, times: int = 4) -> dict[str, int]:
    """The timer's pass, ``times`` at once (spread over both processes); the totals."""

    def one(_: int) -> dict[str, int]:
        with _rpc(platform, Caller(user_id=operator["id"], operator=True)) as proxy:
            return proxy.dialogue.ops_send_notices()

    with ThreadPoolExecutor(times) as pool:
        results = list(pool.map(one, range(times)))
    return {k: sum(r[k] for r in results) for k in ("summaries", "reminders")}


def _delivered(platform, address: str) -> list:
    """Every mail to ``address``, once the dialogue's mail outbox holds none for it."""
    outbox = platform.infra.database("dialogue")["mail_outbox"]
    wait_until(
        lambda: outbox.count_documents({"to": address, "dead_at": None}) == 0,
        30,
        f"mails to {address} handed to the SMTP server",
    )
    return [m for m in platform.mail_sink.messages if m["To"] == address]


def _about(messages: list, word: str) -> list:
    return [m for m in messages if word in m["Subject"]]


def _text(message) -> str:  # noqa: ANN001
    return message.get_body(("plain",)).get_content()


def _join(api, slug: str, talk_id: str, person: dict) -> None:
    path = f"/cities/{slug}/talks/{talk_id}/registrations"
    response = api.post(path, token=person["token"])
    assert response.status_code == 200, response.text


def _guest_joins(api, slug: str, host: dict, talk_id: str) -> str:
    invitation = api.post(f"/cities/{slug}/talks/{talk_id}/invitations", {}, token=host["token"])
    assert invitation.status_code == 201, invitation.text
    token = invitation.json()["link"].split("token=")[1]
    email = f"gast-{uuid.uuid4().hex[:8]}@example.org"
    body = {"token": token, "name": "Erika M.", "email": email, **CONSENT}
    assert api.post("/talk-invitations/guest", body).status_code == 202
    joined = api.post("/talk-invitations/guest/confirm", {"token": api.mailed_token(email)})
    assert joined.status_code == 200, joined.text
    return email


def _mail_settings(api, account: dict, **wanted: bool) -> None:
    body = {"host_summary": True, "talk_reminder": True, **wanted}
    response = api.put("/me/mail-settings", body, token=account["token"])
    assert response.status_code == 200, response.text
    assert sorted(response.json()["mail_off"]) == sorted(k for k, v in wanted.items() if not v)


def _starts_in(platform, talk_id: str, hours: float) -> None:
    """Move a talk (a talk cannot be created this close to its start by the test's clock)."""
    starts = datetime.now(UTC) + timedelta(hours=hours)
    platform.infra.database("dialogue")["talks"].update_one(
        {"_id": ObjectId(talk_id)},
        {"$set": {"starts_at": starts, "ends_at": starts + timedelta(hours=2)}},
    )


def test_summary_and_reminder_are_sent_once_and_respect_the_setting(
    api, cities, operator, platform, second_dialogue_process
) -> None:
    city = table_talk_city(api, cities, platform)
    slug = city["slug"]
    host, quiet_host = api.verified_login(), api.verified_login()
    first, second, third, quiet = (api.verified_login() for _ in range(4))
    talk = create_talk(api, slug, host, city["topic"]["id"], capacity=2, title="AG Drei")
    other = create_talk(api, slug, quiet_host, city["topic"]["id"])
    _mail_settings(api, quiet_host, host_summary=False)
    _mail_settings(api, quiet, talk_reminder=False)

    for person in (first, second, third, quiet):  # two seats, then the waiting list
        _join(api, slug, talk["id"], person)
    _join(api, slug, talk["id"], first)  # a repeated click changes nothing
    guest = _guest_joins(api, slug, host, talk["id"])
    _join(api, slug, other["id"], first)

    # Five registrations, many passes at once in two processes: one summary.
    assert _run_pass(platform, operator)["summaries"] >= 1
    assert _run_pass(platform, operator)["summaries"] == 0  # today's is sent
    summaries = _about(_delivered(platform, host["email"]), "Anmeldungen")
    assert len(summaries) == 1, [m["Subject"] for m in summaries]
    text = _text(summaries[0])
    assert "Neu angemeldet: Test Person, Test Person" in text
    assert "Neu auf der Warteliste:" in text and "Erika M." in text
    assert "Das Gespräch ist jetzt voll." in text
    assert summaries[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert summaries[0]["List-Unsubscribe"].startswith("<http")
    assert not _about(_delivered(platform, quiet_host["email"]), "Anmeldungen")  # switched off

    # The guest's waiting-list mail carries the link to leave.
    waiting_mail = _about(_delivered(platform, guest), "Warteliste")
    assert waiting_mail and "gast-absagen?token=" in _text(waiting_mail[0])

    # The host changes the title: the guest's change mail carries the link to leave too.
    renamed = requests.patch(
        api.url(f"/cities/{slug}/talks/{talk['id']}"),
        json={"title": "AG Drei am Küchentisch"},
        headers={"Authorization": f"Bearer {host['token']}"},
        timeout=30,
    )
    assert renamed.status_code == 200, renamed.text
    change_mail = _about(_delivered(platform, guest), "geändert")
    assert change_mail and "gast-absagen?token=" in _text(change_mail[0])
    member_change = _about(_delivered(platform, second["email"]), "geändert")
    assert member_change and "gast-absagen" not in _text(member_change[0])

    # A cancellation the same day waits for tomorrow's summary; "tomorrow" by moving the
    # record of today's summary back a day.
    path = f"/cities/{slug}/talks/{talk['id']}/registrations/me"
    cancelled = api.delete(path, token=first["token"])
    assert cancelled.status_code == 200, cancelled.text
    assert _run_pass(platform, operator)["summaries"] == 0
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    platform.infra.database("dialogue")["host_summaries"].update_many(
        {"city": slug, "host_id": host["id"]}, {"$set": {"day": yesterday}}
    )
    assert _run_pass(platform, operator)["summaries"] >= 1
    assert _run_pass(platform, operator)["summaries"] == 0
    summaries = _about(_delivered(platform, host["email"]), "Anmeldungen")
    assert len(summaries) == 2
    text = _text(summaries[1])
    assert "Abgemeldet: 1" in text and "Von der Warteliste nachgerückt:" in text
    assert "Neu angemeldet" not in text  # told yesterday

    # The day before: one reminder per person, however often the pass runs.
    _starts_in(platform, talk["id"], 20)
    totals = [_run_pass(platform, operator)["reminders"] for _ in range(2)]
    assert totals[0] >= 3 and totals[1] == 0, totals  # second, third, guest; not quiet
    for person in (second, third):
        reminders = _about(_delivered(platform, person["email"]), "Erinnerung")
        assert len(reminders) == 1, person
        message = reminders[0]
        assert "Lindenstraße 5" in _text(message)
        assert [p.get_filename() for p in message.iter_attachments()] == ["tischgespraech.ics"]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not _about(_delivered(platform, quiet["email"]), "Erinnerung")
    guest_reminder = _about(_delivered(platform, guest), "Erinnerung")
    assert len(guest_reminder) == 1
    guest_text = _text(guest_reminder[0])
    assert "gast-absagen?token=" in guest_text and "Warteliste" in guest_text
    assert "Lindenstraße" not in guest_text  # the address only for a seat
    assert guest_reminder[0]["List-Unsubscribe"] is None  # a guest leaves the talk instead

    # A restart of both dialogue processes forgets nothing: the records are in the database.
    platform.stop_service("dialogue-2")
    platform.stop_service("dialogue")
    platform.service("dialogue")
    platform.replica("dialogue", 2)
    assert _run_pass(platform, operator) == {"summaries": 0, "reminders": 0}
    assert len(_about(_delivered(platform, third["email"]), "Erinnerung")) == 1

    # One click from the mail program switches reminders off (RFC 8058), a repeat too.
    message = _about(_delivered(platform, second["email"]), "Erinnerung")[0]
    link = message["List-Unsubscribe"].strip("<>")
    link = api.base + link[link.index("/mail/abbestellen") :]  # the test's gateway
    asked = requests.get(link, timeout=10)  # a link scanner's GET changes nothing
    assert asked.status_code == 200 and "Erinnerung am Tag vor" in asked.text
    assert api.get("/me", token=second["token"]).json()["mail_off"] == []
    for _ in range(2):
        clicked = requests.post(link, data={"List-Unsubscribe": "One-Click"}, timeout=10)
        assert clicked.status_code == 200, clicked.text
    me = api.get("/me", token=second["token"]).json()
    assert me["mail_off"] == ["talk_reminder"]
    bad = requests.post(link.replace("token=", "token=x"), timeout=10)
    assert bad.status_code in (400, 422)
    refused = api.put("/me/mail-settings", {"host_summary": "vielleicht"}, token=second["token"])
    fields = refused.json()["error"]["fields"]
    assert refused.status_code == 422 and {"host_summary", "talk_reminder"} <= set(fields)
    assert "Englisch" not in str(fields) and fields["talk_reminder"]["de"], fields

    # A deleted host takes the record of their summaries along.
    gone = api.delete("/me", {"password": host["password"]}, token=host["token"])
    assert gone.status_code in (200, 204), gone.text
    summaries_kept = platform.infra.database("dialogue")["host_summaries"]
    wait_until(
        lambda: summaries_kept.count_documents({"host_id": host["id"]}) == 0,
        30,
        "the deleted host's summary records removed",
    )
