"""Claims on mail rows: which process of a service sends which stored mail.

Before a row of ``mail_outbox`` is handed to the SMTP server, the sending process inserts
``<row id>:<attempts>`` into ``mail_outbox_claims``. An insert against the unique ``_id`` is
atomic on FerretDB too (an update is not), so of two processes that read the same row only one
claims it. A whole batch is claimed with one ``insert_many(ordered=False)``; the duplicates the
database refuses are the rows another process holds. A claim older than ``CLAIM_TIMEOUT`` was
left by a process that died before sending: it is taken over once, by inserting
``<row id>:<attempts>:late`` (a second take-over of the same row would need a second dead
process and is not made).

A claim alone is not enough: our batch may be older than a send by another process, which
deletes the row and then its claim. So after claiming, one read of the claimed rows keeps only
those still stored as we read them (not dead, same ``attempts``); the claims of the others are
given back at once.

Costs per batch without contention: one insert and one read; the claims go with one delete
after the batch (``release``). Only a held claim costs one more read (and a late insert).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.collection import Collection

from services.kit.db import stored_before
from services.kit.own_rows import OwnRows

CLAIM_TIMEOUT = 300.0  # seconds after which a claim of a process that died is taken over
LATE = ":late"

Row = dict[str, Any]


def attempts_of(row: Row) -> int:
    return int(row.get("attempts") or 0)


def claim_key(row: Row) -> str:
    """A row's claim for this round of attempts: a failed try counts up and frees it."""
    return f"{row['_id']}:{attempts_of(row)}"


class MailClaims:
    def __init__(self, outbox: Collection, rows: OwnRows | None = None) -> None:
        self.outbox = outbox
        self.rows = rows or OwnRows(outbox)  # reads rows by their writer
        self.claims = outbox.database[f"{outbox.name}_claims"]

    def take(self, batch: list[Row]) -> list[tuple[Row, str]]:
        """The rows of ``batch`` this process may send now, each with its claim, in batch
        order. Every claim returned must be given back with ``release`` after the send."""
        rows = {claim_key(row): row for row in batch}
        won = self._insert(list(rows))
        held = [key for key in rows if key not in won]
        if held:
            won |= self._insert([f"{key}{LATE}" for key in self._stale(held)])
        claimed = [
            (row, key if key in won else f"{key}{LATE}")
            for key, row in rows.items()
            if key in won or f"{key}{LATE}" in won
        ]
        return self._still_stored(claimed)

    def release(self, keys: list[str]) -> None:
        """Give claims back in one write: after the row is deleted (sent), or so that anyone
        may try it again (failed, or the server went away). A late claim takes the dead
        process's claim with it."""
        if keys:
            plain = [key.removesuffix(LATE) for key in keys if key.endswith(LATE)]
            self.claims.delete_many({"_id": {"$in": [*keys, *plain]}})

    def _insert(self, keys: list[str]) -> set[str]:
        """The keys this process inserted; a duplicate is held by another process."""
        if not keys:
            return set()
        now = datetime.now(UTC)
        held = stored_before(self.claims, [{"_id": key, "at": now} for key in keys])
        return {key for index, key in enumerate(keys) if index not in held}

    def _stale(self, keys: list[str]) -> list[str]:
        """The held claims old enough to be a dead process's. A claim gone since the insert
        was given back by a live one: not ours this batch."""
        limit = datetime.now(UTC) - timedelta(seconds=CLAIM_TIMEOUT)
        found = self.claims.find({"_id": {"$in": keys}})
        return [claim["_id"] for claim in found if claim["at"].replace(tzinfo=UTC) <= limit]

    def _still_stored(self, claimed: list[tuple[Row, str]]) -> list[tuple[Row, str]]:
        """Only a row still stored as we read it, with the same attempts, is ours to send."""
        if not claimed:
            return []
        found = self.rows.find([row for row, _ in claimed], {"dead_at": None}, {"attempts": 1})
        stored = {row["_id"]: attempts_of(row) for row in found}
        ours = [(row, key) for row, key in claimed if stored.get(row["_id"]) == attempts_of(row)]
        if len(ours) < len(claimed):
            kept = {key for _, key in ours}
            self.release([key for _, key in claimed if key not in kept])
        return ours
