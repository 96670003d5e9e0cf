"""``@event_handler`` and ``@consume`` for every service: nameko's, hardened against broker outages.

nameko acks (or requeues) a message when its handler is done. When the broker went away while
the handler ran, that write fails with the operating system's ``ConnectionResetError``, which
nameko 2.14 only expects as amqp's own ``ConnectionError``: the worker's error kills the whole
service container (seen in the test suite during a broker restart: the cities service died and
every later call to it timed out). A message not acknowledged on a closed connection is
delivered again once the broker is back, and handlers are idempotent
(``services.kit.consumer``), so the lost ack is logged and the service keeps running.
"""

from __future__ import annotations

import logging
from typing import Any

from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.exceptions import OperationalError
from nameko.events import EventHandler as NamekoEventHandler
from nameko.messaging import Consumer as NamekoConsumer

log = logging.getLogger(__name__)

# What writing to a broker that went away raises (ConnectionResetError is an OSError).
BROKER_GONE = (OperationalError, OSError, AmqpConnectionError)


class _AckMayBeLost:
    def handle_message_processed(
        self, message: Any, result: Any = None, exc_info: Any = None
    ) -> None:
        try:
            super().handle_message_processed(message, result, exc_info)  # type: ignore[misc]
        except BROKER_GONE as exc:
            log.warning(
                "acknowledgement of %s lost, broker unreachable (%s); it is delivered again",
                message.properties.get("message_id") or message.delivery_tag,
                exc,
            )


class EventHandler(_AckMayBeLost, NamekoEventHandler):
    pass


class Consumer(_AckMayBeLost, NamekoConsumer):
    pass


event_handler: Any = EventHandler.decorator
consume: Any = Consumer.decorator
