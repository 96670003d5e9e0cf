"""The seating procedure against an in-memory store with the same guarantees as the database:
unique inserts are atomic, nothing else is. Threads interleave joins, cancellations and a
lowered capacity; the invariants must hold after every run."""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections.abc import Iterable

import pytest

from services.kit.seating import Seated, free_numbers, settle, waiting_position


class MemoryTalk:
    """Seats unique on number and on registration; registrations unique per person."""

    def __init__(self, capacity: int, jitter: float = 0.0) -> None:
        self.capacity_value = capacity
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
    def join(self) -> str:
        with self.lock:
            registration_id = f"r{next(self._ids):04d}"
            self.registration_rows[registration_id] = time.monotonic_ns()
        settle(self)
        return registration_id

    def cancel(self, registration_id: str) -> None:
        with self.lock:  # registration first ...
            self.registration_rows.pop(registration_id, None)
        self._pause()
        with self.lock:  # ... then its seat
            for number, holder in list(self.seat_rows.items()):
                if holder == registration_id:
                    del self.seat_rows[number]
        settle(self)

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


def test_free_numbers_are_the_gaps_up_to_capacity() -> None:
    assert free_numbers(5, [2, 4, 9]) == [1, 3, 5]
    assert free_numbers(0, []) == []


def test_sequential_joins_fill_seats_then_the_waiting_list() -> None:
    talk = MemoryTalk(capacity=3)
    ids = [talk.join() for _ in range(5)]
    assert sorted(talk.seat_rows.values()) == ids[:3]
    talk.check()
    talk.cancel(ids[1])
    assert ids[3] in talk.seat_rows.values() and ids[4] not in talk.seat_rows.values()
    talk.check()


def test_settle_reports_whom_it_seated() -> None:
    talk = MemoryTalk(capacity=2)
    with talk.lock:
        talk.registration_rows.update({"a": 1, "b": 2, "c": 3})
    assert settle(talk) == [Seated("a", 1), Seated("b", 2)]
    assert settle(talk) == []


@pytest.mark.parametrize("seed", range(5))
def test_concurrent_joins_never_overbook(seed: int) -> None:
    talk = MemoryTalk(capacity=12, jitter=0.0005)
    talk.rng.seed(seed)
    run_threads([talk.join for _ in range(80)])
    assert len(talk.seat_rows) == 12
    talk.check()


@pytest.mark.parametrize("seed", range(5))
def test_concurrent_cancellations_and_joins_promote_in_order(seed: int) -> None:
    talk = MemoryTalk(capacity=6)
    ids = [talk.join() for _ in range(20)]
    talk.jitter = 0.0005
    rng = random.Random(seed)
    leaving = rng.sample(ids, 10)
    work = [lambda r=r: talk.cancel(r) for r in leaving] + [talk.join for _ in range(10)]
    rng.shuffle(work)
    run_threads(work)
    talk.check()
    assert len(talk.seat_rows) == 6
    remaining = [r for r in ids if r not in leaving]
    assert sorted(talk.seat_rows.values()) == sorted(remaining[:6])


def test_a_seat_claimed_for_a_cancelled_registration_is_given_back() -> None:
    talk = MemoryTalk(capacity=1)
    with talk.lock:
        talk.registration_rows.update({"gone": 1, "next": 2})
    real_claim = talk.claim

    def claim_then_cancel(number: int, registration_id: str) -> bool:
        claimed = real_claim(number, registration_id)
        if registration_id == "gone":  # the person cancels right after our insert
            talk.registration_rows.pop("gone")
        return claimed

    talk.claim = claim_then_cancel  # type: ignore[method-assign]
    settle(talk)
    assert talk.seat_rows == {1: "next"}


def test_a_seat_above_a_lowered_capacity_is_given_back() -> None:
    talk = MemoryTalk(capacity=2)
    with talk.lock:
        talk.registration_rows.update({"a": 1, "b": 2})
        talk.seat_rows[1] = "a"
    real_claim = talk.claim

    def claim_then_lower(number: int, registration_id: str) -> bool:
        claimed = real_claim(number, registration_id)
        talk.capacity_value = 1  # the host lowers the capacity right after our insert
        return claimed

    talk.claim = claim_then_lower  # type: ignore[method-assign]
    assert settle(talk) == []
    assert talk.seat_rows == {1: "a"}


def test_orphaned_seats_are_freed_for_the_waiting() -> None:
    talk = MemoryTalk(capacity=1)
    with talk.lock:
        talk.seat_rows[1] = "vanished"
        talk.registration_rows["waiting"] = 5
    assert settle(talk) == [Seated("waiting", 1)]


def test_waiting_position_counts_only_the_unseated() -> None:
    arrivals = [(3, "c"), (1, "a"), (2, "b"), (4, "d")]
    assert waiting_position(arrivals, {"a"}, "a") == 0
    assert waiting_position(arrivals, {"a"}, "b") == 1
    assert waiting_position(arrivals, {"a", "c"}, "d") == 2
    with pytest.raises(KeyError):
        waiting_position(arrivals, set(), "x")
