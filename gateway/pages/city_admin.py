"""The administration pages of a city beside its main admin page (``pages/city.py``): roles,
the phase schedule, the phase change with its confirmation, and the audit log.

The routes join ``pages_city``'s blueprint (their names read ``pages_city.roles`` …). Every
action is a form POST with a CSRF token and works without JavaScript; acts that cannot be
undone (a phase change, archiving, taking a role) go through a page that names what happens.
"""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from gateway.admin_acts import consequences, describe, local_time, phase_name, role_name
from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.pages.city import _require_partner, bp
from gateway.pages.rendering import page_errors, render
from gateway.schedule_form import (
    BOTH_NEEDED,
    LAST_BEFORE_FIRST,
    NOT_A_DATE,
    form_days,
    german_day,
    page_day,
    schedule_body,
)
from services.cities.phases import WORKING_PHASES, next_phase
from services.kit.errors import DomainError, Forbidden, Unauthenticated

GRANTABLE = ("city_admin", "partner", "facilitator")


def _require_admin(slug: str) -> None:
    caller = current_caller()
    if not caller.authenticated:
        raise Unauthenticated()
    if not caller.has_role(slug, "city_admin"):
        raise Forbidden()


@bp.app_template_filter("german_day")
def _german_day(value: str | None, last: bool = False) -> str:
    """The day in the page's language (the name is older than the English pages)."""
    return page_day(value, "en" if str(get_locale()) == "en" else "de", last)


# ---------------------------------------------------------------- roles
def _roles_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_admin(slug)
    people = rpc("identity", "city_roles", slug)
    for person in people:
        person["role_name"] = role_name(person["role"])
        person["since_text"] = local_time(person["since"])
    return render(
        "city_roles.html",
        status,
        city=rpc("cities", "get_city", slug),
        people=people,
        me=current_caller().user_id,
        grantable=[(code, role_name(code)) for code in GRANTABLE],
        # Working-group members leave through their group, citizens are citizens.
        revocable=GRANTABLE,
        **extra,
    )


@bp.get("/stadt/<slug>/verwaltung/rollen")
def roles(slug: str) -> tuple[str, int]:
    sent = request.args.get("eingeladen")
    taken = request.args.get("entzogen")
    notice = None
    if sent:
        notice = _("Die Einladung an %(email)s ist verschickt.", email=sent)
    elif taken:
        notice = _("Die Rolle ist entzogen.")
    return _roles_page(slug, notice=notice)


@bp.post("/stadt/<slug>/verwaltung/rollen")
def invite(slug: str) -> tuple[str, int] | Response:
    _require_admin(slug)
    body = {key: request.form.get(key, "").strip() for key in ("email", "role")}
    if request.form.get("reason", "").strip():
        body["reason"] = request.form["reason"].strip()
    try:
        result = rpc("cities", "invite_role", slug, body)
    except DomainError as exc:
        return _roles_page(slug, exc.status, errors=page_errors(exc), form=request.form)
    return redirect(url_for("pages_city.roles", slug=slug, eingeladen=result["email"]))


@bp.route("/stadt/<slug>/verwaltung/rollen/entziehen", methods=["GET", "POST"])
def revoke(slug: str) -> tuple[str, int] | Response:
    _require_admin(slug)
    account_id, role = request.values.get("person", ""), request.values.get("rolle", "")
    person = next(
        (
            p
            for p in rpc("identity", "city_roles", slug)
            if p["account_id"] == account_id and p["role"] == role
        ),
        None,
    )
    city = rpc("cities", "get_city", slug)
    if person is None:
        return render(
            "message.html",
            404,
            title=_("Diese Rolle gibt es hier nicht (mehr)"),
            text=_("Vielleicht wurde sie schon entzogen."),
            link=url_for("pages_city.roles", slug=slug),
            link_text=_("Zu den Rollen"),
        )
    context = {"city": city, "person": person, "role": role_name(role)}
    if request.method == "GET":
        return render("city_role_revoke.html", 200, **context)
    body = {"account_id": account_id, "city": slug, "role": role}
    if request.form.get("reason", "").strip():
        body["reason"] = request.form["reason"].strip()
    try:
        rpc("identity", "revoke_role", body)
    except DomainError as exc:
        return render("city_role_revoke.html", exc.status, errors=page_errors(exc), **context)
    return redirect(url_for("pages_city.roles", slug=slug, entzogen=1))


