"""The outbox relay: publishes a service's stored facts in batches, one confirm wait per batch.

A batch is up to ``BATCH`` due rows, oldest first: this process's rows (read up to
``READ_AHEAD`` at once when a backlog waits), and now and then rows another process left over
(``services.kit.own_rows``). Every row becomes one message to the
service's nameko event exchange and, for a public fact, one to ``stadtdialog.public``; all go
out on one confirm-mode channel (``services.kit.confirms``), and the relay then waits once for
the broker's answers. Rows whose every message was acked move to ``outbox_published`` (one
insert of all, then a delete per slot, ``OwnRows.delete``); nothing moves before its ack.
What the broker nacked or never answered stays in ``outbox`` and goes out again
(at-least-once: consumers de-duplicate by envelope ``id``):

* a nack (a quorum queue between leaders while a cluster node stops) is not the fact's fault:
  no attempt is counted, the relay drops its connection and raises, and the loop retries;
* the broker or the connection going away (or no answer within ``IO_TIMEOUT_SECONDS``) raises
  the same way; the loop backs off and retries on a fresh connection;
* the broker closing the channel means it refused one message (too large, …) without saying
  which: the rows not yet confirmed are sent again one at a time, so the one it refuses is
  counted against (``record_failure``) and the others go out;
* a row that cannot be serialised or validated is counted against before anything is sent.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from amqp import Message
from amqp.exceptions import AMQPError, MessageNacked
from kombu import Connection, Exchange
from kombu.serialization import dumps
from nameko.standalone.events import get_event_exchange
from pymongo.collection import Collection

from services.kit import cloudevents
from services.kit.confirms import ConfirmBatch
from services.kit.db import stored_before
from services.kit.deadletters import RetryPolicy, record_failure
from services.kit.events import PUBLIC_EXCHANGE, public_routing_key, validate_envelope
from services.kit.handed_rows import HandedRows
from services.kit.messaging import BROKER_GONE
from services.kit.own_rows import OwnRows

PUBLISHED_RETENTION = timedelta(days=1)
CLEANUP_EVERY_SECONDS = 600
# Rows per confirm wait: enough to empty a burst, small enough for one write (own_rows.SLOT_ROWS
# is as many, so that a batch's delete covers one or two slots).
BATCH = 500
# Own rows read at once when many wait (a backlog after an outage). FerretDB v1 sorts a
# filter's every match in memory, so each read of a batch read the whole backlog: reading 500
# at a time made draining it quadratic. The rows beyond the first batch are kept for the next
# calls for at most AHEAD_SECONDS, which bounds how stale a kept row can be. Rows another
# process left over are still read a batch at most at a time (never kept). Rows this process's
# writer hands over (handed_rows) go out without a read; the outbox is read at least every
# AHEAD_SECONDS all the same.
READ_AHEAD = 5_000
AHEAD_SECONDS = 5.0
LINGER_SECONDS = 0.02  # after a wake-up and between small batches: a burst coalesces
IO_TIMEOUT_SECONDS = 10

# (exchange, routing key, message) for one publish
Outgoing = tuple[Exchange, str, Message]


def public_exchange() -> Exchange:
    return Exchange(PUBLIC_EXCHANGE, type="topic", durable=True)


def published_of(outbox: Collection) -> Collection:
    """Where the relay moves confirmed rows: ``outbox`` -> ``outbox_published``."""
    return outbox.database[f"{outbox.name}_published"]


def _message(envelope: dict[str, Any], serializer: str) -> Message:
    """The message kombu's ``Producer.publish`` would build: persistent, no headers."""
    content_type, content_encoding, body = dumps(envelope, serializer=serializer)
    return Message(
        body,
        priority=0,
        content_type=content_type,
        content_encoding=content_encoding,
        application_headers={},
        delivery_mode=2,
    )


