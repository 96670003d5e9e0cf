"""Dead letters on the running platform: a mail row and a consumed fact that always fail are
set aside after their retries while the next ones go through; operators list, retry and drop
them with ``stadtdialog deadletters``; ``/metrics`` counts them (docs/operations.md)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import requests
from click.testing import CliRunner
from kombu import Connection

from gateway.cli import main
from services.kit.events import make_envelope
from services.kit.outbox import publish_envelope
from services.kit.testing import wait_until

pytestmark = pytest.mark.integration


def _cli(api, token: str, *args: str):  # noqa: ANN202
    env = {"STADTDIALOG_URL": api.base, "STADTDIALOG_TOKEN": token}
    return CliRunner().invoke(main, list(args), env=env)


def _metric(platform, service: str, kind: str) -> float:
    text = requests.get(
        f"http://127.0.0.1:{platform.metrics_ports[service]}/metrics", timeout=5
    ).text
    line = f'stadtdialog_dead_letters{{kind="{kind}",service="{service}"}}'
    found = [row for row in text.splitlines() if row.startswith(line)]
    return float(found[0].rsplit(" ", 1)[1]) if found else -1.0


def _poison_mail(platform, to: str) -> object:
    """A stored mail whose attachment cannot be built (``_message`` raises)."""
    row = {
        "to": to,
        "subject": "Vergiftet",
        "body": "Text",
        "created_at": datetime.now(UTC),
        "sent_at": None,
        "attachments": [{"filename": "a.ics", "content_type": 42, "data": b"x"}],
    }
    return platform.infra.database("identity")["mail_outbox"].insert_one(row).inserted_id


def _dead(collection, row_id) -> dict:  # noqa: ANN001
    return wait_until(
        lambda: collection.find_one({"_id": row_id, "dead_at": {"$ne": None}}),
        20,
        f"{row_id} dead-lettered",
    )


def test_a_mail_that_always_fails_is_dead_lettered_while_the_next_is_sent(
    api, operator, platform
) -> None:
    outbox = platform.infra.database("identity")["mail_outbox"]
    stuck = f"stuck-{uuid.uuid4().hex[:8]}@example.org"
    row_id = _poison_mail(platform, stuck)
    person = api.register()  # its verification mail goes out meanwhile
    platform.mail_sink.wait_for(person["email"], timeout=10)
    row = _dead(outbox, row_id)
    assert row["attempts"] == 3 and "AttributeError" in row["last_error"]
    letter_id = f"identity:mail:{row_id}"
    wait_until(lambda: _metric(platform, "identity", "mail") == 1, 10, "the metric counting it")

    listed = _cli(api, operator["token"], "deadletters", "list", "--service", "identity")
    assert listed.exit_code == 0, listed.output
    assert letter_id in listed.output and "Mail: an …@example.org: Vergiftet" in listed.output
    assert "3 Versuche" in listed.output
    everything = api.get("/operations/deadletters", token=operator["token"]).json()
    assert {letter["id"] for letter in everything["identity"]} == {letter_id}
    assert api.get("/operations/deadletters", token=person.get("token")).status_code == 401
    citizen = api.verified_login()
    refused = api.post(f"/operations/deadletter/{letter_id}/retry", token=citizen["token"])
    assert refused.status_code == 403

    # Repaired, then retried: it goes out.
    outbox.update_one({"_id": row_id}, {"$set": {"attachments.0.content_type": "text/calendar"}})
    retried = _cli(api, operator["token"], "deadletters", "retry", letter_id)
    assert retried.exit_code == 0 and "erneut versucht" in retried.output, retried.output
    platform.mail_sink.wait_for(stuck, timeout=10)
    wait_until(lambda: outbox.find_one({"_id": row_id}) is None, 10, "the sent mail forgotten")
    gone = _cli(api, operator["token"], "deadletters", "retry", letter_id)
    assert gone.exit_code == 1 and "HTTP 404" in gone.output

    # Another one, dropped.
    second = _poison_mail(platform, f"drop-{uuid.uuid4().hex[:8]}@example.org")
    _dead(outbox, second)
    dropped = _cli(api, operator["token"], "deadletters", "drop", f"identity:mail:{second}")
    assert dropped.exit_code == 0 and "verworfen" in dropped.output, dropped.output
    assert outbox.find_one({"_id": second}) is None
    wait_until(lambda: _metric(platform, "identity", "mail") == 0, 10, "the metric back to 0")
    empty = _cli(api, operator["token"], "deadletters", "list", "--service", "identity")
    assert "Keine unzustellbaren Nachrichten" in empty.output
    bad = _cli(api, operator["token"], "deadletters", "drop", "nowhere:mail:1")
    assert bad.exit_code == 1 and "HTTP 422" in bad.output


def test_a_consumed_fact_that_always_fails_is_dead_lettered_while_the_next_counts(
    api, operator, cities, platform
) -> None:
    slug = cities.create()["slug"]
    # An id that is not a string: the cities service's tally cannot store it, every time.
    poison = make_envelope(service="dialogue", entity="talk", action="created", data={}, city=slug)
    poison["id"] = {"not": "a string"}
    fine = make_envelope(service="dialogue", entity="talk", action="created", data={}, city=slug)
    with Connection(
        platform.infra.amqp_uri, transport_options={"confirm_publish": True}
    ) as connection:
        publish_envelope(connection.Producer(), poison, public=True)
        publish_envelope(connection.Producer(), fine, public=True)
    wait_until(
        lambda: api.get(f"/cities/{slug}/tallies").json().get("dialogue.talk.created") == 1,
        10,
        "the fact after the poisoned one counted",
    )
    retries = platform.infra.database("cities")["consumer_retries"]
    row = wait_until(
        lambda: retries.find_one({"queue": "cities.tallies", "dead_at": {"$ne": None}}),
        20,
        "the poisoned fact dead-lettered",
    )
    assert row["attempts"] == 3 and "ValidationError" in row["last_error"]
    wait_until(lambda: _metric(platform, "cities", "consumer") >= 1, 10, "the metric counting it")
    letter_id = f"cities:consumer:{row['_id']}"
    shown = _cli(api, operator["token"], "deadletters", "list", "--service", "cities")
    assert letter_id in shown.output and "Nachricht: cities.tallies: sha256-" in shown.output

    # Retried: a fresh round of attempts on its queue, which fails again and ends dead again.
    retried = _cli(api, operator["token"], "deadletters", "retry", letter_id)
    assert retried.exit_code == 0, retried.output
    wait_until(
        lambda: (
            (r := retries.find_one({"_id": row["_id"]}))
            and r["dead_at"] is not None
            and r["dead_at"] > row["dead_at"]
        ),
        20,
        "the retried fact dead-lettered again",
    )
    dropped = _cli(api, operator["token"], "deadletters", "drop", letter_id)
    assert dropped.exit_code == 0, dropped.output
    assert retries.find_one({"_id": row["_id"]}) is None
