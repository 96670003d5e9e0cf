"""Dead letters: a stored message that keeps failing is set aside while the others go on.

Three queues the platform drains itself keep their work as rows in the service's database:

| kind       | collection         | drained by                                  |
|------------|--------------------|---------------------------------------------|
| `mail`     | `mail_outbox`      | ``services.kit.mail.SmtpSender``            |
| `outbox`   | `outbox`           | ``services.kit.relay.OutboxRelay``          |
| `consumer` | `consumer_retries` | ``services.kit.retries.ConsumerRetries``    |

A row that fails for a reason of its own (not because the SMTP server, the broker or the
database is away: that stops the batch and counts against nobody) gets ``attempts`` + 1,
``last_error`` and ``next_attempt_at`` (exponential backoff); the loops take only rows that are
due, so the next row goes out at once. After ``STADTDIALOG_RETRY_ATTEMPTS`` failures
``dead_at`` is set and the loops skip the row for good, until an operator retries it (a fresh
round of attempts) or drops it: ``stadtdialog deadletters list|retry|drop``, through the
``ops_deadletters_*`` RPCs every service has (``OperationsMixin``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.database import Database

from services.kit.config import Settings, load_settings
from services.kit.errors import Invalid, NotFound
from services.kit.headers import header_value

log = logging.getLogger(__name__)

KINDS: dict[str, str] = {"mail": "mail_outbox", "outbox": "outbox", "consumer": "consumer_retries"}
ERROR_LENGTH = 500
LIST_LIMIT = 500


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int
    backoff: float
    backoff_max: float

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> RetryPolicy:
        settings = settings or load_settings()
        return cls(
            settings.retry_attempts,
            settings.retry_backoff_seconds,
            settings.retry_backoff_max_seconds,
        )

    def delay(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failure: doubling, capped."""
        return min(self.backoff * 2 ** max(attempts - 1, 0), self.backoff_max)


def due(now: datetime | None = None) -> dict[str, Any]:
    """The filter part that keeps dead rows and rows waiting out their backoff out of a batch.
    Rows of older versions have no ``next_attempt_at``: they are due."""
    now = now or datetime.now(UTC)
    return {
        "dead_at": None,
        "$or": [{"next_attempt_at": None}, {"next_attempt_at": {"$lte": now}}],
    }


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]


def record_failure(
    collection: Collection,
    row: dict[str, Any],
    exc: BaseException,
    policy: RetryPolicy,
    what: str,
    extra: dict[str, Any] | None = None,
) -> bool:
    """Count one failure of ``row``; returns True when it is now a dead letter."""
    attempts = int(row.get("attempts") or 0) + 1
    now = datetime.now(UTC)
    dead = attempts >= policy.attempts
    change: dict[str, Any] = {
        "attempts": attempts,
        "last_error": describe(exc),
        "failed_at": now,
        "next_attempt_at": None if dead else now + timedelta(seconds=policy.delay(attempts)),
        "dead_at": now if dead else None,
        **(extra or {}),
    }
    collection.update_one({"_id": row["_id"]}, {"$set": change})
    if dead:
        log.error("%s %s is a dead letter after %d attempts: %s", what, row["_id"], attempts, exc)
    else:
        log.warning(
            "%s %s failed (attempt %d), tried again later: %s", what, row["_id"], attempts, exc
        )
    return dead


def _summary(kind: str, row: dict[str, Any]) -> str:
    """What an operator needs to recognise the message, without its content."""
    if kind == "mail":
        to = str(row.get("to") or "")
        domain = to.rpartition("@")[2]
        return f"an …@{domain}: {header_value(str(row.get('subject') or ''))}"[:200]
    if kind == "outbox":
        envelope = row.get("envelope") if isinstance(row.get("envelope"), dict) else {}
        return f"{envelope.get('type')} ({envelope.get('city') or '-'})"[:200]
    return f"{row.get('queue')}: {row.get('key')}"[:200]


def _iso(value: Any) -> str | None:
    if not isinstance(value, datetime):
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


class DeadLetters:
    """List, retry and drop the dead letters of one service's database."""

    def __init__(self, database: Database, service: str) -> None:
        self.database = database
        self.service = service

    def counts(self) -> dict[str, int]:
        return {
            kind: self.database[name].count_documents({"dead_at": {"$ne": None}})
            for kind, name in KINDS.items()
        }

    def list(self) -> list[dict[str, Any]]:
        found = []
        for kind, name in KINDS.items():
            rows = (
                self.database[name]
                .find({"dead_at": {"$ne": None}})
                .sort("dead_at", ASCENDING)
                .limit(LIST_LIMIT)
            )
            for row in rows:
                found.append(
                    {
                        "id": f"{self.service}:{kind}:{row['_id']}",
                        "service": self.service,
                        "kind": kind,
                        "summary": _summary(kind, row),
                        "attempts": int(row.get("attempts") or 0),
                        "last_error": row.get("last_error"),
                        "created_at": _iso(row.get("created_at")),
                        "dead_at": _iso(row.get("dead_at")),
                    }
                )
        return found

    def _locate(self, letter_id: Any) -> tuple[Collection, dict[str, Any], str]:
        parts = letter_id.split(":", 2) if isinstance(letter_id, str) else []
        if len(parts) != 3 or parts[0] != self.service or parts[1] not in KINDS or not parts[2]:
            raise Invalid(fields={"id": ["Not a dead letter id of this service."]})
        kind, raw = parts[1], parts[2]
        key: Any = ObjectId(raw) if kind == "mail" and ObjectId.is_valid(raw) else raw
        collection = self.database[KINDS[kind]]
        query = {"_id": key, "dead_at": {"$ne": None}}
        if collection.find_one(query, {"_id": 1}) is None:
            raise NotFound("No such dead letter.")
        return collection, query, kind

    def retry(self, letter_id: str) -> dict[str, Any]:
        """A fresh round of attempts, from now on."""
        collection, query, kind = self._locate(letter_id)
        change: dict[str, Any] = {
            "dead_at": None,
            "attempts": 0,
            "next_attempt_at": datetime.now(UTC),
        }
        if kind == "consumer":
            change["in_queue"] = False  # the retry loop puts it on its queue again
        collection.update_one(query, {"$set": change})
        log.warning("dead letter %s retried by an operator", letter_id)
        return {"id": letter_id, "retried": True}

    def drop(self, letter_id: str) -> dict[str, Any]:
        collection, query, _ = self._locate(letter_id)
        collection.delete_one(query)
        log.warning("dead letter %s dropped by an operator", letter_id)
        return {"id": letter_id, "dropped": True}
