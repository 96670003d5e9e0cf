"""A background green thread that drains a queue of stored work and waits while a peer is away.

The outbox relay (broker) and the mail sender (SMTP) are the same shape: take pending rows,
hand them to a peer, mark them done; on failure back off (up to 10 s) and try again; wake
early when new work is stored. A loop with ``linger_seconds`` waits that long after a wake-up
before it drains, so that the writes of a burst go out as one batch instead of one by one
(the relay: one confirm wait per batch).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import eventlet
from eventlet.event import Event
from nameko.extensions import DependencyProvider
from pymongo.collection import Collection

from services.kit.db_metrics import bind_origin

log = logging.getLogger(__name__)

MAX_BACKOFF = 10.0


class DrainLoop:
    def __init__(
        self,
        name: str,
        drain_once: Callable[[], int],
        poll_seconds: float,
        on_failure: Callable[[], None] = lambda: None,
        linger_seconds: float = 0.0,
    ) -> None:
        self.name = name
        self.drain_once = drain_once  # handles one batch, returns its size, raises when stuck
        self.poll_seconds = poll_seconds
        self.on_failure = on_failure
        self.linger_seconds = linger_seconds
        self._wake = Event()
        self._running = False

    def wake(self) -> None:
        if not self._wake.ready():
            self._wake.send(True)

    def stop(self) -> None:
        self._running = False
        self.wake()

    def run(self) -> None:
        self._running = True
        bind_origin(f"loop:{self.name.split()[0]}")  # this green thread's database commands
        backoff = self.poll_seconds
        while self._running:
            try:
                while self._running and self.drain_once():
                    pass
                backoff = self.poll_seconds
            except Exception as exc:  # noqa: BLE001 - the peer is away: wait and retry
                backoff = min(max(backoff, 0.2) * 2, MAX_BACKOFF)
                log.warning("%s waits %.1fs: %s", self.name, backoff, exc)
                self.on_failure()
            self._wake = Event()
            woken = False
            with eventlet.Timeout(backoff, False):
                woken = self._wake.wait()
            if woken and self._running and self.linger_seconds:
                eventlet.sleep(self.linger_seconds)  # let the rest of a burst arrive


class DrainingDependency(DependencyProvider):
    """A nameko dependency that stores work in a collection and drains it in a ``DrainLoop``.

    Subclasses implement ``build()`` (collection and loop, at container setup) and
    ``get_dependency()`` (what the service method sees).
    """

    def __init__(self, service: str) -> None:
        self.service = service
        self.collection: Collection | None = None
        self.loop: DrainLoop | None = None

    def build(self) -> tuple[Collection, DrainLoop]:
        raise NotImplementedError

    def setup(self) -> None:
        self.collection, self.loop = self.build()

    def start(self) -> None:
        assert self.loop is not None
        self.container.spawn_managed_thread(self.loop.run, identifier=self.loop.name)

    def stop(self) -> None:
        if self.loop is not None:
            self.loop.stop()

    def kill(self) -> None:
        self.stop()
