"""A talk's invitation links with their QR codes, and guests' registration through a link."""

from __future__ import annotations

from flask import Response

from gateway.api.common import json_body, json_response, rpc
from gateway.api.dialogue.base import TAG, TALK, _optional_body, bp
from gateway.api.docs import documented
from gateway.qr import qr_png, qr_svg
from services.dialogue.schemas import (
    GuestJoinSchema,
    InvitationCreateSchema,
    TokenSchema,
)


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
    "Cancel a guest registration with the token from the confirmation mail (once; afterwards "
    "this and the confirmation link answer 409)",
    TAG,
    body=TokenSchema,
    errors=(404, 409, 422),
)
def cancel_guest_registration() -> Response:
    return json_response(rpc("dialogue", "cancel_guest_registration", json_body()))
