"""The relay's batches against the real broker: one confirm wait for many facts, and a channel
the broker closes in the middle of a batch loses nothing.

Each test uses its own outbox collection, its own event entity and (where it needs one) a
service name of its own (``outbox_support``), so that nothing else on the broker interferes.
"""

from __future__ import annotations

import itertools
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from kombu import Connection, Exchange, Queue
from outbox_support import SERVICE, event_queue, letters
from pymongo import MongoClient
from pymongo.errors import AutoReconnect

from services.kit import own_rows
from services.kit import relay as relay_module
from services.kit.outbox import OutboxRelay, OutboxWriter, published_of

pytestmark = pytest.mark.integration


def drain(queue: Queue, amqp_uri: str, expected: int, timeout: float = 10.0) -> list[str]:
    """The envelope ids in ``queue`` (consumed), once ``expected`` arrived and a moment passed."""
    ids: list[str] = []
    deadline = time.monotonic() + timeout
    with Connection(amqp_uri, connect_timeout=5) as connection:
        bound = queue(connection.default_channel)
        while time.monotonic() < deadline:
            message = bound.get(no_ack=True, accept=["json"])
            if message is not None:
                ids.append(message.payload["id"])
            elif len(ids) >= expected:
                time.sleep(0.3)
                if (message := bound.get(no_ack=True, accept=["json"])) is None:
                    break
                ids.append(message.payload["id"])
            else:
                time.sleep(0.05)
        bound.delete()
    return ids


def listening(amqp_uri: str, entity: str) -> Queue:
    return event_queue(
        amqp_uri, f"stadtdialog.{SERVICE}.{entity}.#", "kittest-batches", auto_delete=False
    )


def test_a_batch_is_published_in_order_with_one_confirm_wait(
    infra, outbox, relay, monkeypatch
) -> None:  # noqa: ANN001
    entity = letters()
    queue = listening(infra.amqp_uri, entity)
    writer = OutboxWriter(outbox, SERVICE)
    added = [writer.add(entity, "counted", {"n": n}, public=n % 2 == 0)["id"] for n in range(40)]
    waits: list[int] = []
    original = relay_module.ConfirmBatch.wait

    def counted_wait(self, timeout: float) -> None:  # noqa: ANN001
        waits.append(self.waiting)
        original(self, timeout)

    monkeypatch.setattr(relay_module.ConfirmBatch, "wait", counted_wait)
    assert relay.publish_pending() == 40
    # 40 internal + 20 public messages, one wait (answers read while publishing count too)
    assert len(waits) == 1 and waits[0] <= 60
    assert outbox.count_documents({}) == 0
    assert {row["attempts"] for row in published_of(outbox).find()} == {1}
    assert drain(queue, infra.amqp_uri, 40) == added  # oldest first, each once


