"""Rows this process stored, handed to its own relay in memory: published without a read.

A service's writer stores a fact; once the insert has returned it hands the row to the relay of
the same process (``OutboxWriter(handoff=relay.offer)``). While rows come this way the relay
publishes them without reading the outbox back: on FerretDB each read of pending rows is a round
trip that decodes every pending row of the process, and in a steady stream that was one read
per small batch (bench/event_stream.py).

The outbox stays the record. The relay still reads it at start, after any failure, whenever
nothing was handed, and at least every few seconds, so a row that was stored but never handed
(the process raised between the insert and the handoff) goes out then. Until the first read,
after a failure and when ``limit`` rows wait, further rows are refused until the relay has read
the outbox again: no row handed later may overtake one that only the outbox holds.

Thread-safe: a service's workers hand rows over from green threads, the benchmark from threads.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from typing import Any

Row = dict[str, Any]


class HandedRows:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._rows: deque[Row] = deque()
        self._lock = threading.Lock()
        # Refusing until the outbox is read: at first, after a failure, after an overflow.
        self._refusing = True

    def offer(self, row: Row) -> None:
        """A row of this process whose insert returned (refused rows wait in the outbox)."""
        with self._lock:
            if self._refusing:
                return
            if len(self._rows) >= self.limit:
                self._refusing = True  # the outbox holds the rest, in order
                return
            self._rows.append(row)

    def take(self, count: int) -> list[Row]:
        """Up to ``count`` rows, in the order they were handed."""
        with self._lock:
            return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    def read_back(self, ids: Iterable[Any], complete: bool) -> None:
        """The relay read the outbox and holds the rows called ``ids``: they are not handed out
        again. ``complete``: the read found every pending row (it was not cut at its limit), so
        rows handed from now on are the newest; otherwise the outbox is read again first."""
        read = set(ids)
        with self._lock:
            if complete:
                self._rows = deque(row for row in self._rows if row["_id"] not in read)
                self._refusing = False
            else:
                self._rows.clear()
                self._refusing = True

    def forget(self) -> None:
        """After a failure: the rows stay pending in the outbox and are read from there first."""
        with self._lock:
            self._rows.clear()
            self._refusing = True

    def __len__(self) -> int:
        return len(self._rows)
