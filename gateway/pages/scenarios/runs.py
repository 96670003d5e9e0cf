"""Runs of the scenario computation (started, watched until done, with their map) and the
scenarios made from a run's bundles, drafted and published."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.pages.events.base import local_time
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
RUN_FIELDS = ("top", "n_clusters", "linkage", "max_partial", "missing", "cib_max_ic")


def _run_errors() -> dict[str, tuple[str, str]]:
    """Field → (German label, id of its input) for the error summary of a run form."""
    return {
        "top": (_("Anzahl der besten Bündel (Top-k)"), "top"),
        "n_clusters": (_("Anzahl der Rohszenarien"), "n_clusters"),
        "linkage": (_("Verknüpfung der Gruppen"), "linkage"),
        "max_partial": (_("Höchstens erlaubte Teilinkonsistenzen je Bündel"), "max_partial"),
        "missing": (_("Paare ohne Wert"), "missing"),
        "with_cib": (_("Cross-Impact-Bilanz (CIB)"), "with_cib"),
        "cib_max_ic": (_("Erlaubte Inkonsistenz der CIB (IC)"), "cib_max_ic"),
    }


def _run_request() -> tuple[dict[str, str], dict[str, Any]]:
    """The run form as typed (shown again after an error) and as the service's parameters.

    Empty "Anzahl der Rohszenarien" means automatic (silhouette) and an empty bound means no
    bound: both are sent as null, so a rerun really changes them; an empty top-k is left out
    (the default, or the run's own on a rerun)."""
    form = {k: request.form.get(k, "").strip() for k in RUN_FIELDS}
    form["with_cib"] = "on" if request.form.get("with_cib") == "on" else ""
    body: dict[str, Any] = {
        "n_clusters": _int_or_raw(form["n_clusters"]),
        "max_partial": _int_or_raw(form["max_partial"]),
        "with_cib": form["with_cib"] == "on",
    }
    for name in ("top", "cib_max_ic"):
        if form[name]:
            body[name] = _int_or_raw(form[name])
    for name in ("linkage", "missing"):
        if form[name]:
            body[name] = form[name]
    return form, body


def _form_of(parameters: dict[str, Any]) -> dict[str, str]:
    """A run's parameters as the run form shows them (for "Erneut berechnen")."""
    form = {k: "" if parameters.get(k) is None else str(parameters[k]) for k in RUN_FIELDS}
    form["with_cib"] = "on" if parameters.get("with_cib") else ""
    return form


def _runs_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_workspace(slug)
    runs = rpc("scenarios", "list_runs", slug) if _roles(slug)["is_editor"] else []
    extra.setdefault("form", _form_of({"top": 100, "linkage": "average", "missing": "error"}))
    return _workspace(
        slug, "workspace_runs.html", status, runs=runs, error_fields=_run_errors(), **extra
    )


@bp.route("/stadt/<slug>/szenarien/werkstatt/laeufe", methods=["GET", "POST"])
def runs(slug: str):
    if request.method == "GET":
        return _runs_page(slug)
    form, body = _run_request()
    try:
        started = rpc("scenarios", "start_run", slug, body)
    except DomainError as exc:
        return _runs_page(slug, exc.status, form=form, errors=page_errors(exc))
    return redirect(url_for("pages_scenarios.run", slug=slug, run_id=started["id"]))


def _cib_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The CIB scenarios, fewest inconsistencies and strongest balance first, each with the
    rank it has among the run's best bundles (None: not among them)."""
    ranks = {tuple(b["projections"]): b["rank"] for b in result["bundles"]}
    rows = [
        {**s, "bundle_rank": ranks.get(tuple(s["projections"]))}
        for s in (result.get("cib") or {}).get("scenarios", [])
    ]
    return sorted(rows, key=lambda s: (s["ic"], -s["tis"]))


def _run_page(
    slug: str, run_id: str, status: int = 200, found: dict | None = None, **extra: Any
) -> tuple[str, int]:
    _require_workspace(slug)
    found = found or rpc("scenarios", "get_run", slug, run_id)
    extra.setdefault("run_form", _form_of(found["parameters"]))
    return _workspace(
        slug,
        "workspace_run.html",
        status,
        run=found,
        titles=_snapshot_titles(found["snapshot"]),
        active=found["status"] in ACTIVE_RUN,
        cib_rows=_cib_rows(found["result"]) if found["result"] else [],
        error_fields=_run_errors(),
        **extra,
    )


@bp.get("/stadt/<slug>/szenarien/werkstatt/laeufe/<run_id>")
def run(slug: str, run_id: str):
    _require_workspace(slug)
    found = rpc("scenarios", "get_run", slug, run_id)
    page, status = _run_page(slug, run_id, found=found, form=request.args)
    response = Response(page, status, mimetype="text/html")
    if found["status"] in ACTIVE_RUN:
        # No JavaScript: the browser reloads the progress page until the run is done.
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@bp.post("/stadt/<slug>/szenarien/werkstatt/laeufe/<run_id>/erneut")
def rerun(slug: str, run_id: str):
    """The run's frozen inputs computed again, with the parameters of the form."""
    form, body = _run_request()
    try:
        started = rpc("scenarios", "rerun", slug, run_id, body)
    except DomainError as exc:
        return _run_page(
            slug, run_id, exc.status, run_form=form, errors=page_errors(exc), error_section="rerun"
        )
    return redirect(url_for("pages_scenarios.run", slug=slug, run_id=started["id"]))


@bp.get("/stadt/<slug>/szenarien/werkstatt/laeufe/<run_id>/karte.svg")
def run_map(slug: str, run_id: str) -> Response:
    return _svg(rpc("scenarios", "run_map_svg", slug, run_id))


@bp.get("/stadt/<slug>/szenarien/werkstatt/laeufe/<run_id>/dendrogramm.svg")
def run_dendrogram(slug: str, run_id: str) -> Response:
    return _svg(rpc("scenarios", "run_dendrogram_svg", slug, run_id))


@bp.get("/stadt/<slug>/szenarien/werkstatt/laeufe/<run_id>/silhouette.svg")
def run_silhouette(slug: str, run_id: str) -> Response:
    return _svg(rpc("scenarios", "run_silhouette_svg", slug, run_id))


def _raw_by_cluster(run: dict[str, Any], titles: dict[str, dict[str, str]]) -> dict[int, Any]:
    """A run's raw scenarios by number, each with its profile by key factor title (two runs on
    different inputs may order their key factors differently)."""
    return {
        r["cluster"]: {
            **r,
            "by_factor": {titles[p]["factor"]: p for p in r["characteristic"] if p in titles},
        }
        for r in run["result"]["raw_scenarios"]
    }


@bp.get("/stadt/<slug>/szenarien/werkstatt/laeufe/vergleich")
def compare_runs(slug: str):
    """Two runs side by side (``?a=<id>&b=<id>``); without both, the choice of two runs."""
    _require_workspace(slug)
    choice = {k: request.args.get(k, "").strip() for k in ("a", "b")}
    runs = [
        {
            **r,
            "option": (
                r["id"],
                _("Berechnung %(n)s vom %(at)s", n=r["number"], at=local_time(r["created_at"])),
            ),
        }
        for r in rpc("scenarios", "list_runs", slug)
        if r["status"] == "finished"
    ]
    labels = {
        "a": (_("Erste Berechnung"), "a"),
        "b": (_("Zweite Berechnung"), "b"),
    }
    extra: dict[str, Any] = {"runs": runs, "choice": choice, "error_fields": labels}
    status = 200
    if choice["a"] and choice["b"]:
        try:
            extra["comparison"] = rpc("scenarios", "compare_runs", slug, choice["a"], choice["b"])
        except DomainError as exc:
            status, extra["errors"] = exc.status, page_errors(exc)
        else:
            pair = [rpc("scenarios", "get_run", slug, choice[k]) for k in ("a", "b")]
            extra["titles"] = {
                **_snapshot_titles(pair[1]["snapshot"]),
                **_snapshot_titles(pair[0]["snapshot"]),
            }
            extra["run_a"], extra["run_b"] = pair
            extra["raw_a"], extra["raw_b"] = (_raw_by_cluster(r, extra["titles"]) for r in pair)
    elif "a" in request.args and "b" in request.args:  # the form sent (a link may name one)
        missing = {k: [_("Bitte eine Berechnung wählen.")] for k, v in choice.items() if not v}
        status = 422
        extra["errors"] = {
            "code": "invalid",
            "summary": _("Es braucht zwei Berechnungen."),
            "fields": missing,
        }
    return _workspace(slug, "workspace_run_compare.html", status, **extra)


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
        return _run_page(
            slug,
            run_id,
            exc.status,
            form=form,
            errors=page_errors(exc),
            error_section=f"raw-{form['cluster']}",
        )

    return _act(
        lambda: rpc("scenarios", "create_scenario", slug, body),
        again,
        url_for("pages_scenarios.workspace_scenarios", slug=slug, ok=1),
    )
