"""Project ideas: proposed, listed, supported, helped with, given a status, hidden, reported."""

from __future__ import annotations

from flask import Response, request

from gateway.api.common import json_body, json_response, rpc
from gateway.api.dialogue.base import CITY, IDEA, TAG, bp
from gateway.api.docs import documented
from services.dialogue.schemas import (
    IdeaSchema,
    IdeaStatusSchema,
    ReasonSchema,
)
from services.kit.errors import NotFound


# ---------------------------------------------------------------- project ideas
@bp.post(f"{CITY}/ideas")
@documented(
    "Propose a project idea or citizen initiative (signed in; from a talk or directly)",
    TAG,
    body=IdeaSchema,
    status=201,
    auth=True,
    errors=(401, 404, 409, 422),
)
def propose_idea(slug: str) -> Response:
    return json_response(rpc("dialogue", "propose_idea", slug, json_body()), 201)


@bp.get(f"{CITY}/ideas")
@documented(
    "The city's project ideas with supporters and helpers (?district= one district's)",
    TAG,
    errors=(404, 422),
)
def list_ideas(slug: str) -> Response:
    district = request.args.get("district", "").strip()
    filters = {"district": district} if district else {}
    return json_response(rpc("dialogue", "list_ideas", slug, filters))


@bp.get(f"{CITY}/district-counts")
@documented(
    "Table talks and ideas counted per district (only counts, never places)", TAG, errors=(404,)
)
def district_counts(slug: str) -> Response:
    return json_response(rpc("dialogue", "district_counts", slug))


@bp.get(IDEA)
@documented("One project idea", TAG, errors=(404,))
def get_idea(slug: str, idea_id: str) -> Response:
    return json_response(rpc("dialogue", "get_idea", slug, idea_id))


@bp.post(f"{IDEA}/support")
@documented("Support an idea (once per person)", TAG, auth=True, errors=(401, 404, 409))
def support_idea(slug: str, idea_id: str) -> Response:
    return json_response(rpc("dialogue", "support_idea", slug, idea_id, "support"))


@bp.delete(f"{IDEA}/support")
@documented("Withdraw my support", TAG, auth=True, errors=(401, 404))
def withdraw_support(slug: str, idea_id: str) -> Response:
    return json_response(rpc("dialogue", "withdraw_support", slug, idea_id, "support"))


@bp.post(f"{IDEA}/helpers")
@documented(
    "„Ich mache mit“: sign up to help (once per person)", TAG, auth=True, errors=(401, 404, 409)
)
def help_idea(slug: str, idea_id: str) -> Response:
    return json_response(rpc("dialogue", "support_idea", slug, idea_id, "helper"))


@bp.delete(f"{IDEA}/helpers")
@documented("Withdraw from helping", TAG, auth=True, errors=(401, 404))
def withdraw_help(slug: str, idea_id: str) -> Response:
    return json_response(rpc("dialogue", "withdraw_support", slug, idea_id, "helper"))


@bp.post(f"{IDEA}/status")
@documented(
    "Set an idea's status with a public reason (city admins)",
    TAG,
    body=IdeaStatusSchema,
    auth=True,
    errors=(401, 403, 404, 422),
)
def set_idea_status(slug: str, idea_id: str) -> Response:
    return json_response(rpc("dialogue", "set_idea_status", slug, idea_id, json_body()))


@bp.post(f"{IDEA}/hide")
@documented(
    "Hide an idea with a reason (city admins, facilitators)",
    TAG,
    body=ReasonSchema,
    auth=True,
    errors=(401, 403, 404, 422),
)
def hide_idea(slug: str, idea_id: str) -> Response:
    return json_response(rpc("dialogue", "hide_idea", slug, idea_id, json_body()))


@bp.post(f"{IDEA}/report")
@documented(
    "Report an idea to the moderators (once per person)",
    TAG,
    body=ReasonSchema,
    auth=True,
    errors=(401, 404, 422),
)
def report_idea(slug: str, idea_id: str) -> Response:
    return json_response(rpc("dialogue", "report", slug, "idea", idea_id, json_body()))


# ---------------------------------------------------------------- organisations as supporters
@bp.get(f"{IDEA}/organisations/mine")
@documented(
    "The organisations I may act for (working groups, own account), each with what it gave",
    TAG,
    auth=True,
    errors=(401, 404),
)
def my_organisations(slug: str, idea_id: str) -> Response:
    return json_response(rpc("dialogue", "my_organisations", slug, idea_id))


ORG_ACTS = {"support": "support", "helpers": "helper"}


@bp.post(f"{IDEA}/organisations/<key>/<act>")
@documented(
    "Support an idea (act: support) or take part (act: helpers) in an organisation's name "
    "(its members only; once per organisation)",
    TAG,
    auth=True,
    errors=(401, 403, 404, 409),
)
def support_as_organisation(slug: str, idea_id: str, key: str, act: str) -> Response:
    if act not in ORG_ACTS:
        raise NotFound()
    return json_response(
        rpc("dialogue", "support_as_organisation", slug, idea_id, key, ORG_ACTS[act])
    )


@bp.delete(f"{IDEA}/organisations/<key>/<act>")
@documented(
    "Withdraw an organisation's support or taking part (any of its members)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def withdraw_as_organisation(slug: str, idea_id: str, key: str, act: str) -> Response:
    if act not in ORG_ACTS:
        raise NotFound()
    return json_response(
        rpc("dialogue", "withdraw_as_organisation", slug, idea_id, key, ORG_ACTS[act])
    )
