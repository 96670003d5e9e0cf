"""Runs of the scenario computation, and the scenarios made from them."""

from __future__ import annotations

from flask import Response, request

from gateway.api.common import json_body, json_response, rpc
from gateway.api.docs import documented
from gateway.api.scenarios.base import BASE, TAG, WRITE_ERRORS, _body, _svg, bp
from services.kit.errors import Invalid
from services.scenarios.schemas import (
    RunSchema,
    ScenarioSchema,
    ScenarioUpdateSchema,
)


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
    "Compute a run again on the same snapshot of the inputs; parameters in the body change"
    " the run's, the ones left out stay (facilitators)",
    TAG,
    body=RunSchema,
    status=202,
    auth=True,
    errors=WRITE_ERRORS,
)
def rerun(slug: str, run_id: str) -> Response:
    return json_response(rpc("scenarios", "rerun", slug, run_id, _body()), 202)


@bp.get(f"{BASE}/runs/<run_id>/map.svg")
@documented(
    "The run's scenario map as SVG (working group, facilitators)",
    TAG,
    auth=True,
    errors=(401, 403, 404, 409),
)
def run_map(slug: str, run_id: str) -> Response:
    return _svg(rpc("scenarios", "run_map_svg", slug, run_id))


@bp.get(f"{BASE}/runs/<run_id>/dendrogram.svg")
@documented(
    "How the run merged its best bundles into raw scenarios, as an SVG dendrogram with the cut"
    " (working group, facilitators)",
    TAG,
    auth=True,
    errors=(401, 403, 404, 409),
)
def run_dendrogram(slug: str, run_id: str) -> Response:
    return _svg(rpc("scenarios", "run_dendrogram_svg", slug, run_id))


@bp.get(f"{BASE}/runs/<run_id>/silhouette.svg")
@documented(
    "The run's mean silhouette width per number of raw scenarios, as SVG (working group,"
    " facilitators)",
    TAG,
    auth=True,
    errors=(401, 403, 404, 409),
)
def run_silhouette(slug: str, run_id: str) -> Response:
    return _svg(rpc("scenarios", "run_silhouette_svg", slug, run_id))


@bp.get(f"{BASE}/runs/compare")
@documented(
    "Two finished runs compared (query a=<run id>&b=<run id>): parameters that differ, whether"
    " they read the same inputs, and which raw scenarios correspond by shared bundles and"
    " profile overlap (working group, facilitators); 422 names a missing a or b",
    TAG,
    auth=True,
    errors=(400, 401, 403, 404, 409, 422),
)
def compare_runs(slug: str) -> Response:
    a, b = request.args.get("a", ""), request.args.get("b", "")
    missing = {k: ["Choose a run."] for k, v in (("a", a), ("b", b)) if not v}
    if missing:
        raise Invalid("Two runs are needed.", missing)
    return json_response(rpc("scenarios", "compare_runs", slug, a, b))


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
