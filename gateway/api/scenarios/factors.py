"""The project, its influencing factors, the influence ratings and matrix, and the key factors."""

from __future__ import annotations

from flask import Response

from gateway.api.common import json_body, json_response, rpc
from gateway.api.docs import documented
from gateway.api.scenarios.base import BASE, TAG, WRITE_ERRORS, _svg, bp
from services.scenarios.schemas import (
    FactorSchema,
    FactorUpdateSchema,
    InfluenceRatingSchema,
    InfluenceResolutionSchema,
    KeyFactorDecisionSchema,
    ProjectSchema,
    ProjectUpdateSchema,
)


# ---------------------------------------------------------------- project
@bp.post(f"{BASE}/project")
@documented(
    "Create the city's scenario project for its cohort year (facilitators, city admins)",
    TAG,
    body=ProjectSchema,
    status=201,
    auth=True,
    errors=WRITE_ERRORS,
)
def create_project(slug: str) -> Response:
    return json_response(rpc("scenarios", "create_project", slug, json_body()), 201)


@bp.get(f"{BASE}/project")
@documented("The city's scenario project with an overview of its progress", TAG, errors=(404,))
def get_project(slug: str) -> Response:
    return json_response(rpc("scenarios", "get_project", slug))


@bp.put(f"{BASE}/project")
@documented(
    "Change the project's title and method settings (facilitators)",
    TAG,
    body=ProjectUpdateSchema,
    auth=True,
    errors=WRITE_ERRORS,
)
def update_project(slug: str) -> Response:
    return json_response(rpc("scenarios", "update_project", slug, json_body()))


# ---------------------------------------------------------------- factors
@bp.get(f"{BASE}/factors")
@documented("Influencing factors with their observation counts", TAG, errors=(404,))
def list_factors(slug: str) -> Response:
    return json_response(rpc("scenarios", "list_factors", slug))


@bp.post(f"{BASE}/factors")
@documented(
    "Add an influencing factor (working group, facilitators)",
    TAG,
    body=FactorSchema,
    status=201,
    auth=True,
    errors=WRITE_ERRORS,
)
def create_factor(slug: str) -> Response:
    return json_response(rpc("scenarios", "create_factor", slug, json_body()), 201)


@bp.put(f"{BASE}/factors/<factor_id>")
@documented(
    "Change a factor (working group, facilitators)",
    TAG,
    body=FactorUpdateSchema,
    auth=True,
    errors=WRITE_ERRORS,
)
def update_factor(slug: str, factor_id: str) -> Response:
    return json_response(rpc("scenarios", "update_factor", slug, factor_id, json_body()))


@bp.delete(f"{BASE}/factors/<factor_id>")
@documented(
    "Remove a factor that is not a key factor (working group, facilitators)",
    TAG,
    auth=True,
    errors=WRITE_ERRORS,
)
def delete_factor(slug: str, factor_id: str) -> Response:
    return json_response(rpc("scenarios", "delete_factor", slug, factor_id))


# ---------------------------------------------------------------- influence
@bp.get(f"{BASE}/influence/rating")
@documented(
    "My influence matrix over the current factors (working group, facilitators)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def my_influence_rating(slug: str) -> Response:
    return json_response(rpc("scenarios", "my_influence_rating", slug))


@bp.put(f"{BASE}/influence/rating")
@documented(
    "Submit my whole influence matrix, 0–3, null = not judged (working group, facilitators)",
    TAG,
    body=InfluenceRatingSchema,
    auth=True,
    errors=WRITE_ERRORS,
)
def rate_influence(slug: str) -> Response:
    return json_response(rpc("scenarios", "rate_influence", slug, json_body()))


@bp.get(f"{BASE}/influence")
@documented(
    "Aggregated influence, analysis, key-factor suggestion, disagreement (facilitators)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def influence(slug: str) -> Response:
    return json_response(rpc("scenarios", "influence", slug))


@bp.put(f"{BASE}/influence/resolutions")
@documented(
    "Resolve one disputed influence cell (factor a on factor b) with a value (facilitators)",
    TAG,
    body=InfluenceResolutionSchema,
    auth=True,
    errors=WRITE_ERRORS,
)
def resolve_influence(slug: str) -> Response:
    return json_response(rpc("scenarios", "resolve_influence", slug, json_body()))


@bp.get(f"{BASE}/influence/grid.svg")
@documented("The system grid as SVG (facilitators)", TAG, auth=True, errors=(401, 403, 404, 409))
def influence_grid(slug: str) -> Response:
    return _svg(rpc("scenarios", "influence_grid_svg", slug))


# ---------------------------------------------------------------- key factors
@bp.get(f"{BASE}/key-factors")
@documented("The key factors in force (with the decision's record for the group)", TAG)
def key_factors(slug: str) -> Response:
    return json_response(rpc("scenarios", "key_factors", slug))


@bp.put(f"{BASE}/key-factors")
@documented(
    "Decide the key factors; a departure from the suggestion needs a note (facilitators)",
    TAG,
    body=KeyFactorDecisionSchema,
    auth=True,
    errors=WRITE_ERRORS,
)
def decide_key_factors(slug: str) -> Response:
    return json_response(rpc("scenarios", "decide_key_factors", slug, json_body()))
