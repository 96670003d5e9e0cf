"""Consumed messages that fail: counted per message, tried again after a backoff, then set aside.

nameko requeues a message whose handler raised (``requeue_on_error=True``) at once and for
ever: a message that always fails (a malformed fact, a bug met by one input) loops through
the service without end and keeps one worker busy with it. The kit's ``@event_handler`` and
``@consume`` (``services.kit.messaging``) hand such a failure here instead:

1. the message (raw body, content type, headers) is stored in the service's
   ``consumer_retries`` collection, keyed by queue and envelope id, with ``attempts``,
   ``last_error`` and ``next_attempt_at`` (``services.kit.deadletters.record_failure``), and
   acknowledged: the queue goes on with the next message at once;
2. a ``DrainLoop`` of this shared extension puts it back on its own queue (default exchange,
   routing key = queue name, so only the handler that failed sees it again) when it is due,
   marked with the ``x-stadtdialog-retry`` header; a retried message that succeeds deletes
   its row;
3. after ``STADTDIALOG_RETRY_ATTEMPTS`` failures it is a dead letter, for an operator to
   retry or drop (``stadtdialog deadletters``).

Why the service's database rather than RabbitMQ's own mechanisms: a dead-letter exchange with
TTL'd retry queues, or quorum queues' ``x-delivery-limit``, would change the arguments of the
existing queues (RabbitMQ refuses to redeclare a queue with other arguments, so every
deployment would have to delete and recreate its queues), nameko acknowledges rather than
rejects a failed message (no dead-lettering happens), quorum queues redeliver without any
delay, and an operator could not list, retry or drop a parked message by id without taking
the whole parking queue apart. The database keeps the three kinds of dead letters (mail,
outbox, consumers) in one shape that the same commands serve.

A failure because a peer is away (database, broker) is not stored: nameko's requeue stands,
as before, and the message counts against nobody.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import Binary
from kombu import Connection, Producer
from nameko.extensions import SharedExtension
from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from services.kit.config import load_settings
from services.kit.db import connect
from services.kit.deadletters import KINDS, RetryPolicy, due, record_failure
from services.kit.loop import DrainLoop

log = logging.getLogger(__name__)

RETRY_HEADER = "x-stadtdialog-retry"
COLLECTION = KINDS["consumer"]
BATCH = 100
STALE = timedelta(minutes=10)


def message_key(message: Any) -> str:
    """The envelope id, else a digest of the body (a message that is not one of our envelopes)."""
    try:
        payload = message.payload
    except Exception:  # noqa: BLE001 - a body that does not decode is still one message
        payload = None
    if isinstance(payload, dict) and isinstance(payload.get("id"), str) and payload["id"]:
        return payload["id"][:200]
    return "sha256-" + hashlib.sha256(_body(message)).hexdigest()


def _body(message: Any) -> bytes:
    body = message.body
    return body if isinstance(body, bytes) else str(body).encode()


def row_id(queue: str, key: str) -> str:
    return hashlib.sha256(f"{queue}|{key}".encode()).hexdigest()[:32]


class ConsumerRetries(SharedExtension):
    """One per service container, shared by its kit entrypoints that retry on error."""

    def __init__(self) -> None:
        self.collection: Collection | None = None
        self.loop: DrainLoop | None = None
        self.wanted = False
        self._connection: Connection | None = None

    def setup(self) -> None:
        settings = load_settings()
        self.amqp_uri = settings.amqp_uri
        self.policy = RetryPolicy.from_settings(settings)
        service = self.container.service_name
        self.collection = connect(service, settings)[COLLECTION]
        self.collection.create_index([("dead_at", ASCENDING)])
        self.loop = DrainLoop(
            f"consumer retries of {service}", self.republish_due, 1.0, on_failure=self._close
        )

    def register(self) -> None:
        self.wanted = True  # an entrypoint with requeue_on_error: run the loop

    def start(self) -> None:
        if self.wanted and self.loop is not None:
            self.container.spawn_managed_thread(self.loop.run, identifier=self.loop.name)

    def stop(self) -> None:
        if self.loop is not None:
            self.loop.stop()
        self._close()

    def kill(self) -> None:
        self.stop()

    # ------------------------------------------------------------------ called by entrypoints
    def failed(self, queue: str, message: Any, exc: BaseException) -> None:
        """Store one failure of ``message`` (taken from ``queue``); the caller then acks it."""
        assert self.collection is not None
        key = message_key(message)
        headers = {k: v for k, v in (message.headers or {}).items() if k != RETRY_HEADER}
        row = {
            "_id": row_id(queue, key),
            "queue": queue,
            "key": key,
            "body": Binary(_body(message)),
            "content_type": message.content_type,
            "content_encoding": message.content_encoding,
            # JSON text: nameko's header names contain dots, which FerretDB refuses as keys.
            "headers": json.dumps(headers, default=str),
            "created_at": datetime.now(UTC),
            "attempts": 0,
            "in_queue": True,  # not due before record_failure sets next_attempt_at
            "dead_at": None,
        }
        found = self.collection.find_one({"_id": row["_id"]})
        if found is None:
            try:
                self.collection.insert_one(row)
                found = row
            except DuplicateKeyError:
                found = self.collection.find_one({"_id": row["_id"]}) or row
        record_failure(
            self.collection,
            found,
            exc,
            self.policy,
            f"message {key} on {queue}",
            {"in_queue": False},
        )

    def succeeded(self, queue: str, message: Any) -> None:
        """A retried message went through: its row goes (first deliveries have none)."""
        if self.collection is not None and (message.headers or {}).get(RETRY_HEADER):
            self.collection.delete_one({"_id": row_id(queue, message_key(message))})

    # ------------------------------------------------------------------ the loop
    def _producer(self) -> Producer:
        if self._connection is None:
            self._connection = Connection(
                self.amqp_uri, transport_options={"confirm_publish": True}, connect_timeout=5
            )
        return Producer(self._connection.default_channel)

    def _close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # noqa: BLE001 - a dead connection may fail to close
                pass
            self._connection = None

    def republish_due(self) -> int:
        """Put due messages back on their queues; raises while the broker is away."""
        assert self.collection is not None
        now = datetime.now(UTC)
        query = {
            "$or": [
                {"in_queue": False, **due(now)},
                # Put on its queue, but never heard of again (the process died between the
                # two writes below, or the queue was purged): once more, at-least-once.
                {"in_queue": True, "dead_at": None, "queued_at": {"$lt": now - STALE}},
            ]
        }
        batch = list(self.collection.find(query).sort("created_at", ASCENDING).limit(BATCH))
        if not batch:
            return 0
        producer = self._producer()
        for row in batch:
            # Marked first: the consumer may take the message and fail again (in_queue False)
            # before a mark written after the publish would land, and that mark would then
            # hide the row from this loop for good.
            self.collection.update_one(
                {"_id": row["_id"]}, {"$set": {"in_queue": True, "queued_at": now}}
            )
            headers = json.loads(row.get("headers") or "{}")
            headers[RETRY_HEADER] = int(row.get("attempts") or 0)
            try:
                producer.publish(
                    bytes(row["body"]),
                    exchange="",
                    routing_key=row["queue"],
                    content_type=row.get("content_type") or "application/json",
                    content_encoding=row.get("content_encoding") or "utf-8",
                    headers=headers,
                    delivery_mode=2,
                    retry=False,
                )
            except Exception:
                self.collection.update_one({"_id": row["_id"]}, {"$set": {"in_queue": False}})
                raise
        return len(batch)
