"""``/healthz`` says the process runs; ``/readyz`` says it can serve: broker, database and
every service answering an RPC ping within a short timeout."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from kombu import Connection
from pymongo import MongoClient

from gateway.rpc import ServiceUnavailable
from services.kit.registry import SERVICES

bp = Blueprint("health", __name__)

PING_TIMEOUT = 3.0


def _check_broker(amqp_uri: str) -> str | None:
    try:
        with Connection(amqp_uri, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", and says why
        return str(exc) or type(exc).__name__


def _check_database(mongodb_uri: str) -> str | None:
    try:
        client = MongoClient(mongodb_uri, serverSelectionTimeoutMS=2000)
        try:
            client.admin.command("ping")
        finally:
            client.close()
        return None
    except Exception as exc:  # noqa: BLE001
        return str(exc) or type(exc).__name__


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> Response:
    settings = current_app.config["SETTINGS"]
    checks: dict[str, Any] = {
        "broker": _check_broker(settings.amqp_uri) or "ok",
        "database": _check_database(settings.mongodb_uri) or "ok",
    }
    for service in SERVICES:
        try:
            current_app.extensions["rpc"].call(service, "ping", timeout=PING_TIMEOUT)
            checks[service] = "ok"
        except ServiceUnavailable as exc:
            checks[service] = exc.reason
    ready = all(value == "ok" for value in checks.values())
    response = jsonify({"status": "ready" if ready else "not_ready", "checks": checks})
    response.status_code = 200 if ready else 503
    if not ready:
        response.headers["Retry-After"] = "5"
    return response
