"""``/api/v1/cities/<slug>/scenarios/…`` routes of the scenarios service."""

from __future__ import annotations

from flask import Blueprint, Response, request

from gateway.api.common import json_body, json_response, rpc
from gateway.api.docs import documented
from services.scenarios.schemas import (
    AssessmentSchema,
    ConsistencyRatingSchema,
    FactorSchema,
    FactorUpdateSchema,
    HideSchema,
    InfluenceRatingSchema,
    KeyFactorDecisionSchema,
    ObservationSchema,
    ObservationTriageSchema,
    ProjectionSchema,
    ProjectionUpdateSchema,
    ProjectSchema,
    ProjectUpdateSchema,
    ResolutionSchema,
    RunSchema,
    ScenarioSchema,
    ScenarioUpdateSchema,
    TopicSchema,
    TopicUpdateSchema,
)

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


@bp.get(f"{BASE}/influence/grid.svg")
@documented("The system grid as SVG (facilitators)", TAG, auth=True, errors=(401, 403, 404, 409))
def influence_grid(slug: str) -> Response:
    return _svg(rpc("scenarios", "influence_grid_svg", slug))


# ---------------------------------------------------------------- key factors, projections
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


# ---------------------------------------------------------------- runs
@bp.post(f"{BASE}/runs")
@documented(
    "Start a computation run on a snapshot of the inputs; poll it (facilitators)",
    TAG,
    body=RunSchema,
    status=202,
    auth=True,
    errors=WRITE_ERRORS,
)
def start_run(slug: str) -> Response:
    return json_response(rpc("scenarios", "start_run", slug, _body()), 202)


@bp.get(f"{BASE}/runs")
@documented("The project's runs (working group, facilitators)", TAG, auth=True, errors=(401, 403))
def list_runs(slug: str) -> Response:
    return json_response(rpc("scenarios", "list_runs", slug))


