"""Pages of the dialogue (German first): table talks, invitations, documentation, project ideas,
and the moderation queue of a city.

Every action is a plain form POST with a CSRF token, so the pages work without JavaScript; a
refused action shows the page again with the service's reason next to the field. The
documentation and idea forms are rendered from the JSON schema the dialogue service serves,
so the fields the city's plugins add appear without this module knowing them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.dates import format_datetime
from flask import Blueprint, Response, current_app, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.pages import page_errors, render
from gateway.pages_city import city_section
from gateway.pages_dialogue_forms import (
    LOCAL,
    errors_for,
    from_local_input,
    local_input,
    page_fields,
    values_from_form,
)
from gateway.qr import qr_png, qr_svg
from gateway.rpc import ServiceUnavailable
from gateway.schema_forms import N_
from services.dialogue.calendar import talk_ics
from services.kit.errors import DomainError, Forbidden, NotFound, Unauthenticated

bp = Blueprint("pages_dialogue", __name__)

MODERATORS = ("city_admin", "facilitator")
TALK_TEXT_FIELDS = ("title", "description", "address", "district", "link", "accessibility")

FORMATS = {
    "in_person": N_("Vor Ort"),
    "online": N_("Online"),
    "hybrid": N_("Vor Ort und online"),
}
ACCESS = {"open": N_("Offen für alle"), "invitation_only": N_("Nur mit Einladung")}
LANGUAGE_NAMES = {
    "de": N_("Deutsch"),
    "en": N_("Englisch"),
    "tr": N_("Türkisch"),
    "ar": N_("Arabisch"),
    "uk": N_("Ukrainisch"),
    "ru": N_("Russisch"),
    "pl": N_("Polnisch"),
}
CATEGORIES = {
    "mobility": N_("Mobilität"),
    "environment": N_("Umwelt und Klima"),
    "housing": N_("Wohnen"),
    "social": N_("Soziales und Miteinander"),
    "culture": N_("Kultur"),
    "education": N_("Bildung"),
    "economy": N_("Wirtschaft und Arbeit"),
    "digital": N_("Digitales"),
    "participation": N_("Beteiligung"),
    "other": N_("Sonstiges"),
}
IDEA_STATUSES = {
    "proposed": N_("Vorgeschlagen"),
    "in_discussion": N_("In Diskussion"),
    "in_progress": N_("In Umsetzung"),
    "realised": N_("Umgesetzt"),
    "not_pursued": N_("Nicht weiterverfolgt"),
}
# Names of sub-fields and choices the forms' schemas leave without a title.
FORM_LABELS = {
    "question": N_("Leitfrage"),
    "answer": N_("Antwort"),
    "kind": N_("Art"),
    "text": N_("Text"),
    "observation": N_("Beobachtung"),
    "forecast": N_("Prognose"),
}


def _lang() -> str:
    return "en" if str(get_locale()) == "en" else "de"


@bp.app_template_filter("talk_time")
def talk_time(value: str | None) -> str:
    """An ISO time from the service, read in the cities' time zone."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value)
    pattern = "EEE, d. MMM y, HH:mm" if _lang() == "de" else "EEE d MMM y, HH:mm"
    text = format_datetime(moment, pattern, tzinfo=LOCAL, locale=_lang())
    return text + (" Uhr" if _lang() == "de" else "")


@bp.app_context_processor
def dialogue_names() -> dict[str, Any]:
    return {
        "talk_formats": _translated(FORMATS),
        "talk_access": _translated(ACCESS),
        "idea_categories": _translated(CATEGORIES),
        "idea_statuses": _translated(IDEA_STATUSES),
        "language_names": _translated(LANGUAGE_NAMES),
    }


def _translated(names: dict[str, str]) -> dict[str, str]:
    return {key: _(text) for key, text in names.items()}


def _sign_in_first(text: str) -> tuple[str, int]:
    return render(
        "message.html",
        401,
        title=_("Bitte melde Dich an"),
        text=text,
        link=url_for("pages.login"),
        link_text=_("Zur Anmeldung"),
    )


def _city(slug: str) -> dict[str, Any]:
    return rpc("cities", "get_city", slug)


