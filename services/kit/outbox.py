"""The outbox: a fact is stored with the change that causes it, published when the broker answers.

A service writes the change, then ``self.outbox.add(...)`` inserts the envelope into its own
database's ``outbox`` collection before the RPC call returns. A relay green thread in the same
process publishes pending envelopes with publisher confirms and persistent delivery, and moves
them to ``outbox_published`` only after the broker confirmed (kept a day there for
inspection). ``outbox`` thus holds only what waits: FerretDB's SQLite backend scans a
collection for every filter but ``_id``, and a relay that looked for its few pending rows
among a day of published ones spent about 100 ms per look at a thousand rows (docs/kit.md).
While the broker is away the envelopes wait; when it is back they go out, oldest first.
An envelope that fails on its own (it cannot be serialised or validated, the broker refuses it)
is tried again with backoff and then set aside as a dead letter (``services.kit.deadletters``);
the envelopes after it go out meanwhile, so that one is then out of order.
Delivery is at-least-once: consumers de-duplicate by envelope ``id``
(``services.kit.consumer``).

FerretDB has no multi-document transactions, so the change and its outbox entry are two
writes; the window between them is one process crash wide and documented in docs/kit.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from amqp.exceptions import AMQPError, MessageNacked
from bson import ObjectId
from kombu import Connection, Exchange, Producer
from nameko.standalone.events import get_event_exchange
from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError

from services.kit import cloudevents
from services.kit.config import load_settings
from services.kit.context import CORRELATION_KEY
from services.kit.correlation import valid_correlation_id
from services.kit.db import connect
from services.kit.deadletters import RetryPolicy, due, record_failure
from services.kit.events import (
    PUBLIC_EXCHANGE,
    make_envelope,
    public_routing_key,
    validate_envelope,
)
from services.kit.loop import DrainingDependency, DrainLoop
from services.kit.messaging import BROKER_GONE

PUBLISHED_RETENTION = timedelta(days=1)
CLEANUP_EVERY_SECONDS = 600
BATCH = 100
DUPLICATE_KEY = 11000
IO_TIMEOUT_SECONDS = 10


def public_exchange() -> Exchange:
    return Exchange(PUBLIC_EXCHANGE, type="topic", durable=True)


def publish_envelope(producer: Producer, envelope: dict[str, Any], public: bool) -> None:
    """Send one fact where consumers expect it: the service's nameko event exchange (routing
    key = type) and, for a public fact, ``stadtdialog.public`` (``<city>.<service>.…``)."""
    match = validate_envelope(envelope)
    internal = get_event_exchange(match["service"], {})
    common = {"delivery_mode": 2, "retry": False, "confirm_timeout": IO_TIMEOUT_SECONDS}
    producer.publish(
        envelope,
        exchange=internal,
        routing_key=envelope["type"],
        declare=[internal],
        serializer="json",
        **common,
    )
    if public:
        exchange = public_exchange()
        producer.publish(
            envelope,
            exchange=exchange,
            routing_key=public_routing_key(envelope),
            declare=[exchange],
            serializer=cloudevents.SERIALIZER,  # application/cloudevents+json
            **common,
        )


def published_of(outbox: Collection) -> Collection:
    """Where the relay moves confirmed rows: ``outbox`` -> ``outbox_published``."""
    return outbox.database[f"{outbox.name}_published"]


def stored_rows(outbox: Collection, query: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows matching ``query``, waiting or published (the last day), for inspection.

    The waiting rows are read first: a row the relay moves between the two reads then shows up
    in both (same ``_id``) and is kept once, as published; read the other way round it would be
    missed."""
    rows = {row["_id"]: row for row in outbox.find(query)}
    rows.update((row["_id"], row) for row in published_of(outbox).find(query))
    return list(rows.values())


class OutboxWriter:
    """What a service method sees as ``self.outbox``."""

    def __init__(
        self,
        collection: Collection,
        service: str,
        wake: Callable[[], None] = lambda: None,
        context: dict[str, Any] | None = None,
    ) -> None:
        self.collection = collection
        self.service = service
        self._wake = wake
        self._context = context if context is not None else {}  # the worker's context data

    def add(
        self,
        entity: str,
        action: str,
        data: dict[str, Any],
        *,
        city: str | None = None,
        subject: str | None = None,
        public: bool = False,
        version: int = 1,
    ) -> dict[str, Any]:
        """Store one fact; ``public`` ones also go to the integration stream (no personal data)."""
        envelope = make_envelope(
            service=self.service,
            entity=entity,
            action=action,
            data=data,
            city=city,
            subject=subject,
            version=version,
            correlationid=valid_correlation_id(self._context.get(CORRELATION_KEY)),
        )
        self.collection.insert_one(
            {
                "_id": envelope["id"],
                "envelope": envelope,
                "public": public,
                "created_at": datetime.now(UTC),
                # created_at has millisecond precision; the ObjectId orders ties in one process.
                "order": ObjectId(),
                "published_at": None,
                "attempts": 0,
            }
        )
        self._wake()
        return envelope

    def pending_count(self) -> int:
        return self.collection.count_documents({"published_at": None, "dead_at": None})


