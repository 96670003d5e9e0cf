"""Dead letters against the real broker, database and an SMTP server: a stored message that
fails on its own is tried again with backoff and then set aside, while the ones after it go
out; a peer that is away counts against no message (``services/kit/deadletters.py``)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from mail_support import QUICK, smtp_settings

from services.kit.deadletters import DeadLetters, RetryPolicy
from services.kit.errors import Invalid, NotFound
from services.kit.mail import MailWriter, SmtpSender
from services.kit.outbox import OutboxRelay, OutboxWriter, published_of
from services.kit.testing import free_port

pytestmark = pytest.mark.integration

SERVICE = "kittest"
# A long backoff: the tests move ``next_attempt_at`` into the past instead of waiting.


def _until_dead(drain, collection, row_id, policy: RetryPolicy = QUICK) -> dict:  # noqa: ANN001
    """Drain until the row is dead, its backoff over each time (as if the time had passed)."""
    for _ in range(policy.attempts):
        past = datetime.now(UTC) - timedelta(seconds=1)
        collection.update_one({"_id": row_id, "dead_at": None}, {"$set": {"next_attempt_at": past}})
        drain()
    row = collection.find_one({"_id": row_id})
    assert row["dead_at"] is not None, row
    return row


def test_a_mail_that_fails_is_dead_lettered_while_the_next_is_sent(database, mail_sink) -> None:
    settings = smtp_settings(mail_sink.port)
    outbox = database["mail_outbox"]
    writer = MailWriter(outbox, lambda: None)
    bad_to, good_to = (
        f"bad-{uuid.uuid4().hex[:8]}@example.org",
        f"ok-{uuid.uuid4().hex[:8]}@example.org",
    )
    writer.send(bad_to, "Kaputt", "Text", [("a.ics", "text/calendar", b"x")])
    outbox.update_one({"to": bad_to}, {"$set": {"attachments.0.content_type": 42}})
    writer.send(good_to, "Zeile 1\r\nBcc: x@evil.example", "Text")
    sender = SmtpSender(outbox, settings, QUICK)

    assert sender.send_pending() == 2
    [good] = mail_sink.wait_for(good_to, timeout=5)
    assert good["Subject"] == "Zeile 1 Bcc: x@evil.example" and good["Bcc"] is None
    bad = outbox.find_one({"to": bad_to})
    assert bad["attempts"] == 1 and bad["dead_at"] is None
    assert bad["next_attempt_at"] > bad["failed_at"]
    assert "AttributeError" in bad["last_error"]
    assert sender.send_pending() == 0  # waiting out its backoff: not in the batch

    bad = _until_dead(sender.send_pending, outbox, bad["_id"])
    assert bad["attempts"] == QUICK.attempts
    assert sender.send_pending() == 0  # a dead letter is skipped for good
    letters = DeadLetters(database, SERVICE)
    [letter] = letters.list()
    assert letter["id"] == f"{SERVICE}:mail:{bad['_id']}" and letter["kind"] == "mail"
    assert letter["summary"] == "an …@example.org: Kaputt"
    assert letters.counts() == {"mail": 1, "outbox": 0, "consumer": 0}

    outbox.update_one(
        {"_id": bad["_id"]}, {"$set": {"attachments.0.content_type": "text/calendar"}}
    )
    assert letters.retry(letter["id"]) == {"id": letter["id"], "retried": True}
    assert sender.send_pending() == 1
    assert mail_sink.wait_for(bad_to, timeout=5)[0]["Subject"] == "Kaputt"
    assert outbox.count_documents({}) == 0
    with pytest.raises(NotFound):
        letters.drop(letter["id"])
    for wrong in ("kittest:mail", "other:mail:x", "kittest:nothing:x", 7):
        with pytest.raises(Invalid):
            letters.retry(wrong)


def test_an_smtp_server_away_counts_against_no_mail(database) -> None:
    settings = smtp_settings(free_port())  # nobody there
    outbox = database["mail_outbox"]
    MailWriter(outbox, lambda: None).send("a@example.org", "Hallo", "Text")
    with pytest.raises(OSError):
        SmtpSender(outbox, settings, QUICK).send_pending()
    row = outbox.find_one({})
    assert row.get("attempts") is None and row.get("dead_at") is None


def test_a_fact_that_fails_is_dead_lettered_while_the_next_goes_out(infra, database) -> None:
    outbox = database["outbox"]
    writer = OutboxWriter(outbox, SERVICE)
    bad = writer.add("probe", "broken", {"n": 1})
    outbox.update_one({"_id": bad["id"]}, {"$set": {"envelope.type": "not a type"}})
    good = writer.add("probe", "fine", {"n": 2})
    relay = OutboxRelay(outbox, SERVICE, infra.amqp_uri, QUICK)
    try:
        assert relay.publish_pending() == 2
        assert published_of(outbox).find_one({"_id": good["id"]}) is not None
        row = outbox.find_one({"_id": bad["id"]})
        assert row["attempts"] == 1 and "EnvelopeError" in row["last_error"]
        assert writer.pending_count() == 1
        _until_dead(relay.publish_pending, outbox, bad["id"])
        assert writer.pending_count() == 0  # a dead letter waits for nobody
        later = writer.add("probe", "later", {"n": 3})
        assert relay.publish_pending() == 1
        assert published_of(outbox).find_one({"_id": later["id"]}) is not None
    finally:
        relay.close()
    letters = DeadLetters(database, SERVICE)
    [letter] = letters.list()
    assert letter["id"] == f"{SERVICE}:outbox:{bad['id']}" and letter["summary"] == "not a type (-)"
    assert letters.drop(letter["id"]) == {"id": letter["id"], "dropped": True}
    assert letters.list() == [] and outbox.count_documents({}) == 0


def test_backoff_doubles_up_to_its_cap() -> None:
    policy = RetryPolicy(attempts=5, backoff=0.5, backoff_max=3)
    assert [policy.delay(n) for n in range(1, 6)] == [0.5, 1, 2, 3, 3]