# ---------------------------------------------------------------- the city page's section
@city_section("city_dialogue.html")
def city_dialogue(city: dict[str, Any]) -> dict[str, Any]:
    """Topics and the number of upcoming talks; the city page stands without them if the
    dialogue service cannot answer."""
    if city.get("phase") == "kickoff":
        return {"open": False}
    try:
        topics = rpc("dialogue", "list_topics", city["slug"])
        talks = rpc("dialogue", "list_talks", city["slug"], {"kind": "table_talk"})
    except (DomainError, ServiceUnavailable):
        return {"open": False}
    return {
        "open": True,
        "topics": [t for t in topics if not t.get("hidden")],
        "talks": len(talks),
        "free": sum(1 for t in talks if t["free_seats"] > 0),
    }


# ---------------------------------------------------------------- table talks
def _filters() -> dict[str, Any]:
    wanted = {k: request.args.get(k, "").strip() for k in ("topic", "district", "date")}
    found: dict[str, Any] = {k: v for k, v in wanted.items() if v}
    if request.args.get("free"):
        found["free"] = True
    return found


@bp.get("/stadt/<slug>/tischgespraeche")
def talks(slug: str) -> tuple[str, int]:
    city = _city(slug)
    topics = rpc("dialogue", "list_topics", slug)
    filters = _filters()
    errors, status, found = None, 200, []
    try:
        found = rpc("dialogue", "list_talks", slug, {**filters, "kind": "table_talk"})
    except DomainError as exc:
        errors, status = page_errors(exc), exc.status
    return render(
        "talk_list.html",
        status,
        city=city,
        topic_options=_topic_options(topics),
        talks=found,
        filters=filters,
        errors=errors,
    )


def _topic_options(topics: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(t["id"], t["title"]) for t in topics if not t.get("hidden")]


def _talk_body(form: Any) -> dict[str, Any]:
    """The host form as the talk schema's JSON (empty optional fields left out)."""
    body: dict[str, Any] = {}
    for name in TALK_TEXT_FIELDS:
        value = form.get(name, "").strip()
        if value or name in ("description", "accessibility"):
            body[name] = value
    body["topic_id"] = form.get("topic_id", "").strip() or None
    for name in ("format", "access", "language"):
        if form.get(name, "").strip():
            body[name] = form[name].strip()
    for name in ("starts_at", "ends_at"):
        if form.get(name, "").strip():
            body[name] = from_local_input(form[name])
    raw = form.get("capacity", "").strip()
    if raw:
        body["capacity"] = int(raw) if raw.isdigit() else raw
    return body


def _host_form(
    slug: str, talk: dict[str, Any] | None, form: dict[str, Any], status: int = 200, **extra: Any
) -> tuple[str, int]:
    return render(
        "talk_form.html",
        status,
        city=_city(slug),
        talk=talk,
        topic_options=_topic_options(rpc("dialogue", "list_topics", slug)),
        form=form,
        **extra,
    )


@bp.route("/stadt/<slug>/tischgespraeche/neu", methods=["GET", "POST"])
def host(slug: str) -> tuple[str, int] | Response:
    if not current_caller().authenticated:
        return _sign_in_first(_("Um ein Tischgespräch anzubieten, melde Dich bitte an."))
    if request.method == "GET":
        form = {"topic_id": request.args.get("thema", ""), "capacity": "6", "format": "in_person"}
        return _host_form(slug, None, form)
    try:
        created = rpc("dialogue", "create_talk", slug, _talk_body(request.form))
    except DomainError as exc:
        return _host_form(slug, None, request.form.to_dict(), exc.status, errors=page_errors(exc))
    return redirect(url_for(".talk", slug=slug, talk_id=created["id"], ok="angelegt"))


@bp.route("/stadt/<slug>/tischgespraeche/<talk_id>/bearbeiten", methods=["GET", "POST"])
def edit(slug: str, talk_id: str) -> tuple[str, int] | Response:
    talk = rpc("dialogue", "get_talk", slug, talk_id)
    if not talk["is_host"]:
        raise Forbidden("Only the host may do this.")
    if request.method == "GET":
        form = {k: talk.get(k) or "" for k in (*TALK_TEXT_FIELDS, "topic_id", "format", "access")}
        form.update(
            language=talk["language"],
            capacity=str(talk["capacity"]),
            starts_at=local_input(talk["starts_at"]),
            ends_at=local_input(talk["ends_at"]),
        )
        return _host_form(slug, talk, form)
    try:
        rpc("dialogue", "update_talk", slug, talk_id, _talk_body(request.form))
    except DomainError as exc:
        return _host_form(slug, talk, request.form.to_dict(), exc.status, errors=page_errors(exc))
    return redirect(url_for(".talk", slug=slug, talk_id=talk_id, ok="gespeichert"))


