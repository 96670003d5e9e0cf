"""Observability of every process: JSON log lines with one correlation id, Prometheus metrics.

**Logs.** ``json_formatter()`` is a stdlib ``logging.Formatter`` (structlog's
``ProcessorFormatter``) that renders every record — ours, nameko's, kombu's, gunicorn's — as
one JSON object per line: ``time``, ``level``, ``logger``, ``event`` (the message), fields passed
with ``extra={...}``, ``correlation_id`` when the record was made while handling a request, and
``exception`` with the traceback. E-mail addresses are replaced by ``<e-mail>`` in every value
before a line is written, so that no address reaches a log by accident.
``deploy/local/nameko.yaml`` names it as the formatter of every service; the gateway installs it
in ``gateway/metrics.py``.

**Correlation id.** The gateway puts one id per request into the nameko context data
(``CORRELATION_KEY``); nameko copies context data into nested RPC calls. ``ServiceObservability``
binds it for the worker's log lines, takes it from the envelope (``correlationid``) when the
worker handles an event, and the outbox writes it into the envelopes of the facts the worker
states. So one request's lines in the gateway, in each service and its events share the id.

**Metrics.** ``ServiceObservability`` (a nameko ``DependencyProvider``, carried by
``services.kit.operations.OperationsMixin``) times every entrypoint (RPC latency by method and
outcome), counts handled events and their age when handled (queue lag), and reports on each
scrape the service's unpublished outbox rows and the messages waiting in its queues. Each
service process serves ``/metrics`` on its own port: ``STADTDIALOG_METRICS_PORT``, else
``STADTDIALOG_METRICS_BASE_PORT`` (default 9100) + 1 + the service's place in the registry
(identity 9101, cities 9102, …); ``0`` switches it off.
"""

from __future__ import annotations

import contextvars
import logging
import os
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import structlog
from nameko.extensions import DependencyProvider
from prometheus_client import Counter, Histogram, start_http_server
from prometheus_client.core import REGISTRY, GaugeMetricFamily
from prometheus_client.registry import Collector

from services.kit.context import CORRELATION_KEY

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- correlation id
_correlation: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "stadtdialog_correlation_id", default=None
)
# What a correlation id may look like when it comes from outside (an HTTP header): no spaces,
# no "@", so nothing personal can travel in it.
CORRELATION_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def valid_correlation_id(value: Any) -> str | None:
    return value if isinstance(value, str) and CORRELATION_PATTERN.match(value) else None


def current_correlation_id() -> str | None:
    return _correlation.get()


def bind_correlation_id(value: str | None) -> contextvars.Token:
    """Bind ``value`` for this green thread (greenlets each have their own context)."""
    return _correlation.set(value)


def reset_correlation_id(token: contextvars.Token) -> None:
    try:
        _correlation.reset(token)
    except ValueError:  # set in another context (a worker that moved greenlets): just clear
        _correlation.set(None)


# --------------------------------------------------------------------------- JSON logs
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        return EMAIL.sub("<e-mail>", value)
    if isinstance(value, dict):
        return {k: _redact(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_redact(v) for v in value]
    return value


def redact_personal_data(_logger: Any, _name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: e-mail addresses become ``<e-mail>`` in every value."""
    return {key: _redact(value) for key, value in event_dict.items()}


def add_correlation_id(_logger: Any, _name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    if "correlation_id" not in event_dict:
        correlation = current_correlation_id()
        if correlation:
            event_dict["correlation_id"] = correlation
    return event_dict


def _rename_level(_logger: Any, _name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    event_dict["level"] = event_dict.get("level", "").lower()
    return event_dict


def json_formatter() -> logging.Formatter:
    """The JSON formatter of every process (``()`` factory for ``logging.config.dictConfig``)."""
    pre_chain = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
        add_correlation_id,
    ]
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=pre_chain,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            _rename_level,
            structlog.processors.format_exc_info,
            redact_personal_data,
            structlog.processors.JSONRenderer(default=str, ensure_ascii=False),
        ],
    )


_HANDLER_MARK = "_stadtdialog_json"


def install_json_logging(level: str | None = None) -> None:
    """Make the root logger write JSON lines to stderr (once per process)."""
    root = logging.getLogger()
    if any(getattr(h, _HANDLER_MARK, False) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(json_formatter())
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    root.setLevel(level or os.environ.get("LOG_LEVEL", "INFO"))


# --------------------------------------------------------------------------- metrics
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
        outbox = GaugeMetricFamily(
            "stadtdialog_outbox_pending",
            "Facts stored in the outbox and not yet confirmed by the broker.",
            labels=("service",),
        )
        try:
            pending = self.database["outbox"].count_documents({"published_at": None})
            outbox.add_metric((self.service,), pending)
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database is away
            log.warning("outbox depth unavailable", extra={"service": self.service})
        yield outbox
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
        self._running: dict[int, tuple[float, contextvars.Token]] = {}

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
        envelope = _envelope_of(worker_ctx)
        if envelope is not None:
            correlation = correlation or valid_correlation_id(envelope.get("correlationid"))
            lag = _age_seconds(envelope.get("time"))
            if lag is not None:
                EVENT_LAG_SECONDS.labels(self.container.service_name).observe(lag)
        if correlation:
            # Nested RPC calls and the outbox read it from here.
            worker_ctx.data[CORRELATION_KEY] = correlation
        # Not in worker_ctx.data: that travels with nested calls and must stay JSON.
        self._running[id(worker_ctx)] = (time.perf_counter(), bind_correlation_id(correlation))

    def get_dependency(self, worker_ctx) -> str | None:  # noqa: ANN001
        return valid_correlation_id(worker_ctx.data.get(CORRELATION_KEY))

    def worker_result(self, worker_ctx, result=None, exc_info=None) -> None:  # noqa: ANN001
        started, _ = self._running.get(id(worker_ctx), (None, None))
        seconds = time.perf_counter() - started if started else 0.0
        service = self.container.service_name
        method = worker_ctx.entrypoint.method_name
        outcome = outcome_of(exc_info)
        envelope = _envelope_of(worker_ctx)
        kind = "event" if envelope is not None else _kind(worker_ctx.entrypoint)
        ENTRYPOINT_SECONDS.labels(service, kind, method, outcome).observe(seconds)
        fields: dict[str, Any] = {
            "service": service,
            "kind": kind,
            "method": method,
            "outcome": outcome,
            "duration_ms": round(seconds * 1000, 2),
            "correlation_id": valid_correlation_id(worker_ctx.data.get(CORRELATION_KEY)),
        }
        if envelope is not None:
            EVENTS_HANDLED.labels(service, str(envelope.get("type")), outcome).inc()
            fields["event_type"] = envelope.get("type")
            fields["event_id"] = envelope.get("id")
        log.info("%s %s.%s %s", kind, service, method, outcome, extra=fields)

    def worker_teardown(self, worker_ctx) -> None:  # noqa: ANN001
        _, token = self._running.pop(id(worker_ctx), (None, None))
        if token is not None:
            reset_correlation_id(token)


def _kind(entrypoint: Any) -> str:
    name = type(entrypoint).__name__.lower()
    return "rpc" if "rpc" in name else name


def _envelope_of(worker_ctx: Any) -> dict[str, Any] | None:
    """The envelope an event handler was called with (our envelopes have these keys)."""
    args = worker_ctx.args or ()
    first = args[0] if args else None
    if isinstance(first, dict) and "specversion" in first and "type" in first:
        return first
    return None


def _age_seconds(stamp: Any) -> float | None:
    if not isinstance(stamp, str):
        return None
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return max(0.0, (datetime.now(UTC) - when).total_seconds())
