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
is removed by the next waiter. ``until`` compares clocks of different machines: a skew of
seconds only means that a stale lease goes a little earlier or later.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from bson import ObjectId
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError, PyMongoError

from services.kit.db import database_away

log = logging.getLogger(__name__)

COLLECTION = "settle_leases"
TTL_SECONDS = 5.0  # far longer than a settle takes; only a dead holder's lease gets this old
WAIT_SECONDS = 1.0  # then settle anyway: the lease saves work, it never decides anything
FIRST_PAUSE = 0.002
MAX_PAUSE = 0.02
EXPIRY_LOOK_EVERY = 8  # failed claims between two looks for a dead holder's lease


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

    @contextmanager
    def hold(self, key: str) -> Iterator[bool]:
        token = self._claim(key)
        try:
            yield token is not None
        finally:
            if token is not None:
                self._give_back(key, token)

    def _claim(self, key: str) -> str | None:
        try:
            collection = self._collection()
        except PyMongoError:
            return None
        token = str(ObjectId())
        deadline = time.monotonic() + self.wait
        pause, failed = FIRST_PAUSE, 0
        while True:
            now = datetime.now(UTC)
            try:
                collection.insert_one(
                    {"_id": key, "holder": token, "until": now + timedelta(seconds=self.ttl)}
                )
                return token
            except DuplicateKeyError:
                failed += 1
            except PyMongoError as error:
                if database_away(error):
                    raise  # the settle could not read either: the caller's clear error, once
                log.warning("settle lease of %s not claimed (%s): settling without", key, error)
                return None
            if failed % EXPIRY_LOOK_EVERY == 1 and self._drop_expired(collection, key, now):
                continue
            if time.monotonic() >= deadline:
                return None
            time.sleep(pause)  # green under nameko (eventlet patches time.sleep)
            pause = min(pause * 2, MAX_PAUSE)

    @staticmethod
    def _drop_expired(collection: Collection, key: str, now: datetime) -> bool:
        try:
            return collection.delete_one({"_id": key, "until": {"$lt": now}}).deleted_count > 0
        except PyMongoError:
            return False

    def _give_back(self, key: str, token: str) -> None:
        try:
            self._collection().delete_one({"_id": key, "holder": token})
        except PyMongoError as error:  # it expires on its own after the TTL
            log.warning("settle lease of %s not given back (%s)", key, error)


def lease_beside(document: type) -> SettleLease:
    """The lease kept in ``settle_leases`` of the database that holds ``document`` (a service's
    ``Seat``), so each service's leases live with its seats."""
    return SettleLease(lambda: document._get_db()[COLLECTION])
