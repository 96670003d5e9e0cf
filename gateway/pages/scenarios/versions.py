"""Versions of the rating matrices on a page of the facilitator's: listed newest first, and
one restored (which saves it again as a new version). And a rater withdrawing their own
matrix altogether, after a confirmation (its versions stay, so it can be restored)."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.pages.rendering import page_errors
from gateway.pages.scenarios.base import _act, _require_workspace, _workspace, bp
from gateway.pages.scenarios.changes import W
from services.kit.errors import DomainError, NotFound


# ------------------------------------------------------------------ matrix versions
def _kinds() -> list[tuple[str, str]]:
    return [
        ("influence", _("Einflussmatrix")),
        ("consistency", _("Konsistenzmatrix")),
        ("cross_impact", _("Cross-Impact-Matrix")),
    ]


def _versions_page(slug: str, kind: str, status: int = 200, **extra: Any):
    _require_workspace(slug)
    kind = kind if kind in dict(_kinds()) else "influence"
    return _workspace(
        slug,
        "workspace_versions.html",
        status,
        kind=kind,
        kinds=_kinds(),
        versions=rpc("scenarios", "rating_versions", slug, kind),
        **extra,
    )


@bp.get(f"{W}/fassungen")
def versions(slug: str):
    return _versions_page(slug, request.args.get("art", "influence"))


@bp.post(f"{W}/fassungen/<version_id>/wiederherstellen")
def restore_version(slug: str, version_id: str):
    kind = request.form.get("art", "influence")

    def again(exc: DomainError):
        return _versions_page(slug, kind, exc.status, errors=page_errors(exc))

    return _act(
        lambda: rpc("scenarios", "restore_rating_version", slug, version_id),
        again,
        url_for("pages_scenarios.versions", slug=slug, art=kind, ok=1),
    )


# ------------------------------------------------------------------ a rater withdraws a matrix
# the page's word for a matrix → (the service's kind, the matrix page)
WITHDRAWABLE = {
    "einfluss": ("influence", "pages_scenarios.influence"),
    "konsistenz": ("consistency", "pages_scenarios.consistency"),
    "cross-impact": ("cross_impact", "pages_scenarios.cib"),
}


def _withdrawal_lines(kind: str, summary: dict[str, Any]) -> list[str]:
    n = summary["judged"]
    cells = _("%(n)s bewertete Paare", n=n) if kind == "consistency" else _("%(n)s Felder", n=n)
    return [
        _(
            "Deine Bewertungen in der %(matrix)s werden entfernt: %(cells)s zählen nicht mehr "
            "für das Ergebnis der Gruppe und für neue Berechnungen.",
            matrix=dict(_kinds())[kind],
            cells=cells,
        ),
        _(
            "Die zuletzt gespeicherte Fassung bleibt aufbewahrt: Die Szenario-Begleitung kann "
            "sie unter „Fassungen der Matrizen“ wiederherstellen."
        ),
        _("Von der Szenario-Begleitung geklärte Werte und bisherige Berechnungen bleiben."),
    ]


@bp.route(f"{W}/bewertungen/<art>/zurueckziehen", methods=["GET", "POST"])
def withdraw_rating(slug: str, art: str):
    if art not in WITHDRAWABLE:
        raise NotFound("Page not found.")
    kind, endpoint = WITHDRAWABLE[art]
    back = url_for(endpoint, slug=slug, _anchor="matrix")

    def page(status: int = 200, **extra: Any):
        _require_workspace(slug)
        summary = rpc("scenarios", "my_rating_summary", slug, kind)
        return _workspace(
            slug,
            "workspace_confirm.html",
            status,
            heading=_(
                "Deine Bewertungen der %(matrix)s zurückziehen?", matrix=dict(_kinds())[kind]
            ),
            consequences=_withdrawal_lines(kind, summary),
            action=url_for("pages_scenarios.withdraw_rating", slug=slug, art=art),
            back=back,
            button=_("Bewertungen zurückziehen"),
            danger=True,
            **extra,
        )

    if request.method == "GET":
        return page()
    return _act(
        lambda: rpc("scenarios", "withdraw_rating", slug, kind),
        lambda exc: page(exc.status, errors=page_errors(exc)),
        url_for(endpoint, slug=slug, zurueckgezogen=1, _anchor="matrix"),
    )
