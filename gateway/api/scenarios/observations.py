"""Citizens' observations and forecasts, and their triage."""

from __future__ import annotations

from flask import Response, request

from gateway.api.common import json_body, json_response, rpc
from gateway.api.docs import documented
from gateway.api.scenarios.base import BASE, TAG, WRITE_ERRORS, bp
from services.scenarios.schemas import (
    HideSchema,
    ObservationSchema,
    ObservationTriageSchema,
)


# ---------------------------------------------------------------- observations
@bp.post(f"{BASE}/observations")
@documented(
    "Submit an observation or forecast (anyone signed in, scenario phase)",
    TAG,
    body=ObservationSchema,
    status=201,
    auth=True,
    errors=(401, 404, 409, 422),
)
def submit_observation(slug: str) -> Response:
    return json_response(rpc("scenarios", "submit_observation", slug, json_body()), 201)


@bp.get(f"{BASE}/observations")
@documented("Observations and forecasts (?factor_id= narrows to one factor)", TAG, errors=(404,))
def list_observations(slug: str) -> Response:
    factor_id = request.args.get("factor_id") or None
    return json_response(rpc("scenarios", "list_observations", slug, factor_id))


@bp.put(f"{BASE}/observations/<observation_id>")
@documented(
    "Link an observation to a factor or mark it a factor candidate (facilitators)",
    TAG,
    body=ObservationTriageSchema,
    auth=True,
    errors=WRITE_ERRORS,
)
def triage_observation(slug: str, observation_id: str) -> Response:
    return json_response(rpc("scenarios", "triage_observation", slug, observation_id, json_body()))


@bp.post(f"{BASE}/observations/<observation_id>/hide")
@documented(
    "Hide an observation with a reason (facilitators)",
    TAG,
    body=HideSchema,
    auth=True,
    errors=WRITE_ERRORS,
)
def hide_observation(slug: str, observation_id: str) -> Response:
    return json_response(rpc("scenarios", "hide_observation", slug, observation_id, json_body()))