NOTICES = {
    "angelegt": N_("Dein Tischgespräch ist angelegt. Lade jetzt Gäste ein!"),
    "gespeichert": N_("Gespeichert."),
    "dabei": N_("Du bist angemeldet."),
    "abgemeldet": N_("Deine Anmeldung ist zurückgenommen."),
    "abgesagt": N_("Das Tischgespräch ist abgesagt. Die Gäste bekommen eine E-Mail."),
    "eingeladen": N_("Der Einladungslink ist erstellt."),
    "widerrufen": N_("Der Einladungslink gilt nicht mehr."),
    "dokumentiert": N_("Danke! Die Dokumentation ist abgeschickt."),
}


def _talk_page(slug: str, talk_id: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    talk = rpc("dialogue", "get_talk", slug, talk_id)
    caller = current_caller()
    mine = guests = invitations = documentation = None
    if caller.authenticated and not talk["is_host"]:
        mine = rpc("dialogue", "my_registration", slug, talk_id)
    if talk["is_host"]:
        guests = rpc("dialogue", "guests", slug, talk_id)
        invitations = rpc("dialogue", "list_invitations", slug, talk_id)
    if talk["documented"]:
        documentation = rpc("dialogue", "documentation", slug, talk_id)["submitted"]
    notice = NOTICES.get(request.args.get("ok", ""))
    notice = _(notice) if notice else None
    return render(
        "talk_detail.html",
        status,
        city=_city(slug),
        talk=talk,
        mine=mine,
        guests=guests,
        invitations=invitations,
        documentation=documentation,
        started=datetime.fromisoformat(talk["starts_at"]) <= datetime.now(LOCAL),
        notice=notice,
        **extra,
    )


@bp.get("/stadt/<slug>/tischgespraeche/<talk_id>")
def talk(slug: str, talk_id: str) -> tuple[str, int]:
    return _talk_page(slug, talk_id)


def _talk_action(slug: str, talk_id: str, ok: str, section: str, call: Any) -> Any:
    try:
        call()
    except DomainError as exc:
        return _talk_page(slug, talk_id, exc.status, errors=page_errors(exc), error_section=section)
    return redirect(url_for(".talk", slug=slug, talk_id=talk_id, ok=ok, _anchor=section))


@bp.post("/stadt/<slug>/tischgespraeche/<talk_id>/anmeldung")
def join(slug: str, talk_id: str) -> Any:
    if not current_caller().authenticated:
        return _sign_in_first(_("Um teilzunehmen, melde Dich bitte an."))
    token = request.form.get("token", "").strip()
    body = {"token": token} if token else {}
    return _talk_action(
        slug,
        talk_id,
        "dabei",
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


# ---------------------------------------------------------------- own topics
@bp.route("/stadt/<slug>/themen/neu", methods=["GET", "POST"])
def own_topic(slug: str) -> tuple[str, int] | Response:
    if not current_caller().authenticated:
        return _sign_in_first(_("Um ein eigenes Thema vorzuschlagen, melde Dich bitte an."))
    city = _city(slug)
    if request.method == "GET":
        return render("talk_topic.html", city=city, form={})
    form = {
        k: request.form.get(k, "").strip() for k in ("title", "description", "guiding_question")
    }
    body = {k: v for k, v in form.items() if v or k == "description"}
    try:
        topic = rpc("dialogue", "propose_topic", slug, body)
    except DomainError as exc:
        return render("talk_topic.html", exc.status, city=city, form=form, errors=page_errors(exc))
    return redirect(url_for(".host", slug=slug, thema=topic["id"]))


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


# ---------------------------------------------------------------- documentation
def _questions(slug: str, topic_id: str | None) -> list[str]:
    if not topic_id:
        return []
    topic = next((t for t in rpc("dialogue", "list_topics", slug) if t["id"] == topic_id), None)
    return list(topic["guiding_questions"]) if topic else []


@bp.route("/stadt/<slug>/tischgespraeche/<talk_id>/dokumentation", methods=["GET", "POST"])
def document(slug: str, talk_id: str) -> tuple[str, int] | Response:
    talk = rpc("dialogue", "get_talk", slug, talk_id)
    if not talk["is_host"]:
        raise Forbidden("Only the host may do this.")
    schema = rpc("dialogue", "documentation_form", slug, talk["kind"])["schema"]
    status, errors, notice = 200, None, None
    if request.method == "POST":
        values = values_from_form(schema, request.form)
        try:
            if request.form.get("action") == "entwurf":
                rpc("dialogue", "save_draft", slug, talk_id, values)
                notice = _("Entwurf gespeichert.")
            else:
                rpc("dialogue", "submit_documentation", slug, talk_id, values)
                return redirect(url_for(".talk", slug=slug, talk_id=talk_id, ok="dokumentiert"))
        except DomainError as exc:
            status, errors = exc.status, page_errors(exc)
    else:
        saved = rpc("dialogue", "documentation", slug, talk_id)
        values = ((saved["submitted"] or saved["draft"]) or {}).get("values") or {}
    fields = page_fields(
        schema, values, _lang(), _labels(), questions=_questions(slug, talk["topic_id"])
    )
    return render(
        "talk_documentation.html",
        status,
        city=_city(slug),
        talk=talk,
        fields=fields,
        errors=errors,
        notice=notice,
        errors_for=errors_for,
    )


def _labels() -> dict[str, str]:
    return _translated({**FORM_LABELS, **CATEGORIES})


# ---------------------------------------------------------------- project ideas
@bp.get("/stadt/<slug>/ideen")
def ideas(slug: str) -> tuple[str, int]:
    return render("idea_list.html", city=_city(slug), ideas=rpc("dialogue", "list_ideas", slug))


IDEA_NOTICES = {
    "vorgeschlagen": N_("Danke! Deine Idee ist veröffentlicht."),
    "unterstuetzt": N_("Danke für Deine Unterstützung!"),
    "zurueckgezogen": N_("Gespeichert."),
    "mitmachen": N_("Schön, dass Du mitmachst! Die Stadt meldet sich, wenn es losgeht."),
    "gemeldet": N_("Danke, die Moderation schaut sich das an."),
}


def _idea_page(slug: str, idea_id: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    idea = rpc("dialogue", "get_idea", slug, idea_id)
    schema = rpc("dialogue", "idea_form", slug)["schema"]
    known = {"title", "description", "category", "needs", "talk_id", "district"}
    extras = [
        (label_for(schema, name), value)
        for name, value in idea["extra"].items()
        if name not in known and value not in (None, "", [])
    ]
    notice = IDEA_NOTICES.get(request.args.get("ok", ""))
    notice = _(notice) if notice else None
    return render(
        "idea_detail.html",
        status,
        city=_city(slug),
        idea=idea,
        extras=extras,
        notice=notice,
        **extra,
    )


def label_for(schema: dict[str, Any], name: str) -> str:
    prop = (schema.get("properties") or {}).get(name) or {}
    return (prop.get("x-title-en") if _lang() == "en" else None) or prop.get("title") or name


@bp.get("/stadt/<slug>/ideen/<idea_id>")
def idea(slug: str, idea_id: str) -> tuple[str, int]:
    return _idea_page(slug, idea_id)


@bp.route("/stadt/<slug>/ideen/neu", methods=["GET", "POST"])
def propose(slug: str) -> tuple[str, int] | Response:
    if not current_caller().authenticated:
        return _sign_in_first(_("Um eine Idee vorzuschlagen, melde Dich bitte an."))
    schema = rpc("dialogue", "idea_form", slug)["schema"]
    talk_id = request.values.get("talk_id", "").strip()
    status, errors, values = 200, None, {}
    if request.method == "POST":
        values = values_from_form(schema, request.form)
        try:
            made = rpc("dialogue", "propose_idea", slug, values)
        except DomainError as exc:
            status, errors = exc.status, page_errors(exc)
        else:
            return redirect(url_for(".idea", slug=slug, idea_id=made["id"], ok="vorgeschlagen"))
    fields = page_fields(schema, values, _lang(), _labels(), hidden={"talk_id": talk_id})
    return render(
        "idea_form.html",
        status,
        city=_city(slug),
        fields=fields,
        errors=errors,
        errors_for=errors_for,
        from_talk=bool(talk_id),
    )


def _idea_action(slug: str, idea_id: str, ok: str, call: Any) -> Any:
    try:
        call()
    except DomainError as exc:
        return _idea_page(slug, idea_id, exc.status, errors=page_errors(exc))
    return redirect(url_for(".idea", slug=slug, idea_id=idea_id, ok=ok, _anchor="mitmachen"))


@bp.post("/stadt/<slug>/ideen/<idea_id>/<kind>")
def back_idea(slug: str, idea_id: str, kind: str) -> Any:
    """``unterstuetzen`` (support) or ``mitmachen`` (help); ``withdraw`` takes it back."""
    if not current_caller().authenticated:
        return _sign_in_first(_("Um Ideen zu unterstützen, melde Dich bitte an."))
    if kind == "melden":
        body = {"reason": request.form.get("reason", "").strip()}
        return _idea_action(
            slug,
            idea_id,
            "gemeldet",
            lambda: rpc("dialogue", "report", slug, "idea", idea_id, body),
        )
    which = {"unterstuetzen": "support", "mitmachen": "helper"}.get(kind)
    if which is None:
        raise NotFound()
    if request.form.get("withdraw"):
        method, ok = "withdraw_support", "zurueckgezogen"
    else:
        method, ok = "support_idea", "unterstuetzt" if which == "support" else "mitmachen"
    return _idea_action(slug, idea_id, ok, lambda: rpc("dialogue", method, slug, idea_id, which))


# ---------------------------------------------------------------- moderation
def _require_moderator(slug: str) -> None:
    caller = current_caller()
    if not caller.authenticated:
        raise Unauthenticated()
    if not caller.has_role(slug, *MODERATORS):
        raise Forbidden()


def _moderation_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_moderator(slug)
    reports = {r["target"]: r for r in rpc("dialogue", "reports", slug)}
    topics = rpc("dialogue", "list_topics", slug)
    all_ideas = rpc("dialogue", "list_ideas", slug)
    for topic in topics:
        topic["report"] = reports.get(f"topic:{topic['id']}")
    for item in all_ideas:
        item["report"] = reports.get(f"idea:{item['id']}")
    # The queue: what people reported, then citizens' own topics; deep-dive topics come from
    # the working groups and are listed last.
    own = sorted(
        [t for t in topics if t["source"] == "own"],
        key=lambda t: (t["report"] is None, t["hidden"]),
    )
    return render(
        "moderation.html",
        status,
        city=_city(slug),
        topics=own,
        ideas=sorted(all_ideas, key=lambda i: (i["report"] is None, i["hidden"])),
        reported=len(reports),
        is_admin=current_caller().has_role(slug, "city_admin"),
        statuses=_translated(IDEA_STATUSES),
        **extra,
    )


@bp.get("/stadt/<slug>/moderation")
def moderation(slug: str) -> tuple[str, int]:
    return _moderation_page(slug, notice=_("Gespeichert.") if request.args.get("ok") else None)


@bp.post("/stadt/<slug>/moderation/<target>/<target_id>")
def moderate(slug: str, target: str, target_id: str) -> Any:
    _require_moderator(slug)
    body = {"reason": request.form.get("reason", "").strip()}
    if target == "thema":
        call = lambda: rpc("dialogue", "hide_topic", slug, target_id, body)  # noqa: E731
    elif target == "idee" and request.form.get("status"):
        body["status"] = request.form["status"]
        call = lambda: rpc("dialogue", "set_idea_status", slug, target_id, body)  # noqa: E731
    elif target == "idee":
        call = lambda: rpc("dialogue", "hide_idea", slug, target_id, body)  # noqa: E731
    else:
        raise NotFound()
    section = f"{target}-{target_id}"
    try:
        call()
    except DomainError as exc:
        return _moderation_page(slug, exc.status, errors=page_errors(exc), error_section=section)
    return redirect(url_for(".moderation", slug=slug, ok=1, _anchor=section))
