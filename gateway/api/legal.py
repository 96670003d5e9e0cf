"""``/api/v1`` routes of the legal texts (cities service) and of a person's consents (identity).

``<kind>`` is ``imprint``, ``privacy``, ``terms`` or ``accessibility``. The platform's texts
are the operator's, a city's part its admins'; every change is a new version.
"""

from __future__ import annotations

from flask import Blueprint, Response

from gateway.api.common import json_body, json_response, rpc
from gateway.api.docs import documented
from gateway.cache import cached
from services.cities.schemas import LegalTextSchema
from services.identity.schemas import NoticeTakenSchema

bp = Blueprint("api_legal", __name__, url_prefix="/api/v1")
TAG = "legal"
TEXT = "/legal/<kind>"
CITY_TEXT = "/cities/<slug>/legal/<kind>"


@bp.get("/legal")
@documented("The current version of each platform legal text (0: the shipped template)", TAG)
@cached
def versions() -> Response:
    return json_response(rpc("cities", "legal_versions"))


@bp.get(TEXT)
@documented("A platform legal text: Markdown and its sanitised HTML", TAG, errors=(404,))
@cached
def platform_text(kind: str) -> Response:
    return json_response(rpc("cities", "legal_text", kind))


@bp.put(TEXT)
@documented(
    "Save a new version of a platform legal text (operators)",
    TAG,
    body=LegalTextSchema,
    auth=True,
    errors=(401, 403, 404, 409, 422),
)
def update_platform_text(kind: str) -> Response:
    return json_response(rpc("cities", "update_legal_text", kind, None, json_body()))


@bp.get(f"{TEXT}/versions")
@documented("Every version of a platform legal text (operators)", TAG, auth=True, errors=(403,))
def platform_history(kind: str) -> Response:
    return json_response(rpc("cities", "legal_history", kind, None))


@bp.get(CITY_TEXT)
@documented("A legal text with the city's part", TAG, errors=(404,))
@cached
def city_text(slug: str, kind: str) -> Response:
    return json_response(rpc("cities", "legal_text", kind, slug))


@bp.put(CITY_TEXT)
@documented(
    "Save a new version of the city's part of a legal text (city admins)",
    TAG,
    body=LegalTextSchema,
    auth=True,
    errors=(401, 403, 404, 409, 422),
)
def update_city_text(slug: str, kind: str) -> Response:
    return json_response(rpc("cities", "update_legal_text", kind, slug, json_body()))


@bp.get(f"{CITY_TEXT}/versions")
@documented(
    "Every version of the city's part of a legal text (city admins)",
    TAG,
    auth=True,
    errors=(403, 409),
)
def city_history(slug: str, kind: str) -> Response:
    return json_response(rpc("cities", "legal_history", kind, slug))


@bp.get("/me/consents")
@documented(
    "My consents to the privacy notice (version, when, context)", TAG, auth=True, errors=(404,)
)
def consents() -> Response:
    return json_response(rpc("identity", "consent_state"))


@bp.post("/me/consents/privacy")
@documented(
    "Take note of a (changed) version of the privacy notice",
    TAG,
    body=NoticeTakenSchema,
    auth=True,
    errors=(401, 404, 422),
)
def note_privacy_notice() -> Response:
    return json_response(rpc("identity", "note_privacy_notice", json_body()))
