"""A list of messages (``services.kit.batches``) is settled like each of its messages would be.

Against the real broker: messages taken from a real queue are settled as the worker of their
list ends. Lost acknowledgements (the connection cut, as a broker restart does) are logged and
the messages come again; a list that failed because the database was away is requeued whole,
not split into single messages (that is no fault of any of them).
"""

from __future__ import annotations

import logging
import socket
import uuid
from collections.abc import Iterator

import pytest
from kombu import Connection, Queue
from kombu.message import Message
from nameko.messaging import QueueConsumer
from pymongo.errors import AutoReconnect

from services.kit.batches import BatchConsumer

pytestmark = pytest.mark.integration

COUNT = 3


@pytest.fixture
def queue(infra) -> Iterator[Queue]:  # noqa: ANN001
    declared = Queue(f"kittest-batch-{uuid.uuid4().hex[:10]}", durable=False, auto_delete=False)
    with Connection(infra.amqp_uri) as connection:
        declared(connection.channel()).declare()
        for n in range(COUNT):
            connection.Producer().publish({"n": n}, routing_key=declared.name, serializer="json")
    yield declared
    with Connection(infra.amqp_uri) as connection:
        declared(connection.channel()).delete()


def _taken(connection: Connection, queue: Queue) -> list[Message]:
    channel = connection.channel()
    taken = [queue(channel).get(no_ack=False) for _ in range(COUNT)]
    assert all(m is not None for m in taken)
    return taken


def _entrypoint() -> BatchConsumer:
    entrypoint = BatchConsumer(queue=None, requeue_on_error=True)
    entrypoint.queue_consumer = QueueConsumer()  # nameko's, whose ack_message writes the ack
    return entrypoint


def _again(infra, queue: Queue) -> list[int]:  # noqa: ANN001
    with Connection(infra.amqp_uri) as fresh:
        channel = fresh.channel()
        found = []
        while (message := queue(channel).get(no_ack=True)) is not None:
            found.append(message.payload["n"])
    return sorted(found)


def test_lost_acks_of_a_list_are_logged_and_its_messages_come_again(
    infra, queue, caplog: pytest.LogCaptureFixture
) -> None:  # noqa: ANN001
    connection = Connection(infra.amqp_uri)
    taken = _taken(connection, queue)
    connection.connection.sock.shutdown(socket.SHUT_RDWR)  # what a broker restart does
    try:
        with caplog.at_level(logging.WARNING, logger="services.kit.messaging"):
            _entrypoint()._handled([(m.payload, m) for m in taken], False, None, None, None)
    finally:
        connection.release()
    assert "broker unreachable" in caplog.text
    assert _again(infra, queue) == list(range(COUNT))


def test_a_list_that_failed_because_the_database_was_away_is_requeued_whole(infra, queue) -> None:  # noqa: ANN001
    with Connection(infra.amqp_uri) as connection:
        taken = _taken(connection, queue)
        away = (AutoReconnect, AutoReconnect("database gone"), None)
        # No container: splitting the list (spawning a thread) would fail this test.
        _entrypoint()._handled([(m.payload, m) for m in taken], False, None, None, away)
        assert _again(infra, queue) == list(range(COUNT))
