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
stored before it, so the read finds it; a row offered during or after it is newer than every
row the read finds, or is found by it and dropped here (``read_back``). A refusal during a read
outlasts it. An offer that comes after a read already found its row (the writer was slow to
hand it over) is dropped: the ids of the reads of the last ``remember_seconds`` are kept.

Thread-safe: a service's workers hand rows over from green threads, the benchmark from threads.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterable
from typing import Any

Row = dict[str, Any]


class HandedRows:
    def __init__(self, limit: int, remember_seconds: float) -> None:
        self.limit = limit
        self.remember_seconds = remember_seconds
        self._rows: deque[Row] = deque()
        self._lock = threading.Lock()
        self._refusing = True  # until the first read; lifted only when a read begins
        self._read: deque[tuple[float, frozenset[Any]]] = deque()  # (when, ids) of recent reads

    def offer(self, row: Row) -> None:
        """A row of this process whose insert returned (refused rows wait in the outbox)."""
        with self._lock:
            if self._refusing or any(row["_id"] in ids for _, ids in self._read):
                return
            if len(self._rows) >= self.limit:
                self._refusing = True  # the outbox holds the rest, in order
                return
            self._rows.append(row)

    def forget(self) -> None:
        """A publish failed, or an insert raised: the rows wait in the outbox and are read from
        there first."""
        with self._lock:
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
            self._read.append((now, read))
            while self._read and now - self._read[0][0] > self.remember_seconds:
                self._read.popleft()
            if complete:  # a refusal since the read began stays until the next one
                self._rows = deque(row for row in self._rows if row["_id"] not in read)
            else:  # the rest of the backlog is read before any row handed from now on
                self._rows.clear()
                self._refusing = True

    def __len__(self) -> int:
        return len(self._rows)
