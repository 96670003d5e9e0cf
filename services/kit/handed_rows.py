"""Rows this process stored, handed to its own relay in memory: published without a read.

A service's writer stores a fact; once the insert has returned it hands the row to the relay of
the same process (``OutboxWriter(handoff=relay.handed)``). While rows come this way the relay
publishes them without reading the outbox back: on FerretDB each read of pending rows is a round
trip that decodes every pending row of the process, and in a steady stream that was one read
per small batch (bench/event_stream.py).

The outbox stays the record, and no handed row may overtake a row that only the outbox holds.
So the relay still reads the outbox at start, after any failure, whenever nothing was handed and
at least every few seconds, and rows are refused (they wait in the outbox for the next read):

* before the first read, and after ``forget()``: a failed publish, or an insert that raised
  (it may have stored the row all the same);
* once ``limit`` rows wait, until the next read;
* when a read did not find every pending row (it was cut at its limit).

A read lifts the refusal when it *begins* (``begin_read``): a row offered before that was
stored before it, so the read finds it; a row offered during or after it was stored (committed)
after every row the read finds, or was found by it and is dropped (in ``read_back`` when it is
already waiting here, in ``offer`` when its writer comes later). A refusal during a read
outlasts it. So that a late offer is recognised, a read's ids are kept until every insert begun
before the read ended has ended (``inserting`` gives each insert a ticket).

Thread-safe: a service's workers hand rows over from green threads, the benchmark from threads.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Iterable
from typing import Any

Row = dict[str, Any]


class HandedRows:
    def __init__(self, limit: int, remember_seconds: float = 600.0) -> None:
        """``limit``: rows kept at most; ``remember_seconds``: how long a read's ids are kept
        at most, should an insert never end (they go as soon as every insert that was under
        way when the read began has ended)."""
        self.limit = limit
        self.remember_seconds = remember_seconds
        self._rows: deque[Row] = deque()
        self._lock = threading.Lock()
        self._refusing = True  # until the first read; lifted only when a read begins
        self._tickets = itertools.count(1)
        self._last_ticket = 0  # the last insert begun
        self._inserting: set[int] = set()  # inserts begun and not ended
        # (last insert begun by its end, when, ids) of the reads an insert under way may follow
        self._read: deque[tuple[int, float, frozenset[Any]]] = deque()

    def inserting(self) -> int:
        """An insert begins; its ticket goes to ``offer`` or ``forget`` when it ends."""
        with self._lock:
            self._last_ticket = next(self._tickets)
            self._inserting.add(self._last_ticket)
            return self._last_ticket

    def offer(self, row: Row, ticket: int | None = None) -> None:
        """A row of this process whose insert returned (refused rows wait in the outbox)."""
        with self._lock:
            self._inserting.discard(ticket)
            if self._refusing or any(row["_id"] in ids for _, _, ids in self._read):
                return  # refused, or a read found it while its writer was on the way here
            if len(self._rows) >= self.limit:
                self._refusing = True  # the outbox holds the rest, in order
                return
            self._rows.append(row)

    def forget(self, ticket: int | None = None) -> None:
        """A publish failed, or an insert raised (it may have stored its row): no row is taken
        by hand before the next read."""
        with self._lock:
            self._inserting.discard(ticket)
            self._rows.clear()
            self._refusing = True

    def take(self, count: int) -> list[Row]:
        """Up to ``count`` rows, in the order they were handed."""
        with self._lock:
            return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    def begin_read(self) -> None:
        """The relay is about to read the outbox: rows offered from now on are taken."""
        with self._lock:
            self._refusing = False

    def read_back(self, ids: Iterable[Any], complete: bool) -> None:
        """The read holds the rows called ``ids``: they are not handed out again.
        ``complete``: it found every pending row (it was not cut at its limit)."""
        read = frozenset(ids)
        now = time.monotonic()
        with self._lock:
            # A read's ids matter while an insert begun before its end (the only ones it can
            # have found) may still hand its row over.
            self._read.append((self._last_ticket, now, read))
            oldest = min(self._inserting, default=self._last_ticket + 1)
            while self._read and (
                self._read[0][0] < oldest or now - self._read[0][1] > self.remember_seconds
            ):
                self._read.popleft()
            if complete:  # a refusal since the read began stays until the next one
                self._rows = deque(row for row in self._rows if row["_id"] not in read)
            else:  # the rest of the backlog is read before any row handed from now on
                self._rows.clear()
                self._refusing = True

    def __len__(self) -> int:
        return len(self._rows)
