"""``/api/v1`` routes of the dialogue service: topics, table talks, registrations, invitations,
documentation forms and project ideas."""

from __future__ import annotations

from flask import Blueprint, Response, request

from gateway.api.common import json_body, json_response, rpc
from gateway.api.docs import documented
from gateway.qr import qr_png, qr_svg
from services.dialogue.schemas import (
    CancelTalkSchema,
    GuestJoinSchema,
    IdeaSchema,
    IdeaStatusSchema,
    InvitationCreateSchema,
    JoinSchema,
    ReasonSchema,
    TalkDocumentationSchema,
    TalkSchema,
    TokenSchema,
    TopicSchema,
)

bp = Blueprint("api_dialogue", __name__, url_prefix="/api/v1")
TAG = "dialogue"
CITY = "/cities/<slug>"
TALK = f"{CITY}/talks/<talk_id>"
IDEA = f"{CITY}/ideas/<idea_id>"


def _optional_body() -> dict:
    return json_body() if request.get_data() else {}


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


# ---------------------------------------------------------------- talks
@bp.post(f"{CITY}/talks")
@documented(
    "Host a table talk (signed in; table-talk phase, or scenario phase for working groups)",
    TAG,
    body=TalkSchema,
    status=201,
    auth=True,
    errors=(401, 404, 409, 422),
)
def create_talk(slug: str) -> Response:
    return json_response(rpc("dialogue", "create_talk", slug, json_body()), 201)


@bp.get(f"{CITY}/talks")
@documented(
    "Upcoming talks; filter with ?topic=<id>&district=<name>&date=YYYY-MM-DD&free=true",
    TAG,
    errors=(404, 422),
)
def list_talks(slug: str) -> Response:
    filters = {
        k: v for k, v in request.args.items() if k in ("topic", "district", "date", "free", "kind")
    }
    return json_response(rpc("dialogue", "list_talks", slug, filters))


@bp.get(TALK)
@documented("One talk (address and link for its host and registered guests)", TAG, errors=(404,))
def get_talk(slug: str, talk_id: str) -> Response:
    return json_response(rpc("dialogue", "get_talk", slug, talk_id))


@bp.patch(TALK)
@documented(
    "Change a talk (host); guests are mailed changes of time and place",
    TAG,
    body=TalkSchema,
    auth=True,
    errors=(401, 403, 404, 409, 422),
)
def update_talk(slug: str, talk_id: str) -> Response:
    return json_response(rpc("dialogue", "update_talk", slug, talk_id, json_body()))


@bp.post(f"{TALK}/cancel")
@documented(
    "Cancel a talk with a reason (host or city admin); guests are mailed",
    TAG,
    body=CancelTalkSchema,
    auth=True,
    errors=(401, 403, 404, 422),
)
def cancel_talk(slug: str, talk_id: str) -> Response:
    return json_response(rpc("dialogue", "cancel_talk", slug, talk_id, json_body()))


# ---------------------------------------------------------------- registrations
@bp.post(f"{TALK}/registrations")
@documented(
    "Join a talk: a seat or a place on the waiting list (invitation token if by invitation)",
    TAG,
    body=JoinSchema,
    auth=True,
    errors=(401, 403, 404, 409, 422),
)
def join_talk(slug: str, talk_id: str) -> Response:
    return json_response(rpc("dialogue", "join_talk", slug, talk_id, _optional_body()))


@bp.get(f"{TALK}/registrations/me")
@documented("My registration: confirmed with seat, or waiting with position", TAG, auth=True)
def my_registration(slug: str, talk_id: str) -> Response:
    return json_response(rpc("dialogue", "my_registration", slug, talk_id))


@bp.delete(f"{TALK}/registrations/me")
@documented(
    "Cancel my registration; the first on the waiting list moves up",
    TAG,
    auth=True,
    errors=(401, 404),
)
def cancel_registration(slug: str, talk_id: str) -> Response:
    return json_response(rpc("dialogue", "cancel_registration", slug, talk_id))


