"""The facilitator's own assessment criteria on the transfer page: added, edited, and removed
after a page that says how many ratings go with them."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.pages.rendering import page_errors
from gateway.pages.scenarios.base import _act, _workspace, bp
from gateway.pages.scenarios.transfer import _transfer_page
from services.kit.errors import NotFound

T = "/stadt/<slug>/transfer/kriterien"


def _back(slug: str) -> str:
    return url_for("pages_scenarios.transfer", slug=slug, _anchor="kriterien")


def _form() -> dict[str, str]:
    return {k: request.form.get(k, "") for k in ("title", "description")}


def _body(form: dict[str, str]) -> dict[str, str]:
    return {"title": form["title"].strip(), "description": form["description"].strip()}


@bp.post(T)
def create_criterion(slug: str):
    form = _form()
    return _act(
        lambda: rpc("scenarios", "create_criterion", slug, _body(form)),
        lambda exc: _transfer_page(
            slug,
            exc.status,
            criterion_form=form,
            errors=page_errors(exc),
            error_section="kriterien",
            error_fields={"title": (_("Name des Kriteriums"), "criterion-title")},
        ),
        url_for("pages_scenarios.transfer", slug=slug, ok=1, _anchor="kriterien"),
    )


def _criterion(slug: str, criterion_id: str) -> dict[str, Any]:
    found = next((c for c in rpc("scenarios", "criteria", slug) if c["id"] == criterion_id), None)
    if found is None or found["source"] != "project":
        raise NotFound("Criterion not found.")
    return found


@bp.route(f"{T}/<criterion_id>/bearbeiten", methods=["GET", "POST"])
def edit_criterion(slug: str, criterion_id: str):
    def page(status: int = 200, **extra: Any):
        if "form" not in extra:
            found = _criterion(slug, criterion_id)
            extra["form"] = {
                "title": found["title_de"],
                "description": found["description_de"] or "",
            }
        return _workspace(
            slug,
            "workspace_edit.html",
            status,
            heading=_("Bewertungskriterium bearbeiten"),
            action=url_for("pages_scenarios.edit_criterion", slug=slug, criterion_id=criterion_id),
            back=_back(slug),
            fields=[
                ("title", _("Name des Kriteriums"), "text", True),
                ("description", _("Leitfrage oder Erläuterung"), "textarea", False),
            ],
            choices=None,
            button=_("Änderungen speichern"),
            **extra,
        )

    if request.method == "GET":
        return page()
    form = _form()
    return _act(
        lambda: rpc("scenarios", "update_criterion", slug, criterion_id, _body(form)),
        lambda exc: page(exc.status, form=form, errors=page_errors(exc)),
        url_for("pages_scenarios.transfer", slug=slug, ok=1, _anchor="kriterien"),
    )


@bp.route(f"{T}/<criterion_id>/entfernen", methods=["GET", "POST"])
def delete_criterion(slug: str, criterion_id: str):
    def page(status: int = 200, **extra: Any):
        found = rpc("scenarios", "criterion_dependents", slug, criterion_id)
        title = found["criterion"]["title_de"]
        return _workspace(
            slug,
            "workspace_confirm.html",
            status,
            heading=_("Bewertungskriterium „%(title)s“ löschen?", title=title),
            consequences=[
                _("Das Kriterium wird aus der Bewertung und dem Portfolio entfernt."),
                _(
                    "%(n)s abgegebene Bewertungen verlieren ihren Wert für dieses Kriterium; "
                    "ihre anderen Werte bleiben.",
                    n=found["ratings"],
                ),
            ],
            action=url_for(
                "pages_scenarios.delete_criterion", slug=slug, criterion_id=criterion_id
            ),
            back=_back(slug),
            button=_("Endgültig löschen"),
            danger=True,
            **extra,
        )

    if request.method == "GET":
        return page()
    return _act(
        lambda: rpc("scenarios", "delete_criterion", slug, criterion_id),
        lambda exc: page(exc.status, errors=page_errors(exc)),
        url_for("pages_scenarios.transfer", slug=slug, ok=1, _anchor="kriterien"),
    )
