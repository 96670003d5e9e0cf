"""Changing the workshop afterwards on its pages: factors and projections edited or removed
(after a confirmation that names what depends on them), observations taken over as factors,
and the two page shapes the changes share (an edit form, a confirmation). Scenarios:
``scenario_changes.py``; matrix versions: ``versions.py``.

Every destructive or public step is a GET page that says what will happen and a POST that does
it; the service decides (roles, phase) and a refusal shows the page again with the reason."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.pages.rendering import page_errors
from gateway.pages.scenarios.base import _act, _workspace, bp
from gateway.schema_forms import form_number
from services.kit.errors import NotFound

W = "/stadt/<slug>/szenarien/werkstatt"


def _confirm(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    return _workspace(slug, "workspace_confirm.html", status, **extra)


def _edit(slug: str, status: int = 200, **extra: Any) -> tuple[str, int]:
    extra.setdefault("choices", None)
    return _workspace(slug, "workspace_edit.html", status, **extra)


# ------------------------------------------------------------------ factors
def _factor(slug: str, factor_id: str) -> dict[str, Any]:
    found = next((f for f in rpc("scenarios", "list_factors", slug) if f["id"] == factor_id), None)
    if found is None:
        raise NotFound("Factor not found.")
    return found


def _factor_labels() -> dict[str, tuple[str, str]]:
    """The factor's fields on its edit form: name → (German label, input kind); the last three
    fill its profile sheet (Steckbrief); the add form on the factors page has them too."""
    return {
        "title": (_("Titel des Faktors"), "text"),
        "description": (_("Beschreibung"), "textarea"),
        "indicators": (_("Indikatoren"), "textarea"),
        "current_state": (_("Heutiger Stand"), "textarea"),
        "sources": (_("Quellen"), "textarea"),
    }


def _factor_form(slug: str, factor_id: str, status: int = 200, **extra: Any):
    extra.setdefault("form", _factor(slug, factor_id))
    labels = _factor_labels()
    return _edit(
        slug,
        status,
        heading=_("Einflussfaktor bearbeiten"),
        action=url_for("pages_scenarios.edit_factor", slug=slug, factor_id=factor_id),
        back=url_for("pages_scenarios.factors", slug=slug),
        fields=[(name, label, kind, name == "title") for name, (label, kind) in labels.items()],
        button=_("Änderungen speichern"),
        error_fields={name: (label, name) for name, (label, _kind) in labels.items()},
        **extra,
    )


@bp.route(f"{W}/faktoren/<factor_id>/bearbeiten", methods=["GET", "POST"])
def edit_factor(slug: str, factor_id: str):
    if request.method == "GET":
        return _factor_form(slug, factor_id)
    form = {k: request.form.get(k, "") for k in _factor_labels()}
    body = {k: v.strip() for k, v in form.items()}
    return _act(
        lambda: rpc("scenarios", "update_factor", slug, factor_id, body),
        lambda exc: _factor_form(slug, factor_id, exc.status, form=form, errors=page_errors(exc)),
        url_for("pages_scenarios.factors", slug=slug, ok=1),
    )


def _factor_consequences(found: dict[str, Any]) -> list[str]:
    lines = [_("Der Einflussfaktor „%(title)s“ wird gelöscht.", title=found["factor"]["title"])]
    if found["influence_values"]:
        lines.append(
            _(
                "%(values)s Werte in den Einflussmatrizen (Bewertende: %(num)s) zählen für ihn "
                "nicht mehr; die gespeicherten Fassungen der Matrizen bleiben.",
                num=found["influence_raters"],
                values=found["influence_values"],
            )
        )
    if found["influence_resolutions"]:
        lines.append(
            _("%(n)s geklärte Einflusswerte werden entfernt.", n=found["influence_resolutions"])
        )
    if found["key_factor"]:
        lines.append(
            _("Er ist Schlüsselfaktor: Er wird aus der Auswahl der Schlüsselfaktoren entfernt.")
        )
        if found["projections"]:
            titles = ", ".join(f"„{p['title']}“" for p in found["projections"])
            lines.append(
                _("Seine Zukunftsprojektionen werden gelöscht: %(titles)s.", titles=titles)
            )
    if found["observations"]:
        lines.append(
            _("%(n)s Beobachtungen verlieren die Zuordnung zu ihm.", n=found["observations"])
        )
    if found["topics"]:
        lines.append(_("%(n)s Vertiefungsthemen nennen ihn.", n=found["topics"]))
    lines.append(_("Bereits abgeschlossene Berechnungen behalten ihre Kopie."))
    return lines


@bp.route(f"{W}/faktoren/<factor_id>/entfernen", methods=["GET", "POST"])
def delete_factor(slug: str, factor_id: str):
    def page(status: int = 200, **extra: Any):
        found = rpc("scenarios", "factor_dependents", slug, factor_id)
        return _confirm(
            slug,
            status,
            heading=_("Einflussfaktor „%(title)s“ löschen?", title=found["factor"]["title"]),
            consequences=_factor_consequences(found),
            action=url_for("pages_scenarios.delete_factor", slug=slug, factor_id=factor_id),
            back=url_for("pages_scenarios.factors", slug=slug),
            button=_("Endgültig löschen"),
            danger=True,
            **extra,
        )

    if request.method == "GET":
        return page()
    return _act(
        lambda: rpc("scenarios", "delete_factor", slug, factor_id),
        lambda exc: page(exc.status, errors=page_errors(exc)),
        url_for("pages_scenarios.factors", slug=slug, ok=1),
    )


@bp.post(f"{W}/beobachtungen/<observation_id>/als-faktor")
def observation_to_factor(slug: str, observation_id: str):
    """An observation marked as a factor candidate becomes a factor in one step."""
    from gateway.pages.scenarios.intake import _intake_page

    section = f"obs-{observation_id}"
    form = {k: request.form.get(k, "") for k in ("title", "description")}
    body = {
        "title": form["title"].strip(),
        "description": form["description"].strip(),
        "observation_id": observation_id,
    }
    return _act(
        lambda: rpc("scenarios", "create_factor", slug, body),
        lambda exc: _intake_page(
            slug, exc.status, errors=page_errors(exc), error_section=section, form=form
        ),
        url_for("pages_scenarios.factors", slug=slug, ok=1),
    )


# ------------------------------------------------------------------ projections
def _projection(slug: str, projection_id: str) -> dict[str, Any]:
    for kf in rpc("scenarios", "list_projections", slug)["key_factors"]:
        for p in kf["projections"]:
            if p["id"] == projection_id:
                return {**p, "factor_title": kf["title"]}
    raise NotFound("Projection not found.")


def _projection_form(slug: str, projection_id: str, status: int = 200, **extra: Any):
    found = _projection(slug, projection_id)
    if "form" not in extra:
        p = found["probability"]
        extra["form"] = {**found, "probability": "" if p is None else str(p).replace(".", ",")}
    return _edit(
        slug,
        status,
        heading=_("Zukunftsprojektion bearbeiten"),
        intro=_("Schlüsselfaktor: %(title)s", title=found["factor_title"]),
        action=url_for("pages_scenarios.edit_projection", slug=slug, projection_id=projection_id),
        back=url_for("pages_scenarios.projections", slug=slug),
        fields=[
            ("title", _("Projektion"), "text", True),
            ("description", _("Beschreibung"), "textarea", False),
            ("probability", _("Wahrscheinlichkeit (0 bis 1)"), "text", False),
        ],
        button=_("Änderungen speichern"),
        **extra,
    )


@bp.route(f"{W}/projektionen/<projection_id>/bearbeiten", methods=["GET", "POST"])
def edit_projection(slug: str, projection_id: str):
    if request.method == "GET":
        return _projection_form(slug, projection_id)
    form = {k: request.form.get(k, "") for k in ("title", "description", "probability")}
    body: dict[str, Any] = {
        "title": form["title"].strip(),
        "description": form["description"].strip(),
        "probability": form_number(form["probability"].strip())
        if form["probability"].strip()
        else None,
    }
    return _act(
        lambda: rpc("scenarios", "update_projection", slug, projection_id, body),
        lambda exc: _projection_form(
            slug, projection_id, exc.status, form=form, errors=page_errors(exc)
        ),
        url_for("pages_scenarios.projections", slug=slug, ok=1),
    )


@bp.route(f"{W}/projektionen/<projection_id>/entfernen", methods=["GET", "POST"])
def delete_projection(slug: str, projection_id: str):
    def page(status: int = 200, **extra: Any):
        found = rpc("scenarios", "projection_dependents", slug, projection_id)
        title = found["projection"]["title"]
        lines = [
            _(
                "Die Projektion „%(title)s“ des Schlüsselfaktors „%(factor)s“ wird gelöscht.",
                title=title,
                factor=found["factor_title"] or "–",
            )
        ]
        if found["consistency_values"]:
            lines.append(
                _(
                    "%(values)s Werte in den Konsistenzmatrizen (Bewertende: %(n)s) zählen für "
                    "sie nicht mehr; die gespeicherten Fassungen bleiben.",
                    n=found["consistency_raters"],
                    values=found["consistency_values"],
                )
            )
        if found["resolutions"]:
            lines.append(_("%(n)s geklärte Paare werden entfernt.", n=found["resolutions"]))
        lines.append(_("Bereits abgeschlossene Berechnungen behalten ihre Kopie."))
        return _confirm(
            slug,
            status,
            heading=_("Zukunftsprojektion „%(title)s“ löschen?", title=title),
            consequences=lines,
            action=url_for(
                "pages_scenarios.delete_projection", slug=slug, projection_id=projection_id
            ),
            back=url_for("pages_scenarios.projections", slug=slug),
            button=_("Endgültig löschen"),
            danger=True,
            **extra,
        )

    if request.method == "GET":
        return page()
    return _act(
        lambda: rpc("scenarios", "delete_projection", slug, projection_id),
        lambda exc: page(exc.status, errors=page_errors(exc)),
        url_for("pages_scenarios.projections", slug=slug, ok=1),
    )