def test_a_batch_larger_than_the_limit_goes_out_in_several(outbox, relay, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(relay_module, "BATCH", 7)
    writer = OutboxWriter(outbox, SERVICE)
    for n in range(10):
        writer.add(letters(), "counted", {"n": n})
    assert [relay.publish_pending() for _ in range(3)] == [7, 3, 0]
    assert published_of(outbox).count_documents({}) == 10


def test_a_channel_closed_mid_batch_loses_nothing_and_counts_against_no_fact(
    infra, outbox, relay
) -> None:  # noqa: ANN001
    """The relay's channel knows a service's exchange from an earlier batch; someone deletes
    the exchange, so the broker closes the channel at the batch's second fact (404). What was
    acked before moves; the rest goes out again one by one on fresh channels (which declare
    the exchange again): nothing lost, no attempt counted, the first fact maybe twice."""
    entity, other = letters(), f"kittest{letters(6)}"
    queue = listening(infra.amqp_uri, entity)
    writer, elsewhere = OutboxWriter(outbox, SERVICE), OutboxWriter(outbox, other)
    elsewhere.add(letters(), "happened", {"n": 0})
    assert relay.publish_pending() == 1  # the channel now has declared other.events
    with Connection(infra.amqp_uri, connect_timeout=5) as connection:
        Exchange(f"{other}.events")(connection.default_channel).delete()

    first = writer.add(entity, "happened", {"n": 1})
    closing = elsewhere.add(letters(), "happened", {"n": 2})  # to the deleted exchange
    last = writer.add(entity, "happened", {"n": 3})
    assert relay.publish_pending() == 3
    assert outbox.count_documents({}) == 0
    log = {row["_id"]: row for row in published_of(outbox).find()}
    assert {first["id"], closing["id"], last["id"]} <= set(log)
    assert all(row["attempts"] == 1 and not row.get("last_error") for row in log.values())
    received = drain(queue, infra.amqp_uri, 2)
    assert set(received) == {first["id"], last["id"]}  # at-least-once: first may come twice


def _counting_reads(relay, monkeypatch) -> list[int]:  # noqa: ANN001
    reads: list[int] = []
    due_batch = relay.rows.due_batch

    def counted_read(*args, **kwargs) -> list:  # noqa: ANN002, ANN003
        found = due_batch(*args, **kwargs)
        reads.append(len(found))
        return found

    monkeypatch.setattr(relay.rows, "due_batch", counted_read)
    return reads


def _broker_gone(*args) -> None:  # noqa: ANN002
    """In place of the relay's channel: the broker is away."""
    raise ConnectionResetError("broker gone")


def test_a_backlog_is_read_once_per_read_ahead_and_goes_out_in_order(
    infra, outbox, relay, monkeypatch
) -> None:  # noqa: ANN001
    """A backlog (after an outage) is read READ_AHEAD rows at a time, not once per batch; a
    failure halfway drops what was read ahead, and the rows left pending go out first: every
    fact once, oldest first."""
    monkeypatch.setattr(relay_module, "BATCH", 4)
    monkeypatch.setattr(relay_module, "READ_AHEAD", 10)
    entity = letters()
    queue = listening(infra.amqp_uri, entity)
    writer = OutboxWriter(outbox, SERVICE)
    added = [writer.add(entity, "counted", {"n": n})["id"] for n in range(23)]
    reads = _counting_reads(relay, monkeypatch)
    sizes = [relay.publish_pending()]

    # The broker is away for the second batch (no channel): nothing of it moves, and the rows
    # read ahead go, also without the drain loop's close().
    with monkeypatch.context() as broken:
        broken.setattr(relay, "_channel", _broker_gone)
        with pytest.raises(ConnectionResetError):
            relay.publish_pending()
    while size := relay.publish_pending():
        sizes.append(size)
    # 10 read: 4 out, then the failure; 19 left, read afresh: 10 (4, 4, 2), then 9 (4, 4, 1)
    assert sizes == [4, 4, 4, 2, 4, 4, 1]
    assert reads == [10, 10, 9, 0]
    assert outbox.count_documents({}) == 0
    assert published_of(outbox).count_documents({}) == 23
    assert drain(queue, infra.amqp_uri, 23) == added


def test_left_over_rows_of_another_process_are_taken_a_batch_per_look(
    infra, outbox, relay, monkeypatch
) -> None:  # noqa: ANN001
    """Reading ahead is for this process's own rows: a relay with few of its own takes at most
    a batch of another's backlog per look, and keeps none of it (the other process may be
    draining it; before, each look took as many as it read ahead, and every fact of a backlog
    went out twice)."""
    monkeypatch.setattr(relay_module, "BATCH", 4)
    monkeypatch.setattr(relay_module, "READ_AHEAD", 10)
    other = OutboxWriter(outbox, SERVICE, writer="another-process")
    for n in range(12):
        other.add(letters(), "counted", {"n": n})
    old = datetime.now(UTC) - timedelta(seconds=60)  # left over: older than LEFT_OVER_SECONDS
    outbox.update_many({}, {"$set": {"created_at": old}})
    OutboxWriter(outbox, SERVICE).add(letters(), "counted", {"n": "own"})
    # One own row and three left over; the next look for left-over rows comes 5 s later.
    assert [relay.publish_pending() for _ in range(2)] == [4, 0]
    assert outbox.count_documents({"writer": "another-process"}) == 9


class _StoresThenRaises:
    """A collection whose next insert stores the row and then raises, as a connection lost
    before the answer does."""

    def __init__(self, collection) -> None:  # noqa: ANN001
        self.collection = collection

    def insert_one(self, document: dict):  # noqa: ANN201
        self.collection.insert_one(document)
        raise AutoReconnect("connection lost before the answer")

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.collection, name)


