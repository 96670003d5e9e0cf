"""The seating procedure against an in-memory store with the same guarantees as the database:
unique inserts are atomic, nothing else is. Threads interleave joins, cancellations and a
lowered capacity; the invariants must hold after every run, whether each settles directly or
through one or two processes' turns (``services/kit/settle_turns.py``)."""

from __future__ import annotations

import random

import pytest
from seating_memory import MemoryTalk, run_threads

from services.kit.seating import Seated, free_numbers, settle, waiting_position
from services.kit.settle_turns import SettleTurns


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


def _processes(count: int) -> list[SettleTurns | None]:
    """``count`` "processes" settling through turns of their own (settle_turns); 0: each
    join and cancel settles directly."""
    return [SettleTurns() for _ in range(count)] or [None]


@pytest.mark.parametrize("processes", [0, 1, 2])
@pytest.mark.parametrize("seed", range(5))
def test_concurrent_joins_never_overbook(seed: int, processes: int) -> None:
    talk = MemoryTalk(capacity=12, jitter=0.0005)
    talk.rng.seed(seed)
    where = _processes(processes)
    run_threads([lambda i=i: talk.join(where[i % len(where)]) for i in range(80)])
    assert len(talk.seat_rows) == 12
    talk.check()


@pytest.mark.parametrize("processes", [0, 1, 2])
@pytest.mark.parametrize("seed", range(5))
def test_concurrent_cancellations_and_joins_promote_in_order(seed: int, processes: int) -> None:
    talk = MemoryTalk(capacity=6)
    ids = [talk.join() for _ in range(20)]
    talk.jitter = 0.0005
    rng = random.Random(seed)
    leaving = rng.sample(ids, 10)
    where = [rng.choice(_processes(processes)) for _ in range(20)]  # one per action
    work = [lambda i=i, r=r: talk.cancel(r, where[i]) for i, r in enumerate(leaving)]
    work += [lambda i=i: talk.join(where[10 + i]) for i in range(10)]
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
