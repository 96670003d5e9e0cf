"""A broker that refuses a fact for now (a negative publisher confirm) holds the outbox up
without counting against the fact: it is sent once the broker takes it, never dead-lettered.

On a cluster this happens while a quorum queue elects a new leader (a node stopping); here a
real queue with ``x-overflow: reject-publish`` and room for nothing makes the broker nack
every fact routed to it, until the queue is deleted.
"""

from __future__ import annotations

import pytest
from amqp.exceptions import MessageNacked
from kombu import Queue
from outbox_support import SERVICE, delete_queue, event_queue, letters

from services.kit.outbox import OutboxWriter, published_of

pytestmark = pytest.mark.integration


def refusing_queue(amqp_uri: str, entity: str) -> Queue:
    """A queue with room for nothing that refuses every ``<entity>.happened`` fact routed to
    it (``reject-publish``): the broker nacks them until the queue is deleted."""
    return event_queue(
        amqp_uri,
        f"stadtdialog.{SERVICE}.{entity}.happened.v1",
        "kittest-full",
        queue_arguments={"x-max-length": 0, "x-overflow": "reject-publish"},
    )


def test_a_nacked_fact_waits_and_is_sent_later_without_an_attempt(infra, outbox, relay) -> None:  # noqa: ANN001
    entity = letters()
    full = refusing_queue(infra.amqp_uri, entity)
    writer = OutboxWriter(outbox, SERVICE)
    fact = writer.add(entity, "happened", {"n": 1})
    for _ in range(5):  # more than the retry policy's attempts
        with pytest.raises(MessageNacked):
            relay.publish_pending()
    row = outbox.find_one({"_id": fact["id"]})
    assert row["published_at"] is None and row["attempts"] == 0
    assert row.get("dead_at") is None

    delete_queue(infra.amqp_uri, full)
    assert relay.publish_pending() == 1
    assert writer.pending_count() == 0
    assert [r["_id"] for r in published_of(outbox).find()] == [fact["id"]]


def test_a_nack_mid_batch_holds_back_only_the_refused_fact(infra, outbox, relay) -> None:  # noqa: ANN001
    """One confirm wait answers a batch: the acked facts move, the nacked one waits (no attempt
    counted) and the relay still says the broker refused something."""
    refused, fine = letters(), letters()
    full = refusing_queue(infra.amqp_uri, refused)
    writer = OutboxWriter(outbox, SERVICE)
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

    delete_queue(infra.amqp_uri, full)
    assert relay.publish_pending() == 1
    assert outbox.count_documents({}) == 0
    assert published_of(outbox).count_documents({}) == 3