def test_rows_handed_over_go_out_without_a_read_once_and_in_order(
    infra, outbox, relay, monkeypatch
) -> None:  # noqa: ANN001
    """The writer hands each stored row to its process's relay, which publishes it without
    reading the outbox back, as it was stored. Rows stored before the relay's first read, a row
    whose insert raised after storing it, and rows left pending by a failed publish go out from
    the next read, before any row handed after them. Every fact once, oldest first."""
    entity = letters()
    queue = listening(infra.amqp_uri, entity)
    writer = OutboxWriter(outbox, SERVICE, handoff=relay.handed)
    reads = _counting_reads(relay, monkeypatch)
    added = [writer.add(entity, "counted", {"n": n})["id"] for n in range(3)]
    assert relay.publish_pending() == 3 and reads == [3]  # before the first read: from it
    data = {"n": 3}
    added.append(writer.add(entity, "counted", data)["id"])
    data["n"] = "changed after it was stored"
    added += [writer.add(entity, "counted", {"n": n})["id"] for n in range(4, 8)]
    assert relay.publish_pending() == 5 and reads == [3]  # handed over: no read

    # An insert that stored its row and raised: the rows handed after it wait for a read.
    failing = OutboxWriter(_StoresThenRaises(outbox), SERVICE, handoff=relay.handed)
    with pytest.raises(AutoReconnect):
        failing.add(entity, "counted", {"n": 8})
    added.append(outbox.find_one({"envelope.data.n": 8})["_id"])
    added += [writer.add(entity, "counted", {"n": n})["id"] for n in (9, 10)]
    assert relay.publish_pending() == 3 and reads == [3, 3]
    assert relay.publish_pending() == 0 and reads == [3, 3, 0]  # nothing handed: a read

    added += [writer.add(entity, "counted", {"n": n})["id"] for n in (11, 12)]
    with monkeypatch.context() as broken:
        broken.setattr(relay, "_channel", _broker_gone)
        with pytest.raises(ConnectionResetError):
            relay.publish_pending()
    added.append(writer.add(entity, "counted", {"n": 13})["id"])  # refused: read first
    assert relay.publish_pending() == 3 and reads == [3, 3, 0, 3]
    assert relay.publish_pending() == 0
    assert outbox.count_documents({}) == 0
    assert drain(queue, infra.amqp_uri, 14) == added
    published = {row["_id"]: row["envelope"] for row in published_of(outbox).find()}
    assert published[added[3]]["data"] == {"n": 3}  # as stored, not as changed after


def test_handed_rows_go_out_after_a_backlog_read_in_parts(
    infra, outbox, relay, monkeypatch
) -> None:  # noqa: ANN001
    """A backlog larger than one read: the rows handed meanwhile wait until the outbox has
    been read to its end; rows read ahead go out before rows handed after them."""
    monkeypatch.setattr(relay_module, "BATCH", 4)
    monkeypatch.setattr(relay_module, "READ_AHEAD", 6)
    entity = letters()
    queue = listening(infra.amqp_uri, entity)
    writer = OutboxWriter(outbox, SERVICE, handoff=relay.handed)
    assert relay.publish_pending() == 0  # the first read: nothing pending

    def backlog(numbers: range) -> list[str]:
        """Rows only the outbox holds, as after a failed publish (stored here, not handed)."""
        stored = [OutboxWriter(outbox, SERVICE).add(entity, "counted", {"n": n}) for n in numbers]
        relay.handed.forget()
        return [envelope["id"] for envelope in stored]

    added = backlog(range(8))
    reads = _counting_reads(relay, monkeypatch)
    assert relay.publish_pending() == 4 and reads == [6]  # the read is cut at 6 of 8
    added.append(writer.add(entity, "counted", {"n": 8})["id"])  # refused: 2 wait unread
    assert relay.publish_pending() == 2 and reads == [6]
    assert relay.publish_pending() == 3 and reads == [6, 3]  # the rest, the refused one too
    added += [writer.add(entity, "counted", {"n": n})["id"] for n in (9, 10)]
    assert relay.publish_pending() == 2 and reads == [6, 3]  # handed over

    monkeypatch.setattr(relay_module, "READ_AHEAD", 100)
    added += backlog(range(11, 17))
    assert relay.publish_pending() == 4 and reads == [6, 3, 6]  # 2 of the 6 kept
    added += [writer.add(entity, "counted", {"n": n})["id"] for n in (17, 18)]
    assert relay.publish_pending() == 4 and reads == [6, 3, 6]  # the 2 kept, then the 2 handed
    assert outbox.count_documents({}) == 0
    assert drain(queue, infra.amqp_uri, 19) == added


