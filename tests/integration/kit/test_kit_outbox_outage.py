"""A broker outage loses no event: the outbox keeps what it could not publish and sends it later.

The broker (our own RabbitMQ) is really taken away and brought back. The queue that receives
the events is durable and declared before the outage, so it and its bindings survive it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from kombu import Connection, Queue
from outbox_support import SERVICE, delete_queue, event_queue, letters

from services.kit.outbox import OutboxRelay, OutboxWriter, published_of

# serial: it takes the broker or the database away, or loads the machine (deploy/local/test)
pytestmark = [pytest.mark.integration, pytest.mark.serial]


@pytest.fixture
def durable_queue(infra) -> Iterator[tuple[Queue, str]]:  # noqa: ANN001
    """A durable queue bound to the events of an entity of our own; deleted at the end."""
    entity = letters()
    routing_key = f"stadtdialog.{SERVICE}.{entity}.happened.v1"
    queue = event_queue(
        infra.amqp_uri, routing_key, "kittest-outage", durable=True, auto_delete=False
    )
    yield queue, entity
    delete_queue(infra.amqp_uri, queue)


def read_all(amqp_uri: str, queue: Queue, expected: int, timeout: float = 10.0) -> list:
    """Every message in ``queue`` (acknowledged), waiting for ``expected`` and then for extras."""
    messages, deadline = [], time.monotonic() + timeout
    with Connection(amqp_uri, connect_timeout=5) as connection:
        bound = queue(connection.default_channel)
        quiet_since = None
        while time.monotonic() < deadline:
            message = bound.get(no_ack=True, accept=["json"])
            if message is not None:
                messages.append(message)
                quiet_since = None
                continue
            if len(messages) >= expected:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since > 0.5:
                    break
            time.sleep(0.05)
    return messages


def test_broker_outage_loses_no_event_and_sends_each_once(platform, infra, outbox, durable_queue):  # noqa: ANN001
    queue, entity = durable_queue
    writer = OutboxWriter(outbox, SERVICE)
    relay = OutboxRelay(outbox, SERVICE, infra.amqp_uri)
    try:
        before = writer.add(entity, "happened", {"n": 0})
        assert relay.publish_pending() == 1  # the relay now holds an open connection

        platform.broker_stop()
        try:
            during = [writer.add(entity, "happened", {"n": n}) for n in (1, 2, 3)]

            with pytest.raises(Exception):  # noqa: B017 - any connection error will do
                relay.publish_pending()  # on the connection the broker dropped
            relay.close()
            with pytest.raises(Exception):  # noqa: B017
                relay.publish_pending()  # a fresh connection is refused as well
            relay.close()

            rows = {
                row["_id"]: row for row in outbox.find({"_id": {"$in": [e["id"] for e in during]}})
            }
            assert len(rows) == 3
            assert all(row["published_at"] is None for row in rows.values())
            assert writer.pending_count() == 3
        finally:
            platform.broker_start()

        assert relay.publish_pending() == 3
        assert relay.publish_pending() == 0
        assert writer.pending_count() == 0

        received = [m.payload for m in read_all(infra.amqp_uri, queue, expected=4)]
        # The persistent message published before the outage survived it in the durable queue.
        assert [e["id"] for e in received] == [e["id"] for e in (before, *during)]
        assert received == [before, *during]
        # Each row was published once and moved to the log; none waits any more.
        log = list(published_of(outbox).find())
        assert len(log) == 4 and all(row["attempts"] == 1 for row in log)
        assert outbox.count_documents({}) == 0
    finally:
        relay.close()
