"""Table talks (created, listed, changed, cancelled) and registrations for them."""

from __future__ import annotations

from flask import Response, request

from gateway.api.common import json_body, json_response, rpc
from gateway.api.dialogue.base import CITY, TAG, TALK, _optional_body, bp
from gateway.api.docs import documented
from services.dialogue.schemas import (
    CancelTalkSchema,
    JoinSchema,
    TalkSchema,
)


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
    "Talks not over yet (running ones too, `timing`: upcoming/running), soonest first; filter "
    "with ?topic=<id>&district=<name>&date=YYYY-MM-DD&free=true; ?past=true lists only the "
    "ended ones (Vergangene Gespräche), the latest first",
    TAG,
    errors=(404, 422),
)
def list_talks(slug: str) -> Response:
    wanted = ("topic", "district", "date", "free", "kind", "past")
    filters = {k: v for k, v in request.args.items() if k in wanted}
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
    "Join a talk before it begins: a seat or a place on the waiting list (invitation token "
    "if by invitation); 409 once it has begun",
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
