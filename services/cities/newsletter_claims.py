"""Who stores the mail of one newsletter delivery: a claim, so two processes never both do.

Before a process stores the mail of a delivery it claims the delivery by *inserting*
``<delivery>:<generation>`` into ``newsletter_claims``. The insert against the unique ``_id``
is the atomic step: exactly one process succeeds. (A conditional update — a
``find_one_and_update`` from "pending" to "claimed" — is not atomic on FerretDB 1.x: measured
with two threads on 150 documents, both "won" 252 times; the kit's mailer claims the same way,
``services/kit/mail.py``.)

A claim older than ``CLAIM_TIMEOUT`` belongs to a process that died (or froze) between claiming
and marking the delivery queued: the next generation ``<delivery>:<n+1>`` is inserted, again by
exactly one process. A process whose claim was taken over in the meantime sees the next
generation (``lost``) and neither marks nor releases: the taker does. Claims hold no address
of their own but the delivery's key, and go when the issue is sent. Database calls only
through the collection handed in; no nameko, no mongoengine.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from services.kit.db import stored_before

# A batch of 50 mails is stored in well under a second; two minutes mean a dead process.
CLAIM_TIMEOUT = 120.0
GENERATIONS = 20  # take-overs of one delivery before it waits for a person to look
# This process, in each claim (what an operator reads when a claim stays).
PROCESS = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _key(delivery_id: str, generation: int) -> str:
    return f"{delivery_id}:{generation}"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _row(issue_id: str, delivery_id: str, generation: int, now: datetime) -> dict[str, Any]:
    return {
        "_id": _key(delivery_id, generation),
        "issue": issue_id,
        "by": PROCESS,
        "at": now,
    }


def claim_one(
    claims: Collection, issue_id: str, delivery_id: str, now: datetime, start: int = 0
) -> str | None:
    """The claim key if this process may store the delivery's mail now; None while another
    process holds a claim younger than ``CLAIM_TIMEOUT``."""
    for generation in range(start, GENERATIONS):
        try:
            claims.insert_one(_row(issue_id, delivery_id, generation, now))
            return _key(delivery_id, generation)
        except DuplicateKeyError:
            held = claims.find_one({"_id": _key(delivery_id, generation)})
            if held is None:  # the issue was finished and its claims went: nothing to do
                return None
            if (now - _aware(held["at"])).total_seconds() < CLAIM_TIMEOUT:
                return None
    return None


def claim(
    claims: Collection, issue_id: str, delivery_ids: Iterable[str], now: datetime
) -> dict[str, str]:
    """Claim a batch: delivery id → claim key for each delivery this process may store.

    One write for the usual case (nobody else on this batch); a delivery claimed before is
    looked at on its own (a live claim is left, a stale one taken over)."""
    ids = list(delivery_ids)
    if not ids:
        return {}
    taken = stored_before(claims, [_row(issue_id, d, 0, now) for d in ids])
    mine = {d: _key(d, 0) for index, d in enumerate(ids) if index not in taken}
    for index in sorted(taken):
        key = claim_one(claims, issue_id, ids[index], now, start=0)
        if key is not None:
            mine[ids[index]] = key
    return mine


def lost(claims: Collection, keys: Iterable[str]) -> set[str]:
    """The claim keys another process has taken over since (a next generation exists)."""
    following = {}
    for key in keys:
        delivery_id, _, generation = key.rpartition(":")
        following[_key(delivery_id, int(generation) + 1)] = key
    if not following:
        return set()
    found = claims.find({"_id": {"$in": list(following)}}, {"_id": 1})
    return {following[row["_id"]] for row in found}


def forget(claims: Collection, issue_id: str) -> None:
    """The claims of a sent issue: nothing needs them any more."""
    claims.delete_many({"issue": issue_id})
