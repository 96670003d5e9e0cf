"""The city's admins and the organisations acting in its name: list, confirm, hide, show."""

from __future__ import annotations

from flask import Response

from gateway.api.common import json_body, json_response, rpc
from gateway.api.dialogue.base import CITY, TAG, bp
from gateway.api.docs import documented
from services.dialogue.schemas import ReasonSchema

ORGANISATION = f"{CITY}/organisations/<key>"


@bp.get(f"{CITY}/organisations")
@documented(
    "The organisations supporting or helping the city's ideas, with the city's decisions "
    "(city admins)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def city_organisations(slug: str) -> Response:
    return json_response(rpc("dialogue", "city_organisations", slug))


@bp.post(f"{ORGANISATION}/confirm")
@documented(
    "Confirm a self-named organisation: idea pages show it as confirmed by the city (city admins)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def confirm_organisation(slug: str, key: str) -> Response:
    return json_response(rpc("dialogue", "confirm_organisation", slug, key))


@bp.post(f"{ORGANISATION}/hide")
@documented(
    "Hide an organisation with a reason: its supports stop counting and showing, its members "
    "are told by mail (city admins)",
    TAG,
    body=ReasonSchema,
    auth=True,
    errors=(401, 403, 404, 422),
)
def hide_organisation(slug: str, key: str) -> Response:
    return json_response(rpc("dialogue", "hide_organisation", slug, key, json_body()))


@bp.delete(f"{ORGANISATION}/hide")
@documented(
    "Show a hidden organisation again: its supports count again (city admins)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def show_organisation(slug: str, key: str) -> Response:
    return json_response(rpc("dialogue", "show_organisation", slug, key))
