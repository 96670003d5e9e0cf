"""A background green thread that drains a queue of stored work and waits while a peer is away.

The outbox relay (broker) and the mail sender (SMTP) are the same shape: take pending rows,
hand them to a peer, mark them done; on failure back off (up to 10 s) and try again; wake
early when new work is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import eventlet
from eventlet.event import Event

log = logging.getLogger(__name__)

MAX_BACKOFF = 10.0


class DrainLoop:
    def __init__(
        self,
        name: str,
        drain_once: Callable[[], int],
        poll_seconds: float,
        on_failure: Callable[[], None] = lambda: None,
    ) -> None:
        self.name = name
        self.drain_once = drain_once  # handles one batch, returns its size, raises when stuck
        self.poll_seconds = poll_seconds
        self.on_failure = on_failure
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
        backoff = self.poll_seconds
        while self._running:
            try:
                while self._running and self.drain_once():
                    pass
                backoff = self.poll_seconds
            except Exception as exc:  # noqa: BLE001 - the peer is away: wait and retry
                log.warning("%s waits %.1fs: %s", self.name, backoff, exc)
                self.on_failure()
                backoff = min(max(backoff, 0.2) * 2, MAX_BACKOFF)
            self._wake = Event()
            with eventlet.Timeout(backoff, False):
                self._wake.wait()
