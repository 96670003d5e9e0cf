"""Marks of moved counts: taken once, given back on failure, everything after a restart."""

from __future__ import annotations

from services.cities.tally_announcements import PendingCounts


def test_a_fresh_process_announces_every_city_once() -> None:
    pending = PendingCounts()
    assert pending.take() == (True, set())
    assert pending.take() == (False, set())


def test_marks_are_taken_once_and_coalesced() -> None:
    pending = PendingCounts()
    pending.take()
    for _ in range(50):
        pending.mark("a")
    pending.mark("b")
    assert pending.take() == (False, {"a", "b"})
    assert pending.take() == (False, set())


def test_marks_given_back_are_taken_with_new_ones() -> None:
    pending = PendingCounts()
    everything, cities = pending.take()
    pending.give_back(everything, {"a"})
    pending.mark("b")
    assert pending.take() == (True, {"a", "b"})
