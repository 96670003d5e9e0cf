"""One settle of an offering at a time across processes: an economy, never needed for
correctness.

``SettleTurns`` lets the settles of one talk take turns inside a process. Several processes of
a service still settled one talk side by side: each settle reads all of the talk's
registrations (on FerretDB v1 about 48 ms of database CPU for 1,000), and each covers only the
joins of its own process, so three processes read about three times as often as one and were
slower than one (``bench/scaling.py``). A lease document per offering, claimed by inserting it
(its ``_id`` is the offering, so one insert wins), lets one process settle at a time; the
others wait, and meanwhile more of their own joins arrive, which their next settle covers —
as in one process.

``seating.settle`` is correct with any number of settlers at once, so nothing here may block
a join for long: a waiter that has not got the lease after ``wait`` seconds settles without it,
a refused claim means settling without it (a database that is away is the caller's error at
once, as the settle's own reads would be), and a lease whose holder died (``until`` passed)
is removed by the next waiter. ``until`` and ``ends`` compare clocks of different machines: a
skew of seconds only means that a stale lease goes a little earlier or later, and a waiter
never sleeps longer than the holder's expected hold (``expect``) or half its own wait.

A waiter does not try again and again: a refused claim is a rolled-back insert, and with three
processes they were about four per join. The holder writes when it expects to be done
(``ends``: its own last hold of that offering); a waiter reads the lease, sleeps until then and
afterwards looks by reading, in short growing pauses, until the lease is gone.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from cachetools import LRUCache
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError, PyMongoError

from services.kit.db import database_away

log = logging.getLogger(__name__)

COLLECTION = "settle_leases"
TTL_SECONDS = 5.0  # far longer than a settle takes; only a dead holder's lease gets this old
WAIT_SECONDS = 1.0  # then settle anyway: the lease saves work, it never decides anything
FIRST_PAUSE = 0.002
MAX_PAUSE = 0.02
DURATIONS_KEPT = 1000  # offerings whose last hold a process remembers (the most recent)


class SettleLease:
    """``with lease.hold(key) as held:`` around a settle of the offering ``key``; ``held`` says
    whether this process got the lease (False: it settles without one)."""

    def __init__(
        self,
        collection: Callable[[], Collection],
        ttl: float = TTL_SECONDS,
        wait: float = WAIT_SECONDS,
    ) -> None:
        self._collection = collection  # looked up at first use: the database connects later
        self.ttl = ttl
        self.wait = wait
        # How long this process last held each offering's lease: a holder writes it into the
        # lease as ``ends``, so a waiter sleeps until then instead of trying again and again
        # (each failed claim is a refused insert: a rolled-back transaction in PostgreSQL).
        self._durations: LRUCache[str, float] = LRUCache(maxsize=DURATIONS_KEPT)
        self._guard = threading.Lock()

    @contextmanager
    def hold(self, key: str) -> Iterator[bool]:
        token = self._claim(key)
        began = time.monotonic()
        try:
            yield token is not None
        finally:
            if token is not None:
                self._give_back(key, token)
                self._remember(key, time.monotonic() - began)

    def _claim(self, key: str) -> str | None:
        try:
            collection = self._collection()
        except PyMongoError:
            return None
        token = str(ObjectId())
        deadline = time.monotonic() + self.wait
        while True:
            now = datetime.now(UTC)
            try:
                collection.insert_one(
                    {
                        "_id": key,
                        "holder": token,
                        "until": now + timedelta(seconds=self.ttl),
                        "ends": now + timedelta(seconds=self._expected(key)),
                        "expect": self._expected(key),
                    }
                )
                return token
            except DuplicateKeyError:
                pass
            except PyMongoError as error:
                if database_away(error):
                    raise  # the settle could not read either: the caller's clear error, once
                log.warning("settle lease of %s not claimed (%s): settling without", key, error)
                return None
            # The deadline here too: a lease that comes and goes between our claim and our
            # look must not keep us trying past it.
            if time.monotonic() >= deadline or not self._wait_until_free(collection, key, deadline):
                return None

    def _wait_until_free(self, collection: Collection, key: str, deadline: float) -> bool:
        """Sleep until the holder expects to be done, then look (a read, not another refused
        insert) in short, growing pauses; False once ``deadline`` has passed."""
        pause = FIRST_PAUSE
        while (held := self._held(collection, key)) is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            now = datetime.now(UTC)
            # Never longer than the holder's whole expected hold: its clock may run ahead of
            # ours, and it may have given the lease back early.
            until_ends = min(
                (_aware(held.get("ends") or now) - now).total_seconds(),
                float(held.get("expect") or 0.0),
                self.wait / 2,
            )
            if until_ends > FIRST_PAUSE:
                time.sleep(min(until_ends, left))  # green under nameko (eventlet patches it)
            else:
                time.sleep(min(pause, left))
                pause = min(pause * 2, MAX_PAUSE)
        return True

    @staticmethod
    def _held(collection: Collection, key: str) -> dict[str, Any] | None:
        """The live lease of ``key``, or None once there is none (an expired one is removed)."""
        now = datetime.now(UTC)
        try:
            lease = collection.find_one({"_id": key}, {"until": 1, "ends": 1, "expect": 1})
            if lease is None:
                return None
            if _aware(lease["until"]) < now:
                collection.delete_one({"_id": key, "until": {"$lt": now}})
                return None
            return lease
        except PyMongoError as error:
            if database_away(error):
                raise  # as a refused claim would: the caller's clear error, once
            return {}  # unknown: wait a short pause and try again

    def _give_back(self, key: str, token: str) -> None:
        try:
            self._collection().delete_one({"_id": key, "holder": token})
        except PyMongoError as error:  # it expires on its own after the TTL
            log.warning("settle lease of %s not given back (%s)", key, error)

    def _expected(self, key: str) -> float:
        with self._guard:
            return self._durations.get(key, 0.0)

    def _remember(self, key: str, seconds: float) -> None:
        with self._guard:  # cachetools' caches are not thread-safe on their own
            self._durations[key] = seconds


def _aware(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime (a client without ``tz_aware`` reads naive)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def lease_beside(document: type) -> SettleLease:
    """The lease kept in ``settle_leases`` of the database that holds ``document`` (a service's
    ``Seat``), so each service's leases live with its seats."""
    return SettleLease(lambda: document._get_db()[COLLECTION])
