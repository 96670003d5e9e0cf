"""The outbox against the real broker and database: stored facts go out as persistent messages.

Each test binds its own exclusive queues (with kombu, before publishing) to the exchanges the
relay publishes to, and reads the messages back. Every test uses its own outbox collection and
its own event entity (``outbox_support``), so nothing else on the broker can interfere.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import eventlet
import pytest
from kombu import Connection, Exchange, Queue
from nameko.standalone.events import get_event_exchange
from outbox_support import SERVICE, letters
from pymongo.collection import Collection

from services.kit import cloudevents, own_rows
from services.kit.events import validate_envelope
from services.kit.loop import DrainLoop
from services.kit.outbox import (
    OutboxRelay,
    OutboxWriter,
    public_exchange,
    published_of,
    stored_rows,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def amqp(infra) -> Iterator[Connection]:  # noqa: ANN001
    with Connection(infra.amqp_uri, connect_timeout=5) as connection:
        yield connection


def listen(connection: Connection, exchange: Exchange, routing_key: str):  # noqa: ANN201
    """An exclusive queue bound to ``exchange`` with ``routing_key``, declared now."""
    queue = Queue(
        f"kittest-{uuid.uuid4().hex}",
        exchange=exchange,
        routing_key=routing_key,
        exclusive=True,
        auto_delete=True,
    )
    bound = queue(connection.channel())
    bound.declare()
    return bound


def receive(queue, expected: int, timeout: float = 5.0, linger: float = 0.3) -> list:  # noqa: ANN001
    """The messages in ``queue``: waits for ``expected``, then a moment longer for extras."""
    messages, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = queue.get(no_ack=True, accept=cloudevents.ACCEPT)
        if message is not None:
            messages.append(message)
            continue
        if len(messages) >= expected:
            if linger <= 0:
                break
            time.sleep(linger)
            linger = 0
            continue
        time.sleep(0.05)
    return messages


def test_add_stores_a_pending_envelope(outbox):
    writer = OutboxWriter(outbox, SERVICE)
    envelope = writer.add("probe", "stored", {"n": 1}, city="koeln", subject="probe/1", public=True)

    assert validate_envelope(envelope)["service"] == SERVICE
    assert envelope["type"] == "stadtdialog.kittest.probe.stored.v1"
    assert envelope["source"] == "/stadtdialog/kittest"
    row = outbox.find_one({"_id": envelope["id"]})
    assert row["envelope"] == envelope
    assert row["public"] is True
    assert row["published_at"] is None
    assert row["attempts"] == 0
    assert writer.pending_count() == 1


def test_add_wakes_the_relay(outbox):
    woken = []
    OutboxWriter(outbox, SERVICE, wake=lambda: woken.append(True)).add("probe", "stored", {})
    assert woken == [True]


def test_relay_publishes_to_the_service_event_exchange(outbox, relay, amqp):
    entity = letters()
    internal = listen(amqp, get_event_exchange(SERVICE, {}), f"stadtdialog.{SERVICE}.{entity}.*.v1")
    writer = OutboxWriter(outbox, SERVICE)
    envelope = writer.add(entity, "happened", {"n": 1}, city="koeln")

    assert relay.publish_pending() == 1

    [message] = receive(internal, 1)
    assert message.payload == envelope
    assert message.delivery_info["exchange"] == f"{SERVICE}.events"
    assert message.delivery_info["routing_key"] == envelope["type"]
    assert message.properties["delivery_mode"] == 2
    assert message.content_type == "application/json"
    assert outbox.find_one({"_id": envelope["id"]}) is None  # only waiting rows stay
    row = published_of(outbox).find_one({"_id": envelope["id"]})
    assert row["envelope"] == envelope
    assert row["published_at"] is not None
    assert row["attempts"] == 1
    assert writer.pending_count() == 0


def test_published_envelope_is_not_published_again(outbox, relay, amqp):
    entity = letters()
    internal = listen(amqp, get_event_exchange(SERVICE, {}), f"stadtdialog.{SERVICE}.{entity}.#")
    OutboxWriter(outbox, SERVICE).add(entity, "happened", {})

    assert relay.publish_pending() == 1
    assert relay.publish_pending() == 0
    assert len(receive(internal, 1, linger=0.5)) == 1


def test_public_events_also_go_to_the_public_exchange(outbox, relay, amqp):
    entity = letters()
    internal = listen(amqp, get_event_exchange(SERVICE, {}), f"stadtdialog.{SERVICE}.{entity}.#")
    public = listen(amqp, public_exchange(), f"*.{SERVICE}.{entity}.*")
    writer = OutboxWriter(outbox, SERVICE)
    in_koeln = writer.add(entity, "opened", {"n": 1}, city="koeln", public=True)
    everywhere = writer.add(entity, "announced", {"n": 2}, public=True)
    private = writer.add(entity, "noted", {"n": 3}, city="koeln")

    assert relay.publish_pending() == 3

    public_messages = receive(public, 2)
    assert {m.delivery_info["routing_key"]: m.payload for m in public_messages} == {
        f"koeln.{SERVICE}.{entity}.opened": in_koeln,
        f"_global.{SERVICE}.{entity}.announced": everywhere,
    }
    assert all(m.delivery_info["exchange"] == "stadtdialog.public" for m in public_messages)
    assert all(m.properties["delivery_mode"] == 2 for m in public_messages)
    internal_ids = [m.payload["id"] for m in receive(internal, 3)]
    assert sorted(internal_ids) == sorted(e["id"] for e in (in_koeln, everywhere, private))


def test_third_party_can_bind_to_one_city(outbox, relay, amqp):
    entity = letters()
    bonn_only = listen(amqp, public_exchange(), f"bonn.{SERVICE}.#")
    writer = OutboxWriter(outbox, SERVICE)
    writer.add(entity, "opened", {}, city="koeln", public=True)
    for_bonn = writer.add(entity, "opened", {}, city="bonn", public=True)

    relay.publish_pending()

    assert [m.payload["id"] for m in receive(bonn_only, 1)] == [for_bonn["id"]]


def test_relay_publishes_oldest_first(outbox, relay, amqp):
    entity = letters()
    internal = listen(amqp, get_event_exchange(SERVICE, {}), f"stadtdialog.{SERVICE}.{entity}.#")
    writer = OutboxWriter(outbox, SERVICE)
    added = []
    for n in range(12):
        added.append(writer.add(entity, "counted", {"n": n})["id"])
        time.sleep(0.002)  # BSON dates have millisecond resolution: keep created_at distinct

    assert relay.publish_pending() == 12
    assert [m.payload["id"] for m in receive(internal, 12)] == added


def test_relay_uses_publisher_confirms(outbox, relay, amqp):
    entity = letters()
    internal = listen(amqp, get_event_exchange(SERVICE, {}), f"stadtdialog.{SERVICE}.{entity}.#")
    OutboxWriter(outbox, SERVICE).add(entity, "confirmed", {})
    relay.publish_pending()

    # The relay's channel is in confirm mode (confirm.select), answered for every message.
    assert relay._confirms is not None and relay._confirms.waiting == 0
    assert relay._confirms.channel is relay._connection.default_channel
    assert len(receive(internal, 1)) == 1


def test_drain_loop_publishes_as_soon_as_it_is_woken(outbox, relay, amqp):
    entity = letters()
    internal = listen(amqp, get_event_exchange(SERVICE, {}), f"stadtdialog.{SERVICE}.{entity}.#")
    # A poll interval far longer than the test: only the wake-up can make it publish in time.
    loop = DrainLoop(
        "kittest relay", relay.publish_pending, poll_seconds=60, on_failure=relay.close
    )
    thread = eventlet.spawn(loop.run)
    try:
        eventlet.sleep(0.2)  # the loop drains the (empty) outbox once and waits
        envelope = OutboxWriter(outbox, SERVICE, wake=loop.wake).add(entity, "woken", {})
        deadline = time.monotonic() + 5
        while OutboxWriter(outbox, SERVICE).pending_count() and time.monotonic() < deadline:
            eventlet.sleep(0.05)
    finally:
        loop.stop()
        thread.wait()
    assert [m.payload["id"] for m in receive(internal, 1)] == [envelope["id"]]


def test_published_rows_stay_a_day_then_go(outbox, relay):
    writer = OutboxWriter(outbox, SERVICE)
    for _ in range(3):
        writer.add(letters(), "happened", {})
    assert relay.publish_pending() == 3  # three rows moved by one insert and a delete per slot
    assert outbox.count_documents({}) == 0
    published = published_of(outbox)
    assert {row["attempts"] for row in published.find()} == {1}
    yesterday = datetime.now(UTC) - timedelta(days=1, minutes=1)
    oldest = published.find_one(sort=[("created_at", 1)])
    published.update_one({"_id": oldest["_id"]}, {"$set": {"published_at": yesterday}})

    fresh = OutboxRelay(outbox, SERVICE, relay.amqp_uri)  # drops them on its first batch
    try:
        assert fresh.publish_pending() == 0
    finally:
        fresh.close()
    assert published.count_documents({}) == 2
    assert published.find_one({"_id": oldest["_id"]}) is None


def half_moved(outbox: Collection, row_id: str) -> None:
    """The state a crash between the relay's insert into the log and its delete leaves: the
    confirmed row is in the published log and still in the outbox."""
    row = outbox.find_one({"_id": row_id})
    published_of(outbox).insert_one({**row, "published_at": datetime.now(UTC), "attempts": 1})


def test_a_crash_between_publishing_and_moving_publishes_again_and_keeps_one_row(
    outbox, relay, amqp
):
    """The confirmed row is in the published log but still pending (the process died before
    the delete): it goes out again (at-least-once) and the log keeps it once."""
    entity = letters()
    internal = listen(amqp, get_event_exchange(SERVICE, {}), f"stadtdialog.{SERVICE}.{entity}.#")
    envelope = OutboxWriter(outbox, SERVICE).add(entity, "happened", {})
    half_moved(outbox, envelope["id"])

    assert relay.publish_pending() == 1

    assert [m.payload["id"] for m in receive(internal, 1)] == [envelope["id"]]
    assert outbox.count_documents({}) == 0
    assert published_of(outbox).count_documents({"_id": envelope["id"]}) == 1


def test_stored_rows_shows_a_row_caught_mid_move_once_as_published(outbox):
    """Between the relay's insert into the log and its delete a row is in both collections;
    an inspection then lists it once, with its published stamp."""
    writer = OutboxWriter(outbox, SERVICE)
    moving = writer.add(letters(), "happened", {"n": 1})
    waiting = writer.add(letters(), "happened", {"n": 2})
    half_moved(outbox, moving["id"])

    rows = stored_rows(outbox, {})

    assert sorted(r["_id"] for r in rows) == sorted([moving["id"], waiting["id"]])
    by_id = {r["_id"]: r for r in rows}
    assert by_id[moving["id"]]["published_at"] is not None
    assert by_id[waiting["id"]]["published_at"] is None


def test_rows_marked_published_in_place_move_out_once(outbox, relay):
    """An older version marked published rows in the outbox itself: they move, unsent."""
    writer = OutboxWriter(outbox, SERVICE)
    old = writer.add(letters(), "happened", {})
    waiting = writer.add(letters(), "happened", {})
    stamp = datetime.now(UTC).replace(microsecond=0)
    outbox.update_one({"_id": old["id"]}, {"$set": {"published_at": stamp, "attempts": 1}})

    relay.move_old_published_rows()

    assert [row["_id"] for row in outbox.find()] == [waiting["id"]]
    moved = published_of(outbox).find_one({"_id": old["id"]})
    assert moved["published_at"].replace(tzinfo=UTC) == stamp and moved["attempts"] == 1


def test_each_process_publishes_its_own_facts_and_a_dead_ones_once_left_over(outbox, relay, amqp):
    """Two processes' relays no longer publish every fact once each: another process's relay
    leaves this process's fresh facts alone; a fact of a process that died goes out from a
    live one at its next look for left-over rows (``services/kit/own_rows.py``)."""
    entity = letters()
    internal = listen(amqp, get_event_exchange(SERVICE, {}), f"stadtdialog.{SERVICE}.{entity}.#")
    writer = OutboxWriter(outbox, SERVICE)
    ours = [writer.add(entity, "counted", {"n": n})["id"] for n in range(3)]
    other = OutboxRelay(outbox, SERVICE, relay.amqp_uri, writer="another live process")
    try:
        assert other.publish_pending() == 0  # its first batch looks for left-over rows too
        assert relay.publish_pending() == 3
        orphan = writer.add(entity, "counted", {"n": 3})["id"]
        long_ago = datetime.now(UTC) - timedelta(seconds=own_rows.LEFT_OVER_SECONDS + 5)
        outbox.update_one(
            {"_id": orphan}, {"$set": {"writer": "a process that died", "created_at": long_ago}}
        )
        relay.rows._left_over_at = time.monotonic()  # its last look was just now
        assert relay.publish_pending() == 0  # not its own, and no look for left-overs yet
        other.rows._left_over_at -= own_rows.LEFT_OVER_LOOK_SECONDS
        assert other.publish_pending() == 1
    finally:
        other.close()
    assert sorted(m.payload["id"] for m in receive(internal, 4)) == sorted([*ours, orphan])
    assert outbox.count_documents({}) == 0


def test_a_stored_fact_names_the_process_that_stored_it(outbox):
    OutboxWriter(outbox, SERVICE).add(letters(), "stored", {})
    assert outbox.find_one()["writer"] == own_rows.process_writer()
