"""``@consume_batch``: the kit's ``@consume`` for a queue whose messages are handled in lists.

A consumer that does one small write per message (the cities service counting every public
fact) pays per message a nameko worker, an acknowledgement and a database command. Under a
crowd those add up to more CPU than the write itself. ``consume_batch`` gathers what nameko's
queue consumer delivers for at most ``linger_seconds`` (or until ``max_messages``), calls the
handler once with the list of bodies, in one worker, and acknowledges every message of the
list when the handler returned. While ``in_flight`` lists are being handled, the next one keeps
gathering: the busier the service, the longer the lists.

The guarantees of the single-message path (``services.kit.messaging``) stay:

- a peer away (broker, database: ``PEER_AWAY``, ``database_away``) requeues every message of
  the list: nothing is lost across a broker or database restart;
- a list that fails for any other reason is handled again one message at a time, each through
  the retry and dead-letter path (``services.kit.retries``): only the message at fault is set
  aside, the others count. A message that comes back from that path (``x-stadtdialog-retry``)
  is handled alone;
- an acknowledgement lost because the broker went away is logged, not fatal (``_AckMayBeLost``);
- messages gathered but not yet handled when the process dies were never acknowledged: the
  broker delivers them again, and the handler is idempotent.

The entrypoint's queue is consumed on a connection of its own (``BatchQueueConsumer``): nameko
sets one prefetch for all consumers of a channel (the container's ``max_workers``), and a list
can only grow as long as the broker lets unacknowledged messages out. Metrics: one worker per
list, so ``stadtdialog_service_entrypoint_seconds_count`` counts lists (a lone fact is a list
of one); events handled and their lag are counted per message (``services.kit.observability``).
"""

from __future__ import annotations

import logging
import time
from functools import partial
from typing import Any

import eventlet
from eventlet.queue import Empty, LightQueue
from eventlet.semaphore import Semaphore
from nameko.exceptions import ContainerBeingKilled
from nameko.messaging import Consumer as NamekoConsumer
from nameko.messaging import QueueConsumer

from services.kit.db import database_away
from services.kit.messaging import PEER_AWAY, _Isolating
from services.kit.retries import RETRY_HEADER

log = logging.getLogger(__name__)

Delivery = tuple[Any, Any]  # (body, kombu message)
STOP_WAIT_SECONDS = 10.0


def peer_away(exc: BaseException | None) -> bool:
    """Whether a failure is no fault of the messages: broker or database unreachable."""
    return isinstance(exc, PEER_AWAY) or database_away(exc)


class BatchQueueConsumer(QueueConsumer):
    """nameko's queue consumer, with a prefetch wide enough for the lists of its entrypoints.

    A shared extension of its own class, so its own connection and channel: the prefetch of
    the container's other consumers (RPC, event handlers) stays ``max_workers``.
    """

    @property
    def prefetch_count(self) -> int:
        wanted = [int(getattr(provider, "prefetch", 0)) for provider in self._providers]
        return max([self.container.max_workers, *wanted])

    def handle_message(self, provider: Any, body: Any, message: Any) -> None:
        # Gathering is one append: done here, without a green thread of its own per message.
        take = getattr(provider, "take", None)
        if take is None or not take(body, message):
            super().handle_message(provider, body, message)


