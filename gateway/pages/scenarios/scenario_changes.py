"""Scenarios changed on the workspace pages: a draft (or withdrawn) scenario edited with its
profile, published after a page that says what happens, withdrawn with a reason and published
again, and deleted; every step that others see or that removes something asks first."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.pages.rendering import page_errors
from gateway.pages.scenarios.base import _act, bp
from gateway.pages.scenarios.changes import W, _confirm, _edit


# ------------------------------------------------------------------ scenarios
def _scenarios_url(slug: str, scenario_id: str) -> str:
    return url_for(
        "pages_scenarios.workspace_scenarios", slug=slug, ok=1, _anchor=f"s-{scenario_id}"
    )


def _scenario_form(slug: str, scenario_id: str, status: int = 200, **extra: Any):
    scenario = rpc("scenarios", "get_scenario", slug, scenario_id)
    if scenario["run_id"]:
        snapshot = rpc("scenarios", "get_run", slug, scenario["run_id"])["snapshot"]
        intro = _(
            "Das Profil: je Schlüsselfaktor eine Projektion aus der Berechnung des Szenarios."
        )
    else:  # imported from a project file: the project's projections as they are now
        snapshot = rpc("scenarios", "list_projections", slug)
        intro = _("Das Profil: je Schlüsselfaktor eine Projektion des Projekts.")
    extra.setdefault("form", scenario)
    extra.setdefault("chosen", {p["projection_id"] for p in scenario["projections"]})
    return _edit(
        slug,
        status,
        heading=_("Szenario „%(title)s“ bearbeiten", title=scenario["title"]),
        intro=intro,
        action=url_for("pages_scenarios.edit_scenario", slug=slug, scenario_id=scenario_id),
        back=url_for("pages_scenarios.workspace_scenarios", slug=slug),
        fields=[
            ("title", _("Titel"), "text", True),
            ("narrative", _("Beschreibung des Szenarios"), "textarea", False),
        ],
        choices=snapshot["key_factors"],
        button=_("Änderungen speichern"),
        **extra,
    )


@bp.route(f"{W}/szenarien/<scenario_id>/bearbeiten", methods=["GET", "POST"])
def edit_scenario(slug: str, scenario_id: str):
    if request.method == "GET":
        return _scenario_form(slug, scenario_id)
    form = {k: request.form.get(k, "") for k in ("title", "narrative")}
    chosen = [p for p in request.form.getlist("projection_ids") if p]
    body = {
        "title": form["title"].strip(),
        "narrative": form["narrative"].strip(),
        "projection_ids": chosen,
    }
    return _act(
        lambda: rpc("scenarios", "update_scenario", slug, scenario_id, body),
        lambda exc: _scenario_form(
            slug, scenario_id, exc.status, form=form, chosen=set(chosen), errors=page_errors(exc)
        ),
        _scenarios_url(slug, scenario_id),
    )


def _what_citizens_see(scenario: dict[str, Any]) -> list[str]:
    if scenario["run_id"]:
        return [
            _("Alle auf der Szenarien-Seite der Stadt sehen Titel, Beschreibung und Profil."),
            _("Die Szenario-Landkarte der Berechnung, aus der es stammt, wird öffentlich."),
        ]
    return [  # imported from a project file: no run, so no profile and no map
        _("Alle auf der Szenarien-Seite der Stadt sehen Titel, Beschreibung und die Projektionen."),
        _(
            "Es stammt aus einer Projektdatei, nicht aus einer Berechnung: Es erscheint nicht "
            "auf der Szenariokarte."
        ),
    ]


@bp.route(f"{W}/szenarien/<scenario_id>/veroeffentlichen", methods=["GET", "POST"])
def publish_scenario(slug: str, scenario_id: str):
    def page(status: int = 200, **extra: Any):
        s = rpc("scenarios", "get_scenario", slug, scenario_id)
        again = s["status"] == "withdrawn"
        return _confirm(
            slug,
            status,
            heading=_("Szenario „%(title)s“ veröffentlichen?", title=s["title"]),
            consequences=[
                *_what_citizens_see(s),
                _("Veröffentlicht wird es nicht mehr geändert; es kann zurückgezogen werden."),
                _("Die Arbeitsgruppe kann es in der Transferphase bewerten."),
                *([_("Es war zurückgezogen: Der Grund wird dabei gelöscht.")] if again else []),
            ],
            action=url_for("pages_scenarios.publish_scenario", slug=slug, scenario_id=scenario_id),
            back=url_for("pages_scenarios.workspace_scenarios", slug=slug),
            button=_("Erneut veröffentlichen") if again else _("Veröffentlichen"),
            **extra,
        )

    if request.method == "GET":
        return page()
    return _act(
        lambda: rpc("scenarios", "publish_scenario", slug, scenario_id),
        lambda exc: page(exc.status, errors=page_errors(exc)),
        _scenarios_url(slug, scenario_id),
    )


@bp.route(f"{W}/szenarien/<scenario_id>/zurueckziehen", methods=["GET", "POST"])
def withdraw_scenario(slug: str, scenario_id: str):
    def page(status: int = 200, **extra: Any):
        s = rpc("scenarios", "get_scenario", slug, scenario_id)
        return _confirm(
            slug,
            status,
            heading=_("Szenario „%(title)s“ zurückziehen?", title=s["title"]),
            consequences=[
                _("Bürgerinnen und Bürger sehen es nicht mehr."),
                _("Bewertungen der Arbeitsgruppe bleiben erhalten."),
                _("Ihr könnt es danach bearbeiten und erneut veröffentlichen."),
            ],
            action=url_for("pages_scenarios.withdraw_scenario", slug=slug, scenario_id=scenario_id),
            back=url_for("pages_scenarios.workspace_scenarios", slug=slug),
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
            "scenarios", "withdraw_scenario", slug, scenario_id, {"reason": form["reason"].strip()}
        ),
        lambda exc: page(exc.status, errors=page_errors(exc), form=form),
        _scenarios_url(slug, scenario_id),
    )


@bp.route(f"{W}/szenarien/<scenario_id>/loeschen", methods=["GET", "POST"])
def delete_scenario(slug: str, scenario_id: str):
    def page(status: int = 200, **extra: Any):
        s = rpc("scenarios", "get_scenario", slug, scenario_id)
        return _confirm(
            slug,
            status,
            heading=_("Szenario „%(title)s“ löschen?", title=s["title"]),
            consequences=[
                _("Der Entwurf mit Titel, Beschreibung und Profil wird gelöscht."),
                _("Bewertungen, die die Arbeitsgruppe zu ihm abgegeben hat, werden gelöscht."),
                _("Die Berechnung und ihre Rohszenarien bleiben."),
            ],
            action=url_for("pages_scenarios.delete_scenario", slug=slug, scenario_id=scenario_id),
            back=url_for("pages_scenarios.workspace_scenarios", slug=slug),
            button=_("Endgültig löschen"),
            danger=True,
            **extra,
        )

    if request.method == "GET":
        return page()
    return _act(
        lambda: rpc("scenarios", "delete_scenario", slug, scenario_id),
        lambda exc: page(exc.status, errors=page_errors(exc)),
        url_for("pages_scenarios.workspace_scenarios", slug=slug, ok=1),
    )
