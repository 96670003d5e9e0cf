"""Runs of the scenario computation (started, watched until done, with their map) and the
scenarios made from a run's bundles, drafted and published."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, request, url_for

from gateway.api.common import rpc
from gateway.pages.rendering import page_errors
from gateway.pages.scenarios.base import (
    ACTIVE_RUN,
    REFRESH_SECONDS,
    _act,
    _int_or_raw,
    _require_workspace,
    _roles,
    _snapshot_titles,
    _svg,
    _workspace,
    bp,
)
from services.kit.errors import DomainError


# ------------------------------------------------------------------ runs
def _runs_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_workspace(slug)
    runs = rpc("scenarios", "list_runs", slug) if _roles(slug)["is_editor"] else []
    return _workspace(slug, "workspace_runs.html", status, runs=runs, **extra)


@bp.route("/stadt/<slug>/szenarien/werkstatt/laeufe", methods=["GET", "POST"])
def runs(slug: str):
    if request.method == "GET":
        return _runs_page(slug)
    form = {k: request.form.get(k, "") for k in ("top", "missing")}
    body: dict[str, Any] = {"missing": form["missing"] or "error"}
    if _int_or_raw(form["top"]) is not None:
        body["top"] = _int_or_raw(form["top"])
    body["with_cib"] = request.form.get("with_cib") == "on"
    started: dict[str, Any] = {}

    def start() -> None:
        started.update(rpc("scenarios", "start_run", slug, body))

    try:
        start()
    except DomainError as exc:
        return _runs_page(slug, exc.status, form=form, errors=page_errors(exc))
    return redirect(url_for("pages_scenarios.run", slug=slug, run_id=started["id"]))


@bp.get("/stadt/<slug>/szenarien/werkstatt/laeufe/<run_id>")
def run(slug: str, run_id: str):
    _require_workspace(slug)
    found = rpc("scenarios", "get_run", slug, run_id)
    titles = _snapshot_titles(found["snapshot"])
    page, status = _workspace(
        slug,
        "workspace_run.html",
        run=found,
        titles=titles,
        active=found["status"] in ACTIVE_RUN,
        form=request.args,
    )
    response = Response(page, status, mimetype="text/html")
    if found["status"] in ACTIVE_RUN:
        # No JavaScript: the browser reloads the progress page until the run is done.
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@bp.get("/stadt/<slug>/szenarien/werkstatt/laeufe/<run_id>/karte.svg")
def run_map(slug: str, run_id: str) -> Response:
    return _svg(rpc("scenarios", "run_map_svg", slug, run_id))


# ------------------------------------------------------------------ scenarios
def _scenarios_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    return _workspace(
        slug,
        "workspace_scenarios.html",
        status,
        scenarios=rpc("scenarios", "list_scenarios", slug),
        **extra,
    )


@bp.route("/stadt/<slug>/szenarien/werkstatt/szenarien", methods=["GET", "POST"])
def workspace_scenarios(slug: str):
    if request.method == "GET":
        return _scenarios_page(slug)
    run_id = request.form.get("run_id", "")
    form = {k: request.form.get(k, "") for k in ("title", "narrative", "cluster")}
    body = {
        "run_id": run_id,
        "cluster": _int_or_raw(form["cluster"]),
        "title": form["title"].strip(),
        "narrative": form["narrative"].strip(),
    }

    def again(exc: DomainError) -> tuple[str, int]:
        _require_workspace(slug)
        found = rpc("scenarios", "get_run", slug, run_id)
        return _workspace(
            slug,
            "workspace_run.html",
            exc.status,
            run=found,
            titles=_snapshot_titles(found["snapshot"]),
            active=False,
            form=form,
            errors=page_errors(exc),
            error_section=f"raw-{form['cluster']}",
        )

    return _act(
        lambda: rpc("scenarios", "create_scenario", slug, body),
        again,
        url_for("pages_scenarios.workspace_scenarios", slug=slug, ok=1),
    )


@bp.post("/stadt/<slug>/szenarien/werkstatt/szenarien/<scenario_id>/veroeffentlichen")
def publish_scenario(slug: str, scenario_id: str):
    return _act(
        lambda: rpc("scenarios", "publish_scenario", slug, scenario_id),
        lambda exc: _scenarios_page(
            slug, exc.status, errors=page_errors(exc), error_section=f"s-{scenario_id}"
        ),
        url_for("pages_scenarios.workspace_scenarios", slug=slug, ok=1, _anchor=f"s-{scenario_id}"),
    )
