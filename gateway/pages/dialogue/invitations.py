"""An invitation link opened (join with an account or as a guest by e-mail), and the links in
guests' mails that confirm or cancel a guest's registration."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.pages.dialogue.base import bp
from gateway.pages.dialogue.talk_actions import join_notice
from gateway.pages.legal import current_versions
from gateway.pages.rendering import page_errors, render
from services.kit.errors import DomainError


# ---------------------------------------------------------------- invitations and guests
def _invitation_page(talk: dict | None, token: str, status: int = 200, **extra: Any) -> Any:
    """The invitation page; the guest form carries the privacy notice version it shows."""
    extra.setdefault("form", {})
    return render(
        "talk_invitation.html",
        status,
        talk=talk,
        token=token,
        signed_in=current_caller().authenticated,
        privacy_version=current_versions()["privacy"],
        **extra,
    )


@bp.route("/tischgespraeche/einladung", methods=["GET", "POST"])
def invitation() -> tuple[str, int] | Response:
    token = request.values.get("token", "")
    try:
        talk = rpc("dialogue", "open_invitation", {"token": token})
    except DomainError as exc:
        return _invitation_page(None, token, exc.status, errors=page_errors(exc))
    if request.method == "GET":
        return _invitation_page(talk, token)
    if request.form.get("as") == "account":
        try:
            joined = rpc("dialogue", "join_talk", talk["city"], talk["id"], {"token": token})
        except DomainError as exc:
            return _invitation_page(talk, token, exc.status, errors=page_errors(exc))
        notice = join_notice(joined)
        return redirect(
            url_for(".talk", slug=talk["city"], talk_id=talk["id"], ok=notice, _anchor="meldung")
        )
    form: dict[str, Any] = {k: request.form.get(k, "").strip() for k in ("name", "email")}
    # An unticked box sends nothing: the service refuses that with a German message at the box.
    form["privacy_consent"] = request.form.get("privacy_consent") == "1"
    shown = request.form.get("privacy_version", "")
    body = {"token": token, **form, **({"privacy_version": int(shown)} if shown.isdigit() else {})}
    try:
        rpc("dialogue", "request_guest_registration", body)
    except DomainError as exc:
        return _invitation_page(talk, token, exc.status, form=form, errors=page_errors(exc))
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
