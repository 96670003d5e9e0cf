"""An in-memory seat store with the database's guarantees (unique inserts are atomic, nothing
else is), for the seating tests: ``MemoryTalk`` and ``run_threads``."""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections.abc import Iterable

from services.kit.seating import settle
from services.kit.settle_turns import SettleTurns


class MemoryTalk:
    """Seats unique on number and on registration; registrations unique per person."""

    def __init__(
        self, capacity: int, jitter: float = 0.0, turns: SettleTurns | None = None
    ) -> None:
        self.capacity_value = capacity
        self.turns = turns  # settle through per-process turns, as the dialogue service does
        self.registration_reads = 0
        self.seat_rows: dict[int, str] = {}
        self.registration_rows: dict[str, int] = {}  # id -> arrival
        self.lock = threading.Lock()  # makes each single insert/delete atomic, nothing more
        self.jitter = jitter
        self._ids = itertools.count(1)
        self.rng = random.Random(1)

    def _pause(self) -> None:
        if self.jitter:
            time.sleep(self.rng.random() * self.jitter)  # widen the races between steps

    # --- SeatStore
    def capacity(self) -> int:
        self._pause()
        return self.capacity_value

    def seats(self) -> dict[int, str]:
        self._pause()
        with self.lock:
            return dict(self.seat_rows)

    def existing(self, registration_ids: Iterable[str]) -> set[str]:
        self._pause()
        with self.lock:
            return {r for r in registration_ids if r in self.registration_rows}

    def registrations(self) -> dict[str, int]:
        self._pause()
        with self.lock:
            self.registration_reads += 1
            return dict(self.registration_rows)

    def claim(self, number: int, registration_id: str) -> bool:
        self._pause()
        with self.lock:
            if number in self.seat_rows or registration_id in self.seat_rows.values():
                return False
            self.seat_rows[number] = registration_id
            return True

    def release(self, number: int, registration_id: str) -> None:
        self._pause()
        with self.lock:
            if self.seat_rows.get(number) == registration_id:
                del self.seat_rows[number]

    # --- what the service does around settle
    def join(self, turns: SettleTurns | None = None) -> str:
        with self.lock:
            registration_id = f"r{next(self._ids):04d}"
            self.registration_rows[registration_id] = time.monotonic_ns()
        self._settle(registration_id, turns)
        return registration_id

    def _settle(self, own: str | None, turns: SettleTurns | None) -> None:
        """Settle as the service does: through a process's turns (``turns`` of this call,
        else ``self.turns``), or directly."""
        turns = turns or self.turns
        if turns is None:
            settle(self)
        else:
            turns.settle("talk", self, own)

    def cancel(self, registration_id: str, turns: SettleTurns | None = None) -> None:
        with self.lock:  # registration first ...
            self.registration_rows.pop(registration_id, None)
        self._pause()
        with self.lock:  # ... then its seat
            for number, holder in list(self.seat_rows.items()):
                if holder == registration_id:
                    del self.seat_rows[number]
        self._settle(None, turns)

    def check(self) -> None:
        seats = self.seat_rows
        assert len(seats) <= self.capacity_value
        assert all(1 <= n <= self.capacity_value for n in seats)
        assert len(set(seats.values())) == len(seats)
        assert set(seats.values()) <= set(self.registration_rows)
        waiting = len(self.registration_rows) - len(seats)
        # Nobody waits while a place is free.
        assert waiting == 0 or len(seats) == self.capacity_value
        # Seats go by arrival: every seated person arrived before every waiting one.
        if waiting and seats:
            seated = [self.registration_rows[r] for r in seats.values()]
            queued = [a for r, a in self.registration_rows.items() if r not in seats.values()]
            assert max(seated) < min(queued)


def run_threads(functions: list) -> None:
    threads = [threading.Thread(target=f) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
