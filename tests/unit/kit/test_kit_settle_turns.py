"""Settles of one talk taking turns in a process (``services/kit/settle_turns.py``): a settle
that began after a caller's write serves that caller, and whom it seats for a caller still
waiting is left to that caller. (The seating invariants through one and two processes' turns
are checked in test_kit_seating.py.)"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from prometheus_client import REGISTRY
from seating_memory import MemoryTalk

from services.kit.seating import Seated
from services.kit.settle_turns import SettleOutcome, SettleTurns


def _wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.001)


def _join(turns: SettleTurns, talk: MemoryTalk, name: str, arrival: int) -> SettleOutcome:
    """A join: the registration is written, then the talk settled through the turns."""
    with talk.lock:
        talk.registration_rows[name] = arrival
    return turns.settle("talk", talk, own=name)


def _first_held_up_while_others_write(
    turns: SettleTurns,
    talk: MemoryTalk,
    others: str,
    held_up: threading.Event,
    go_on: threading.Event,
) -> dict[str, SettleOutcome]:
    """ "a" joins first and is held up inside its turn (``held_up`` says so); the joins of
    ``others`` write meanwhile and wait for the turn; then ``go_on`` lets "a" go on. Returns
    every join's outcome."""
    outcomes: dict[str, SettleOutcome] = {}

    def join(name: str, arrival: int) -> None:
        outcomes[name] = _join(turns, talk, name, arrival)

    first = threading.Thread(target=join, args=("a", 1))
    first.start()
    held_up.wait(10)
    rest = [threading.Thread(target=join, args=(n, i)) for i, n in enumerate(others, start=2)]
    for thread in rest:
        thread.start()
    _wait_until(lambda: turns.inside("talk") == 1 + len(others))  # they wait for a's turn
    go_on.set()
    for thread in [first, *rest]:
        thread.join(10)
    return outcomes


def test_a_settle_begun_after_a_write_serves_it() -> None:
    """A settles while B, C and D write: B's write came after A began, so B settles itself;
    C and D wrote before B's settle began and take its outcome. Four joins, two settles."""
    turns = SettleTurns()
    talk = MemoryTalk(capacity=2)
    gate = threading.Event()
    reading = threading.Event()
    real_read = talk.registrations

    def slow_first_read() -> dict[str, int]:
        if not reading.is_set():
            reading.set()
            gate.wait(10)
        return real_read()

    talk.registrations = slow_first_read  # type: ignore[method-assign]
    outcomes = _first_held_up_while_others_write(turns, talk, "bcd", reading, gate)
    assert talk.registration_reads == 2
    ran = [name for name, outcome in outcomes.items() if outcome.ran_here]
    assert "a" in ran and len(ran) == 2
    covered = [outcomes[n] for n in "bcd" if not outcomes[n].ran_here]
    assert len(covered) == 2 and all(o.seated == () for o in covered)
    assert dict(outcomes["d"].held) == {1: "a", 2: "b"}
    assert set(outcomes["d"].arrivals) == {"a", "b", "c", "d"}
    assert turns.inside("talk") == 0  # nothing kept once nobody is inside


def test_whom_a_settle_seats_for_a_waiting_caller_is_left_to_that_caller() -> None:
    """A seated person whose own join waits for the turn tells its person itself; one whose
    caller is gone (moved up by a cancellation) is told by the settle that seated it."""
    turns = SettleTurns()
    talk = MemoryTalk(capacity=1)
    with talk.lock:
        talk.registration_rows.update({"first": 1, "second": 2})
    gate = threading.Event()
    real_read = talk.seats

    def seats_once_second_waits() -> dict[int, str]:
        gate.wait(10)
        return real_read()

    talk.seats = seats_once_second_waits  # type: ignore[method-assign]
    outcomes: dict[str, object] = {}
    runner = threading.Thread(
        target=lambda: outcomes.setdefault("cancel", turns.settle("talk", talk, own=None))
    )
    runner.start()
    _wait_until(lambda: turns.inside("talk") == 1)
    waiter = threading.Thread(
        target=lambda: outcomes.setdefault("first", turns.settle("talk", talk, own="first"))
    )
    waiter.start()
    _wait_until(lambda: turns.inside("talk") == 2)
    gate.set()
    runner.join(10)
    waiter.join(10)
    cancel = outcomes["cancel"]
    assert cancel.seated == (Seated("first", 1),)
    assert cancel.told_by_their_caller == frozenset({"first"})
    # The waiting join wrote before the cancel's settle began? No: it wrote after, so it ran
    # its own settle, found itself seated and tells its person.
    assert dict(outcomes["first"].held) == {1: "first"}


def test_joins_written_while_the_lease_is_awaited_are_covered() -> None:
    """Another process holds the talk's lease: A waits for it inside its turn while B and C
    write. A's settle begins only once it holds the lease, after B's and C's writes, so all
    three take one settle; and no settle runs without the lease."""
    lease_free = threading.Event()
    waiting_for_lease = threading.Event()
    held_during: list[bool] = []
    holding = threading.Lock()

    @contextmanager
    def other_process_holds(key: str) -> Iterator[bool]:
        assert key == "talk"
        waiting_for_lease.set()
        lease_free.wait(10)
        with holding:
            yield True

    turns = SettleTurns(lease=other_process_holds, lease_from=0)
    talk = MemoryTalk(capacity=5)
    real_read = talk.registrations

    def read_under_lease() -> dict[str, int]:
        held_during.append(holding.locked())
        return real_read()

    talk.registrations = read_under_lease  # type: ignore[method-assign]
    outcomes = _first_held_up_while_others_write(turns, talk, "bc", waiting_for_lease, lease_free)
    assert talk.registration_reads == 1 and held_during == [True]
    assert [n for n, o in outcomes.items() if o.ran_here] == ["a"]
    for outcome in outcomes.values():
        assert set(outcome.held.values()) == {"a", "b", "c"}


