"""Seats and the waiting list of an offering with places (a talk, a closing event), safe under
concurrency without atomic updates (pure).

The database (FerretDB) has no atomic conditional update and no transaction, but an insert
against a unique index is atomic. So a place is a *seat document* that a
registration claims by inserting it:

* seat numbers run from 1 to the offering's capacity and are unique per offering, so there are
  never more seats than places;
* a registration holds at most one seat (a second unique key);
* a registration without a seat is on the waiting list, ordered by its arrival.

``settle`` is the one procedure that hands out free seats: to the earliest waiting
registrations, lowest free number first. Every join and every cancellation runs it after its
own write, so the last ``settle`` to run sees every registration and every freed seat: no
place stays free while someone waits, and a newcomer never overtakes the waiting list.

Races it survives, each by a re-read instead of a lock:

* two settlers pick the same seat or the same registration: one insert fails, the loser reads
  again and moves on;
* a registration cancelled while a settler seats it: cancelling deletes the registration
  first and its seats second; a settler checks the registration still exists *after* its
  insert and gives the seat back otherwise. Whichever order the four writes run in, the seat
  is freed (and ``settle`` also frees any seat whose registration has gone);
* the capacity lowered while a settler seats someone above it: the settler reads the capacity
  again after its insert and gives a seat above it back (the side that lowers the capacity
  checks for seats above it after writing it).

The store is a small protocol so that the same code runs against the database
(``seat_store.DocumentSeats``, bound by each service to its own documents) and against an
in-memory store in the unit tests.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)

# Every failed claim means another settler made progress, so rounds are bounded by the work
# there is; the limit only stops a bug from looping forever.
MAX_ROUNDS = 10_000


class SeatStore(Protocol):
    """One offering's seats and registrations; every read is fresh, every write a single
    insert or delete."""

    def capacity(self) -> int: ...

    def seats(self) -> dict[int, str]:
        """Seat number -> registration id."""
        ...

    def registrations(self) -> dict[str, int]:
        """Every registration of the offering: id -> arrival (one read answers who still
        holds a right to a seat, who waits first and each waiting position)."""
        ...

    def existing(self, registration_ids: Iterable[str]) -> set[str]:
        """Which of these registrations still exist (a fresh read after a claim)."""
        ...

    def claim(self, number: int, registration_id: str) -> bool:
        """Insert the seat; False when the number or the registration is taken already."""
        ...

    def release(self, number: int, registration_id: str) -> None:
        """Delete the seat ``number`` if ``registration_id`` holds it."""
        ...


@dataclass(frozen=True)
class Seated:
    registration_id: str
    number: int


def free_numbers(capacity: int, taken: Iterable[int]) -> list[int]:
    used = set(taken)
    return [n for n in range(1, capacity + 1) if n not in used]


def settle(
    store: SeatStore,
    held_after: dict[int, str] | None = None,
    arrivals_after: dict[str, int] | None = None,
) -> list[Seated]:
    """Give free seats to waiting registrations in arrival order; returns whom *this* call
    seated (to announce: each seat is inserted by exactly one caller).

    One round of reads is enough unless something raced it: everything that can free a seat
    or add a waiting registration runs ``settle`` itself after its own write, so whatever
    happened after this round's reads is seen by that later call. A claim that fails or a seat
    given back means someone else moved in between: then read again. ``held_after``, when
    given, receives the seats as last read plus those seated here (who holds what now, as far
    as this call knows); ``arrivals_after`` the registrations as last read (id -> arrival), so
    a caller can tell a waiting position without reading them again."""
    seated_here: list[Seated] = []
    for _ in range(MAX_ROUNDS):
        seats = store.seats()  # seats first: a registration always exists before its seat
        # One read of the registrations serves both questions of the round: whose seat has
        # lost its registration, and who waits first (on FerretDB every filtered read decodes
        # all of the offering's registrations, so two reads cost twice that).
        arrivals = store.registrations()
        for number, holder in seats.items():
            if holder not in arrivals:  # its registration was cancelled: the place is free
                store.release(number, holder)
        held = {n: r for n, r in seats.items() if r in arrivals}
        if held_after is not None:
            held_after.clear()
            held_after.update(held)
            held_after.update((s.number, s.registration_id) for s in seated_here)
        if arrivals_after is not None:
            arrivals_after.clear()
            arrivals_after.update(arrivals)
        free = free_numbers(store.capacity(), held)
        if not free:
            return seated_here
        waiting = first_waiting(arrivals, set(held.values()), len(free))
        if not waiting:
            return seated_here
        raced = False
        for number, registration_id in zip(free, waiting, strict=False):
            if not store.claim(number, registration_id):
                raced = True  # someone else took the seat or seated this person: read again
                break
            if registration_id not in store.existing([registration_id]):
                store.release(number, registration_id)  # cancelled meanwhile
                raced = True
                break
            if number > store.capacity():
                store.release(number, registration_id)  # capacity lowered meanwhile
                raced = True
                break
            seated_here.append(Seated(registration_id, number))
            if held_after is not None:
                held_after[number] = registration_id
        if not raced:
            return seated_here
    log.error("settle gave up after %d rounds", MAX_ROUNDS)
    return seated_here


def first_waiting(arrivals: dict[str, int], seated: set[str], limit: int) -> list[str]:
    """Up to ``limit`` registration ids not in ``seated``, in arrival order (ties by id)."""
    queue = sorted((arrival, r) for r, arrival in arrivals.items() if r not in seated)
    return [r for _, r in queue[:limit]]


def waiting_position(arrivals: list[tuple[int, str]], seated: set[str], registration: str) -> int:
    """1-based place of ``registration`` among the waiting (arrival, id) pairs, 0 if seated."""
    if registration in seated:
        return 0
    queue = sorted(a for a in arrivals if a[1] not in seated)
    for index, (_, registration_id) in enumerate(queue, start=1):
        if registration_id == registration:
            return index
    raise KeyError(registration)
