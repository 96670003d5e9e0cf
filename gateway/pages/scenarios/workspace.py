"""The workspace's first steps: the overview and the project, influencing factors, the influence
matrix with its system grid, and the key factors."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.pages.rendering import page_errors
from gateway.pages.scenarios.base import (
    INFLUENCE_SCALE,
    _act,
    _int_or_raw,
    _matrix_from_form,
    _project,
    _require_workspace,
    _roles,
    _settle_dispute,
    _svg,
    _workspace,
    bp,
)
from gateway.pages.scenarios.changes import _factor_labels
from gateway.pages.scenarios.settings import OPEN_PHASES, setting_choices


# ------------------------------------------------------------------ workspace: project
def _overview(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    return _workspace(
        slug,
        "workspace.html",
        status,
        project=_project(slug),
        choices=setting_choices(),
        open_phases=OPEN_PHASES,
        **extra,
    )


@bp.get("/stadt/<slug>/szenarien/werkstatt")
def workspace(slug: str) -> tuple[str, int]:
    return _overview(slug)


@bp.post("/stadt/<slug>/szenarien/werkstatt/projekt")
def create_project(slug: str):
    form = {k: request.form.get(k, "") for k in ("title", "description")}
    body: dict[str, Any] = {"title": form["title"].strip(), "description": form["description"]}
    count = _int_or_raw(request.form.get("key_factor_count", ""))
    if count is not None:
        body["key_factor_count"] = count
    return _act(
        lambda: rpc("scenarios", "create_project", slug, body),
        lambda exc: _overview(slug, exc.status, form=form, errors=page_errors(exc)),
        url_for("pages_scenarios.workspace", slug=slug, ok=1),
    )


# ------------------------------------------------------------------ factors
def _factors_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    return _workspace(
        slug,
        "workspace_factors.html",
        status,
        factors=rpc("scenarios", "list_factors", slug),
        **extra,
    )


@bp.route("/stadt/<slug>/szenarien/werkstatt/faktoren", methods=["GET", "POST"])
def factors(slug: str):
    if request.method == "GET":
        return _factors_page(slug)
    # the same fields as the edit form: the last three fill the factor's profile sheet
    labels = _factor_labels()
    form = {k: request.form.get(k, "") for k in labels}
    body = {k: v.strip() for k, v in form.items()}
    named = {name: (label, name) for name, (label, _kind) in labels.items()}
    return _act(
        lambda: rpc("scenarios", "create_factor", slug, body),
        lambda exc: _factors_page(
            slug, exc.status, form=form, errors=page_errors(exc), error_fields=named
        ),
        url_for("pages_scenarios.factors", slug=slug, ok=1),
    )


# ------------------------------------------------------------------ influence and key factors
def _influence_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_workspace(slug)
    factors_ = rpc("scenarios", "list_factors", slug)
    titles = {f["id"]: f["title"] for f in factors_}
    roles = _roles(slug)
    mine = rpc("scenarios", "my_influence_rating", slug) if roles["is_editor"] else None
    overview = rpc("scenarios", "influence", slug) if roles["is_facilitator"] else None
    key = rpc("scenarios", "key_factors", slug)
    # After a refused decision the facilitator's own choice stays ticked.
    chosen = extra.pop("chosen", None)
    if chosen is None:
        chosen = {f["id"] for f in key["factors"]} or set((overview or {}).get("suggestion", []))
    disputed = {(p["a"], p["b"]) for p in (overview or {}).get("disputed", [])[:20]}
    return _workspace(
        slug,
        "workspace_influence.html",
        status,
        factors=factors_,
        titles=titles,
        mine=mine,
        overview=overview,
        key=key,
        chosen=chosen,
        disputed=disputed,
        scale=INFLUENCE_SCALE,
        **extra,
    )


@bp.route("/stadt/<slug>/szenarien/werkstatt/einfluss", methods=["GET", "POST"])
def influence(slug: str):
    if request.method == "GET":
        return _influence_page(slug)
    factor_ids = request.form.getlist("factor_ids")
    matrix = _matrix_from_form(len(factor_ids), lambda i, j: i == j)
    body = {"factor_ids": factor_ids, "matrix": matrix}
    return _act(
        lambda: rpc("scenarios", "rate_influence", slug, body),
        lambda exc: _influence_page(
            slug, exc.status, submitted=matrix, errors=page_errors(exc), error_section="matrix"
        ),
        url_for("pages_scenarios.influence", slug=slug, ok=1, _anchor="matrix"),
    )


@bp.get("/stadt/<slug>/szenarien/werkstatt/systemgrid.svg")
def system_grid(slug: str) -> Response:
    return _svg(rpc("scenarios", "influence_grid_svg", slug))


@bp.post("/stadt/<slug>/szenarien/werkstatt/schluesselfaktoren")
def key_factors(slug: str):
    body: dict[str, Any] = {"factor_ids": request.form.getlist("factor_ids")}
    if request.form.get("note", "").strip():
        body["note"] = request.form["note"].strip()
    return _act(
        lambda: rpc("scenarios", "decide_key_factors", slug, body),
        lambda exc: _influence_page(
            slug,
            exc.status,
            errors=page_errors(exc),
            error_section="schluesselfaktoren",
            note=body.get("note", ""),
            chosen=set(body["factor_ids"]),
            # the error summary links the reason to its field
            error_fields={"note": (_("Begründung"), "note")},
        ),
        url_for("pages_scenarios.influence", slug=slug, ok=1, _anchor="schluesselfaktoren"),
    )


@bp.post("/stadt/<slug>/szenarien/werkstatt/einfluss/klaerung")
def resolve_influence(slug: str):
    """The facilitator settles one disputed influence cell."""
    return _settle_dispute(slug, "resolve_influence", _influence_page, "pages_scenarios.influence")
