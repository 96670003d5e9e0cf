"""Topics of the dialogue: listed, proposed by citizens, hidden and reported; the reports."""

from __future__ import annotations

from flask import Response

from gateway.api.common import json_body, json_response, rpc
from gateway.api.dialogue.base import CITY, TAG, bp
from gateway.api.docs import documented
from services.dialogue.schemas import (
    ReasonSchema,
    TopicSchema,
)


# ---------------------------------------------------------------- topics
@bp.get(f"{CITY}/topics")
@documented("Deep-dive topics and citizens' own topics (moderators also see hidden)", TAG)
def list_topics(slug: str) -> Response:
    return json_response(rpc("dialogue", "list_topics", slug))


@bp.post(f"{CITY}/topics")
@documented(
    "Propose an own topic (Herzensangelegenheit; signed in; table-talk phase)",
    TAG,
    body=TopicSchema,
    status=201,
    auth=True,
    errors=(401, 404, 409, 422),
)
def propose_topic(slug: str) -> Response:
    return json_response(rpc("dialogue", "propose_topic", slug, json_body()), 201)


@bp.post(f"{CITY}/topics/<topic_id>/hide")
@documented(
    "Hide a topic with a public reason (city admins, facilitators)",
    TAG,
    body=ReasonSchema,
    auth=True,
    errors=(401, 403, 404, 422),
)
def hide_topic(slug: str, topic_id: str) -> Response:
    return json_response(rpc("dialogue", "hide_topic", slug, topic_id, json_body()))


@bp.post(f"{CITY}/topics/<topic_id>/report")
@documented(
    "Report a topic to the moderators (once per person)",
    TAG,
    body=ReasonSchema,
    auth=True,
    errors=(401, 404, 422),
)
def report_topic(slug: str, topic_id: str) -> Response:
    return json_response(rpc("dialogue", "report", slug, "topic", topic_id, json_body()))


@bp.get(f"{CITY}/reports")
@documented(
    "Reported topics and ideas with their reasons (city admins, facilitators)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def reports(slug: str) -> Response:
    return json_response(rpc("dialogue", "reports", slug))
