"""The settle lease on the real database (``services/kit/settle_lease.py``): one holder per
offering at a time, a waiter gets it when it is given back, gives up after its wait (and then
settles without), and a dead holder's expired lease is taken over."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from services.kit.settle_lease import SettleLease

pytestmark = pytest.mark.integration


@pytest.fixture
def leases(database) -> Collection:  # noqa: ANN001
    return database["settle_leases"]


def test_one_holder_at_a_time_and_the_next_gets_it_when_given_back(leases) -> None:  # noqa: ANN001
    first, second = SettleLease(lambda: leases), SettleLease(lambda: leases, wait=10)
    inside: list[str] = []
    entered = threading.Event()
    leave = threading.Event()

    def hold_first() -> None:
        with first.hold("stadt/talk") as held:
            assert held
            inside.append("first in")
            entered.set()
            leave.wait(10)
            inside.append("first out")

    thread = threading.Thread(target=hold_first)
    thread.start()
    entered.wait(10)
    waiter = threading.Thread(target=lambda: _hold_and_note(second, inside))
    waiter.start()
    time.sleep(0.2)  # the second holder tries meanwhile (it must still be waiting)
    assert inside == ["first in"]
    leave.set()
    thread.join(10)
    waiter.join(10)
    assert inside == ["first in", "first out", "second in"]
    assert leases.count_documents({}) == 0  # both given back


def _hold_and_note(lease: SettleLease, inside: list[str]) -> None:
    with lease.hold("stadt/talk") as held:
        assert held
        inside.append("second in")


def test_a_waiter_gives_up_after_its_wait_and_other_offerings_are_free(leases) -> None:  # noqa: ANN001
    holder, waiter = SettleLease(lambda: leases), SettleLease(lambda: leases, wait=0.3)
    with holder.hold("stadt/talk") as held:
        assert held
        began = time.monotonic()
        with waiter.hold("stadt/talk") as got:
            assert not got  # settles without the lease: correctness never waits on it
        assert 0.3 <= time.monotonic() - began < 5
        with waiter.hold("stadt/another-talk") as got:
            assert got
    assert leases.count_documents({}) == 0


def test_a_dead_holders_expired_lease_is_taken_over(leases) -> None:  # noqa: ANN001
    past = datetime.now(UTC) - timedelta(seconds=1)
    leases.insert_one({"_id": "stadt/talk", "holder": "a process that died", "until": past})
    with SettleLease(lambda: leases, wait=5).hold("stadt/talk") as held:
        assert held
        assert leases.find_one({"_id": "stadt/talk"})["holder"] != "a process that died"
    assert leases.count_documents({}) == 0


class _CountedInserts:
    """The real collection, counting the claims (inserts) and looks (reads) made through it;
    ``refused`` is set at the first refused claim."""

    def __init__(self, collection: Collection) -> None:
        self.collection = collection
        self.inserts = 0
        self.reads = 0
        self.refused = threading.Event()

    def insert_one(self, document: dict):  # noqa: ANN201
        self.inserts += 1
        try:
            return self.collection.insert_one(document)
        except DuplicateKeyError:
            self.refused.set()
            raise

    def find_one(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        self.reads += 1
        return self.collection.find_one(*args, **kwargs)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self.collection, name)


def test_a_waiter_sleeps_until_the_holder_expects_to_be_done_instead_of_claiming_again(
    leases,
) -> None:  # noqa: ANN001
    holder = SettleLease(lambda: leases)
    with holder.hold("stadt/talk"):
        time.sleep(0.4)  # the holder's last hold of this talk: it expects as long next time
    counted = _CountedInserts(leases)
    waiter = SettleLease(lambda: counted, wait=10)
    entered, leave = threading.Event(), threading.Event()
    held_since: list[float] = []

    def hold_again() -> None:
        with holder.hold("stadt/talk"):
            held_since.append(time.monotonic())
            entered.set()
            leave.wait(10)

    thread = threading.Thread(target=hold_again)
    thread.start()
    entered.wait(10)
    got: list[bool] = []
    claimer = threading.Thread(target=lambda: got.append(_claimed(waiter)))
    claimer.start()
    assert counted.refused.wait(10)
    # Given back shortly before the holder said it would be done.
    _wait_until(lambda: time.monotonic() - held_since[0] >= 0.3)
    leave.set()
    thread.join(10)
    claimer.join(10)
    assert got == [True]
    # One claim refused while the holder held, one after it gave the lease back, and a look
    # or two between: the waiter slept until the holder's expected end. (It tried again every
    # 2–20 ms before, about 20 claims here; looking in such pauses alone would be as many.)
    assert counted.inserts == 2
    assert counted.reads <= 3
    assert leases.count_documents({}) == 0


def _claimed(lease: SettleLease) -> bool:
    with lease.hold("stadt/talk") as held:
        return held


def _wait_until(condition, timeout: float = 10.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.005)
