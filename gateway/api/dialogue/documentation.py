"""The city's forms as JSON schema, and a talk's documentation (draft and submitted)."""

from __future__ import annotations

from flask import Response, request

from gateway.api.common import json_body, json_response, rpc
from gateway.api.dialogue.base import CITY, TAG, TALK, bp
from gateway.api.docs import documented
from services.dialogue.schemas import (
    TalkDocumentationSchema,
)


# ---------------------------------------------------------------- documentation
@bp.get(f"{CITY}/forms/talk_documentation")
@documented(
    "The city's documentation form as JSON schema (?kind=scenario_conversation for the "
    "scenario phase): base fields plus the enabled plugins' fields",
    TAG,
    errors=(404, 422),
)
def documentation_form(slug: str) -> Response:
    kind = request.args.get("kind", "table_talk")
    return json_response(rpc("dialogue", "documentation_form", slug, kind))


@bp.get(f"{CITY}/forms/project_idea")
@documented("The city's project-idea form as JSON schema", TAG, errors=(404,))
def idea_form(slug: str) -> Response:
    return json_response(rpc("dialogue", "idea_form", slug))


@bp.get(f"{TALK}/documentation")
@documented("A talk's documentation (and, for its host, the saved draft)", TAG, errors=(404,))
def documentation(slug: str, talk_id: str) -> Response:
    return json_response(rpc("dialogue", "documentation", slug, talk_id))


@bp.put(f"{TALK}/documentation/draft")
@documented(
    "Save a draft of the documentation (host; not validated)",
    TAG,
    auth=True,
    errors=(401, 403, 404, 422),
)
def save_draft(slug: str, talk_id: str) -> Response:
    return json_response(rpc("dialogue", "save_draft", slug, talk_id, json_body()))


@bp.post(f"{TALK}/documentation")
@documented(
    "Submit the documentation (host); a repeated submit returns the first",
    TAG,
    body=TalkDocumentationSchema,
    auth=True,
    errors=(401, 403, 404, 409, 422),
)
def submit_documentation(slug: str, talk_id: str) -> Response:
    return json_response(rpc("dialogue", "submit_documentation", slug, talk_id, json_body()))
