"""The project's settings on a page: title, description and the method settings (threshold of
the influence analysis, ranking and number of key factors, how the consistency ratings of
several raters are combined). A change of a method setting while work depends on it is
confirmed first, on a page that names what it changes and what keeps its result."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.pages.rendering import page_errors
from gateway.pages.scenarios.base import _act, _int_or_raw, _project, _roles, _workspace, bp
from services.kit.errors import DomainError, Forbidden, NotFound

W = "/stadt/<slug>/szenarien/werkstatt"
OPEN_PHASES = ("kickoff", "scenarios")  # when the service takes a change (update_project)
TEXTS = ("title", "description")
METHOD = ("influence_threshold", "rank_by", "key_factor_count", "aggregation")


def setting_choices() -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Each method setting with a choice: (German label, [(value, German word)]), the words the
    project file's "Projekt" sheet uses (gateway/project_exchange.py)."""
    return {
        "influence_threshold": (
            _("Schwelle der Einflussanalyse"),
            [("mean", _("Mittelwert")), ("median", _("Median"))],
        ),
        "rank_by": (
            _("Rangfolge der Schlüsselfaktoren nach"),
            [
                ("dynamics", _("Dynamik")),
                ("active", _("Aktivsumme")),
                ("impulse", _("Impuls")),
                ("micmac", _("MICMAC")),
            ],
        ),
        "aggregation": (
            _("Zusammenfassung der Konsistenzwerte"),
            [("median", _("Median")), ("mean", _("Mittelwert")), ("min", _("Minimum"))],
        ),
    }


def _labels() -> dict[str, str]:
    labels = {
        "title": _("Titel des Projekts"),
        "description": _("Beschreibung"),
        "key_factor_count": _("Anzahl der Schlüsselfaktoren"),
    }
    return {**labels, **{k: label for k, (label, _c) in setting_choices().items()}}


def _word(name: str, value: Any) -> str:
    """A setting's value as the page names it (a number as written)."""
    choices = dict(setting_choices().get(name, ("", []))[1])
    return choices.get(value, str(value))


def _the_project(slug: str) -> dict[str, Any]:
    if not _roles(slug)["is_facilitator"]:
        raise Forbidden()
    project = _project(slug)
    if project is None:
        raise NotFound("There is no scenario project for this city yet.")
    return {**project, **project["settings"]}  # the settings beside title and description


def _form_page(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    project = _the_project(slug)
    extra.setdefault("form", {k: project[k] for k in (*TEXTS, *METHOD)})
    ids = {name: name for name in _labels()}
    ids.update({k: f"{k}-{choices[0][0]}" for k, (_l, choices) in setting_choices().items()})
    return _workspace(
        slug,
        "workspace_settings.html",
        status,
        project=project,
        open=project["phase"] in OPEN_PHASES,
        choices=setting_choices(),
        error_fields={name: (label, ids[name]) for name, label in _labels().items()},
        **extra,
    )


def _consequences(project: dict[str, Any], body: dict[str, Any]) -> list[str]:
    """What a change of method settings does to the work so far (empty: nothing depends)."""
    done = project["overview"]
    changed = [k for k in METHOD if body.get(k) != project[k]]
    lines = [
        _(
            "%(label)s: %(old)s wird zu %(new)s.",
            label=_labels()[k],
            old=_word(k, project[k]),
            new=_word(k, body[k]),
        )
        for k in changed
    ]
    if "influence_threshold" in changed and done["influence_raters"]:
        lines.append(
            _(
                "Die Einflussanalyse (Systemgrid, aktive und passive Faktoren) wird mit der "
                "neuen Schwelle gezeigt; die Bewertungen selbst bleiben."
            )
        )
    if {"rank_by", "key_factor_count"} & set(changed) and done["influence_raters"]:
        lines.append(_("Der Vorschlag für die Schlüsselfaktoren folgt den neuen Einstellungen."))
    if {"influence_threshold", "rank_by", "key_factor_count"} & set(changed) and done[
        "key_factors"
    ]:
        lines.append(
            _(
                "Die schon gewählten Schlüsselfaktoren (%(n)s) bleiben gewählt, ihre "
                "Zukunftsprojektionen auch; wählt neu, wenn ihr dem neuen Vorschlag folgen wollt.",
                n=done["key_factors"],
            )
        )
    if "aggregation" in changed and done["consistency_raters"]:
        lines.append(
            _(
                "Die Konsistenzmatrix fasst die Bewertungen neu zusammen (Bewertende: %(n)s); "
                "die Bewertungen selbst bleiben.",
                n=done["consistency_raters"],
            )
        )
    if changed and done["runs"]:
        lines.append(
            _(
                "Bisherige Berechnungen (%(n)s) behalten ihre Ergebnisse; neue Berechnungen "
                "nutzen die neuen Einstellungen.",
                n=done["runs"],
            )
        )
    return lines if len(lines) > len(changed) else []


@bp.route(f"{W}/projekt/einstellungen", methods=["GET", "POST"])
def project_settings(slug: str):
    if request.method == "GET":
        return _form_page(slug)
    project = _the_project(slug)
    form = {k: request.form.get(k, "") for k in (*TEXTS, *METHOD)}
    body: dict[str, Any] = {k: v for k, v in form.items() if k in METHOD and v != ""}
    body["title"] = form["title"].strip()
    body["description"] = form["description"].strip()
    if (count := _int_or_raw(form["key_factor_count"])) is not None:
        body["key_factor_count"] = count
    consequences = _consequences(project, {**project, **body})
    if consequences and not request.form.get("bestaetigt"):
        try:  # a refusal first, then the question
            rpc("scenarios", "update_project", slug, body, True)
        except DomainError as exc:
            return _form_page(slug, exc.status, form=form, errors=page_errors(exc))
        return _workspace(
            slug,
            "workspace_confirm.html",
            heading=_("Einstellungen des Projekts ändern?"),
            consequences=consequences,
            action=url_for("pages_scenarios.project_settings", slug=slug),
            hidden={**form, "bestaetigt": "1"},
            back=url_for("pages_scenarios.project_settings", slug=slug),
            button=_("Einstellungen übernehmen"),
        )
    return _act(
        lambda: rpc("scenarios", "update_project", slug, body),
        lambda exc: _form_page(slug, exc.status, form=form, errors=page_errors(exc)),
        url_for("pages_scenarios.workspace", slug=slug, ok=1, _anchor="einstellungen"),
    )
