"""A broker that refuses a fact for now (a negative publisher confirm) holds the outbox up
without counting against the fact: it is sent once the broker takes it, never dead-lettered.

On a cluster this happens while a quorum queue elects a new leader (a node stopping); here a
real queue with ``x-overflow: reject-publish`` and room for nothing makes the broker nack
every fact routed to it, until the queue is deleted.
"""

from __future__ import annotations

import random
import string
import uuid
from collections.abc import Iterator

import pytest
from amqp.exceptions import MessageNacked
from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange
from pymongo.collection import Collection

from services.kit.outbox import OutboxRelay, OutboxWriter, published_of

pytestmark = pytest.mark.integration

SERVICE = "kittest"


@pytest.fixture
def outbox(infra) -> Iterator[Collection]:  # noqa: ANN001
    client = infra.mongo()
    collection = client[f"{infra.db_prefix}_{SERVICE}"][f"outbox_nack_{uuid.uuid4().hex}"]
    yield collection
    collection.drop()
    published_of(collection).drop()
    client.close()


def test_a_nacked_fact_waits_and_is_sent_later_without_an_attempt(infra, outbox) -> None:  # noqa: ANN001
    entity = "".join(random.choices(string.ascii_lowercase, k=10))
    full = Queue(
        f"kittest-full-{uuid.uuid4().hex}",
        exchange=get_event_exchange(SERVICE, {}),
        routing_key=f"stadtdialog.{SERVICE}.{entity}.happened.v1",
        queue_arguments={"x-max-length": 0, "x-overflow": "reject-publish"},
    )
    with Connection(infra.amqp_uri, connect_timeout=5) as connection:
        full(connection.default_channel).declare()
    writer = OutboxWriter(outbox, SERVICE)
    relay = OutboxRelay(outbox, SERVICE, infra.amqp_uri)
    try:
        fact = writer.add(entity, "happened", {"n": 1})
        for _ in range(5):  # more than the retry policy's attempts
            with pytest.raises(MessageNacked):
                relay.publish_pending()
        row = outbox.find_one({"_id": fact["id"]})
        assert row["published_at"] is None and row["attempts"] == 0
        assert row.get("dead_at") is None

        with Connection(infra.amqp_uri, connect_timeout=5) as connection:
            full(connection.default_channel).delete()
        assert relay.publish_pending() == 1
        assert writer.pending_count() == 0
        assert [r["_id"] for r in published_of(outbox).find()] == [fact["id"]]
    finally:
        relay.close()


def test_a_nack_mid_batch_holds_back_only_the_refused_fact(infra, outbox) -> None:  # noqa: ANN001
    """One confirm wait answers a batch: the acked facts move, the nacked one waits (no attempt
    counted) and the relay still says the broker refused something."""
    refused, fine = ("".join(random.choices(string.ascii_lowercase, k=10)) for _ in range(2))
    full = Queue(
        f"kittest-full-{uuid.uuid4().hex}",
        exchange=get_event_exchange(SERVICE, {}),
        routing_key=f"stadtdialog.{SERVICE}.{refused}.happened.v1",
        queue_arguments={"x-max-length": 0, "x-overflow": "reject-publish"},
    )
    with Connection(infra.amqp_uri, connect_timeout=5) as connection:
        full(connection.default_channel).declare()
    writer = OutboxWriter(outbox, SERVICE)
    relay = OutboxRelay(outbox, SERVICE, infra.amqp_uri)
    try:
        before = writer.add(fine, "happened", {"n": 1}, public=True)
        held = writer.add(refused, "happened", {"n": 2}, public=True)  # its public copy is acked
        after = writer.add(fine, "happened", {"n": 3})
        with pytest.raises(MessageNacked):
            relay.publish_pending()
        assert sorted(r["_id"] for r in published_of(outbox).find()) == sorted(
            [before["id"], after["id"]]
        )
        [row] = outbox.find()
        assert row["_id"] == held["id"] and row["attempts"] == 0 and row.get("dead_at") is None

        with Connection(infra.amqp_uri, connect_timeout=5) as connection:
            full(connection.default_channel).delete()
        assert relay.publish_pending() == 1
        assert outbox.count_documents({}) == 0
        assert published_of(outbox).count_documents({}) == 3
    finally:
        relay.close()
