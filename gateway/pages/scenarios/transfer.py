"""Transfer: scenarios assessed against local conditions, the portfolio, and deep-dive topics
written, submitted and published."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.pages.rendering import page_errors
from gateway.pages.scenarios.base import (
    _act,
    _int_or_raw,
    _project,
    _require_workspace,
    _roles,
    _svg,
    _workspace,
    bp,
)
from services.kit.errors import NotFound


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


def _topic(slug: str, topic_id: str) -> dict:
    return rpc("scenarios", "get_topic", slug, topic_id)


def _topic_form(slug: str, topic_id: str, status: int = 200, **extra: Any):
    """A topic not published (draft, in review, withdrawn) changed on a page of its own."""
    _require_workspace(slug)
    t = _topic(slug, topic_id)
    if "form" not in extra:
        extra["form"] = {**t, "questions": "\n".join(t["questions"])}
        extra["chosen"] = set(t["scenario_ids"])
    published = [s for s in rpc("scenarios", "list_scenarios", slug) if s["status"] == "published"]
    labels = {
        "title": _("Titel des Themas"),
        "guiding_question": _("Leitfrage"),
        "description": _("Beschreibung"),
        "questions": _("Fragen für die Tischgespräche"),
    }
    return _workspace(
        slug,
        "workspace_edit.html",
        status,
        heading=_("Vertiefungsthema bearbeiten"),
        intro=_("Veröffentlichte Themen werden nicht geändert: zuerst zurückziehen."),
        action=url_for("pages_scenarios.edit_topic", slug=slug, topic_id=topic_id),
        back=url_for("pages_scenarios.transfer", slug=slug, _anchor=f"t-{topic_id}"),
        fields=[
            (
                k,
                label,
                "text" if k in ("title", "guiding_question") else "textarea",
                k in ("title", "guiding_question"),
            )
            for k, label in labels.items()
        ],
        hints={"questions": _("Eine Frage pro Zeile.")},
        checks={
            "name": "scenario_ids",
            "legend": _("Zugehörige Szenarien"),
            "options": [(s["id"], s["title"]) for s in published],
        },
        choices=None,
        button=_("Änderungen speichern"),
        error_fields={k: (label, k) for k, label in labels.items()},
        **extra,
    )


@bp.route("/stadt/<slug>/transfer/themen/<topic_id>/bearbeiten", methods=["GET", "POST"])
def edit_topic(slug: str, topic_id: str):
    if request.method == "GET":
        return _topic_form(slug, topic_id)
    form = {k: request.form.get(k, "") for k in ("title", "guiding_question", "description")}
    form["questions"] = request.form.get("questions", "")
    chosen = request.form.getlist("scenario_ids")
    body = {
        "title": form["title"].strip(),
        "guiding_question": form["guiding_question"].strip(),
        "description": form["description"].strip(),
        "scenario_ids": chosen,
        "questions": [q.strip() for q in form["questions"].splitlines() if q.strip()],
    }
    return _act(
        lambda: rpc("scenarios", "update_topic", slug, topic_id, body),
        lambda exc: _topic_form(
            slug, topic_id, exc.status, form=form, chosen=set(chosen), errors=page_errors(exc)
        ),
        url_for("pages_scenarios.transfer", slug=slug, ok=1, _anchor=f"t-{topic_id}"),
    )


@bp.get("/stadt/<slug>/transfer/themen/<topic_id>/veroeffentlichen")
def confirm_publish_topic(slug: str, topic_id: str):
    """What publishing a topic does, before the facilitator does it (POST: ``topic_step``)."""
    t = _topic(slug, topic_id)
    again = t["status"] == "withdrawn"
    return _workspace(
        slug,
        "workspace_confirm.html",
        heading=_("Vertiefungsthema „%(title)s“ veröffentlichen?", title=t["title"]),
        consequences=[
            _("Alle sehen das Thema mit Leitfrage und Beschreibung auf der Szenarien-Seite."),
            _("Es wird ein Thema für Tischgespräche: Gastgebende können es wählen."),
            _("Veröffentlicht wird es nicht mehr geändert; es kann zurückgezogen werden."),
            *([_("Es war zurückgezogen: Der Grund wird dabei gelöscht.")] if again else []),
        ],
        action=url_for(
            "pages_scenarios.topic_step", slug=slug, topic_id=topic_id, step="veroeffentlichen"
        ),
        back=url_for("pages_scenarios.transfer", slug=slug, _anchor="themen"),
        button=_("Erneut veröffentlichen") if again else _("Veröffentlichen"),
    )


@bp.route("/stadt/<slug>/transfer/themen/<topic_id>/zurueckziehen", methods=["GET", "POST"])
def withdraw_topic(slug: str, topic_id: str):
    def page(status: int = 200, **extra: Any):
        t = _topic(slug, topic_id)
        return _workspace(
            slug,
            "workspace_confirm.html",
            status,
            heading=_("Vertiefungsthema „%(title)s“ zurückziehen?", title=t["title"]),
            consequences=[
                _("Bürgerinnen und Bürger sehen es auf der Szenarien-Seite nicht mehr."),
                _("Ihr könnt es danach erneut veröffentlichen."),
            ],
            action=url_for("pages_scenarios.withdraw_topic", slug=slug, topic_id=topic_id),
            back=url_for("pages_scenarios.transfer", slug=slug, _anchor="themen"),
            button=_("Zurückziehen"),
            reason=True,
            error_fields={"reason": (_("Grund"), "reason")},
            **extra,
        )

    if request.method == "GET":
        return page()
    form = {"reason": request.form.get("reason", "")}
    return _act(
        lambda: rpc(
            "scenarios", "withdraw_topic", slug, topic_id, {"reason": form["reason"].strip()}
        ),
        lambda exc: page(exc.status, errors=page_errors(exc), form=form),
        url_for("pages_scenarios.transfer", slug=slug, ok=1, _anchor=f"t-{topic_id}"),
    )