class BatchConsumer(_Isolating, NamekoConsumer):
    queue_consumer = BatchQueueConsumer()
    # Counted and logged as an event handler, whatever a list holds (observability).
    metrics_kind = "event"

    def __init__(
        self,
        queue: Any,
        requeue_on_error: bool = False,
        max_messages: int = 50,
        linger_seconds: float = 0.02,
        in_flight: int = 2,
        **kwargs: Any,
    ) -> None:
        super().__init__(queue, requeue_on_error=requeue_on_error, **kwargs)
        self.max_messages = max(1, max_messages)
        self.linger_seconds = max(0.0, linger_seconds)
        self.in_flight = max(1, in_flight)
        # Room for the lists being handled and the one gathering meanwhile.
        self.prefetch = self.max_messages * (self.in_flight + 1)

    def setup(self) -> None:
        self._inbox: LightQueue = LightQueue()
        self._slots = Semaphore(self.in_flight)
        self._gathering: list[Delivery] = []
        super().setup()

    def start(self) -> None:
        super().start()
        self.container.spawn_managed_thread(self._gather, identifier=f"batches of {self}")

    def stop(self) -> None:
        super().stop()  # no new deliveries after this
        # What was gathered goes to workers now; the container waits for them before the queue
        # consumer closes its channel, so their acknowledgements still reach the broker.
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        while (self._inbox.qsize() or self._gathering) and time.monotonic() < deadline:
            eventlet.sleep(self.linger_seconds or 0.01)

    # ------------------------------------------------------------------ called by the consumer
    def take(self, body: Any, message: Any) -> bool:
        """Gathers a message for the next list (at once, in the queue consumer's thread); False
        for a message that failed before: ``handle_message`` then runs it alone."""
        if (message.headers or {}).get(RETRY_HEADER) is not None:
            return False
        self._inbox.put((body, message))
        return True

    def handle_message(self, body: Any, message: Any) -> None:
        """A message that failed before, in a thread of its own (spawning its worker may wait):
        alone, so that it cannot fail a list of good messages again."""
        self._spawn([(body, message)], holds_slot=False)

    # ------------------------------------------------------------------ gathering
    def _gather(self) -> None:
        """The entrypoint's loop: one list at a time, at most ``in_flight`` being handled."""
        while True:
            self._slots.acquire()  # released when the list's worker is done
            batch = self._gathering = [self._inbox.get()]
            deadline = time.monotonic() + self.linger_seconds
            while len(batch) < self.max_messages:
                left = deadline - time.monotonic()
                try:
                    batch.append(
                        self._inbox.get(timeout=left) if left > 0 else self._inbox.get(False)
                    )
                except Empty:
                    break
            self._spawn(batch, holds_slot=True)
            self._gathering = []

    def _spawn(self, batch: list[Delivery], holds_slot: bool) -> None:
        # A list's headers (correlation id, caller) are its message's when it is one message;
        # messages of different requests share no context.
        context = self.unpack_message_headers(batch[0][1]) if len(batch) == 1 else {}
        try:
            self.container.spawn_worker(
                self,
                ([body for body, _ in batch],),
                {},
                context_data=context,
                handle_result=partial(self._handled, batch, holds_slot),
            )
        except ContainerBeingKilled:
            if holds_slot:
                self._slots.release()
            for _, message in batch:
                self.queue_consumer.requeue_message(message)

    # ------------------------------------------------------------------ results
    def _handled(
        self,
        batch: list[Delivery],
        holds_slot: bool,
        worker_ctx: Any,
        result: Any = None,
        exc_info: Any = None,
    ) -> tuple[Any, Any]:
        """Runs in the worker: acknowledge (or requeue) every message, or split the list."""
        try:
            failed = exc_info[1] if exc_info is not None else None
            if (
                failed is not None
                and self.requeue_on_error
                and len(batch) > 1
                and not peer_away(failed)
            ):
                log.info(
                    "a list of %d messages on %s failed (%s): each is handled alone",
                    len(batch),
                    self.queue.name,
                    type(failed).__name__,
                )
                # Not from this worker: spawning may wait for a free worker, and every worker
                # could be waiting the same way.
                self.container.spawn_managed_thread(
                    partial(self._one_by_one, batch), identifier=f"one by one on {self}"
                )
            else:
                # Each its own way: retries row deleted, failure stored, ack, or requeue.
                for _, message in batch:
                    self.handle_message_processed(message, result, exc_info)
        finally:
            if holds_slot:
                self._slots.release()
        return result, exc_info

    def _one_by_one(self, batch: list[Delivery]) -> None:
        for delivery in batch:
            self._spawn([delivery], holds_slot=False)


consume_batch: Any = BatchConsumer.decorator
