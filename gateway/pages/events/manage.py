"""City admins and partners manage the Abschluss: create and edit closing events, and record the
next steps of the project ideas."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.pages.events.base import (
    ACCESSIBILITY,
    PARTNER_KINDS,
    STEP_STATUS,
    _city,
    _require_organiser,
    bp,
)
from gateway.pages.events.event_form import _form_errors, event_from_form, form_from_event
from gateway.pages.rendering import page_errors, render
from services.kit.errors import DomainError


def _manage_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_organiser(slug)
    city = _city(slug)
    events = rpc("events", "list_closing_events", slug)
    overview = rpc("events", "next_steps", slug)["ideas"]
    return render(
        "closing_admin.html",
        status,
        city=city,
        events=events,
        ideas=overview,
        step_statuses=[(k, _(v)) for k, v in STEP_STATUS.items()],
        **extra,
    )


@bp.get("/stadt/<slug>/verwaltung/abschluss")
def manage(slug: str) -> tuple[str, int]:
    return _manage_page(slug, notice=request.args.get("ok") and _("Gespeichert."))


def _event_form(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_organiser(slug)
    return render(
        "closing_form.html",
        status,
        city=_city(slug),
        accessibility=[(k, _(v)) for k, v in ACCESSIBILITY.items()],
        kinds=[(k, _(v)) for k, v in PARTNER_KINDS.items()],
        **extra,
    )


@bp.route("/stadt/<slug>/verwaltung/abschluss/neu", methods=["GET", "POST"])
def create_event(slug: str) -> tuple[str, int] | Response:
    if request.method == "GET":
        return _event_form(slug, form={"capacity": 100}, event=None)
    _require_organiser(slug)
    body = event_from_form(request.form)
    try:
        made = rpc("events", "create_closing_event", slug, body)
    except DomainError as exc:
        return _event_form(
            slug, exc.status, form=request.form, event=None, errors=_form_errors(exc)
        )
    return redirect(url_for("pages_events.edit_event", slug=slug, event_id=made["id"], ok=1))


@bp.route("/stadt/<slug>/verwaltung/abschluss/<event_id>", methods=["GET", "POST"])
def edit_event(slug: str, event_id: str) -> tuple[str, int] | Response:
    _require_organiser(slug)
    event = rpc("events", "closing_event", slug, event_id)
    registrations = rpc("events", "registrations", slug, event_id)
    if request.method == "GET":
        return _event_form(
            slug,
            form=form_from_event(event),
            event=event,
            registrations=registrations,
            notice=request.args.get("ok") and _("Gespeichert."),
        )
    action = request.form.get("action", "save")
    try:
        if action == "publish":
            rpc("events", "publish_closing_event", slug, event_id)
        elif action == "cancel":
            reason = {"reason": request.form.get("reason", "").strip()}
            rpc("events", "cancel_closing_event", slug, event_id, reason)
        else:
            rpc("events", "update_closing_event", slug, event_id, event_from_form(request.form))
    except DomainError as exc:
        form = form_from_event(event) if action != "save" else request.form
        return _event_form(
            slug,
            exc.status,
            form=form,
            event=event,
            registrations=registrations,
            errors=_form_errors(exc),
            error_section=action,
        )
    return redirect(url_for("pages_events.edit_event", slug=slug, event_id=event_id, ok=1))


@bp.post("/stadt/<slug>/verwaltung/ideen/<idea_id>/schritte")
def add_step(slug: str, idea_id: str) -> tuple[str, int] | Response:
    body = {
        k: request.form.get(k, "").strip()
        for k in ("what", "owner_organisation", "contact_role", "status", "note")
    }
    body["due_date"] = request.form.get("due_date", "").strip() or None
    try:
        rpc("events", "add_next_step", slug, idea_id, body)
    except DomainError as exc:
        return _manage_page(
            slug, exc.status, errors=page_errors(exc), error_idea=idea_id, form=body
        )
    return redirect(url_for("pages_events.manage", slug=slug, ok=1, _anchor=f"idee-{idea_id}"))


@bp.post("/stadt/<slug>/verwaltung/ideen/<idea_id>/schritte/<step_id>")
def change_step(slug: str, idea_id: str, step_id: str) -> tuple[str, int] | Response:
    body = {"status": request.form.get("status", "")}
    try:
        rpc("events", "change_next_step", slug, idea_id, step_id, body)
    except DomainError as exc:
        return _manage_page(slug, exc.status, errors=page_errors(exc), error_idea=idea_id)
    return redirect(url_for("pages_events.manage", slug=slug, ok=1, _anchor=f"idee-{idea_id}"))
