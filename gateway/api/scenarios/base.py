"""The scenarios API's blueprint (endpoints api_scenarios.<view>) and what its modules share."""

from __future__ import annotations

from flask import Blueprint, Response, request

from gateway.api.common import json_body

bp = Blueprint("api_scenarios", __name__, url_prefix="/api/v1")
TAG = "scenarios"
BASE = "/cities/<slug>/scenarios"
WRITE_ERRORS = (401, 403, 404, 409, 422)


def _svg(text: str) -> Response:
    response = Response(text, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _body() -> dict:
    return json_body() if request.get_data() else {}
