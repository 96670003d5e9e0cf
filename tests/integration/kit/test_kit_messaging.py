"""A handler that finishes after its broker connection broke does not take the service down.

Against the real broker: a message is taken from a real queue, the connection it came on is cut
(what a broker restart does to a running service), and the entrypoint acknowledges or requeues
it as nameko does when a worker ends. nameko's own entrypoints raise the socket error there,
which kills the service container; the kit's log it, and the message comes again.
"""

from __future__ import annotations

import logging
import socket
import uuid
from collections.abc import Iterator

import pytest
from kombu import Connection, Queue
from kombu.message import Message
from nameko.events import EventHandler as NamekoEventHandler
from nameko.messaging import QueueConsumer

from services.kit.messaging import Consumer, EventHandler

pytestmark = pytest.mark.integration


@pytest.fixture
def queue(infra) -> Iterator[Queue]:  # noqa: ANN001
    declared = Queue(f"kittest-ack-{uuid.uuid4().hex[:10]}", durable=False, auto_delete=False)
    with Connection(infra.amqp_uri) as connection:
        declared(connection.channel()).declare()
        connection.Producer().publish({"n": 1}, routing_key=declared.name, serializer="json")
    yield declared
    with Connection(infra.amqp_uri) as connection:
        declared(connection.channel()).delete()


def _taken_then_cut(infra, queue: Queue) -> tuple[Connection, Message]:  # noqa: ANN001
    """The message, unacknowledged, on a connection whose socket is then closed under it."""
    connection = Connection(infra.amqp_uri)
    message = queue(connection.channel()).get(no_ack=False)
    assert message is not None
    connection.connection.sock.shutdown(socket.SHUT_RDWR)
    return connection, message


def _entrypoint(cls, requeue_on_error: bool):  # noqa: ANN001, ANN202
    if cls is Consumer:
        entrypoint = cls(queue=None, requeue_on_error=requeue_on_error)
    else:
        entrypoint = cls("kittest", "happened", requeue_on_error=requeue_on_error)
    entrypoint.queue_consumer = QueueConsumer()  # nameko's, whose ack_message writes the ack
    return entrypoint


OUTCOMES = {
    "acknowledged after success": (False, None),
    "requeued after an error": (True, (ValueError, ValueError("boom"), None)),
}


@pytest.mark.parametrize("outcome", OUTCOMES)
@pytest.mark.parametrize("cls", [EventHandler, Consumer])
def test_a_lost_ack_is_logged_and_the_message_comes_again(
    infra, queue, cls, outcome: str, caplog: pytest.LogCaptureFixture
) -> None:  # noqa: ANN001
    requeue_on_error, exc_info = OUTCOMES[outcome]
    connection, message = _taken_then_cut(infra, queue)
    try:
        with caplog.at_level(logging.WARNING, logger="services.kit.messaging"):
            _entrypoint(cls, requeue_on_error).handle_message_processed(message, None, exc_info)
    finally:
        connection.release()
    assert "broker unreachable" in caplog.text

    with Connection(infra.amqp_uri) as fresh:
        again = queue(fresh.channel()).get(no_ack=True)
    assert again is not None and again.payload == {"n": 1}


def test_namekos_own_handler_raises_there(infra, queue) -> None:  # noqa: ANN001
    """Why the kit has its own: the same cut makes nameko's entrypoint raise (the container
    then dies with it)."""
    connection, message = _taken_then_cut(infra, queue)
    try:
        with pytest.raises(OSError):
            _entrypoint(NamekoEventHandler, False).handle_message_processed(message)
    finally:
        connection.release()
