"""Database commands counted per service and per origin (pymongo command monitoring).

``stadtdialog_db_commands_total{service, origin, command}`` counts every command a service
process sends to its database: ``origin`` is the entrypoint that sent it (``rpc:join_talk``,
``event:on_city_fact``), a background loop (``loop:outbox`` — its polls that found nothing
are counted as the command ``find:empty``), ``scrape`` (the metrics collector's own reads) or
``other`` (start-up). ``bench/round_trips.py`` reads it to count the database round trips of
one action. Switched off with ``STADTDIALOG_DB_COMMAND_METRICS=0``.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Counter
from pymongo import monitoring

DB_COMMANDS = Counter(
    "stadtdialog_db_commands",
    "Database commands sent by this process, by service database, origin and command.",
    ("service", "origin", "command"),
)

_origin: contextvars.ContextVar[str] = contextvars.ContextVar(
    "stadtdialog_db_origin", default="other"
)


def bind_origin(origin: str) -> contextvars.Token:
    """Name what the current green thread's database commands are counted for."""
    return _origin.set(origin)


def reset_origin(token: contextvars.Token) -> None:
    try:
        _origin.reset(token)
    except ValueError:  # set in another context: just clear
        _origin.set("other")


@contextmanager
def origin(name: str) -> Iterator[None]:
    token = bind_origin(name)
    try:
        yield
    finally:
        reset_origin(token)


def _service_of(database: str) -> str:
    # Databases are named <prefix>_<service> (Settings.database_name); services have no "_".
    return database.rsplit("_", 1)[-1] if database else "-"


class CommandCounter(monitoring.CommandListener):
    """Counts on success and failure (a refused insert is a round trip too)."""

    def __init__(self) -> None:
        self._names: dict[int, tuple[str, str, str]] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self._names[event.request_id] = (
            _service_of(event.database_name),
            _origin.get(),
            event.command_name,
        )

    def _count(
        self,
        event: monitoring.CommandSucceededEvent | monitoring.CommandFailedEvent,
        empty: bool = False,
    ) -> None:
        service, where, command = self._names.pop(
            event.request_id, (_service_of(event.database_name), _origin.get(), event.command_name)
        )
        if empty and where.startswith("loop:"):
            command = f"{command}:empty"
        DB_COMMANDS.labels(service, where, command).inc()

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        empty = False
        if event.command_name == "find":
            cursor = event.reply.get("cursor") if isinstance(event.reply, dict) else None
            empty = isinstance(cursor, dict) and not cursor.get("firstBatch")
        self._count(event, empty)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._count(event)


_registered = False


def register() -> None:
    """Once per process, before the first client is made (pymongo reads global listeners then)."""
    global _registered
    if _registered or os.environ.get("STADTDIALOG_DB_COMMAND_METRICS", "1") == "0":
        return
    _registered = True
    monitoring.register(CommandCounter())