class OutboxRelay:
    """Publishes pending envelopes of one service; safe to run in several processes at once."""

    def __init__(
        self,
        collection: Collection,
        service: str,
        amqp_uri: str,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.collection = collection
        self.policy = policy or RetryPolicy.from_settings()
        self.published = published_of(collection)
        self.service = service
        self.amqp_uri = amqp_uri
        self._connection: Connection | None = None
        self._last_cleanup = float("-inf")

    def _producer(self) -> Producer:
        if self._connection is None:
            # Every wait on the socket is bounded: a broker that goes away mid-publish without
            # closing the connection (or stalls while it starts again) raises a timeout, so the
            # loop drops the connection and retries instead of waiting for a confirm forever.
            self._connection = Connection(
                self.amqp_uri,
                transport_options={
                    "confirm_publish": True,
                    "read_timeout": IO_TIMEOUT_SECONDS,
                    "write_timeout": IO_TIMEOUT_SECONDS,
                },
                connect_timeout=5,
            )
        channel = self._connection.default_channel  # connects, raises while the broker is away
        return Producer(channel)

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # noqa: BLE001 - a dead connection may fail to close; we drop it
                pass
            self._connection = None

    def publish_pending(self) -> int:
        """Publish one batch of due rows; returns how many were tried. Raises while the broker
        is away; a row that fails on its own is counted (``record_failure``)."""
        self._drop_old_published()
        batch = list(
            self.collection.find({"published_at": None, **due()})
            .sort([("created_at", ASCENDING), ("order", ASCENDING)])
            .limit(BATCH)
        )
        if not batch:
            return 0
        producer = self._producer()
        sent: list[dict[str, Any]] = []
        try:
            for row in batch:
                try:
                    # confirm_publish: returns once the broker confirmed (both exchanges).
                    publish_envelope(producer, row["envelope"], public=bool(row.get("public")))
                except BROKER_GONE:
                    raise
                except MessageNacked:
                    # The broker could not take it now (a quorum queue between leaders while a
                    # cluster node stops): not this fact's fault. The batch waits and is sent
                    # again on a fresh connection, counting no attempt.
                    self.close()
                    raise
                except Exception as exc:  # noqa: BLE001 - isolate this row, publish the others
                    record_failure(self.collection, row, exc, self.policy, f"{self.service} fact")
                    if isinstance(exc, AMQPError):  # the broker closed the channel: a new one
                        self.close()
                        producer = self._producer()
                    continue
                sent.append(row)
        finally:
            # Every confirmed row moves, also when the broker went away mid-batch (the rest
            # stays pending). A crash before the delete publishes them again: at-least-once,
            # consumers de-duplicate by envelope id.
            if sent:
                self._move_to_published(sent)
        return len(batch)

    def _move_to_published(self, rows: list[dict[str, Any]], keep_stamp: bool = False) -> None:
        now = datetime.now(UTC)
        moved = [
            row if keep_stamp else {**row, "published_at": now, "attempts": row["attempts"] + 1}
            for row in rows
        ]
        try:
            self.published.insert_many(moved, ordered=False)
        except BulkWriteError as exc:
            # Rows published again after a crash between these two writes are there already.
            if any(e.get("code") != DUPLICATE_KEY for e in exc.details.get("writeErrors", [])):
                raise
        self.collection.delete_many({"_id": {"$in": [row["_id"] for row in rows]}})

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


class Outbox(DrainingDependency):
    """``outbox = Outbox("identity")``: ``self.outbox.add(...)`` plus a relay green thread."""

    def build(self) -> tuple[Collection, DrainLoop]:
        settings = load_settings()
        collection = connect(self.service, settings)["outbox"]
        collection.create_index([("created_at", ASCENDING), ("order", ASCENDING)])
        collection.create_index([("dead_at", ASCENDING)])
        published_of(collection).create_index([("published_at", ASCENDING)])
        relay = OutboxRelay(collection, self.service, settings.amqp_uri)
        relay.move_old_published_rows()
        loop = DrainLoop(
            f"outbox relay of {self.service}",
            relay.publish_pending,
            settings.outbox_poll_seconds,
            on_failure=relay.close,
        )
        return collection, loop

    def get_dependency(self, worker_ctx) -> OutboxWriter:  # noqa: ANN001 - nameko's signature
        assert self.collection is not None and self.loop is not None
        return OutboxWriter(self.collection, self.service, self.loop.wake, worker_ctx.data)
