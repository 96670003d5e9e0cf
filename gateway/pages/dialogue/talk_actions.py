"""The forms on a talk's page: join and leave, cancel the talk, create and revoke invitation
links; and the talk's invitation QR codes and calendar file."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, redirect, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.pages.dialogue.base import _sign_in_first, bp
from gateway.pages.dialogue.talks import _talk_page
from gateway.pages.rendering import page_errors
from gateway.qr import qr_png, qr_svg
from services.dialogue.calendar import talk_ics
from services.kit.errors import DomainError, NotFound


def _talk_action(slug: str, talk_id: str, ok: Any, section: str, call: Any) -> Any:
    """``ok`` names the notice shown after the redirect, or picks it from the answer."""
    try:
        answer = call()
    except DomainError as exc:
        return _talk_page(slug, talk_id, exc.status, errors=page_errors(exc), error_section=section)
    notice = ok(answer) if callable(ok) else ok
    return redirect(url_for(".talk", slug=slug, talk_id=talk_id, ok=notice, _anchor="meldung"))


def join_notice(answer: Any) -> str:
    """A place and a place on the waiting list are told apart (issue 17: honest words)."""
    waiting = isinstance(answer, dict) and answer.get("status") == "waitlisted"
    return "warteliste" if waiting else "dabei"


@bp.post("/stadt/<slug>/tischgespraeche/<talk_id>/anmeldung")
def join(slug: str, talk_id: str) -> Any:
    if not current_caller().authenticated:
        return _sign_in_first(
            _("Um teilzunehmen, melde Dich bitte an."),
            url_for(".talk", slug=slug, talk_id=talk_id),
        )
    token = request.form.get("token", "").strip()
    body = {"token": token} if token else {}
    return _talk_action(
        slug,
        talk_id,
        join_notice,
        "teilnahme",
        lambda: rpc("dialogue", "join_talk", slug, talk_id, body),
    )


@bp.post("/stadt/<slug>/tischgespraeche/<talk_id>/anmeldung/zuruecknehmen")
def leave(slug: str, talk_id: str) -> Any:
    return _talk_action(
        slug,
        talk_id,
        "abgemeldet",
        "teilnahme",
        lambda: rpc("dialogue", "cancel_registration", slug, talk_id),
    )


@bp.post("/stadt/<slug>/tischgespraeche/<talk_id>/absagen")
def cancel(slug: str, talk_id: str) -> Any:
    body = {"reason": request.form.get("reason", "").strip()}
    return _talk_action(
        slug,
        talk_id,
        "abgesagt",
        "absagen",
        lambda: rpc("dialogue", "cancel_talk", slug, talk_id, body),
    )


@bp.post("/stadt/<slug>/tischgespraeche/<talk_id>/einladungen")
def invite(slug: str, talk_id: str) -> Any:
    email = request.form.get("email", "").strip()
    body = {"email": email} if email else {}
    return _talk_action(
        slug,
        talk_id,
        "eingeladen",
        "einladen",
        lambda: rpc("dialogue", "create_invitation", slug, talk_id, body),
    )


@bp.post("/stadt/<slug>/tischgespraeche/<talk_id>/einladungen/<invitation_id>/widerrufen")
def revoke(slug: str, talk_id: str, invitation_id: str) -> Any:
    return _talk_action(
        slug,
        talk_id,
        "widerrufen",
        "einladen",
        lambda: rpc("dialogue", "revoke_invitation", slug, talk_id, invitation_id),
    )


@bp.get("/stadt/<slug>/tischgespraeche/<talk_id>/einladungen/<invitation_id>/qr.<kind>")
def qr(slug: str, talk_id: str, invitation_id: str, kind: str) -> Response:
    if kind not in ("png", "svg"):
        raise NotFound()
    link = rpc("dialogue", "invitation", slug, talk_id, invitation_id)["link"]
    if kind == "png":
        response = Response(qr_png(link), mimetype="image/png")
        response.headers["Content-Disposition"] = 'attachment; filename="einladung-qr.png"'
        return response
    return Response(qr_svg(link), mimetype="image/svg+xml")


@bp.get("/stadt/<slug>/tischgespraeche/<talk_id>/kalender.ics")
def calendar(slug: str, talk_id: str) -> Response:
    view = rpc("dialogue", "get_talk", slug, talk_id)
    base = current_app.config["SETTINGS"].public_base_url
    body = talk_ics(view, base, cancelled=view["status"] == "cancelled")
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'attachment; filename="tischgespraech.ics"'
    return response
