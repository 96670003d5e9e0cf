"""Comments on ideas, topics, published scenarios and documented talks: listed, written,
answered (``parent_id``), changed within 15 minutes, reported, hidden by moderators."""

from __future__ import annotations

from flask import Response

from gateway.api.common import json_body, json_response, rpc
from gateway.api.dialogue.base import CITY, TAG, bp
from gateway.api.docs import documented
from services.dialogue.schemas import CommentEditSchema, CommentSchema, ReasonSchema

TARGET = f"{CITY}/comments/<kind>/<target_id>"  # kind: idea, topic, scenario or talk
COMMENT = f"{CITY}/comments/<comment_id>"


@bp.get(TARGET)
@documented("The comments on an idea, topic, scenario or talk, with replies", TAG, errors=(404,))
def list_comments(slug: str, kind: str, target_id: str) -> Response:
    return json_response(rpc("dialogue", "list_comments", slug, kind, target_id))


@bp.post(TARGET)
@documented(
    "Write a comment, or a reply with parent_id (signed in; at most 5 a minute, 50 a day)",
    TAG,
    body=CommentSchema,
    status=201,
    auth=True,
    errors=(401, 404, 422, 429),
)
def post_comment(slug: str, kind: str, target_id: str) -> Response:
    return json_response(rpc("dialogue", "post_comment", slug, kind, target_id, json_body()), 201)


@bp.patch(COMMENT)
@documented(
    "Change my comment (within 15 minutes of writing it)",
    TAG,
    body=CommentEditSchema,
    auth=True,
    errors=(401, 403, 404, 409, 422),
)
def edit_comment(slug: str, comment_id: str) -> Response:
    return json_response(rpc("dialogue", "edit_comment", slug, comment_id, json_body()))


@bp.post(f"{COMMENT}/report")
@documented(
    "Report a comment to the moderators (once per person)",
    TAG,
    body=ReasonSchema,
    auth=True,
    errors=(401, 404, 422),
)
def report_comment(slug: str, comment_id: str) -> Response:
    return json_response(rpc("dialogue", "report", slug, "comment", comment_id, json_body()))


@bp.post(f"{COMMENT}/hide")
@documented(
    "Hide a comment; the reason shows in its place, the author is mailed (moderators)",
    TAG,
    body=ReasonSchema,
    auth=True,
    errors=(401, 403, 404, 422),
)
def hide_comment(slug: str, comment_id: str) -> Response:
    return json_response(rpc("dialogue", "hide_comment", slug, comment_id, json_body()))
