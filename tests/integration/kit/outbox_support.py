"""Helpers of the outbox tests (``test_kit_outbox_*``; their fixtures are in ``conftest``): the
test service's name, an event entity of a test's own, queues bound to the service's events.

Every test uses its own outbox collection and its own event entity, so that nothing else on
the broker interferes."""

from __future__ import annotations

import random
import string
import uuid
from typing import Any

from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange

SERVICE = "kittest"


def letters(count: int = 10) -> str:
    """An event entity of our own: type parts allow only letters and underscores."""
    return "".join(random.choices(string.ascii_lowercase, k=count))


def event_queue(amqp_uri: str, routing_key: str, name: str = "kittest", **options: Any) -> Queue:
    """A queue ``<name>-<random>`` bound to the test service's event exchange, declared now
    (before anything is published); ``options`` as kombu's ``Queue`` takes them."""
    queue = Queue(
        f"{name}-{uuid.uuid4().hex}",
        exchange=get_event_exchange(SERVICE, {}),
        routing_key=routing_key,
        **options,
    )
    with Connection(amqp_uri, connect_timeout=5) as connection:
        queue(connection.default_channel).declare()
    return queue


def delete_queue(amqp_uri: str, queue: Queue) -> None:
    with Connection(amqp_uri, connect_timeout=5) as connection:
        queue(connection.default_channel).delete()