def test_the_outbox_is_read_at_least_every_few_seconds_while_rows_are_handed(
    outbox, relay, monkeypatch
) -> None:  # noqa: ANN001
    """A row the outbox holds that nobody handed over (stored by a tool, or by a writer of this
    process without the handoff) goes out with the next read, which comes at least every
    AHEAD_SECONDS however many rows are handed; the handed row that read finds too goes once."""
    writer = OutboxWriter(outbox, SERVICE, handoff=relay.handed)
    reads = _counting_reads(relay, monkeypatch)
    assert relay.publish_pending() == 0 and reads == [0]
    OutboxWriter(outbox, SERVICE).add(letters(), "counted", {"handed": False})
    writer.add(letters(), "counted", {"handed": True})
    assert relay.publish_pending() == 1 and reads == [0]  # the handed one: the read is fresh
    monkeypatch.setattr(relay_module, "AHEAD_SECONDS", 0.0)
    writer.add(letters(), "counted", {"handed": True})
    assert relay.publish_pending() == 2 and reads == [0, 2]
    assert relay.publish_pending() == 0
    assert outbox.count_documents({}) == 0
    assert published_of(outbox).count_documents({}) == 3


def test_a_handed_row_is_encoded_as_its_collection_stores_it(infra, outbox) -> None:  # noqa: ANN001
    """The row handed over is the row as stored, with the collection's codec (a service's
    database stores UUIDs in the standard representation, services/kit/db.py)."""
    client = MongoClient(infra.mongodb_uri, tz_aware=True, uuidRepresentation="standard")
    standard = client[outbox.database.name][outbox.name]
    relay = OutboxRelay(standard, SERVICE, infra.amqp_uri)
    try:
        writer = OutboxWriter(standard, SERVICE, handoff=relay.handed)
        assert relay.publish_pending() == 0  # the first read
        key = uuid.uuid4()
        writer.add(letters(), "counted", {"key": key})
        assert relay.publish_pending() == 1
        assert published_of(standard).find_one()["envelope"]["data"] == {"key": key}
    finally:
        relay.close()
        client.close()


class _DeleteSpy:
    """A collection that records the filters of ``delete_many`` and does everything else."""

    def __init__(self, collection) -> None:  # noqa: ANN001
        self.collection = collection
        self.deletes: list[dict] = []

    def delete_many(self, query: dict):  # noqa: ANN201
        self.deletes.append(query)
        return self.collection.delete_many(query)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.collection, name)


def test_a_batch_is_deleted_by_the_slots_of_its_rows(outbox, relay, monkeypatch) -> None:  # noqa: ANN001
    """Each stored fact names a slot (its process and a number that changes every SLOT_ROWS
    rows); the relay deletes a batch by its slots, which FerretDB hands to PostgreSQL, so a
    delete decodes those slots' rows and not every pending row of the process. A row stored
    without a slot (before slots) is deleted by its writer, as before."""
    monkeypatch.setattr(own_rows, "SLOT_ROWS", 3)
    monkeypatch.setattr(own_rows, "_stored", itertools.count())  # slots from 0, whatever ran
    monkeypatch.setattr(relay_module, "BATCH", 4)
    writer = OutboxWriter(outbox, SERVICE)
    ids = [writer.add(letters(), "counted", {"n": n})["id"] for n in range(10)]
    outbox.update_one({"_id": ids[0]}, {"$unset": {"slot": ""}})  # as stored before slots
    me = own_rows.process_writer()
    stored = {row["_id"]: row.get("slot") for row in outbox.find()}
    assert [stored[i] for i in ids] == [None] + [f"{me}/{n // 3}" for n in range(1, 10)]
    spy = _DeleteSpy(outbox)
    monkeypatch.setattr(relay.rows, "collection", spy)
    assert relay.publish_pending() == 4
    by_slot = {query.get("slot"): query for query in spy.deletes}
    assert sorted(by_slot, key=str) == sorted([None, f"{me}/0", f"{me}/1"], key=str)
    assert all(query["writer"] == me and "_id" in query for query in spy.deletes)
    # Slot 1 holds three rows, one of them in the batch: the other two stay.
    assert {row["_id"] for row in outbox.find()} == set(ids[4:])
