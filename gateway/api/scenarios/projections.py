"""Projections of the key factors, and the consistency ratings, matrix and resolutions."""

from __future__ import annotations

from flask import Response

from gateway.api.common import json_body, json_response, rpc
from gateway.api.docs import documented
from gateway.api.scenarios.base import BASE, TAG, WRITE_ERRORS, bp
from services.scenarios.schemas import (
    ConsistencyRatingSchema,
    ProjectionSchema,
    ProjectionUpdateSchema,
    ResolutionSchema,
)


# ---------------------------------------------------------------- projections
@bp.get(f"{BASE}/projections")
@documented("Projections per key factor and the consistency matrix order", TAG, errors=(404,))
def list_projections(slug: str) -> Response:
    return json_response(rpc("scenarios", "list_projections", slug))


@bp.post(f"{BASE}/projections")
@documented(
    "Add a projection to a key factor (working group, facilitators)",
    TAG,
    body=ProjectionSchema,
    status=201,
    auth=True,
    errors=WRITE_ERRORS,
)
def create_projection(slug: str) -> Response:
    return json_response(rpc("scenarios", "create_projection", slug, json_body()), 201)


@bp.put(f"{BASE}/projections/<projection_id>")
@documented(
    "Change a projection (working group, facilitators)",
    TAG,
    body=ProjectionUpdateSchema,
    auth=True,
    errors=WRITE_ERRORS,
)
def update_projection(slug: str, projection_id: str) -> Response:
    return json_response(rpc("scenarios", "update_projection", slug, projection_id, json_body()))


@bp.delete(f"{BASE}/projections/<projection_id>")
@documented(
    "Remove a projection (working group, facilitators)", TAG, auth=True, errors=WRITE_ERRORS
)
def delete_projection(slug: str, projection_id: str) -> Response:
    return json_response(rpc("scenarios", "delete_projection", slug, projection_id))


# ---------------------------------------------------------------- consistency
@bp.get(f"{BASE}/consistency/rating")
@documented(
    "My consistency matrix over the current projections (working group, facilitators)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def my_consistency_rating(slug: str) -> Response:
    return json_response(rpc("scenarios", "my_consistency_rating", slug))


@bp.put(f"{BASE}/consistency/rating")
@documented(
    "Submit my whole consistency matrix, 1–5, null = not judged (working group, facilitators)",
    TAG,
    body=ConsistencyRatingSchema,
    auth=True,
    errors=WRITE_ERRORS,
)
def rate_consistency(slug: str) -> Response:
    return json_response(rpc("scenarios", "rate_consistency", slug, json_body()))


@bp.get(f"{BASE}/consistency")
@documented(
    "Aggregated consistency, disagreement per pair, progress per rater (facilitators)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def consistency(slug: str) -> Response:
    return json_response(rpc("scenarios", "consistency", slug))


@bp.put(f"{BASE}/consistency/resolutions")
@documented(
    "Resolve one pair of projections with a value (facilitators)",
    TAG,
    body=ResolutionSchema,
    auth=True,
    errors=WRITE_ERRORS,
)
def resolve_pair(slug: str) -> Response:
    return json_response(rpc("scenarios", "resolve_pair", slug, json_body()))
