"""``@event_handler`` and ``@consume`` for every service: nameko's, hardened against broker outages.

nameko acks (or requeues) a message when its handler is done. When the broker went away while
the handler ran, that write fails with the operating system's ``ConnectionResetError``, which
nameko 2.14 only expects as amqp's own ``ConnectionError``: the worker's error kills the whole
service container (seen in the test suite during a broker restart: the cities service died and
every later call to it timed out). A message not acknowledged on a closed connection is
delivered again once the broker is back, and handlers are idempotent
(``services.kit.consumer``), so the lost ack is logged and the service keeps running.

With ``requeue_on_error=True`` a message whose handler fails is not requeued at once and for
ever (nameko's way: one message that always fails would loop without end): it is stored,
acknowledged and tried again after a backoff, then set aside as a dead letter
(``services.kit.retries``). Only when a peer is away (database, broker) does nameko's requeue
stand, as that is no fault of the message.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.exceptions import OperationalError
from nameko.events import EventHandler as NamekoEventHandler
from nameko.messaging import Consumer as NamekoConsumer

from services.kit.db import database_away
from services.kit.errors import Unavailable
from services.kit.queues import replicated
from services.kit.retries import ConsumerRetries

log = logging.getLogger(__name__)

# kombu asks on every new connection object whether the C client librabbitmq is installed by
# trying to import it (nameko makes one per publish); outside eventlet, in the gateway, that
# failed import searched sys.path each time (about 40 µs). The project never uses librabbitmq:
# a None entry makes the import fail at once.
sys.modules.setdefault("librabbitmq", None)  # type: ignore[arg-type]

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


# A handler failing for these is not at fault: the message is requeued and counts for nothing.
PEER_AWAY = (*BROKER_GONE, Unavailable)  # and the database away: database_away()


class _Isolating(_AckMayBeLost):
    retries = ConsumerRetries()
    queue: Any
    requeue_on_error: bool

    def setup(self) -> None:
        super().setup()  # type: ignore[misc]
        replicated(self.queue)  # quorum on a cluster (services/kit/queues.py)
        if self.requeue_on_error:
            self.retries.register()

    def handle_message_processed(
        self, message: Any, result: Any = None, exc_info: Any = None
    ) -> None:
        if self.requeue_on_error:
            exc_info = self._settle(message, exc_info)
        super().handle_message_processed(message, result, exc_info)

    def _settle(self, message: Any, exc_info: Any) -> Any:
        """None (acknowledge) once a failure is stored for a later try; else ``exc_info``."""
        queue = getattr(getattr(self, "queue", None), "name", None)
        try:
            if exc_info is None:
                self.retries.succeeded(queue, message)
            elif not (isinstance(exc_info[1], PEER_AWAY) or database_away(exc_info[1])):
                self.retries.failed(queue, message, exc_info[1])
                return None
        except Exception as exc:  # noqa: BLE001 - the store is away: nameko's requeue stands
            log.warning("retry of a message on %s not stored: %s", queue, exc)
        return exc_info


class EventHandler(_Isolating, NamekoEventHandler):
    pass


class Consumer(_Isolating, NamekoConsumer):
    pass


event_handler: Any = EventHandler.decorator
consume: Any = Consumer.decorator
