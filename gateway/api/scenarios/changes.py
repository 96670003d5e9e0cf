"""Changing the workshop afterwards: what depends on a factor or projection before it is
deleted, withdrawing published scenarios and topics, deleting drafts, and the versions of the
rating matrices (listed and restored by the facilitator)."""

from __future__ import annotations

from flask import Response

from gateway.api.common import json_body, json_response, rpc
from gateway.api.docs import documented
from gateway.api.scenarios.base import BASE, TAG, WRITE_ERRORS, bp
from services.scenarios.schemas import CriterionSchema, CriterionUpdateSchema, HideSchema


@bp.get(f"{BASE}/factors/<factor_id>/dependents")
@documented(
    "What depends on a factor and goes with it when it is deleted (working group)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def factor_dependents(slug: str, factor_id: str) -> Response:
    return json_response(rpc("scenarios", "factor_dependents", slug, factor_id))


@bp.get(f"{BASE}/projections/<projection_id>/dependents")
@documented(
    "What depends on a projection and goes with it when it is deleted (working group)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def projection_dependents(slug: str, projection_id: str) -> Response:
    return json_response(rpc("scenarios", "projection_dependents", slug, projection_id))


@bp.post(f"{BASE}/scenarios/<scenario_id>/withdraw")
@documented(
    "Withdraw a published scenario with a reason; citizens no longer see it (facilitators)",
    TAG,
    body=HideSchema,
    auth=True,
    errors=WRITE_ERRORS,
)
def withdraw_scenario(slug: str, scenario_id: str) -> Response:
    return json_response(rpc("scenarios", "withdraw_scenario", slug, scenario_id, json_body()))


@bp.delete(f"{BASE}/scenarios/<scenario_id>")
@documented(
    "Delete a draft or withdrawn scenario and its assessments (facilitators)",
    TAG,
    auth=True,
    errors=WRITE_ERRORS,
)
def delete_scenario(slug: str, scenario_id: str) -> Response:
    return json_response(rpc("scenarios", "delete_scenario", slug, scenario_id))


@bp.post(f"{BASE}/topics/<topic_id>/withdraw")
@documented(
    "Withdraw a published deep-dive topic with a reason (facilitators, transfer)",
    TAG,
    body=HideSchema,
    auth=True,
    errors=WRITE_ERRORS,
)
def withdraw_topic(slug: str, topic_id: str) -> Response:
    return json_response(rpc("scenarios", "withdraw_topic", slug, topic_id, json_body()))


@bp.get(f"{BASE}/ratings/<kind>/versions")
@documented(
    "Saved versions of the raters' matrices, newest first: influence, consistency or "
    "cross_impact (facilitators)",
    TAG,
    auth=True,
    errors=(401, 403, 404, 422),
)
def rating_versions(slug: str, kind: str) -> Response:
    return json_response(rpc("scenarios", "rating_versions", slug, kind))


@bp.post(f"{BASE}/rating-versions/<version_id>/restore")
@documented(
    "Restore a version of a rater's matrix; the restore is a new version (facilitators)",
    TAG,
    auth=True,
    errors=WRITE_ERRORS,
)
def restore_rating_version(slug: str, version_id: str) -> Response:
    return json_response(rpc("scenarios", "restore_rating_version", slug, version_id))


@bp.get(f"{BASE}/ratings/<kind>/mine")
@documented(
    "How many cells of my matrix count now: influence, consistency (pairs) or cross_impact "
    "(working group, facilitators)",
    TAG,
    auth=True,
    errors=(401, 403, 404, 422),
)
def my_rating_summary(slug: str, kind: str) -> Response:
    return json_response(rpc("scenarios", "my_rating_summary", slug, kind))


@bp.delete(f"{BASE}/ratings/<kind>/mine")
@documented(
    "Withdraw my whole matrix of this kind; its versions stay, a facilitator can restore one "
    "(working group, facilitators; scenario phase)",
    TAG,
    auth=True,
    errors=WRITE_ERRORS,
)
def withdraw_rating(slug: str, kind: str) -> Response:
    return json_response(rpc("scenarios", "withdraw_rating", slug, kind))


@bp.post(f"{BASE}/criteria")
@documented(
    "Add an own assessment criterion of the city's project (facilitators)",
    TAG,
    body=CriterionSchema,
    status=201,
    auth=True,
    errors=WRITE_ERRORS,
)
def create_criterion(slug: str) -> Response:
    return json_response(rpc("scenarios", "create_criterion", slug, json_body()), 201)


@bp.put(f"{BASE}/criteria/<criterion_id>")
@documented(
    "Rename or describe an own assessment criterion (facilitators)",
    TAG,
    body=CriterionUpdateSchema,
    auth=True,
    errors=WRITE_ERRORS,
)
def update_criterion(slug: str, criterion_id: str) -> Response:
    return json_response(rpc("scenarios", "update_criterion", slug, criterion_id, json_body()))


@bp.get(f"{BASE}/criteria/<criterion_id>/dependents")
@documented(
    "How many assessments rate an own criterion (facilitators)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def criterion_dependents(slug: str, criterion_id: str) -> Response:
    return json_response(rpc("scenarios", "criterion_dependents", slug, criterion_id))


@bp.delete(f"{BASE}/criteria/<criterion_id>")
@documented(
    "Remove an own assessment criterion and the values given on it (facilitators)",
    TAG,
    auth=True,
    errors=WRITE_ERRORS,
)
def delete_criterion(slug: str, criterion_id: str) -> Response:
    return json_response(rpc("scenarios", "delete_criterion", slug, criterion_id))
