"""What citizens read and submit: published scenarios with the map and profiles, observations
and forecasts (with the form in the scenario phase), and the scenarios' section of the city
page."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.city_reads import city_of
from gateway.pages.city import city_section
from gateway.pages.rendering import page_errors, render
from gateway.pages.scenarios.base import (
    WORKSPACE_ROLES,
    _act,
    _int_or_raw,
    _project,
    _svg,
    bp,
)
from gateway.pages.scenarios.council import may_print
from gateway.rpc import ServiceUnavailable
from services.kit.errors import DomainError


# ------------------------------------------------------------------ citizens
@bp.get("/stadt/<slug>/szenarien")
def scenarios(slug: str) -> tuple[str, int]:
    city = city_of(slug)
    published = [s for s in rpc("scenarios", "list_scenarios", slug) if s["status"] == "published"]
    topics = [t for t in rpc("scenarios", "list_topics", slug) if t["status"] == "published"]
    # The map is the run of the latest published scenario written from a run
    # (published_map_svg): its legend names the scenarios written from that run. Scenarios
    # imported from a project file have no run, so no place on the map and no profile.
    from_runs = [s for s in published if s["run_id"]]
    latest = max(from_runs, key=lambda s: (s["published_at"] or "", s["id"]), default=None)
    return render(
        "scenarios.html",
        city=city,
        scenarios=published,
        on_map=[s for s in published if latest and s["run_id"] == latest["run_id"]],
        topics=topics,
        may_work=current_caller().has_role(slug, *WORKSPACE_ROLES),
        council_pdf=may_print(slug, published),
    )


@bp.get("/stadt/<slug>/szenarien/karte.svg")
def published_map(slug: str) -> Response:
    return _svg(rpc("scenarios", "published_map_svg", slug))


@bp.get("/stadt/<slug>/szenarien/<scenario_id>/profil.svg")
def profile(slug: str, scenario_id: str) -> Response:
    return _svg(rpc("scenarios", "scenario_profile_svg", slug, scenario_id))


def _plugin_fields(form: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields a city's plugins add to the observation form, ready for the template:
    ``{"name", "title_de", "title_en", "widget", "required", "choices"}``."""
    schema = form["schema"]
    required = set(schema.get("required", ()))
    out = []
    for name in form["extra"]:
        prop = schema["properties"].get(name, {})
        kind = prop.get("type", "string")
        kind = next((k for k in kind if k != "null"), "string") if isinstance(kind, list) else kind
        choices = list(prop.get("enum") or (prop.get("items") or {}).get("enum") or [])
        widget = {
            "array": "choices" if choices else "lines",
            "boolean": "checkbox",
            "integer": "number",
            "number": "number",
        }.get(kind, "select" if choices else "text")
        out.append(
            {
                "name": name,
                "title_de": prop.get("title", name),
                "title_en": prop.get("x-title-en", prop.get("title", name)),
                "widget": widget,
                "required": name in required,
                "choices": choices,
            }
        )
    return out


def _plugin_values(fields: list[dict[str, Any]]) -> dict[str, Any]:
    """The submitted plugin fields as the service expects them (left out when empty)."""
    values: dict[str, Any] = {}
    for f in fields:
        name = f["name"]
        if f["widget"] == "choices":
            values[name] = request.form.getlist(name)
        elif f["widget"] == "lines":
            values[name] = [x.strip() for x in request.form.get(name, "").splitlines() if x.strip()]
        elif f["widget"] == "checkbox":
            values[name] = request.form.get(name) == "on"
        elif f["widget"] == "number":
            if _int_or_raw(request.form.get(name, "")) is not None:
                values[name] = _int_or_raw(request.form.get(name, ""))
        elif request.form.get(name, "").strip():
            values[name] = request.form[name].strip()
    return values


def _observations_page(
    slug: str, status: int = 200, plugin_fields: list | None = None, **extra: Any
) -> tuple[str, int]:
    city = city_of(slug)
    project = _project(slug)
    factors = rpc("scenarios", "list_factors", slug) if project else []
    listed = [o for o in rpc("scenarios", "list_observations", slug) if not o["hidden"]]
    open_phase = city["phase"] == "scenarios"
    if plugin_fields is None and open_phase and current_caller().authenticated:
        plugin_fields = _plugin_fields(rpc("scenarios", "observation_form", slug))
    extra.setdefault("form", {"kind": "observation"})
    return render(
        "scenario_observations.html",
        status,
        city=city,
        factors=factors,
        titles={f["id"]: f["title"] for f in factors},
        observations=listed,
        open_phase=open_phase,
        plugin_fields=plugin_fields or [],
        **extra,
    )


@bp.route("/stadt/<slug>/beobachtungen", methods=["GET", "POST"])
def observations(slug: str):
    if request.method == "GET":
        return _observations_page(
            slug, notice=request.args.get("ok") and _("Danke! Dein Beitrag ist angekommen.")
        )
    form: dict[str, Any] = {k: request.form.get(k, "") for k in ("kind", "text", "factor_id")}
    body: dict[str, Any] = {"kind": form["kind"], "text": form["text"].strip()}
    if form["factor_id"]:
        body["factor_id"] = form["factor_id"]
    fields = _plugin_fields(rpc("scenarios", "observation_form", slug))
    plugin_values = _plugin_values(fields)
    body.update(plugin_values)
    form["plugin"] = plugin_values
    return _act(
        lambda: rpc("scenarios", "submit_observation", slug, body),
        lambda exc: _observations_page(
            slug, exc.status, plugin_fields=fields, form=form, errors=page_errors(exc)
        ),
        url_for("pages_scenarios.observations", slug=slug, ok=1, _anchor="beitraege"),
    )


# ------------------------------------------------------------------ the city page's section
@city_section("city_scenarios.html")
def city_page_section(city: dict[str, Any]) -> dict[str, Any]:
    """Published scenarios and deep-dive topics (titles only) for the city page. A scenarios
    service that does not answer hides the section instead of failing the city page."""
    slug = city["slug"]
    try:
        listed = rpc("scenarios", "list_scenarios", slug)
        topics = rpc("scenarios", "list_topics", slug)
    except (DomainError, ServiceUnavailable):
        return {"available": False}
    return {
        "available": True,
        "scenarios": [
            {"id": s["id"], "title": s["title"]} for s in listed if s["status"] == "published"
        ],
        "topics": [t for t in topics if t["status"] == "published"],
        "may_work": current_caller().has_role(slug, *WORKSPACE_ROLES),
    }