def envelope_messages(envelope: dict[str, Any], public: bool) -> list[Outgoing]:
    """Where one fact goes: the service's nameko event exchange (routing key = type) and, for a
    public fact, ``stadtdialog.public`` (``<city>.<service>.…``, CloudEvents content type)."""
    match = validate_envelope(envelope)
    internal = get_event_exchange(match["service"], {})
    outgoing = [(internal, envelope["type"], _message(envelope, "json"))]
    if public:
        outgoing.append(
            (
                public_exchange(),
                public_routing_key(envelope),
                _message(envelope, cloudevents.SERIALIZER),
            )
        )
    return outgoing


class OutboxRelay:
    """Publishes pending envelopes of one service; safe to run in several processes at once."""

    def __init__(
        self,
        collection: Collection,
        service: str,
        amqp_uri: str,
        policy: RetryPolicy | None = None,
        writer: str | None = None,
    ) -> None:
        """``writer``: whose rows this relay publishes first (this process's by default)."""
        self.collection = collection
        self.rows = OwnRows(collection, writer)
        self.policy = policy or RetryPolicy.from_settings()
        self.published = published_of(collection)
        self.service = service
        self.amqp_uri = amqp_uri
        self._connection: Connection | None = None
        self._confirms: ConfirmBatch | None = None
        self._declared: set[str] = set()  # exchanges declared on the current channel
        self._last_cleanup = float("-inf")
        self._small_batch_at = float("-inf")  # when the last batch that was not full went out
        self._ahead: list[dict[str, Any]] = []  # rows read, not yet tried, oldest first
        self._read_at = float("-inf")  # when the outbox was last read
        # Rows this process's writer stored and handed over (newer than _ahead).
        self.handed = HandedRows(READ_AHEAD)

    def _channel(self) -> ConfirmBatch:
        if self._connection is None:
            # Every wait on the socket is bounded: a broker that goes away mid-publish without
            # closing the connection (or stalls while it starts again) raises a timeout, so the
            # loop drops the connection and retries instead of waiting for a confirm forever.
            self._connection = Connection(
                self.amqp_uri,
                transport_options={
                    "read_timeout": IO_TIMEOUT_SECONDS,
                    "write_timeout": IO_TIMEOUT_SECONDS,
                },
                connect_timeout=5,
            )
        if self._confirms is None:
            # default_channel connects; it raises while the broker is away.
            self._confirms = ConfirmBatch(self._connection.default_channel)
            self._declared = set()
        return self._confirms

    def close(self) -> None:
        self._confirms = None
        self._forget()
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # noqa: BLE001 - a dead connection may fail to close; we drop it
                pass
            self._connection = None

    def publish_pending(self) -> int:
        """Publish one batch of due rows; returns how many were tried. Raises while the broker
        is away or refuses for now (nothing of the batch counted against); a row that fails on
        its own is counted (``record_failure``)."""
        self._drop_old_published()
        # A steady stream: at most one small batch per linger, so that rows gather and one batch
        # (a read, a confirm wait, a move) carries many instead of one each (bench/event_stream).
        pause = self._small_batch_at + LINGER_SECONDS - time.monotonic()
        if pause > 0:
            time.sleep(pause)  # green under nameko (eventlet patches time.sleep)
        try:
            return self._publish_batch()
        except BaseException:
            self._forget()
            raise

    def _forget(self) -> None:
        """After a failure: read afresh, so the rows left pending go out first and in order."""
        self._ahead = []
        self.handed.forget()

    def _publish_batch(self) -> int:
        batch = self._next_batch()
        if not batch:
            return 0
        if len(batch) < BATCH:
            self._small_batch_at = time.monotonic()
        ready: list[tuple[dict[str, Any], list[Outgoing]]] = []
        for row in batch:
            try:
                ready.append((row, envelope_messages(row["envelope"], bool(row.get("public")))))
            except Exception as exc:  # noqa: BLE001 - isolate this row, publish the others
                record_failure(self.collection, row, exc, self.policy, f"{self.service} fact")
        if not ready:  # every row failed on its own: no channel needed
            return len(batch)
        moved: set[Any] = set()
        try:
            self._send(ready, moved)
        except BROKER_GONE:
            raise
        except AMQPError:
            # The broker closed the channel: it refused one message and does not say which.
            # One at a time on fresh channels finds it; the others go out.
            self.close()
            for row, outgoing in ready:
                if row["_id"] not in moved:
                    self._send_alone(row, outgoing, moved)
        return len(batch)

    def _next_batch(self) -> list[dict[str, Any]]:
        """Up to ``BATCH`` due rows, oldest first.

        Its own process's rows, and now and then rows another process left over: several
        processes' relays no longer publish each fact once each (services/kit/own_rows.py).
        Served from the last read while it is fresh, then from the rows the writer handed over
        (newer than every row read); the outbox is read when neither holds a row, and at least
        every AHEAD_SECONDS. (A row whose retry falls due meanwhile waits for the next read.)"""
        fresh = time.monotonic() - self._read_at <= AHEAD_SECONDS
        if not fresh or not (self._ahead or len(self.handed)):
            self.handed.begin_read()
            self._ahead = self.rows.due_batch(
                {"published_at": None},
                READ_AHEAD,
                order=("created_at", "order"),
                left_over_limit=BATCH,  # as before the read-ahead: a look only when idle
            )
            self._read_at = time.monotonic()
            # Left-over rows are looked for only while fewer than a batch of one's own wait, so
            # a read this short found every pending row of this process.
            complete = len(self._ahead) < READ_AHEAD
            self.handed.read_back((row["_id"] for row in self._ahead), complete)
        batch, self._ahead = self._ahead[:BATCH], self._ahead[BATCH:]
        return batch + self.handed.take(BATCH - len(batch))

    def _send_alone(self, row: dict[str, Any], outgoing: list[Outgoing], moved: set[Any]) -> None:
        try:
            self._send([(row, outgoing)], moved)
        except BROKER_GONE:
            raise
        except AMQPError as exc:  # this is the message the broker refuses
            self.close()
            record_failure(self.collection, row, exc, self.policy, f"{self.service} fact")

    def _send(self, ready: list[tuple[dict[str, Any], list[Outgoing]]], moved: set[Any]) -> None:
        """Publish every message of ``ready``, wait once, move the confirmed rows (also when
        the wait fails: what was acked before moves, the rest stays pending)."""
        confirms = self._channel()
        try:
            for row, outgoing in ready:
                for exchange, routing_key, message in outgoing:
                    if exchange.name not in self._declared:
                        exchange(confirms.channel).declare()
                        self._declared.add(exchange.name)
                    confirms.publish(row["_id"], message, exchange.name, routing_key)
            confirms.wait(IO_TIMEOUT_SECONDS)
        except BaseException:
            # Unanswered messages stay counted in this channel's numbering: never reuse it.
            self.close()
            raise
        finally:
            confirmed, refused = confirms.take()
            # A crash before the delete publishes them again: at-least-once.
            done = [row for row, _ in ready if row["_id"] in confirmed]
            if done:
                self._move_to_published(done)
                moved.update(row["_id"] for row in done)
        if refused:
            # The broker cannot take them now (a quorum queue between leaders while a cluster
            # node stops): not the facts' fault. They wait and are sent again on a fresh
            # connection, counting no attempt.
            self.close()
            raise MessageNacked(f"{len(refused)} of {len(ready)} facts refused for now")

    def _move_to_published(self, rows: Iterable[dict[str, Any]], keep_stamp: bool = False) -> None:
        now = datetime.now(UTC)
        moved = [
            row if keep_stamp else {**row, "published_at": now, "attempts": row["attempts"] + 1}
            for row in rows
        ]
        # Rows published again after a crash between these two writes are there already.
        stored_before(self.published, moved)
        self.rows.delete(moved)

    def move_old_published_rows(self) -> None:
        """Once at start: rows an older version marked published in place move out too."""
        old = list(self.collection.find({"published_at": {"$ne": None}}))
        if old:
            self._move_to_published(old, keep_stamp=True)

    def _drop_old_published(self) -> None:
        """Published rows are kept a day for inspection; dropped at most once per interval."""
        now = time.monotonic()
        if now - self._last_cleanup < CLEANUP_EVERY_SECONDS:
            return
        self._last_cleanup = now
        self.published.delete_many(
            {"published_at": {"$lt": datetime.now(UTC) - PUBLISHED_RETENTION}}
        )
