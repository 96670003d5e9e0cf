"""Idempotent consumption: an event id seen before is ignored.

Delivery is at-least-once (the outbox may publish twice, the broker may redeliver), so each
handler records the ids it has processed in its service's ``processed_events`` collection.
The record is written after the handler succeeded, so a crash mid-way means a redelivery is
processed again: handlers therefore write idempotently (upserts, unique keys).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from services.kit.db import connect


class ProcessedEvents:
    def __init__(self, collection: Collection) -> None:
        self.collection = collection

    def _key(self, handler: str, event_id: str) -> str:
        return f"{handler}:{event_id}"

    def seen(self, handler: str, event_id: str) -> bool:
        return self.collection.find_one({"_id": self._key(handler, event_id)}) is not None

    def mark(self, handler: str, event_id: str) -> None:
        try:
            self.collection.insert_one(
                {"_id": self._key(handler, event_id), "at": datetime.now(UTC)}
            )
        except DuplicateKeyError:
            pass  # a concurrent redelivery got there first: the fact is recorded either way


def idempotent(service: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a nameko ``@event_handler`` method taking the envelope: duplicates are skipped."""

    def decorate(handler: Callable[..., Any]) -> Callable[..., Any]:
        name = f"{handler.__module__}.{handler.__qualname__}"
        store: dict[str, ProcessedEvents] = {}

        @functools.wraps(handler)
        def wrapper(self: Any, envelope: dict[str, Any]) -> Any:
            if "db" not in store:
                store["db"] = ProcessedEvents(connect(service)["processed_events"])
            processed = store["db"]
            event_id = envelope.get("id")
            if event_id and processed.seen(name, event_id):
                return None
            result = handler(self, envelope)
            if event_id:
                processed.mark(name, event_id)
            return result

        return wrapper

    return decorate
