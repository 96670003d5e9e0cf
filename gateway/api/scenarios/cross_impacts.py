"""The cross-impact (CIB) judgement matrix: my rating, the raters' mean and disputes, a
disputed cell's resolution, and the CIB solution set of the latest run computed with CIB."""

from __future__ import annotations

from flask import Response

from gateway.api.common import json_body, json_response, rpc
from gateway.api.docs import documented
from gateway.api.scenarios.base import BASE, TAG, WRITE_ERRORS, bp
from services.scenarios.schemas import CrossImpactRatingSchema, CrossImpactResolutionSchema


@bp.get(f"{BASE}/cross-impacts/rating")
@documented(
    "My cross-impact (CIB) matrix over the current projections (working group, facilitators)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def my_cross_impact_rating(slug: str) -> Response:
    return json_response(rpc("scenarios", "my_cross_impact_rating", slug))


@bp.put(f"{BASE}/cross-impacts/rating")
@documented(
    "Submit my whole cross-impact matrix, row projection on column projection, −3…+3, "
    "null = not judged (working group, facilitators)",
    TAG,
    body=CrossImpactRatingSchema,
    auth=True,
    errors=WRITE_ERRORS,
)
def rate_cross_impacts(slug: str) -> Response:
    return json_response(rpc("scenarios", "rate_cross_impacts", slug, json_body()))


@bp.get(f"{BASE}/cross-impacts")
@documented(
    "Mean cross impacts, disputed cells with each rater's value, progress per rater (facilitators)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def cross_impacts(slug: str) -> Response:
    return json_response(rpc("scenarios", "cross_impacts", slug))


@bp.put(f"{BASE}/cross-impacts/resolutions")
@documented(
    "Resolve one disputed cross-impact cell with a value (facilitators)",
    TAG,
    body=CrossImpactResolutionSchema,
    auth=True,
    errors=WRITE_ERRORS,
)
def resolve_cross_impact(slug: str) -> Response:
    return json_response(rpc("scenarios", "resolve_cross_impact", slug, json_body()))


@bp.get(f"{BASE}/cib")
@documented(
    "The CIB solution set (consistent scenarios, TIS, IC) of the latest run with CIB, beside "
    "its bundle result (working group, facilitators)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def cib_solution(slug: str) -> Response:
    return json_response(rpc("scenarios", "cib_solution", slug))
