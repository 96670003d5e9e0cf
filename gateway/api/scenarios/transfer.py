"""Transfer: assessment criteria and assessments, the portfolio, and deep-dive topics."""

from __future__ import annotations

from flask import Response

from gateway.api.common import json_body, json_response, rpc
from gateway.api.docs import documented
from gateway.api.scenarios.base import BASE, TAG, WRITE_ERRORS, _svg, bp
from services.scenarios.schemas import (
    AssessmentSchema,
    TopicSchema,
    TopicUpdateSchema,
)


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


@bp.get(f"{BASE}/assessment-results")
@documented(
    "The assessments in aggregate: raters and means per scenario and criterion, no single "
    "rating (everyone after the transfer phase; before, working group, facilitators, admins)",
    TAG,
    errors=(401, 403, 404),
)
def assessment_results(slug: str) -> Response:
    return json_response(rpc("scenarios", "assessment_results", slug))


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
