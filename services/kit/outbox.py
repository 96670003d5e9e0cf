"""The outbox: a fact is stored with the change that causes it, published when the broker answers.

A service writes the change, then ``self.outbox.add(...)`` inserts the envelope into its own
database's ``outbox`` collection before the RPC call returns. A relay green thread in the same
process (``services.kit.relay``) publishes pending envelopes in batches with publisher
confirms and persistent delivery, and moves them to ``outbox_published`` only after the broker
confirmed them (kept a day there for inspection). ``outbox`` thus holds only what waits:
FerretDB's SQLite backend scans a collection for every filter but ``_id``, and a relay that
looked for its few pending rows among a day of published ones spent about 100 ms per look at
a thousand rows (docs/kit.md).
While the broker is away the envelopes wait; when it is back they go out, oldest first within
a process (each process's relay publishes the rows its process stored, ``services.kit.own_rows``;
another process's rows only once left over, so after an outage longer than that several relays
may publish one another's backlog).
An envelope that fails on its own (it cannot be serialised or validated, the broker refuses it)
is tried again with backoff and then set aside as a dead letter (``services.kit.deadletters``);
the envelopes after it go out meanwhile, so that one is then out of order.
Delivery is at-least-once: consumers de-duplicate by envelope ``id``
(``services.kit.consumer``).

FerretDB has no multi-document transactions, so the change and its outbox entry are two
writes; the window between them is one process crash wide and documented in docs/kit.md.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId, decode, encode
from kombu import Producer
from nameko.standalone.events import get_event_exchange
from pymongo import ASCENDING
from pymongo.collection import Collection

from services.kit import cloudevents
from services.kit.config import load_settings
from services.kit.context import CORRELATION_KEY
from services.kit.correlation import valid_correlation_id
from services.kit.db import connect
from services.kit.events import make_envelope, public_routing_key, validate_envelope
from services.kit.handed_rows import HandedRows
from services.kit.loop import DrainingDependency, DrainLoop
from services.kit.own_rows import process_writer, writer_slot

# The relay lives in services.kit.relay; these names stay importable from here.
from services.kit.relay import (
    BATCH,
    IO_TIMEOUT_SECONDS,
    LINGER_SECONDS,
    OutboxRelay,
    envelope_messages,
    public_exchange,
    published_of,
)

__all__ = [
    "BATCH",
    "Outbox",
    "OutboxRelay",
    "OutboxWriter",
    "envelope_messages",
    "public_exchange",
    "publish_envelope",
    "published_of",
    "stored_rows",
]


def publish_envelope(producer: Producer, envelope: dict[str, Any], public: bool) -> None:
    """Send one fact where consumers expect it: the service's nameko event exchange (routing
    key = type) and, for a public fact, ``stadtdialog.public`` (``<city>.<service>.…``).

    One kombu publish per message (with ``confirm_publish``, one wait each): for tests, tools
    and the benchmark's baseline; the relay sends the same messages in confirmed batches."""
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
        writer: str | None = None,
        handoff: HandedRows | None = None,
    ) -> None:
        """``writer``: the process whose relay publishes these rows (this one by default);
        ``handoff``: the ``handed`` rows of this process's relay, given each stored row
        (services/kit/handed_rows.py)."""
        if handoff is not None and writer is not None:
            raise ValueError("rows are handed only to the relay of the process that stores them")
        self.collection = collection
        self.service = service
        self._wake = wake
        self._handoff = handoff
        self._context = context if context is not None else {}  # the worker's context data
        self._writer = writer

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
        writer = self._writer or process_writer()
        row = {
            "_id": envelope["id"],
            "envelope": envelope,
            "public": public,
            "created_at": datetime.now(UTC),
            # created_at has millisecond precision; the ObjectId orders ties in one process.
            "order": ObjectId(),
            "writer": writer,  # its relay (own_rows.py)
            "slot": writer_slot(writer),  # what the relay deletes a batch by
            "published_at": None,
            "attempts": 0,
        }
        if self._handoff is None:
            self.collection.insert_one(row)
        else:
            # The row as it is stored (milliseconds, UTC), taken before the insert yields: a
            # caller may change what it passed in (``data``) while or after it is stored.
            options = self.collection.codec_options
            stored = decode(encode(row, codec_options=options), options)
            ticket = self._handoff.inserting()
            try:
                self.collection.insert_one(row)
            except BaseException:
                # Stored or not: no row is taken by hand before the relay's next read.
                self._handoff.forget(ticket)
                raise
            self._handoff.offer(stored, ticket)  # the relay need not read it back
        self._wake()
        return envelope

    def pending_count(self) -> int:
        return self.collection.count_documents({"published_at": None, "dead_at": None})


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
        self.relay = relay
        loop = DrainLoop(
            f"outbox relay of {self.service}",
            relay.publish_pending,
            settings.outbox_poll_seconds,
            on_failure=relay.close,
            linger_seconds=LINGER_SECONDS,
        )
        return collection, loop

    def get_dependency(self, worker_ctx) -> OutboxWriter:  # noqa: ANN001 - nameko's signature
        assert self.collection is not None and self.loop is not None
        return OutboxWriter(
            self.collection,
            self.service,
            self.loop.wake,
            worker_ctx.data,
            handoff=self.relay.handed,
        )