# ---------------------------------------------------------------- schedule
def _schedule_page(
    slug: str, status: int = 200, values: dict[str, str] | None = None, **extra: Any
) -> tuple[str, int]:
    _require_admin(slug)
    city = rpc("cities", "get_city", slug)
    return render(
        "city_schedule.html",
        status,
        city=city,
        phases=[(code, phase_name(code)) for code in WORKING_PHASES],
        values=values if values is not None else form_days(city["schedule"]),
        **extra,
    )


@bp.get("/stadt/<slug>/verwaltung/zeitplan")
def schedule(slug: str) -> tuple[str, int]:
    return _schedule_page(
        slug, notice=request.args.get("ok") and _("Der Zeitplan ist gespeichert.")
    )


@bp.post("/stadt/<slug>/verwaltung/zeitplan")
def save_schedule(slug: str) -> tuple[str, int] | Response:
    _require_admin(slug)
    values = {key: request.form.get(key, "") for key in request.form if "." in key}
    body, errors = schedule_body(values)
    if errors:
        german = {
            NOT_A_DATE: _("Bitte gib ein Datum an, etwa 31.05.2027."),
            BOTH_NEEDED: _("Bitte gib den ersten und den letzten Tag an (oder keinen von beiden)."),
            LAST_BEFORE_FIRST: _("Der letzte Tag darf nicht vor dem ersten liegen."),
        }
        fields = {name: [german[m] for m in messages] for name, messages in errors.items()}
        summary = _("Bitte prüfe die markierten Daten.")
        return _schedule_page(
            slug, 422, values=values, errors={"summary": summary, "fields": fields}
        )
    try:
        if body:
            rpc("cities", "set_schedule", slug, body)
    except DomainError as exc:
        return _schedule_page(slug, exc.status, values=values, errors=page_errors(exc))
    return redirect(url_for("pages_city.schedule", slug=slug, ok=1))


# ---------------------------------------------------------------- phase change
def _phase_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int] | Response:
    _require_admin(slug)
    city = rpc("cities", "get_city", slug)
    target = next_phase(city["phase"])
    if target is None:
        return redirect(url_for("pages_city.admin", slug=slug))
    table_talks = (city["schedule"] or {}).get("table_talks") or {}
    return render(
        "city_phase_change.html",
        status,
        city=city,
        target=target,
        current_name=phase_name(city["phase"]),
        target_name=phase_name(target),
        consequences=consequences(city["phase"], target),
        talks_end=german_day(table_talks.get("end"), last=True),
        **extra,
    )


@bp.get("/stadt/<slug>/verwaltung/phase")
def confirm_phase(slug: str) -> tuple[str, int] | Response:
    return _phase_page(slug)


@bp.post("/stadt/<slug>/verwaltung/phase")
def advance(slug: str) -> tuple[str, int] | Response:
    _require_admin(slug)
    body = {"to": request.form.get("to", "")}
    for key in ("reason", "override_reason"):
        if request.form.get(key, "").strip():
            body[key] = request.form[key].strip()
    try:
        city = rpc("cities", "advance_phase", slug, body)
    except DomainError as exc:
        return _phase_page(slug, exc.status, errors=page_errors(exc), form=request.form)
    if city["phase"] == "archived":
        return redirect(url_for("pages_city.audit", slug=slug, archiviert=1))
    return redirect(url_for("pages_city.admin", slug=slug, ok=1, _anchor="phase"))


# ---------------------------------------------------------------- audit log
@bp.get("/stadt/<slug>/verwaltung/protokoll")
def audit(slug: str) -> tuple[str, int]:
    _require_partner(slug)
    page = request.args.get("seite", "1")
    page_number = int(page) if page.isdigit() and int(page) >= 1 else 1
    kind = "phase" if request.args.get("art") == "phase" else None
    log = rpc("cities", "audit_log", slug, page_number, kind)
    for entry in log["entries"]:
        entry["text"] = describe(entry)
        entry["when"] = local_time(entry["at"])
        entry["who"] = entry["by_name"] or _("(Name nicht bekannt)")
    notice = request.args.get("archiviert") and _("Die Stadt ist archiviert.")
    return render(
        "city_audit.html",
        200,
        city=rpc("cities", "get_city", slug),
        log=log,
        kind=kind,
        notice=notice,
    )
