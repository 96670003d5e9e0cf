"""Table talks: the list with its filters, hosting and editing a talk, the talk's page, and a
citizen's own topic (proposed on the way to hosting a talk on it)."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.pages.dialogue.base import (
    TALK_TEXT_FIELDS,
    _city,
    _district_options,
    _sign_in_first,
    bp,
)
from gateway.pages.dialogue.comments import comments_of
from gateway.pages.dialogue.forms import (
    from_local_input,
    local_input,
)
from gateway.pages.follows import known_to_the_page
from gateway.pages.rendering import page_errors, render
from gateway.schema_forms import N_, form_int
from services.kit.errors import DomainError, Forbidden


# ---------------------------------------------------------------- table talks
def _filters() -> dict[str, Any]:
    wanted = {k: request.args.get(k, "").strip() for k in ("topic", "district", "date")}
    found: dict[str, Any] = {k: v for k, v in wanted.items() if v}
    for name in ("free", "past"):  # checkboxes: present means ticked
        if request.args.get(name):
            found[name] = True
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
        district_options=_district_options(slug, filters.get("district")),
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
        body["capacity"] = form_int(raw)
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
        district_options=_district_options(slug, form.get("district")),
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
    return redirect(
        url_for(".talk", slug=slug, talk_id=created["id"], ok="angelegt", _anchor="meldung")
    )


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
    return redirect(
        url_for(".talk", slug=slug, talk_id=talk_id, ok="gespeichert", _anchor="meldung")
    )


NOTICES = {
    "angelegt": N_("Dein Tischgespräch ist angelegt. Lade jetzt Gäste ein!"),
    "gespeichert": N_("Gespeichert."),
    # "angemeldet" means signed in on these pages; a place at a table has words of its own.
    "dabei": N_("Du hast einen Platz an diesem Tisch. Die Bestätigung kommt per E-Mail."),
    "warteliste": N_(
        "Der Tisch ist voll: Du stehst auf der Warteliste und rückst automatisch nach."
    ),
    "abgemeldet": N_("Deine Anmeldung ist zurückgenommen."),
    "abgesagt": N_("Das Tischgespräch ist abgesagt. Die Gäste bekommen eine E-Mail."),
    "eingeladen": N_("Der Einladungslink ist erstellt."),
    "widerrufen": N_("Der Einladungslink gilt nicht mehr."),
    "dokumentiert": N_("Danke! Die Dokumentation ist abgeschickt."),
}


def _talk_page(slug: str, talk_id: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    caller = current_caller()
    # Signed in: the talk and the caller's registration in one call.
    talk = rpc("dialogue", "get_talk", slug, talk_id, caller.authenticated)
    mine = talk.pop("my_registration", None)
    known_to_the_page(slug, "talk", talk_id, talk)  # the follow button and the header's count
    guests = invitations = documentation = None
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
        notice=notice,
        # the public summary of a documented talk can be discussed
        comments=comments_of(slug, "talk", talk_id) if documentation else None,
        **extra,
    )


@bp.get("/stadt/<slug>/tischgespraeche/<talk_id>")
def talk(slug: str, talk_id: str) -> tuple[str, int]:
    return _talk_page(slug, talk_id)


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
