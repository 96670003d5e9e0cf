"""``/api/v1/operations/deadletters``: the messages every service set aside after their last
attempt (mails, outbox facts, consumed messages; ``services/kit/deadletters.py``), for operators
to list, retry or drop. ``stadtdialog deadletters …`` calls these (``gateway/cli_deadletters.py``).
"""

from __future__ import annotations

from flask import Blueprint, Response

from gateway.api.common import json_response, rpc
from gateway.api.docs import documented
from gateway.auth import current_caller
from services.kit.errors import Invalid
from services.kit.registry import SERVICES

bp = Blueprint("api_deadletters", __name__, url_prefix="/api/v1/operations")
TAG = "operations"


def _service(name: str, field: str = "service") -> str:
    if name not in SERVICES:
        raise Invalid(fields={field: ["Unknown service."]})
    return name


def _owner(letter_id: str) -> str:
    """The service a dead letter id (``<service>:<kind>:<row id>``) belongs to."""
    return _service(letter_id.partition(":")[0], "id")


@bp.get("/deadletters")
@documented("Dead letters of every service (operators)", TAG, auth=True, errors=(401, 403))
def list_all() -> Response:
    current_caller().require_operator()
    return json_response({name: rpc(name, "ops_deadletters_list") for name in SERVICES})


@bp.get("/deadletters/<service>")
@documented("Dead letters of one service (operators)", TAG, auth=True, errors=(401, 403, 422))
def list_one(service: str) -> Response:
    current_caller().require_operator()
    name = _service(service)
    return json_response({name: rpc(name, "ops_deadletters_list")})


@bp.post("/deadletter/<letter_id>/retry")
@documented(
    "Try a dead letter again, with a fresh round of attempts (operators)",
    TAG,
    auth=True,
    errors=(401, 403, 404, 422),
)
def retry(letter_id: str) -> Response:
    current_caller().require_operator()
    return json_response(rpc(_owner(letter_id), "ops_deadletters_retry", letter_id))


@bp.delete("/deadletter/<letter_id>")
@documented("Drop a dead letter for good (operators)", TAG, auth=True, errors=(401, 403, 404, 422))
def drop(letter_id: str) -> Response:
    current_caller().require_operator()
    return json_response(rpc(_owner(letter_id), "ops_deadletters_drop", letter_id))
