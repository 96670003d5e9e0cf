"""The workspace's intake of citizens' observations and forecasts: assign, accept or hide them."""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from gateway.api.common import rpc
from gateway.pages.rendering import page_errors
from gateway.pages.scenarios.base import (
    _act,
    _project,
    _require_workspace,
    _workspace,
    bp,
)


# ------------------------------------------------------------------ observations intake
def _intake_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_workspace(slug)
    factors_ = rpc("scenarios", "list_factors", slug) if _project(slug) else []
    return _workspace(
        slug,
        "workspace_observations.html",
        status,
        factors=factors_,
        titles={f["id"]: f["title"] for f in factors_},
        observations=rpc("scenarios", "list_observations", slug),
        **extra,
    )


@bp.get("/stadt/<slug>/szenarien/werkstatt/beobachtungen")
def intake(slug: str) -> tuple[str, int]:
    return _intake_page(slug)


@bp.post("/stadt/<slug>/szenarien/werkstatt/beobachtungen/<observation_id>")
def triage(slug: str, observation_id: str):
    section = f"obs-{observation_id}"
    if request.form.get("action") == "hide":
        body: dict[str, Any] = {"reason": request.form.get("reason", "").strip()}
        call = lambda: rpc("scenarios", "hide_observation", slug, observation_id, body)  # noqa: E731
    else:
        body = {
            "factor_id": request.form.get("factor_id") or None,
            "candidate": request.form.get("candidate") == "on",
        }
        call = lambda: rpc("scenarios", "triage_observation", slug, observation_id, body)  # noqa: E731
    return _act(
        call,
        lambda exc: _intake_page(slug, exc.status, errors=page_errors(exc), error_section=section),
        url_for("pages_scenarios.intake", slug=slug, ok=1, _anchor=section),
    )
