"""A city's working groups (city admins and partners): create one, invite an organisation."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.pages.events.base import ORGANISATION_KINDS, _city, _require_organiser, bp
from gateway.pages.rendering import page_errors, render
from services.kit.errors import DomainError


# ---------------------------------------------------------------- working groups
def _groups_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_organiser(slug)
    return render(
        "working_groups.html",
        status,
        city=_city(slug),
        groups=rpc("cities", "list_working_groups", slug),
        kinds=[(k, _(v)) for k, v in ORGANISATION_KINDS.items()],
        is_admin=current_caller().has_role(slug, "city_admin"),
        **extra,
    )


@bp.get("/stadt/<slug>/verwaltung/arbeitsgruppen")
def working_groups(slug: str) -> tuple[str, int]:
    notice = {"group": _("Die Arbeitsgruppe ist angelegt."), "invited": _("Einladung verschickt.")}
    return _groups_page(slug, notice=notice.get(request.args.get("ok", "")))


@bp.post("/stadt/<slug>/verwaltung/arbeitsgruppen")
def create_group(slug: str) -> tuple[str, int] | Response:
    body = {k: request.form.get(k, "").strip() for k in ("name", "description")}
    try:
        rpc("cities", "create_working_group", slug, body)
    except DomainError as exc:
        return _groups_page(slug, exc.status, errors=page_errors(exc), error_group="new", form=body)
    return redirect(url_for("pages_events.working_groups", slug=slug, ok="group"))


@bp.post("/stadt/<slug>/verwaltung/arbeitsgruppen/<group_id>/einladen")
def invite(slug: str, group_id: str) -> tuple[str, int] | Response:
    body = {k: request.form.get(k, "").strip() for k in ("email", "organisation", "kind", "role")}
    body["role"] = body["role"] or "member"
    try:
        rpc("cities", "invite_member", slug, group_id, body)
    except DomainError as exc:
        return _groups_page(
            slug, exc.status, errors=page_errors(exc), error_group=group_id, form=body
        )
    return redirect(
        url_for("pages_events.working_groups", slug=slug, ok="invited", _anchor=f"g-{group_id}")
    )
