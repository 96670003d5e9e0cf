"""The gateway's observability: one JSON log line per request, Prometheus metrics at ``/metrics``.

``install(app)`` (called by the app factory) makes the process log JSON lines
(``services.kit.logs.json_formatter``), times every request by endpoint (the URL
rule, never the raw path: no ids, tokens or addresses as labels) and status, times every RPC
call by service, method and outcome, and serves the Prometheus text format at ``/metrics``.

Reads answered from the public cache are logged at debug level only (they reach no service;
their count and latency are in the metrics).

Each log line of a request carries its correlation id (the ``X-Correlation-ID`` the client sent,
if it looks like an id, else a fresh one); the same id travels to the services in the RPC
context data and into the envelopes of the facts they state.

Under gunicorn with several workers each worker counts for itself; set
``PROMETHEUS_MULTIPROC_DIR`` to an empty directory to add them up (prometheus-client's
multiprocess mode).
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client import REGISTRY as DEFAULT_REGISTRY

from services.kit.correlation import bind_correlation_id, reset_correlation_id
from services.kit.logs import install_json_logging
from services.kit.observability import LATENCY_BUCKETS, outcome_of

log = logging.getLogger("gateway.requests")

REQUESTS = Counter(
    "stadtdialog_gateway_requests_total",
    "HTTP requests answered by the gateway, by endpoint and status.",
    ("method", "endpoint", "status"),
)
REQUEST_SECONDS = Histogram(
    "stadtdialog_gateway_request_seconds",
    "Time the gateway took to answer, by endpoint and status.",
    ("method", "endpoint", "status"),
    buckets=LATENCY_BUCKETS,
)
RPC_SECONDS = Histogram(
    "stadtdialog_gateway_rpc_seconds",
    "Round trip of an RPC call from the gateway to a service, by outcome.",
    ("service", "method", "outcome"),
    buckets=LATENCY_BUCKETS,
)


def _registry() -> CollectorRegistry:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return DEFAULT_REGISTRY
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=directory)
    return registry


def _time_rpc(client: Any) -> None:
    """Wrap ``RpcClient.call`` of this app so every call is timed (once per client)."""
    if getattr(client, "_stadtdialog_timed", False):
        return
    call = client.call

    def timed(service: str, method: str, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        exc_info: Any = None
        try:
            return call(service, method, *args, **kwargs)
        except BaseException as exc:
            exc_info = (type(exc), exc, None)
            raise
        finally:
            RPC_SECONDS.labels(service, method, outcome_of(exc_info)).observe(
                time.perf_counter() - started
            )

    client.call = timed
    client._stadtdialog_timed = True


def _endpoint() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "(unmatched)"


def install(app: Flask) -> None:
    install_json_logging()
    _time_rpc(app.extensions["rpc"])

    @app.before_request
    def start_timer() -> None:
        g.stadtdialog_started = time.perf_counter()
        # Log lines made while serving this request carry its id (the correlation_id hook of
        # the app factory ran first).
        g.stadtdialog_log_token = bind_correlation_id(
            request.environ.get("stadtdialog.correlation_id")
        )

    @app.after_request
    def observe(response: Response) -> Response:
        started = g.pop("stadtdialog_started", None)
        if started is None or request.path == "/metrics":
            return response
        seconds = time.perf_counter() - started
        endpoint, status = _endpoint(), str(response.status_code)
        REQUESTS.labels(request.method, endpoint, status).inc()
        REQUEST_SECONDS.labels(request.method, endpoint, status).observe(seconds)
        # A read answered from the public cache touched no service and changed nothing: it is
        # counted and timed above, its log line is kept for LOG_LEVEL=DEBUG (the reverse
        # proxy's access log has every request). Formatting a JSON line cost a hot cached read
        # about a third of its time (docs/performance.md).
        level = logging.DEBUG if g.get("stadtdialog_cache_hit") else logging.INFO
        if not log.isEnabledFor(level):
            return response
        log.log(
            level,
            "%s %s %s",
            request.method,
            endpoint,
            status,
            extra={
                "method": request.method,
                "endpoint": endpoint,
                "city": (request.view_args or {}).get("slug"),
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 2),
                "correlation_id": request.environ.get("stadtdialog.correlation_id"),
            },
        )
        return response

    @app.teardown_request
    def unbind(_exc: BaseException | None) -> None:
        token = g.pop("stadtdialog_log_token", None)
        if token is not None:
            reset_correlation_id(token)

    @app.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)
