"""Helpers shared by the API blueprints."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, jsonify, request

from gateway.auth import current_caller
from services.kit.errors import Invalid


def json_response(data: object, status: int = 200) -> Response:
    response = jsonify(data)
    response.status_code = status
    return response


def json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("The request body must be a JSON object.")
    return data


def rpc(service: str, method: str, *args: Any, **kwargs: Any) -> Any:
    """Call a service as the current caller, with the request's correlation id."""
    if service == "cities":
        g.called_cities = True  # a write that did may have changed a city (gateway.cache)
    return current_app.extensions["rpc"].call(
        service,
        method,
        *args,
        caller=current_caller(),
        correlation_id=request.environ.get("stadtdialog.correlation_id"),
        **kwargs,
    )
