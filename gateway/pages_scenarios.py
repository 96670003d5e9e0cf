"""Pages of the scenario work (German first): what citizens read and submit, the workspace of
facilitators and working groups, and the transfer into deep-dive topics.

Citizens: ``/stadt/<slug>/szenarien`` (published scenarios, map, profiles, deep-dive topics),
``/stadt/<slug>/beobachtungen`` (observations and forecasts, with the form in the scenario
phase). Workspace: ``/stadt/<slug>/szenarien/werkstatt/…`` (factors, influence matrix, key
factors, projections, consistency matrix, observation intake, runs, scenarios) and
``/stadt/<slug>/transfer`` (assessments, portfolio, deep-dive topics).

Every action is a plain form POST with a CSRF token; a matrix is one form whose cells are
submitted together and sent to the service as one whole matrix. The service authorises and
checks the phase; a refusal shows the page again with the reason next to the field (a matrix
cell's error is named ``matrix.i.j`` by the service and shown in that cell).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, redirect, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.auth import current_caller
from gateway.pages import page_errors, render
from gateway.pages_city import city_section
from gateway.rpc import ServiceUnavailable
from services.kit.errors import DomainError, Forbidden, NotFound, Unauthenticated

bp = Blueprint("pages_scenarios", __name__)

WORKSPACE_ROLES = ("facilitator", "working_group_member", "city_admin")
EDITORS = ("facilitator", "working_group_member")
INFLUENCE_SCALE = (0, 1, 2, 3)
CONSISTENCY_SCALE = (1, 2, 3, 4, 5)
ACTIVE_RUN = ("queued", "running")
REFRESH_SECONDS = 2

Page = Callable[..., tuple[str, int]]


# ------------------------------------------------------------------ helpers
def _svg(text: str) -> Response:
    response = Response(text, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _require_workspace(slug: str) -> None:
    caller = current_caller()
    if not caller.authenticated:
        raise Unauthenticated()
    if not caller.has_role(slug, *WORKSPACE_ROLES):
        raise Forbidden()


def _roles(slug: str) -> dict[str, bool]:
    caller = current_caller()
    return {
        "is_facilitator": caller.has_role(slug, "facilitator"),
        "is_editor": caller.has_role(slug, *EDITORS),
        "is_admin": caller.has_role(slug, "city_admin"),
    }


def _project(slug: str) -> dict[str, Any] | None:
    try:
        return rpc("scenarios", "get_project", slug)
    except NotFound:
        return None


def _int_or_raw(raw: str) -> int | str | None:
    """A form value for the service: empty = not given, digits = a number, anything else is
    passed on as typed so the service names the field with the real reason."""
    raw = raw.strip()
    if raw == "":
        return None
    return int(raw) if raw.lstrip("-").isdigit() else raw


def _act(call: Callable[[], Any], again: Callable[[DomainError], tuple[str, int]], target: str):
    """Run an action; on a refusal show the page again with the errors, else redirect."""
    try:
        call()
    except DomainError as exc:
        return again(exc)
    return redirect(target)


def _saved() -> str | None:
    return _("Gespeichert.") if request.args.get("ok") else None


def _titles(projections: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Projection id → its title and its key factor's title (from ``list_projections``)."""
    return {
        p["id"]: {"title": p["title"], "factor": kf["title"]}
        for kf in projections["key_factors"]
        for p in kf["projections"]
    }


