"""Metrics of every service process, and the dependency that times and logs every worker.

``ServiceObservability`` (a nameko ``DependencyProvider``, carried by
``services.kit.operations.OperationsMixin``) binds the request's correlation id for the worker
(``services/kit/correlation.py``), writes one JSON log line per worker (``services/kit/logs.py``
formats it), times every entrypoint (RPC latency by method and outcome), counts handled events
and their age when handled (queue lag), and reports on each scrape the service's unpublished
outbox rows, its dead letters by kind (``services.kit.deadletters``) and the messages waiting in
its queues. Each service process serves ``/metrics`` on
its own port: ``STADTDIALOG_METRICS_PORT``, else ``STADTDIALOG_METRICS_BASE_PORT`` (default
9100) + 1 + the service's place in the registry (identity 9101, cities 9102, …); ``0`` switches
it off.
"""

from __future__ import annotations

import contextvars
import logging
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, NamedTuple

from nameko.extensions import DependencyProvider
from prometheus_client import Counter, Histogram, start_http_server
from prometheus_client.core import REGISTRY, GaugeMetricFamily
from prometheus_client.registry import Collector

from services.kit.context import CORRELATION_KEY
from services.kit.correlation import (
    bind_correlation_id,
    reset_correlation_id,
    valid_correlation_id,
)
from services.kit.db_metrics import bind_origin, origin, reset_origin
from services.kit.deadletters import DeadLetters

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

ENTRYPOINT_SECONDS = Histogram(
    "stadtdialog_service_entrypoint_seconds",
    "Time a service spent in one entrypoint (RPC method or event handler).",
    ("service", "kind", "method", "outcome"),
    buckets=LATENCY_BUCKETS,
)
EVENTS_HANDLED = Counter(
    "stadtdialog_service_events_handled_total",
    "Events a service handled, by type and outcome.",
    ("service", "type", "outcome"),
)
EVENT_LAG_SECONDS = Histogram(
    "stadtdialog_service_event_lag_seconds",
    "Age of an event (envelope time) when a service began handling it: the queue lag.",
    ("service",),
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60, 300, 1800),
)


def outcome_of(exc_info: Any) -> str:
    """``ok``, or the class name of what was raised (``Forbidden``, ``Invalid``, …)."""
    if not exc_info:
        return "ok"
    return exc_info[0].__name__ if exc_info[0] is not None else "ok"


def metrics_port(service: str, services: list[str]) -> int | None:
    """The port this service's ``/metrics`` listens on, or None when switched off."""
    explicit = os.environ.get("STADTDIALOG_METRICS_PORT", "").strip()
    if explicit:
        return int(explicit) or None
    base = int(os.environ.get("STADTDIALOG_METRICS_BASE_PORT", "9100") or 0)
    if not base or service not in services:
        return None
    return base + 1 + services.index(service)


class ServiceState(Collector):
    """Read at scrape time: unpublished outbox rows and messages waiting in the queues."""

    def __init__(self, service: str, database: Any, queues: list[str], amqp_uri: str) -> None:
        self.service = service
        self.database = database
        self.queues = queues
        self.amqp_uri = amqp_uri

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with origin("scrape"):  # not counted as the service's own database work
            yield from self._collect()

    def _collect(self) -> Iterator[GaugeMetricFamily]:
        outbox = GaugeMetricFamily(
            "stadtdialog_outbox_pending",
            "Facts stored in the outbox and not yet confirmed by the broker.",
            labels=("service",),
        )
        try:
            pending = self.database["outbox"].count_documents(
                {"published_at": None, "dead_at": None}
            )
            outbox.add_metric((self.service,), pending)
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database is away
            log.warning("outbox depth unavailable", extra={"service": self.service})
        yield outbox
        dead = GaugeMetricFamily(
            "stadtdialog_dead_letters",
            "Messages set aside after their last failed attempt (mail, outbox, consumer), "
            "waiting for an operator to retry or drop them.",
            labels=("service", "kind"),
        )
        try:
            for kind, count in DeadLetters(self.database, self.service).counts().items():
                dead.add_metric((self.service, kind), count)
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database is away
            log.warning("dead letters unavailable", extra={"service": self.service})
        yield dead
        waiting = GaugeMetricFamily(
            "stadtdialog_queue_messages",
            "Messages ready in a queue this service consumes (not yet taken by a worker).",
            labels=("service", "queue"),
        )
        for queue, count in self._queue_depths():
            waiting.add_metric((self.service, queue), count)
        yield waiting

    def _queue_depths(self) -> list[tuple[str, int]]:
        from kombu import Connection

        found: list[tuple[str, int]] = []
        try:
            with Connection(self.amqp_uri, connect_timeout=2) as connection:
                channel = connection.channel()
                for queue in self.queues:
                    try:
                        _, count, _ = channel.queue_declare(queue=queue, passive=True)
                    except Exception:  # noqa: BLE001 - a queue not declared yet has no depth
                        channel = connection.channel()
                        continue
                    found.append((queue, int(count)))
        except Exception:  # noqa: BLE001 - the broker is away: the scrape says so by omission
            log.warning("queue depths unavailable", extra={"service": self.service})
        return found


_served: dict[str, int] = {}  # service -> port, once per process
_collected: set[str] = set()


