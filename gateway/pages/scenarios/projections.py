"""Projections of the key factors, and the consistency matrix with the clarification of pairs
the raters disagree on."""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from gateway.api.common import rpc
from gateway.pages.rendering import page_errors
from gateway.pages.scenarios.base import (
    CONSISTENCY_SCALE,
    _act,
    _blocks,
    _matrix_from_form,
    _require_workspace,
    _roles,
    _settle_dispute,
    _titles,
    _workspace,
    bp,
)
from gateway.schema_forms import form_number


# ------------------------------------------------------------------ projections
def _projections_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    return _workspace(
        slug,
        "workspace_projections.html",
        status,
        projections=rpc("scenarios", "list_projections", slug),
        **extra,
    )


@bp.route("/stadt/<slug>/szenarien/werkstatt/projektionen", methods=["GET", "POST"])
def projections(slug: str):
    if request.method == "GET":
        return _projections_page(slug)
    form = {
        k: request.form.get(k, "") for k in ("factor_id", "title", "description", "probability")
    }
    body: dict[str, Any] = {
        "factor_id": form["factor_id"],
        "title": form["title"].strip(),
        "description": form["description"].strip(),
    }
    if form["probability"].strip():
        body["probability"] = form_number(form["probability"].strip())
    return _act(
        lambda: rpc("scenarios", "create_projection", slug, body),
        lambda exc: _projections_page(
            slug, exc.status, form=form, errors=page_errors(exc), error_section=form["factor_id"]
        ),
        url_for("pages_scenarios.projections", slug=slug, ok=1, _anchor=f"kf-{form['factor_id']}"),
    )


# ------------------------------------------------------------------ consistency
def _consistency_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_workspace(slug)
    roles = _roles(slug)
    layout = rpc("scenarios", "list_projections", slug)
    factor_of = {p["id"]: kf["id"] for kf in layout["key_factors"] for p in kf["projections"]}
    mine = rpc("scenarios", "my_consistency_rating", slug) if roles["is_editor"] else None
    overview = rpc("scenarios", "consistency", slug) if roles["is_facilitator"] else None
    titles = _titles(layout)
    ids = (mine or overview or {}).get("projection_ids", [])
    return _workspace(
        slug,
        "workspace_consistency.html",
        status,
        layout=layout,
        titles=titles,
        factor_of=factor_of,
        shape=_blocks(ids, factor_of, titles),
        mine=mine,
        overview=overview,
        scale=CONSISTENCY_SCALE,
        **extra,
    )


@bp.route("/stadt/<slug>/szenarien/werkstatt/konsistenz", methods=["GET", "POST"])
def consistency(slug: str):
    if request.method == "GET":
        return _consistency_page(slug)
    ids = request.form.getlist("projection_ids")
    factor_of = request.form.getlist("factor_of")
    same = (
        (lambda i, j: j <= i or factor_of[i] == factor_of[j])
        if len(factor_of) == len(ids)
        else (lambda i, j: j <= i)
    )
    matrix = _matrix_from_form(len(ids), same)
    body = {"projection_ids": ids, "matrix": matrix}
    return _act(
        lambda: rpc("scenarios", "rate_consistency", slug, body),
        lambda exc: _consistency_page(
            slug, exc.status, submitted=matrix, errors=page_errors(exc), error_section="matrix"
        ),
        url_for("pages_scenarios.consistency", slug=slug, ok=1, _anchor="matrix"),
    )


@bp.post("/stadt/<slug>/szenarien/werkstatt/konsistenz/klaerung")
def resolve(slug: str):
    """The facilitator settles one disputed pair of projections."""
    return _settle_dispute(slug, "resolve_pair", _consistency_page, "pages_scenarios.consistency")
