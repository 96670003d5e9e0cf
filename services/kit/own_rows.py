"""Each process sends the mails and publishes the facts it stored; another's only once they
are left over.

Several processes of a service share one ``mail_outbox``. When every sender read every pending
row, each process decoded the rows of all the others too (FerretDB v1 decodes each row it
filters by anything but plain equality: here the bodies and calendar files of a crowd's mails)
and then found them claimed: with three dialogue processes a join cost about 2.5 times the
database CPU of one (``bench/scaling.py``, docs/performance.md). Now a row carries its
``writer`` (``process_writer()``), and a sender's usual read asks for its own rows by
equality, which FerretDB hands to PostgreSQL, so it decodes only those.

Rows of a process that died or has fallen behind (older than ``LEFT_OVER_SECONDS``) and rows
without a writer (stored before rows carried one) are looked for every
``LEFT_OVER_LOOK_SECONDS`` by any process;
the claims (``services/kit/mail_claims.py``) keep two processes from sending one row twice.

The outbox relay (``services/kit/relay.py``) reads its rows the same way. When every relay
read every pending fact, two or three processes published most facts two or three times
(``bench/scaling.py`` with three processes: 1,414 facts published again and 1,397 handled
again by consumers per 1,000 joins), all of it work for the broker and every consumer. A fact
left over by a process that died goes out from another within about 15 s, perhaps twice if its
process was only slow: consumers de-duplicate by the envelope's ``id``.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.collection import Collection

from services.kit.deadletters import due

LEFT_OVER_SECONDS = 10.0  # a live sender sends its own long before; older ones need help
LEFT_OVER_LOOK_SECONDS = 5.0  # that look reads every pending row: not on every batch
# Rows per slot (``writer_slot``), as many as the outbox relay's BATCH (services/kit/relay.py):
# a batch of a process's own consecutive rows then spans one or two slots.
SLOT_ROWS = 500

Row = dict[str, Any]

_writer: tuple[int, str] | None = None
_stored = itertools.count()  # rows stored by this process (slots)


def process_writer() -> str:
    """This process's name on the rows it stores (new after a fork: a child is a writer of
    its own)."""
    global _writer
    if _writer is None or _writer[0] != os.getpid():
        _writer = (os.getpid(), str(ObjectId()))
    return _writer[1]


def writer_slot(writer: str) -> str:
    """A tag narrower than the writer for a row it stores: ``<writer>/<n>``, a new ``n`` every
    ``SLOT_ROWS`` rows this process stores. FerretDB v1 hands plain equality to PostgreSQL but
    not ``$in``: deleting a batch by its slots decodes the rows of one or two slots, where the
    writer alone matches every pending row of the process (a whole backlog after an outage)."""
    return f"{writer}/{next(_stored) // SLOT_ROWS}"


class OwnRows:
    """The pending rows of ``collection`` that one sender (``writer``) takes."""

    def __init__(self, collection: Collection, writer: str | None = None) -> None:
        self.collection = collection
        self.writer = writer or process_writer()
        self._left_over_at = float("-inf")  # when the last look for left-over rows ran

    def due_batch(
        self,
        query: dict[str, Any],
        limit: int,
        order: Sequence[str] = ("created_at",),
        left_over_limit: int | None = None,
    ) -> list[Row]:
        """Up to ``limit`` due rows matching ``query``, oldest first (by the fields ``order``):
        this writer's, and now and then left-over rows of others, only while fewer than
        ``left_over_limit`` (``limit`` unless given) of this writer's own wait, and then at
        most that many rows in all."""
        sort = [(name, ASCENDING) for name in order]
        own = {**query, "writer": self.writer, **due()}
        batch = list(self.collection.find(own).sort(sort).limit(limit))
        now = time.monotonic()
        left_over_limit = limit if left_over_limit is None else left_over_limit
        if len(batch) < left_over_limit and now - self._left_over_at >= LEFT_OVER_LOOK_SECONDS:
            self._left_over_at = now
            before = datetime.now(UTC) - timedelta(seconds=LEFT_OVER_SECONDS)
            # Another's row once it is old; a row without a writer (stored before rows had
            # one, or by a tool) at once.
            left_over = [{"writer": None}, {"created_at": {"$lte": before}}]
            others = {
                **query,
                **due(),
                "writer": {"$ne": self.writer},
                "$and": [{"$or": left_over}],
            }
            found = self.collection.find(others).sort(sort)
            batch += list(found.limit(left_over_limit - len(batch)))
            # Oldest first across both reads: a dead process's rows before this one's newer.
            batch.sort(key=lambda row: _sort_key(row, order))
        return batch

    def find(self, rows: Iterable[Row], query: dict[str, Any], fields: Any = None) -> list[Row]:
        """The stored versions of ``rows`` that match ``query``, read by writer and slot: the
        rows of one writer (and slot, ``writer_slot``) by equality (handed to PostgreSQL),
        older rows without a writer by id alone."""
        found: list[Row] = []
        for (writer, slot), ids in _ids_by_tag(rows).items():
            found += self.collection.find({**_of(writer, slot, ids), **query}, fields)
        return found

    def delete(self, rows: Iterable[Row]) -> None:
        """Delete ``rows``: one write per writer among them, or per slot where rows name one
        (``writer_slot``), usually one or two."""
        for (writer, slot), ids in _ids_by_tag(rows).items():
            self.collection.delete_many(_of(writer, slot, ids))


def _sort_key(row: Row, order: Sequence[str]) -> tuple[Any, ...]:
    """``order``'s fields of ``row``; a missing one sorts last instead of failing to compare."""
    return tuple(
        (row.get(name) is None, row.get(name) if row.get(name) is not None else 0) for name in order
    )


Tag = tuple[str | None, str | None]  # (writer, slot) of a row; either may be missing


def _ids_by_tag(rows: Iterable[Row]) -> dict[Tag, list[Any]]:
    grouped: dict[Tag, list[Any]] = {}
    for row in rows:
        grouped.setdefault((row.get("writer"), row.get("slot")), []).append(row["_id"])
    return grouped


def _of(writer: str | None, slot: str | None, ids: list[Any]) -> dict[str, Any]:
    query: dict[str, Any] = {"_id": ids[0]} if len(ids) == 1 else {"_id": {"$in": ids}}
    if writer is not None:
        query["writer"] = writer
    if slot is not None:
        query["slot"] = slot
    return query
