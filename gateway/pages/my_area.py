"""Mein Bereich (``/konto``): what I do on the platform, my name, e-mail address and password,
and my sessions. The lists come from ``gateway/my_area.py``; the forms post here and the page
is shown again with a confirmation or with the errors at their fields."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, session, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.auth import PAGE_SESSION_KEY
from gateway.my_area import city_names, my_area
from gateway.pages.rendering import page_errors, render
from gateway.schema_forms import N_
from services.kit.errors import DomainError
from services.kit.mail_choices import HOST_SUMMARY, NOTIFICATION_MAIL, NOTIFICATIONS, TALK_REMINDER
from services.kit.mail_choices import MAIL_KINDS as KINDS

bp = Blueprint("pages_my_area", __name__)

# The roles in words (no raw key on the page).
ROLE_NAMES = {
    "citizen": N_("Bürgerin oder Bürger"),
    "working_group_member": N_("Mitglied einer Arbeitsgruppe"),
    "facilitator": N_("Szenario-Begleitung"),
    "city_admin": N_("Stadt-Admin"),
    "partner": N_("Partner"),
}
# The mails a person may switch off (services/kit/mail_choices.py), in words.
MAIL_KINDS = (
    (
        HOST_SUMMARY,
        N_("Tägliche Zusammenfassung für Gastgeberinnen und Gastgeber"),
        N_(
            "Höchstens eine Mail am Tag, wenn sich bei Deinen kommenden Gesprächen Anmeldungen "
            "geändert haben: neu angemeldet, abgesagt, von der Warteliste nachgerückt, voll."
        ),
    ),
    (
        TALK_REMINDER,
        N_("Erinnerung am Tag vor einem Tischgespräch"),
        N_("Mit Zeit, Ort oder Link, dem Kalendereintrag und dem Link zum Absagen."),
    ),
    (
        NOTIFICATIONS,
        N_("Neuigkeiten zu dem, dem ich folge"),
        N_(
            "Neuer Stand einer Idee, ein erledigter Schritt, ein geändertes oder abgesagtes "
            "Gespräch, ein neues Thema, neue Kommentare – sofort oder gesammelt, wie unten "
            "gewählt. In Mein Bereich stehen sie immer."
        ),
    ),
)
# How often news are mailed (services/kit/mail_choices.py), in words.
NOTIFICATION_MAIL_WORDS = {
    "immediately": N_("sofort"),
    "daily": N_("einmal am Tag gesammelt"),
    "weekly": N_("einmal in der Woche gesammelt (montags)"),
}
# The news kinds in words (services/dialogue/news.py says the same in the mails).
NEWS_KINDS = {
    "idea_status": N_("Neuer Stand der Projektidee"),
    "next_step_done": N_("Ein nächster Schritt ist erledigt"),
    "talk_changed": N_("Das Tischgespräch wurde geändert"),
    "talk_cancelled": N_("Das Tischgespräch wurde abgesagt"),
    "topic_published": N_("Ein neues Thema ist veröffentlicht"),
    "comment_posted": N_("Ein neuer Kommentar"),
}
# Several forms on one page: a field name the service uses twice gets the form's own id.
EMAIL_FORM_FIELDS = {"password": "email_password"}


def render_my_area(status: int = 200, **extra: Any) -> tuple[str, int]:
    me = rpc("identity", "me")  # Unauthenticated becomes the sign-in page's error
    sessions = rpc("identity", "list_sessions", session.get(PAGE_SESSION_KEY, ""))["items"]
    calendar = rpc("identity", "calendar_feed_state")
    names = city_names()
    return render(
        "account.html",
        status,
        me=me,
        area=my_area(names),
        sessions=sessions,
        calendar=calendar,
        city_names=names,
        role_names={k: _(v) for k, v in ROLE_NAMES.items()},
        mail_kinds=[(kind, _(label), _(hint)) for kind, label, hint in MAIL_KINDS],
        notification_mail_choices=[(v, _(NOTIFICATION_MAIL_WORDS[v])) for v in NOTIFICATION_MAIL],
        notifications=rpc("dialogue", "my_notifications"),
        news_kinds={k: _(v) for k, v in NEWS_KINDS.items()},
        form={},
        **extra,
    )


def _errors(exc: DomainError, renamed: dict[str, str] | None = None) -> dict[str, Any]:
    errors = page_errors(exc)
    renamed = renamed or {}
    errors["fields"] = {renamed.get(k, k): v for k, v in errors["fields"].items()}
    return errors


def _refused(exc: DomainError, renamed: dict[str, str] | None = None, **form: Any):
    status = exc.status if 400 <= exc.status < 500 else 422
    return render_my_area(status, errors=_errors(exc, renamed), form_values=form)


@bp.post("/konto/name")
def change_name() -> tuple[str, int]:
    name = request.form.get("display_name", "")
    try:
        rpc("identity", "change_display_name", {"display_name": name})
    except DomainError as exc:
        return _refused(exc, display_name=name)
    return render_my_area(notice=_("Dein Name ist geändert."))


@bp.post("/konto/email")
def change_email() -> tuple[str, int]:
    email = request.form.get("email", "")
    body = {"email": email, "password": request.form.get("email_password", "")}
    try:
        rpc("identity", "request_email_change", body)
    except DomainError as exc:
        return _refused(exc, EMAIL_FORM_FIELDS, email=email)
    return render_my_area(
        notice=_(
            "Wir haben einen Link an die neue Adresse geschickt (falls sie nicht schon zu "
            "einem anderen Konto gehört). Bis Du ihn öffnest, gilt Deine bisherige Adresse."
        )
    )


@bp.get("/konto/email-bestaetigen")
def confirm_email() -> tuple[str, int]:
    try:
        rpc("identity", "confirm_email_change", {"token": request.args.get("token", "")})
    except DomainError as exc:
        return render(
            "message.html",
            exc.status,
            title=_("Bestätigung fehlgeschlagen"),
            text=page_errors(exc)["summary"],
        )
    return render(
        "message.html",
        title=_("Neue E-Mail-Adresse bestätigt"),
        text=_("Ab jetzt meldest Du Dich mit der neuen Adresse an; Mails gehen dorthin."),
        link=url_for("pages.account"),
        link_text=_("Zu Mein Bereich"),
    )


@bp.post("/konto/passwort")
def change_password() -> tuple[str, int]:
    body = {k: request.form.get(k, "") for k in ("current_password", "new_password")}
    try:
        rpc("identity", "change_password", body, session.get(PAGE_SESSION_KEY, ""))
    except DomainError as exc:
        return _refused(exc)
    return render_my_area(
        notice=_("Dein Passwort ist geändert. Alle anderen Sitzungen sind abgemeldet.")
    )


@bp.post("/konto/sitzungen/<handle>/beenden")
def end_session(handle: str) -> tuple[str, int]:
    try:
        rpc("identity", "end_session", {"session": handle})
    except DomainError as exc:
        return _refused(exc)
    return render_my_area(notice=_("Die Sitzung ist beendet."))


@bp.post("/konto/sitzungen/andere-beenden")
def end_other_sessions() -> tuple[str, int]:
    ended = rpc("identity", "end_other_sessions", session.get(PAGE_SESSION_KEY, ""))["ended"]
    return render_my_area(
        notice=_("Alle anderen Sitzungen sind abgemeldet (%(count)s).", count=ended)
    )


@bp.post("/konto/mails")
def change_mails() -> tuple[str, int]:
    """Checked boxes are the mails the person wants; an unchecked box is not sent at all."""
    body: dict[str, Any] = {kind: request.form.get(kind) == "on" for kind in KINDS}
    body["notification_mail"] = request.form.get("notification_mail") or "daily"
    try:
        rpc("identity", "set_mail_settings", body)
    except DomainError as exc:
        return _refused(exc)
    return render_my_area(notice=_("Deine E-Mail-Einstellungen sind gespeichert."))


@bp.post("/konto/organisationen")
def add_organisation() -> tuple[str, int]:
    """Name an organisation on the account (self-declared: "nach eigener Angabe")."""
    form = {k: request.form.get(k, "").strip() for k in ("name", "kind", "city")}
    body = {**form, "city": form["city"] or None}
    try:
        rpc("identity", "add_organisation", body)
    except DomainError as exc:
        return _refused(exc, **form)
    return render_my_area(notice=_("Deine Organisation ist eingetragen."))


@bp.post("/konto/organisationen/<int:index>/entfernen")
def remove_organisation(index: int) -> tuple[str, int]:
    try:
        rpc("identity", "remove_organisation", index)
    except DomainError as exc:
        return _refused(exc)
    return render_my_area(notice=_("Die Organisation ist entfernt."))
