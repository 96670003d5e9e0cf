"""The mail sender's batches against the real database and a real SMTP sink: a batch is claimed
with one insert, two senders on one outbox send every mail exactly once, a dead process's claim
is taken over once, and a kept SMTP connection the server dropped is replaced
(``services/kit/mail.py``, ``mail_claims.py``, ``smtp_link.py``)."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from mail_support import QUICK, smtp_settings
from pymongo import MongoClient, monitoring
from pymongo.collection import Collection

from services.kit.mail import MailWriter, SmtpSender
from services.kit.mail_claims import CLAIM_TIMEOUT
from services.kit.mailsink import MailSink
from services.kit.testing import free_port

pytestmark = pytest.mark.integration


class Commands(monitoring.CommandListener):
    """Every command a client sends, as (command name, collection)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.seen.append((event.command_name, str(event.command.get(event.command_name))))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.fixture
def commands() -> Commands:
    return Commands()


@pytest.fixture
def outbox(infra, commands: Commands) -> Iterator[Collection]:  # noqa: ANN001
    client = MongoClient(
        infra.mongodb_uri, serverSelectionTimeoutMS=5000, event_listeners=[commands]
    )
    database = client[f"{infra.db_prefix}_mailbatch_{uuid.uuid4().hex[:8]}"]
    yield database["mail_outbox"]
    client.drop_database(database.name)
    client.close()


def _store(outbox: Collection, count: int) -> list[str]:
    writer = MailWriter(outbox, lambda: None)
    addresses = [f"batch-{uuid.uuid4().hex[:10]}@example.org" for _ in range(count)]
    for address in addresses:
        writer.send(address, "Hallo", "Text")
    return addresses


def _received(sink: MailSink, addresses: list[str]) -> Counter:
    wanted = set(addresses)
    return Counter(m["To"] for m in list(sink.messages) if m["To"] in wanted)


def test_a_batch_is_claimed_in_one_write_and_sent_over_one_kept_connection(
    outbox, commands, mail_sink
) -> None:
    addresses = _store(outbox, 5)
    sender = SmtpSender(outbox, smtp_settings(mail_sink.port), QUICK)
    try:
        commands.seen.clear()
        assert sender.send_pending() == 5
        for address in addresses:
            mail_sink.wait_for(address, timeout=5)
        # read its own due rows, look for rows other processes left (a sender's first batch,
        # then every few seconds), claim all, re-read the claimed, delete the sent, delete
        # the claims
        batch = [
            ("find", "mail_outbox"),
            ("insert", "mail_outbox_claims"),
            ("find", "mail_outbox"),
            ("delete", "mail_outbox"),
            ("delete", "mail_outbox_claims"),
        ]
        assert commands.seen == [batch[0], ("find", "mail_outbox"), *batch[1:]]
        assert outbox.count_documents({}) == 0
        assert outbox.database["mail_outbox_claims"].count_documents({}) == 0

        connection = sender.link._smtp
        assert connection is not None  # kept for the next batch
        later = _store(outbox, 2)
        commands.seen.clear()
        assert sender.send_pending() == 2
        assert commands.seen == batch  # no second look for left-over rows this soon
        assert sender.link._smtp is connection
        assert _received(mail_sink, addresses + later) == Counter(addresses + later)
    finally:
        sender.close()
    assert not sender.link.is_open


