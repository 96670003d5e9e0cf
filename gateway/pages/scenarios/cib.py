"""The cross-impact (CIB) page of the workspace: my judgement matrix (−3…+3), the raters' mean
and the disputed cells for the facilitator, a run with CIB, and its solution set beside the
bundle result of the same run."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.pages.rendering import page_errors
from gateway.pages.scenarios.base import (
    ACTIVE_RUN,
    _act,
    _blocks,
    _int_or_raw,
    _matrix_from_form,
    _require_workspace,
    _roles,
    _settle_dispute,
    _titles,
    _workspace,
    bp,
)

CROSS_IMPACT_SCALE = (-3, -2, -1, 0, 1, 2, 3)
IC_BOUNDS = (0, 1, 2)


def _cib_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_workspace(slug)
    roles = _roles(slug)
    layout = rpc("scenarios", "list_projections", slug)
    factor_of = {p["id"]: kf["id"] for kf in layout["key_factors"] for p in kf["projections"]}
    mine = rpc("scenarios", "my_cross_impact_rating", slug) if roles["is_editor"] else None
    overview = rpc("scenarios", "cross_impacts", slug) if roles["is_facilitator"] else None
    solution = rpc("scenarios", "cib_solution", slug) if roles["is_editor"] else None
    disputed = {(p["a"], p["b"]) for p in (overview or {}).get("disputed", [])[:20]}
    titles = _titles(layout)
    ids = (mine or overview or {}).get("projection_ids", [])
    return _workspace(
        slug,
        "workspace_cib.html",
        status,
        layout=layout,
        titles=titles,
        factor_of=factor_of,
        shape=_blocks(ids, factor_of, titles),
        mine=mine,
        overview=overview,
        cib=solution,
        disputed=disputed,
        active=ACTIVE_RUN,
        scale=CROSS_IMPACT_SCALE,
        ic_bounds=IC_BOUNDS,
        **extra,
    )


@bp.route("/stadt/<slug>/szenarien/werkstatt/cib", methods=["GET", "POST"])
def cib(slug: str):
    if request.method == "GET":
        return _cib_page(slug)
    ids = request.form.getlist("projection_ids")
    factor_of = request.form.getlist("factor_of")
    same = (
        (lambda i, j: factor_of[i] == factor_of[j])
        if len(factor_of) == len(ids)
        else (lambda i, j: i == j)
    )
    matrix = _matrix_from_form(len(ids), same)
    body = {"projection_ids": ids, "matrix": matrix}
    return _act(
        lambda: rpc("scenarios", "rate_cross_impacts", slug, body),
        lambda exc: _cib_page(
            slug, exc.status, submitted=matrix, errors=page_errors(exc), error_section="matrix"
        ),
        url_for("pages_scenarios.cib", slug=slug, ok=1, _anchor="matrix"),
    )


@bp.post("/stadt/<slug>/szenarien/werkstatt/cib/klaerung")
def resolve_cross_impact(slug: str):
    """The facilitator settles one disputed cross-impact cell."""
    return _settle_dispute(slug, "resolve_cross_impact", _cib_page, "pages_scenarios.cib")


@bp.post("/stadt/<slug>/szenarien/werkstatt/cib/berechnung")
def cib_run(slug: str):
    """A run with CIB, started from this page: the same run as on the runs page (bundles, raw
    scenarios, map), with the CIB solution set computed alongside."""
    form = {"cib_max_ic": request.form.get("cib_max_ic", "0")}
    body: dict[str, Any] = {"with_cib": True}
    if (bound := _int_or_raw(form["cib_max_ic"])) is not None:
        body["cib_max_ic"] = bound
    return _act(
        lambda: rpc("scenarios", "start_run", slug, body),
        lambda exc: _cib_page(
            slug,
            exc.status,
            form=form,
            errors=page_errors(exc),
            error_section="berechnung",
            error_fields={"cib_max_ic": (_("Zulässige Inkonsistenz (IC)"), "cib_max_ic")},
        ),
        url_for("pages_scenarios.cib", slug=slug, ok=1, _anchor="loesung"),
    )
