"""The shared seat-keeping against the real database, for a closing event: the kit's ``settle``
with ``DocumentSeats`` bound to the events documents, run by concurrent settlers (threads, each
a fresh read and single inserts/deletes, as the service's workers do). No mocks: FerretDB's
unique indexes are what keep the places."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from services.events.models import ClosingEvent, Registration, Seat, Venue
from services.kit.db import connect
from services.kit.seat_store import DocumentSeats
from services.kit.seating import Seated, settle, waiting_position

pytestmark = pytest.mark.integration

SETTLERS = 12


@pytest.fixture
def city(infra, monkeypatch) -> Iterator[str]:  # noqa: ANN001
    """A city of its own in the session's events database (indexes made as the service does)."""
    monkeypatch.setenv("MONGODB_URI", infra.mongodb_uri)
    monkeypatch.setenv("STADTDIALOG_DB_PREFIX", infra.db_prefix)
    connect("events")
    for model in (ClosingEvent, Registration, Seat):
        model.ensure_indexes()  # the unique indexes must exist before the first claim
    slug = f"seats-{uuid.uuid4().hex[:8]}"
    yield slug
    for model in (ClosingEvent, Registration, Seat):
        model.scoped(slug).delete()


def closing_event(city: str, capacity: int) -> ClosingEvent:
    starts = datetime.now(UTC) + timedelta(days=7)
    return ClosingEvent(
        city=city,
        title="Abschlussveranstaltung",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        venue=Venue(name="Rathaus"),
        capacity=capacity,
        created_by="organiser",
        status="published",
    ).save()


def store(event: ClosingEvent) -> DocumentSeats:
    return DocumentSeats(ClosingEvent, Seat, Registration, "event_id", event.city, str(event.id))


def join(event: ClosingEvent) -> str:
    registration = Registration(
        city=event.city,
        event_id=str(event.id),
        account_id=uuid.uuid4().hex,
        display_name="Gast",
        arrival=time.time_ns(),
    ).save(force_insert=True)
    return str(registration.id)


def cancel(event: ClosingEvent, registration_id: str) -> None:
    """As ``cancel_registration`` does: the registration first, its seat second."""
    Registration.scoped(event.city, id=registration_id).delete()
    Seat.scoped(event.city, event_id=str(event.id), registration_id=registration_id).delete()


def run_together(functions: list[Callable[[], object]]) -> list[object]:
    """Start every function at once (a barrier), each in its own thread; their answers."""
    barrier = threading.Barrier(len(functions))
    answers: list[object] = [None] * len(functions)

    def run(index: int) -> None:
        barrier.wait(timeout=60)
        answers[index] = functions[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(functions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def check(event: ClosingEvent) -> tuple[dict[int, str], list[str]]:
    """The invariants, read from the database: seats 1..capacity at most once each, one seat per
    registration, none without a registration, nobody waiting while a place is free, and every
    seated person arrived before every waiting one. Returns (seats, waiting ids in order)."""
    capacity = ClosingEvent.scoped(event.city, id=event.id).first().capacity
    seats = {s.number: s.registration_id for s in Seat.scoped(event.city, event_id=str(event.id))}
    queue = list(Registration.scoped(event.city, event_id=str(event.id)).order_by("arrival", "id"))
    holders = list(seats.values())
    assert all(1 <= number <= capacity for number in seats)
    assert len(holders) == len(set(holders)), "a registration holds two seats"
    assert set(holders) <= {str(r.id) for r in queue}, "a seat without a registration"
    waiting = [str(r.id) for r in queue if str(r.id) not in seats.values()]
    assert not waiting or len(seats) == capacity, "someone waits while a place is free"
    if waiting and seats:
        arrival = {str(r.id): r.arrival for r in queue}
        assert max(arrival[h] for h in holders) < min(arrival[w] for w in waiting)
    return seats, waiting


def test_concurrent_settlers_fill_in_arrival_order_and_never_overbook(city: str) -> None:
    event = closing_event(city, capacity=8)
    arrived = [join(event) for _ in range(30)]

    answers = run_together([lambda: settle(store(event)) for _ in range(SETTLERS)])

    seats, waiting = check(event)
    assert sorted(seats) == list(range(1, 9))
    assert sorted(seats.values()) == sorted(arrived[:8])
    assert waiting == arrived[8:]
    # Each seat was inserted by exactly one settler: what they report is announced once.
    reported = [seated for answer in answers for seated in answer]
    assert sorted(reported, key=lambda s: s.number) == [
        Seated(registration_id, number) for number, registration_id in sorted(seats.items())
    ]
    assert settle(store(event)) == []


@pytest.mark.parametrize("seed", range(2))
def test_cancellations_and_joins_racing_promote_the_waiting_in_order(city: str, seed: int) -> None:
    event = closing_event(city, capacity=5)
    arrived = [join(event) for _ in range(20)]
    settle(store(event))
    rng = random.Random(seed)
    leaving = rng.sample(arrived, 7)

    def leave(registration_id: str) -> list[Seated]:
        cancel(event, registration_id)
        return settle(store(event))

    def come() -> list[Seated]:
        join(event)
        return settle(store(event))

    work = [lambda r=r: leave(r) for r in leaving] + [come for _ in range(5)]
    rng.shuffle(work)
    answers = run_together(work)

    seats, waiting = check(event)
    assert len(seats) == 5
    staying = [r for r in arrived if r not in leaving]
    assert sorted(seats.values()) == sorted(staying[:5])  # newcomers never overtake the list
    assert waiting[: len(staying) - 5] == staying[5:]
    reported = [s.registration_id for answer in answers for s in answer]
    assert len(reported) == len(set(reported)), "a promotion reported twice"


def test_the_store_reads_what_the_waiting_list_shows(city: str) -> None:
    event = closing_event(city, capacity=1)
    first, second, third = (join(event) for _ in range(3))
    seats = store(event)
    assert seats.capacity() == 1
    assert settle(seats) == [Seated(first, 1)]
    assert seats.seat_of(first) == 1 and seats.seat_of(second) is None
    arrivals = [(r.arrival, str(r.id)) for r in Registration.scoped(city, event_id=str(event.id))]
    held = set(seats.seats().values())
    assert [waiting_position(arrivals, held, r) for r in (first, second, third)] == [0, 1, 2]
    assert seats.existing([first, third, "not-an-id"]) == {first, third}
    gone = store(ClosingEvent(city=city, id=uuid.uuid4().hex[:24]))
    assert gone.capacity() == 0  # an unknown event has no places