def test_two_senders_on_one_outbox_send_every_mail_once(infra, outbox, mail_sink) -> None:  # noqa: ANN001
    addresses = _store(outbox, 70)  # more than three batches of 20
    settings = smtp_settings(mail_sink.port)
    # Each sender on a client of its own, as two processes of a service would be.
    clients = [infra.mongo() for _ in range(2)]
    senders = [SmtpSender(c[outbox.database.name]["mail_outbox"], settings, QUICK) for c in clients]
    tried = [0, 0]
    start = threading.Barrier(2)

    def drain(number: int) -> None:
        start.wait()
        while outbox.count_documents({}) > 0:
            tried[number] += senders[number].send_pending()

    threads = [threading.Thread(target=drain, args=(n,)) for n in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        for sender in senders:
            sender.close()
        for client in clients:
            client.close()
    for address in addresses:
        mail_sink.wait_for(address, timeout=5)
    assert _received(mail_sink, addresses) == Counter(addresses)  # each exactly once
    assert sum(tried) == len(addresses)
    assert outbox.database["mail_outbox_claims"].count_documents({}) == 0


def test_a_dead_process_claim_is_taken_over_once_and_a_live_one_is_left(
    outbox, commands, mail_sink
) -> None:
    stale, live, free, twice = _store(outbox, 4)
    ids = {row["to"]: row["_id"] for row in outbox.find({})}
    claims = outbox.database["mail_outbox_claims"]
    old = datetime.now(UTC) - timedelta(seconds=CLAIM_TIMEOUT + 5)
    claims.insert_many(
        [
            {"_id": f"{ids[stale]}:0", "at": old},  # its process died before sending
            {"_id": f"{ids[live]}:0", "at": datetime.now(UTC)},  # another process sends it
            # taken over already by a process that died too: nobody takes it a second time
            {"_id": f"{ids[twice]}:0", "at": old},
            {"_id": f"{ids[twice]}:0:late", "at": old},
        ]
    )
    sender = SmtpSender(outbox, smtp_settings(mail_sink.port), QUICK)
    try:
        commands.seen.clear()
        assert sender.send_pending() == 2
        mail_sink.wait_for(stale, timeout=5)
        mail_sink.wait_for(free, timeout=5)
    finally:
        sender.close()
    inserts = [c for c in commands.seen if c == ("insert", "mail_outbox_claims")]
    assert len(inserts) == 2  # the batch's claims, then the late one for the stale claim
    assert _received(mail_sink, [stale, live, free, twice]) == Counter([stale, free])
    assert {row["to"] for row in outbox.find({})} == {live, twice}
    left = {claim["_id"] for claim in claims.find({})}
    assert left == {f"{ids[live]}:0", f"{ids[twice]}:0", f"{ids[twice]}:0:late"}


def test_a_row_sent_by_another_process_meanwhile_is_not_sent_again(outbox, mail_sink) -> None:
    [address] = _store(outbox, 1)
    sender = SmtpSender(outbox, smtp_settings(mail_sink.port), QUICK)
    # Our batch read the row; another process sent and deleted it (and its claim) since.
    batch = list(outbox.find({}))
    outbox.delete_many({})
    assert sender.claims.take(batch) == []
    assert outbox.database["mail_outbox_claims"].count_documents({}) == 0
    assert _received(mail_sink, [address]) == Counter()


def test_claims_held_too_long_are_given_back_untried(outbox, mail_sink, monkeypatch) -> None:
    addresses = _store(outbox, 3)
    sender = SmtpSender(outbox, smtp_settings(mail_sink.port), QUICK)
    # As if the server had been slow for half the claim timeout: nothing more is sent.
    monkeypatch.setattr("services.kit.mail.CLAIM_HOLD_SECONDS", 0.0)
    try:
        assert sender.send_pending() == 0
    finally:
        sender.close()
    assert outbox.count_documents({"attempts": None}) == 3  # counted against no mail
    assert outbox.database["mail_outbox_claims"].count_documents({}) == 0
    assert _received(mail_sink, addresses) == Counter()


def test_a_kept_connection_the_server_dropped_is_replaced_and_an_absent_server_counts_nothing(
    outbox,
) -> None:
    port = free_port()
    sink: MailSink | None = MailSink(port=port).start()
    sender = SmtpSender(outbox, smtp_settings(port), QUICK)
    try:
        [first] = _store(outbox, 1)
        assert sender.send_pending() == 1
        sink.wait_for(first, timeout=5)
        sink.stop()  # drops the connection the sender keeps
        sink = MailSink(port=port).start()
        [second] = _store(outbox, 1)
        assert sender.send_pending() == 1
        assert sink.wait_for(second, timeout=5)[0]["Subject"] == "Hallo"

        sink.stop()  # now away for good: the batch stops, no mail is counted against
        sink = None
        [third] = _store(outbox, 1)
        with pytest.raises(OSError):
            sender.send_pending()
        row = outbox.find_one({"to": third})
        assert row.get("attempts") is None and row.get("dead_at") is None
        assert outbox.database["mail_outbox_claims"].count_documents({}) == 0
    finally:
        sender.close()
        if sink is not None:  # a step before the last failed
            sink.stop()