@bp.get(f"{TALK}/guests")
@documented(
    "Guest list for the host: display names, seats and waiting positions (no e-mail)",
    TAG,
    auth=True,
    errors=(401, 403, 404),
)
def guests(slug: str, talk_id: str) -> Response:
    return json_response(rpc("dialogue", "guests", slug, talk_id))


# ---------------------------------------------------------------- invitations
@bp.post(f"{TALK}/invitations")
@documented(
    "Create an invitation link (host); with an e-mail address the platform sends it",
    TAG,
    body=InvitationCreateSchema,
    status=201,
    auth=True,
    errors=(401, 403, 404, 409, 422),
)
def create_invitation(slug: str, talk_id: str) -> Response:
    return json_response(rpc("dialogue", "create_invitation", slug, talk_id, _optional_body()), 201)


@bp.get(f"{TALK}/invitations")
@documented("The talk's invitation links (host)", TAG, auth=True, errors=(401, 403, 404))
def list_invitations(slug: str, talk_id: str) -> Response:
    return json_response(rpc("dialogue", "list_invitations", slug, talk_id))


@bp.delete(f"{TALK}/invitations/<invitation_id>")
@documented("Revoke an invitation link (host)", TAG, auth=True, errors=(401, 403, 404))
def revoke_invitation(slug: str, talk_id: str, invitation_id: str) -> Response:
    return json_response(rpc("dialogue", "revoke_invitation", slug, talk_id, invitation_id))


def _qr(slug: str, talk_id: str, invitation_id: str, kind: str) -> Response:
    link = rpc("dialogue", "invitation", slug, talk_id, invitation_id)["link"]
    if kind == "png":
        return Response(qr_png(link), mimetype="image/png")
    return Response(qr_svg(link), mimetype="image/svg+xml")


@bp.get(f"{TALK}/invitations/<invitation_id>/qr.png")
@documented("QR code of an invitation link as PNG (host)", TAG, auth=True, errors=(401, 403, 404))
def invitation_qr_png(slug: str, talk_id: str, invitation_id: str) -> Response:
    return _qr(slug, talk_id, invitation_id, "png")


@bp.get(f"{TALK}/invitations/<invitation_id>/qr.svg")
@documented("QR code of an invitation link as SVG (host)", TAG, auth=True, errors=(401, 403, 404))
def invitation_qr_svg(slug: str, talk_id: str, invitation_id: str) -> Response:
    return _qr(slug, talk_id, invitation_id, "svg")


@bp.post("/talk-invitations/open")
@documented("The talk behind an invitation link", TAG, body=TokenSchema, errors=(404, 422))
def open_invitation() -> Response:
    return json_response(rpc("dialogue", "open_invitation", json_body()))


@bp.post("/talk-invitations/guest")
@documented(
    "Join through an invitation without an account: name and e-mail, confirmed by mail",
    TAG,
    body=GuestJoinSchema,
    status=202,
    errors=(404, 409, 422),
)
def request_guest_registration() -> Response:
    return json_response(rpc("dialogue", "request_guest_registration", json_body()), 202)


@bp.post("/talk-invitations/guest/confirm")
@documented(
    "Confirm a guest registration with the mailed token: a seat or the waiting list",
    TAG,
    body=TokenSchema,
    errors=(404, 409, 422),
)
def confirm_guest_registration() -> Response:
    return json_response(rpc("dialogue", "confirm_guest_registration", json_body()))


@bp.post("/talk-invitations/guest/cancel")
@documented(
    "Cancel a guest registration with the token from the confirmation mail",
    TAG,
    body=TokenSchema,
    errors=(404, 422),
)
def cancel_guest_registration() -> Response:
    return json_response(rpc("dialogue", "cancel_guest_registration", json_body()))


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
@documented("The city's project ideas with supporters and helpers", TAG, errors=(404,))
def list_ideas(slug: str) -> Response:
    return json_response(rpc("dialogue", "list_ideas", slug))


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
