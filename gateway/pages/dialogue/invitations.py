"""An invitation link opened (join with an account or as a guest by e-mail), and the links in
guests' mails that confirm or cancel a guest's registration."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.pages.dialogue.base import bp
from gateway.pages.rendering import page_errors, render
from services.kit.errors import DomainError


# ---------------------------------------------------------------- invitations and guests
@bp.route("/tischgespraeche/einladung", methods=["GET", "POST"])
def invitation() -> tuple[str, int] | Response:
    token = request.values.get("token", "")
    try:
        talk = rpc("dialogue", "open_invitation", {"token": token})
    except DomainError as exc:
        return render(
            "talk_invitation.html",
            exc.status,
            talk=None,
            token=token,
            form={},
            errors=page_errors(exc),
        )
    signed_in = current_caller().authenticated
    if request.method == "GET":
        return render("talk_invitation.html", talk=talk, token=token, form={}, signed_in=signed_in)
    if request.form.get("as") == "account":
        try:
            rpc("dialogue", "join_talk", talk["city"], talk["id"], {"token": token})
        except DomainError as exc:
            return render(
                "talk_invitation.html",
                exc.status,
                talk=talk,
                token=token,
                form={},
                signed_in=signed_in,
                errors=page_errors(exc),
            )
        return redirect(url_for(".talk", slug=talk["city"], talk_id=talk["id"], ok="dabei"))
    form = {k: request.form.get(k, "").strip() for k in ("name", "email")}
    try:
        rpc("dialogue", "request_guest_registration", {"token": token, **form})
    except DomainError as exc:
        return render(
            "talk_invitation.html",
            exc.status,
            talk=talk,
            token=token,
            form=form,
            signed_in=signed_in,
            errors=page_errors(exc),
        )
    return render(
        "message.html",
        title=_("Bitte bestätige Deine Anmeldung"),
        text=_("Wir haben Dir eine E-Mail geschickt. Mit dem Link darin bist Du dabei."),
    )


def _guest_step(template_title: str, button: str, method: str, done: Any) -> tuple[str, int]:
    """Links from guests' mails: GET shows a button, POST acts (mail scanners open links)."""
    token = request.values.get("token", "")
    if request.method == "GET":
        return render("talk_guest.html", title=template_title, button=button, token=token)
    try:
        result = rpc("dialogue", method, {"token": token})
    except DomainError as exc:
        return render(
            "talk_guest.html",
            exc.status,
            title=template_title,
            button=button,
            token=token,
            errors=page_errors(exc),
        )
    title, text = done(result)
    return render("message.html", title=title, text=text)


def _confirmed(result: dict[str, Any]) -> tuple[str, str]:
    if result.get("status") == "confirmed":
        return _("Du bist dabei"), _("Dein Platz ist sicher. Alles Weitere steht in der E-Mail.")
    return (
        _("Du stehst auf der Warteliste"),
        _(
            "Du bist auf Platz %(position)s der Warteliste. Wird ein Platz frei, bekommst Du eine "
            "E-Mail.",
            position=result.get("position") or 1,
        ),
    )


@bp.route("/tischgespraeche/gast-bestaetigen", methods=["GET", "POST"])
def guest_confirm() -> tuple[str, int]:
    return _guest_step(
        _("Anmeldung bestätigen"), _("Ja, ich komme"), "confirm_guest_registration", _confirmed
    )


@bp.route("/tischgespraeche/gast-absagen", methods=["GET", "POST"])
def guest_cancel() -> tuple[str, int]:
    return _guest_step(
        _("Anmeldung zurücknehmen"),
        _("Anmeldung zurücknehmen"),
        "cancel_guest_registration",
        lambda _result: (_("Abgemeldet"), _("Deine Anmeldung ist zurückgenommen.")),
    )
