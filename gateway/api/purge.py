"""``POST /api/v1/cities/<slug>/purge``: an operator removes one tenant's data from every
service (``services/kit/purge.py``). Used by ``stadtdialog demo --reset``; final."""

from __future__ import annotations

from flask import Blueprint, Response
from marshmallow import fields

from gateway.api.common import json_body, json_response, rpc
from gateway.api.docs import documented
from gateway.auth import require_caller
from services.kit.errors import Invalid
from services.kit.registry import SERVICES
from services.kit.schemas import StrictSchema, load

bp = Blueprint("api_purge", __name__, url_prefix="/api/v1")

MISMATCH = "Repeat the city's slug to confirm."


class PurgeSchema(StrictSchema):
    confirm = fields.String(required=True)


@bp.post("/cities/<slug>/purge")
@documented(
    "Delete every document of one city in every service (operators; body repeats the slug)",
    "operations",
    body=PurgeSchema,
    auth=True,
    errors=(401, 403, 422),
)
def purge_city(slug: str) -> Response:
    require_caller().require_operator()
    if load(PurgeSchema(), json_body())["confirm"] != slug:
        raise Invalid(fields={"confirm": [MISMATCH]})
    # The cities service last: until then the others can still ask it about the city.
    order = [name for name in SERVICES if name != "cities"] + ["cities"]
    return json_response({name: rpc(name, "ops_purge", slug) for name in order})