def _snapshot_titles(snapshot: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {
        p["id"]: {"title": p["title"], "factor": kf["title"]}
        for kf in snapshot["key_factors"]
        for p in kf["projections"]
    }


def _workspace(slug: str, template: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_workspace(slug)
    city = rpc("cities", "get_city", slug)
    extra.setdefault("notice", _saved())
    return render(template, status, city=city, **_roles(slug), **extra)


# ------------------------------------------------------------------ citizens
@bp.get("/stadt/<slug>/szenarien")
def scenarios(slug: str) -> tuple[str, int]:
    city = rpc("cities", "get_city", slug)
    published = [s for s in rpc("scenarios", "list_scenarios", slug) if s["status"] == "published"]
    topics = [t for t in rpc("scenarios", "list_topics", slug) if t["status"] == "published"]
    # The map is the run of the latest published scenario (published_map_svg): its legend
    # names the scenarios written from that run.
    latest = max(published, key=lambda s: (s["published_at"] or "", s["id"]), default=None)
    return render(
        "scenarios.html",
        city=city,
        scenarios=published,
        on_map=[s for s in published if latest and s["run_id"] == latest["run_id"]],
        topics=topics,
        may_work=current_caller().has_role(slug, *WORKSPACE_ROLES),
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
    city = rpc("cities", "get_city", slug)
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


# ------------------------------------------------------------------ workspace: project
def _overview(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    return _workspace(slug, "workspace.html", status, project=_project(slug), **extra)


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
    form = {k: request.form.get(k, "") for k in ("title", "description")}
    body = {"title": form["title"].strip(), "description": form["description"].strip()}
    return _act(
        lambda: rpc("scenarios", "create_factor", slug, body),
        lambda exc: _factors_page(slug, exc.status, form=form, errors=page_errors(exc)),
        url_for("pages_scenarios.factors", slug=slug, ok=1),
    )


# ------------------------------------------------------------------ influence and key factors
def _matrix_from_form(n: int, skip: Callable[[int, int], bool]) -> list[list[Any]]:
    """Cells ``cell-i-j`` of the submitted form as rows (None: not judged or not rated)."""
    return [
        [
            None if skip(i, j) else _int_or_raw(request.form.get(f"cell-{i}-{j}", ""))
            for j in range(n)
        ]
        for i in range(n)
    ]


def _influence_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_workspace(slug)
    factors_ = rpc("scenarios", "list_factors", slug)
    titles = {f["id"]: f["title"] for f in factors_}
    roles = _roles(slug)
    mine = rpc("scenarios", "my_influence_rating", slug) if roles["is_editor"] else None
    overview = rpc("scenarios", "influence", slug) if roles["is_facilitator"] else None
    key = rpc("scenarios", "key_factors", slug)
    chosen = {f["id"] for f in key["factors"]} or set((overview or {}).get("suggestion", []))
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
        ),
        url_for("pages_scenarios.influence", slug=slug, ok=1, _anchor="schluesselfaktoren"),
    )


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
        raw = form["probability"].strip().replace(",", ".")
        try:
            body["probability"] = float(raw)
        except ValueError:
            body["probability"] = raw
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
    return _workspace(
        slug,
        "workspace_consistency.html",
        status,
        layout=layout,
        titles=_titles(layout),
        factor_of=factor_of,
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
    body: dict[str, Any] = {
        "a": request.form.get("a", ""),
        "b": request.form.get("b", ""),
        "value": _int_or_raw(request.form.get("value", "")),
    }
    if body["value"] is None:
        del body["value"]
    if request.form.get("note", "").strip():
        body["note"] = request.form["note"].strip()
    pair = f"{body['a']}-{body['b']}"
    return _act(
        lambda: rpc("scenarios", "resolve_pair", slug, body),
        lambda exc: _consistency_page(
            slug, exc.status, errors=page_errors(exc), error_section=f"pair-{pair}"
        ),
        url_for("pages_scenarios.consistency", slug=slug, ok=1, _anchor="strittig"),
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


# ------------------------------------------------------------------ transfer
def _transfer_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    _require_workspace(slug)
    roles = _roles(slug)
    published = [s for s in rpc("scenarios", "list_scenarios", slug) if s["status"] == "published"]
    portfolio = rpc("scenarios", "portfolio", slug) if roles["is_editor"] else None
    return _workspace(
        slug,
        "transfer.html",
        status,
        scenarios=published,
        criteria=rpc("scenarios", "criteria", slug),
        portfolio=portfolio,
        topics=rpc("scenarios", "list_topics", slug),
        factors=rpc("scenarios", "list_factors", slug) if _project(slug) else [],
        **extra,
    )


@bp.get("/stadt/<slug>/transfer")
def transfer(slug: str) -> tuple[str, int]:
    return _transfer_page(slug)


@bp.get("/stadt/<slug>/transfer/portfolio.svg")
def portfolio_svg(slug: str) -> Response:
    return _svg(rpc("scenarios", "portfolio_svg", slug))


@bp.post("/stadt/<slug>/transfer/bewertung/<scenario_id>")
def assess(slug: str, scenario_id: str):
    criteria = rpc("scenarios", "criteria", slug)
    ratings = {}
    for criterion in criteria:
        value = _int_or_raw(request.form.get(f"rating-{criterion['id']}", ""))
        if value is not None:
            ratings[criterion["id"]] = value
    body = {"ratings": ratings, "comment": request.form.get("comment", "").strip()}
    section = f"bewertung-{scenario_id}"
    return _act(
        lambda: rpc("scenarios", "assess_scenario", slug, scenario_id, body),
        lambda exc: _transfer_page(
            slug, exc.status, errors=page_errors(exc), error_section=section, submitted=body
        ),
        url_for("pages_scenarios.transfer", slug=slug, ok=1, _anchor=section),
    )


@bp.post("/stadt/<slug>/transfer/themen")
def create_topic(slug: str):
    form = {k: request.form.get(k, "") for k in ("title", "guiding_question", "description")}
    form["questions"] = request.form.get("questions", "")
    body = {
        "title": form["title"].strip(),
        "guiding_question": form["guiding_question"].strip(),
        "description": form["description"].strip(),
        "scenario_ids": request.form.getlist("scenario_ids"),
        "factor_ids": request.form.getlist("factor_ids"),
        "questions": [q.strip() for q in form["questions"].splitlines() if q.strip()],
    }
    return _act(
        lambda: rpc("scenarios", "create_topic", slug, body),
        lambda exc: _transfer_page(
            slug, exc.status, form=form, errors=page_errors(exc), error_section="neues-thema"
        ),
        url_for("pages_scenarios.transfer", slug=slug, ok=1, _anchor="themen"),
    )


@bp.post("/stadt/<slug>/transfer/themen/<topic_id>/<step>")
def topic_step(slug: str, topic_id: str, step: str):
    method = {"einreichen": "submit_topic", "veroeffentlichen": "publish_topic"}.get(step)
    if method is None:
        raise NotFound("Page not found.")
    section = f"t-{topic_id}"
    return _act(
        lambda: rpc("scenarios", method, slug, topic_id),
        lambda exc: _transfer_page(
            slug, exc.status, errors=page_errors(exc), error_section=section
        ),
        url_for("pages_scenarios.transfer", slug=slug, ok=1, _anchor=section),
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
