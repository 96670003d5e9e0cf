"""City pages for citizens, and the admin and partner page of a city (German first).

Every action is a plain form POST with a CSRF token, so the pages work without JavaScript;
a refused action shows the page again with the reason next to the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, redirect, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.cache import cached
from gateway.calendar_feed import city_feed
from gateway.city_reads import city_of
from gateway.pages.my_area import ROLE_NAMES
from gateway.pages.rendering import page_errors, render
from gateway.schema_forms import config_from_form, fields_from_schema
from services.cities.phases import PHASE_TITLES, next_phase
from services.kit.errors import DomainError, Forbidden, Unauthenticated

bp = Blueprint("pages_city", __name__)

PARTNERS = ("city_admin", "partner")

# Sections other page modules add to the city page: (template, loader). A loader gets the city
# and returns the template's ``data``; the section's template is included in that order.
CitySectionLoader = Callable[[dict[str, Any]], dict[str, Any]]
CITY_SECTIONS: list[tuple[str, CitySectionLoader]] = []


def city_section(template: str) -> Callable[[CitySectionLoader], CitySectionLoader]:
    """Register a section of the city page: ``@city_section("city_talks.html")``."""

    def register(loader: CitySectionLoader) -> CitySectionLoader:
        CITY_SECTIONS.append((template, loader))
        return loader

    return register


def _city_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    city = city_of(slug)
    phases = rpc("cities", "phases", slug)
    groups = rpc("cities", "list_working_groups", slug)
    sections = [(template, loader(city)) for template, loader in CITY_SECTIONS]
    return render(
        "city.html",
        status,
        city=city,
        phases=phases["phases"],
        groups=groups,
        sections=sections,
        **extra,
    )


@bp.get("/stadt/<slug>")
@cached
def city(slug: str) -> tuple[str, int]:
    return _city_page(slug)


@bp.get("/stadt/<slug>/kalender.ics")
def calendar_feed(slug: str) -> Response:
    """The city's calendar to subscribe to: phases with dates, table talks, closing events.
    Not kept in the public cache: a changed talk is not a fact that empties it, and a
    calendar asks only about once an hour."""
    city = city_of(slug)
    body = city_feed(
        city,
        rpc("cities", "phases", slug)["phases"],
        # Held talks stay in a subscribed calendar (the list pages show them apart).
        rpc("dialogue", "list_talks", slug, {"past": True})
        + rpc("dialogue", "list_talks", slug, {}),
        rpc("events", "list_closing_events", slug),
        current_app.config["SETTINGS"].public_base_url,
    )
    return Response(body, mimetype="text/calendar")


def _require_partner(slug: str) -> None:
    caller = current_caller()
    if not caller.authenticated:
        raise Unauthenticated()
    if not caller.has_role(slug, *PARTNERS):
        raise Forbidden()


def _admin_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_partner(slug)
    city = city_of(slug)
    phases = rpc("cities", "phases", slug)["phases"]
    caller = current_caller()
    is_admin = caller.has_role(slug, "city_admin")
    plugins = rpc("cities", "list_plugins", slug)
    for plugin in plugins:
        plugin["fields"] = fields_from_schema(plugin["config_schema"] or {}, plugin["config"])
    following = next_phase(city["phase"])
    return render(
        "city_admin.html",
        status,
        city=city,
        phases=phases,
        plugins=plugins,
        is_admin=is_admin,
        next_phase=following,
        next_phase_title=following and PHASE_TITLES[following],
        **extra,
    )


@bp.get("/stadt/<slug>/verwaltung")
def admin(slug: str) -> tuple[str, int]:
    return _admin_page(slug, notice=request.args.get("ok") and _("Gespeichert."))


def _act(slug: str, section: str, call: Any) -> tuple[str, int] | Response:
    """Run an action; on a refusal show the page again with the reason in its section."""
    try:
        call()
    except DomainError as exc:
        return _admin_page(slug, exc.status, errors=page_errors(exc), error_section=section)
    return redirect(url_for("pages_city.admin", slug=slug, ok=1, _anchor=section))


# The phase change (with its confirmation page), roles, schedule and audit log:
# pages/city_admin.py, on this blueprint.


@bp.post("/stadt/<slug>/verwaltung/schritt")
def step(slug: str) -> tuple[str, int] | Response:
    phase, step_id = request.form.get("phase", ""), request.form.get("step", "")
    if request.form.get("undo"):
        return _act(slug, "schritte", lambda: rpc("cities", "unmark_step", slug, phase, step_id))
    body = {"note": request.form["note"].strip()} if request.form.get("note", "").strip() else {}
    return _act(slug, "schritte", lambda: rpc("cities", "mark_step", slug, phase, step_id, body))


@bp.post("/stadt/<slug>/verwaltung/plugins/<name>")
def plugin(slug: str, name: str) -> tuple[str, int] | Response:
    if request.form.get("disable"):
        return _act(slug, f"plugin-{name}", lambda: rpc("cities", "disable_plugin", slug, name))
    _require_partner(slug)
    installed = {p["name"]: p for p in rpc("cities", "list_plugins", slug)}
    schema = (installed.get(name) or {}).get("config_schema") or {}
    config = config_from_form(schema, request.form)
    return _act(
        slug,
        f"plugin-{name}",
        lambda: rpc("cities", "enable_plugin", slug, name, {"config": config}),
    )


@bp.route("/einladung", methods=["GET", "POST"])
def invitation() -> tuple[str, int] | Response:
    token = request.values.get("token", "")
    try:  # the page names the city and the role before anyone signs in
        info = rpc("cities", "invitation_info", {"token": token})
    except DomainError as exc:
        return render(
            "invitation.html", exc.status, token=token, info=None, errors=page_errors(exc)
        )
    role = _(ROLE_NAMES[info["role"]]) if info["role"] in ROLE_NAMES else ""
    page = {"token": token, "info": info, "role": role}
    if not current_caller().authenticated:
        return render("invitation.html", 200, signed_in=False, **page)
    if request.method == "GET":
        return render("invitation.html", 200, signed_in=True, **page)
    try:
        result = rpc("cities", "accept_invitation", {"token": token})
    except DomainError as exc:
        return render(
            "invitation.html", exc.status, signed_in=True, errors=page_errors(exc), **page
        )
    return redirect(url_for("pages_city.city", slug=result["city"]))