@bp.get(f"{BASE}/runs/<run_id>")
@documented(
    "A run: status, progress, snapshot and result (working group, facilitators)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def get_run(slug: str, run_id: str) -> Response:
    return json_response(rpc("scenarios", "get_run", slug, run_id))


@bp.post(f"{BASE}/runs/<run_id>/rerun")
@documented(
    "Compute a run again on the same snapshot (facilitators)",
    TAG,
    status=202,
    auth=True,
    errors=WRITE_ERRORS,
)
def rerun(slug: str, run_id: str) -> Response:
    return json_response(rpc("scenarios", "rerun", slug, run_id), 202)


@bp.get(f"{BASE}/runs/<run_id>/map.svg")
@documented(
    "The run's scenario map as SVG (working group, facilitators)",
    TAG,
    auth=True,
    errors=(401, 403, 404, 409),
)
def run_map(slug: str, run_id: str) -> Response:
    return _svg(rpc("scenarios", "run_map_svg", slug, run_id))


# ---------------------------------------------------------------- scenarios
@bp.get(f"{BASE}/scenarios")
@documented("Published scenarios (drafts too for the working group)", TAG, errors=(404,))
def list_scenarios(slug: str) -> Response:
    return json_response(rpc("scenarios", "list_scenarios", slug))


@bp.post(f"{BASE}/scenarios")
@documented(
    "Write a scenario from a run's raw scenario (facilitators)",
    TAG,
    body=ScenarioSchema,
    status=201,
    auth=True,
    errors=WRITE_ERRORS,
)
def create_scenario(slug: str) -> Response:
    return json_response(rpc("scenarios", "create_scenario", slug, json_body()), 201)


@bp.get(f"{BASE}/scenarios/<scenario_id>")
@documented("One scenario with its projections and profile", TAG, errors=(404,))
def get_scenario(slug: str, scenario_id: str) -> Response:
    return json_response(rpc("scenarios", "get_scenario", slug, scenario_id))


@bp.put(f"{BASE}/scenarios/<scenario_id>")
@documented(
    "Change a draft scenario (facilitators)",
    TAG,
    body=ScenarioUpdateSchema,
    auth=True,
    errors=WRITE_ERRORS,
)
def update_scenario(slug: str, scenario_id: str) -> Response:
    return json_response(rpc("scenarios", "update_scenario", slug, scenario_id, json_body()))


@bp.post(f"{BASE}/scenarios/<scenario_id>/publish")
@documented("Publish a scenario to everyone (facilitators)", TAG, auth=True, errors=WRITE_ERRORS)
def publish_scenario(slug: str, scenario_id: str) -> Response:
    return json_response(rpc("scenarios", "publish_scenario", slug, scenario_id))


@bp.get(f"{BASE}/scenarios/<scenario_id>/profile.svg")
@documented("The scenario's projection profile as SVG", TAG, errors=(404,))
def scenario_profile(slug: str, scenario_id: str) -> Response:
    return _svg(rpc("scenarios", "scenario_profile_svg", slug, scenario_id))


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


# ---------------------------------------------------------------- transfer
@bp.get(f"{BASE}/criteria")
@documented("Assessment criteria: the base three and the city's plugins'", TAG, errors=(404,))
def criteria(slug: str) -> Response:
    return json_response(rpc("scenarios", "criteria", slug))


@bp.put(f"{BASE}/scenarios/<scenario_id>/assessment")
@documented(
    "My assessment of a published scenario, 1–5 per criterion (working group, transfer)",
    TAG,
    body=AssessmentSchema,
    auth=True,
    errors=WRITE_ERRORS,
)
def assess_scenario(slug: str, scenario_id: str) -> Response:
    return json_response(rpc("scenarios", "assess_scenario", slug, scenario_id, json_body()))


@bp.get(f"{BASE}/portfolio")
@documented(
    "The aggregated scenario portfolio (working group, facilitators)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def portfolio(slug: str) -> Response:
    return json_response(rpc("scenarios", "portfolio", slug))


@bp.get(f"{BASE}/portfolio.svg")
@documented(
    "The portfolio as SVG (working group, facilitators)", TAG, auth=True, errors=(401, 403, 404)
)
def portfolio_svg(slug: str) -> Response:
    return _svg(rpc("scenarios", "portfolio_svg", slug))


@bp.get(f"{BASE}/topics")
@documented("Published deep-dive topics (drafts too for the working group)", TAG, errors=(404,))
def list_topics(slug: str) -> Response:
    return json_response(rpc("scenarios", "list_topics", slug))


@bp.post(f"{BASE}/topics")
@documented(
    "Draft a deep-dive topic (working group, transfer)",
    TAG,
    body=TopicSchema,
    status=201,
    auth=True,
    errors=WRITE_ERRORS,
)
def create_topic(slug: str) -> Response:
    return json_response(rpc("scenarios", "create_topic", slug, json_body()), 201)


@bp.get(f"{BASE}/topics/<topic_id>")
@documented("One deep-dive topic", TAG, errors=(404,))
def get_topic(slug: str, topic_id: str) -> Response:
    return json_response(rpc("scenarios", "get_topic", slug, topic_id))


@bp.put(f"{BASE}/topics/<topic_id>")
@documented(
    "Change a topic that is not published (working group, transfer)",
    TAG,
    body=TopicUpdateSchema,
    auth=True,
    errors=WRITE_ERRORS,
)
def update_topic(slug: str, topic_id: str) -> Response:
    return json_response(rpc("scenarios", "update_topic", slug, topic_id, json_body()))


@bp.post(f"{BASE}/topics/<topic_id>/submit")
@documented(
    "Submit a drafted topic for review (working group, transfer)",
    TAG,
    auth=True,
    errors=WRITE_ERRORS,
)
def submit_topic(slug: str, topic_id: str) -> Response:
    return json_response(rpc("scenarios", "submit_topic", slug, topic_id))


@bp.post(f"{BASE}/topics/<topic_id>/publish")
@documented(
    "Publish a reviewed topic for the table talks (facilitators, transfer)",
    TAG,
    auth=True,
    errors=WRITE_ERRORS,
)
def publish_topic(slug: str, topic_id: str) -> Response:
    return json_response(rpc("scenarios", "publish_topic", slug, topic_id))