class ServiceObservability(DependencyProvider):
    """Times every entrypoint, binds the correlation id, logs one line per worker, serves
    ``/metrics``. Needs nothing from the service; ``self.<attr>`` is the correlation id."""

    def __init__(self) -> None:
        self._running: dict[int, _Running] = {}

    def setup(self) -> None:
        from services.kit.config import load_settings
        from services.kit.db import connect
        from services.kit.registry import SERVICES

        service = self.container.service_name
        port = metrics_port(service, list(SERVICES))
        if port and service not in _served:
            try:
                start_http_server(port, addr=os.environ.get("STADTDIALOG_METRICS_ADDR", "0.0.0.0"))
                _served[service] = port
                log.info("metrics served", extra={"service": service, "port": port})
            except OSError as exc:  # a taken port must not keep the service from working
                log.warning(
                    "metrics port unavailable",
                    extra={"service": service, "port": port, "error": str(exc)},
                )
        if service not in _collected:
            _collected.add(service)
            settings = load_settings()
            queues = sorted(
                {
                    ext.queue.name
                    for ext in self.container.extensions
                    if getattr(getattr(ext, "queue", None), "name", None)
                }
            )
            REGISTRY.register(
                ServiceState(service, connect(service, settings), queues, settings.amqp_uri)
            )

    def worker_setup(self, worker_ctx) -> None:  # noqa: ANN001 - nameko's signature
        correlation = valid_correlation_id(worker_ctx.data.get(CORRELATION_KEY))
        envelopes = _envelopes_of(worker_ctx)
        if len(envelopes) == 1:  # a list of facts (services.kit.batches) has no one id
            correlation = correlation or valid_correlation_id(envelopes[0].get("correlationid"))
        for envelope in envelopes:
            lag = _age_seconds(envelope.get("time"))
            if lag is not None:
                EVENT_LAG_SECONDS.labels(self.container.service_name).observe(lag)
        if correlation:
            # Nested RPC calls and the outbox read it from here.
            worker_ctx.data[CORRELATION_KEY] = correlation
        # Not in worker_ctx.data: that travels with nested calls and must stay JSON.
        kind = "event" if envelopes else _kind(worker_ctx.entrypoint)
        self._running[id(worker_ctx)] = _Running(
            time.perf_counter(),
            bind_correlation_id(correlation),
            bind_origin(f"{kind}:{worker_ctx.entrypoint.method_name}"),
            kind,
            envelopes,
        )

    def get_dependency(self, worker_ctx) -> str | None:  # noqa: ANN001
        return valid_correlation_id(worker_ctx.data.get(CORRELATION_KEY))

    def worker_result(self, worker_ctx, result=None, exc_info=None) -> None:  # noqa: ANN001
        running = self._running.get(id(worker_ctx))
        if running is not None:  # what worker_setup found: a list of facts is scanned once
            seconds = time.perf_counter() - running.started
            kind, envelopes = running.kind, running.envelopes
        else:
            seconds = 0.0
            envelopes = _envelopes_of(worker_ctx)
            kind = "event" if envelopes else _kind(worker_ctx.entrypoint)
        service = self.container.service_name
        method = worker_ctx.entrypoint.method_name
        outcome = outcome_of(exc_info)
        # One worker, one observation: a list of facts (services.kit.batches) counts once here
        # and once per fact in EVENTS_HANDLED.
        ENTRYPOINT_SECONDS.labels(service, kind, method, outcome).observe(seconds)
        fields: dict[str, Any] = {
            "service": service,
            "kind": kind,
            "method": method,
            "outcome": outcome,
            "duration_ms": round(seconds * 1000, 2),
            "correlation_id": valid_correlation_id(worker_ctx.data.get(CORRELATION_KEY)),
        }
        for envelope in envelopes:
            EVENTS_HANDLED.labels(service, str(envelope.get("type")), outcome).inc()
        if len(envelopes) == 1:
            fields["event_type"] = envelopes[0].get("type")
            fields["event_id"] = envelopes[0].get("id")
        elif envelopes:
            fields["events"] = len(envelopes)
        # A timer's tick that went well is no request: counted and timed above, its line kept
        # for LOG_LEVEL=DEBUG (a tick every half second would fill the log otherwise).
        level = logging.DEBUG if kind == "timer" and outcome == "ok" else logging.INFO
        log.log(level, "%s %s.%s %s", kind, service, method, outcome, extra=fields)

    def worker_teardown(self, worker_ctx) -> None:  # noqa: ANN001
        running = self._running.pop(id(worker_ctx), None)
        if running is not None:
            reset_correlation_id(running.correlation)
            reset_origin(running.origin)


class _Running(NamedTuple):
    """A worker between setup and teardown, as ``worker_setup`` found it."""

    started: float
    correlation: contextvars.Token
    origin: contextvars.Token
    kind: str
    envelopes: list[dict[str, Any]]


def _kind(entrypoint: Any) -> str:
    declared = getattr(entrypoint, "metrics_kind", None)  # services.kit.batches: "event"
    if isinstance(declared, str):
        return declared
    name = type(entrypoint).__name__.lower()
    return "rpc" if "rpc" in name else name


def _is_envelope(value: Any) -> bool:
    return isinstance(value, dict) and "specversion" in value and "type" in value


def _envelopes_of(worker_ctx: Any) -> list[dict[str, Any]]:
    """The envelopes an event handler was called with: one, or a list (services.kit.batches)."""
    args = worker_ctx.args or ()
    first = args[0] if args else None
    if _is_envelope(first):
        return [first]
    if isinstance(first, list):
        return [item for item in first if _is_envelope(item)]
    return []


def _age_seconds(stamp: Any) -> float | None:
    if not isinstance(stamp, str):
        return None
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return max(0.0, (datetime.now(UTC) - when).total_seconds())