def test_the_lease_is_taken_only_for_an_offering_that_was_large_at_its_last_settle() -> None:
    """A lone join of a small talk pays no lease; once a settle has read ``lease_from``
    registrations, the next settle of that talk takes it."""
    taken: list[str] = []

    @contextmanager
    def lease(key: str) -> Iterator[bool]:
        taken.append(key)
        yield True

    turns = SettleTurns(lease=lease, lease_from=3)
    talk = MemoryTalk(capacity=1)
    for n, name in enumerate("abc", start=1):
        _join(turns, talk, name, n)
    assert taken == []  # the settles read 1, 2 and 3 registrations: the last one made it large
    outcome = _join(turns, talk, "d", 4)
    assert taken == ["talk"] and outcome.ran_here
    assert turns.settle("another talk", MemoryTalk(capacity=1)).ran_here and taken == ["talk"]


def _settles(way: str, service: str = "unit") -> float:
    labels = {"service": service, "way": way}
    return REGISTRY.get_sample_value("stadtdialog_settles_total", labels) or 0.0


def test_each_caller_s_settle_is_counted_by_how_it_went() -> None:
    """``stadtdialog_settles_total{way}``: how many joins a settle serves and how often the
    lease across processes was missed, as bench/scaling.py and an operator read them."""
    ways = ("ran_with_lease", "ran_lease_missed", "ran_without_lease", "covered")
    before = {way: _settles(way) for way in ways}
    got = iter([True, True, False])

    @contextmanager
    def lease(key: str) -> Iterator[bool]:
        yield next(got)  # two settles get the lease, the third does not

    turns = SettleTurns(lease=lease, lease_from=2, service="unit")
    talk = MemoryTalk(capacity=1)
    _join(turns, talk, "a", 1)  # small so far: no lease wanted
    _join(turns, talk, "b", 2)  # still small at the last settle
    _join(turns, talk, "c", 3)  # with the lease
    _join(turns, talk, "d", 4)  # with the lease
    _join(turns, talk, "e", 5)  # lease missed
    moved = {way: _settles(way) - before[way] for way in ways}
    assert moved == {
        "ran_with_lease": 2,
        "ran_lease_missed": 1,
        "ran_without_lease": 2,
        "covered": 0,
    }
    held_up, go_on = threading.Event(), threading.Event()
    real_read = talk.seats

    def slow_seats() -> dict[int, str]:
        held_up.set()
        go_on.wait(10)
        return real_read()

    talk.seats = slow_seats  # type: ignore[method-assign]
    # "a" is held up inside its settle while "x" and "y" write: one of them settles after
    # "a" (they wrote after its settle began) and covers the other.
    outcomes = _first_held_up_while_others_write(
        SettleTurns(service="unit"), talk, "xy", held_up, go_on
    )
    assert sum(not o.ran_here for o in outcomes.values()) == 1
    assert _settles("covered") - before["covered"] == 1
    assert _settles("ran_without_lease") - before["ran_without_lease"] == 2 + 2


def _seconds(part: str) -> float:
    labels = {"service": "unit-seconds", "part": part}
    return REGISTRY.get_sample_value("stadtdialog_settle_seconds_total", labels) or 0.0


def test_a_settle_s_lease_wait_and_its_own_time_are_added_also_when_it_raises() -> None:
    """``stadtdialog_settle_seconds_total{part}``: the wait for the lease apart from the settle
    itself, and a settle that raised still counted (its time was spent)."""

    @contextmanager
    def slow_lease(key: str) -> Iterator[bool]:
        time.sleep(0.05)  # another process holds it for a while
        yield True

    turns = SettleTurns(lease=slow_lease, lease_from=0, service="unit-seconds")
    talk = MemoryTalk(capacity=1)
    real_read = talk.seats

    def slow_seats() -> dict[int, str]:
        time.sleep(0.03)
        return real_read()

    talk.seats = slow_seats  # type: ignore[method-assign]
    waited, settled = _seconds("lease_wait"), _seconds("settle")
    _join(turns, talk, "a", 1)
    assert 0.05 <= _seconds("lease_wait") - waited < 0.05 + 1.0
    assert 0.03 <= _seconds("settle") - settled < 0.03 + 1.0

    def seats_away() -> dict[int, str]:
        time.sleep(0.03)
        raise ConnectionError("database away")

    talk.seats = seats_away  # type: ignore[method-assign]
    ran, settled = _settles("ran_with_lease", "unit-seconds"), _seconds("settle")
    with pytest.raises(ConnectionError):
        _join(turns, talk, "b", 2)
    assert _settles("ran_with_lease", "unit-seconds") == ran + 1
    assert _seconds("settle") - settled >= 0.03
