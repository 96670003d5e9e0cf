"""The whole project as one XLSX workbook or a ZIP of CSV files (``gateway/project_exchange.py``)
for facilitators, and such a file taken into a project that has no factors yet, all or nothing
(one service call, ``import_project``): the project's settings, the factors with their profile
fields, the mean influence and consistency matrices and the cross-impact matrix as the
facilitator's ratings, the key factors, the projections, the scenarios (as drafts without a run:
publishing stays the facilitator's confirmed act) and the own assessment criteria."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.pages.rendering import page_errors
from gateway.pages.scenarios.base import _act, _require_workspace, _roles, bp
from gateway.pages.scenarios.workspace import _overview
from gateway.project_exchange import ProjectFile, project_tables, to_csv_zip
from gateway.project_import import parse_project
from gateway.scenario_exchange import ExchangeError, Table, to_xlsx
from services.kit.errors import DomainError, Forbidden

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
W = "/stadt/<slug>/szenarien/werkstatt/projekt"


def _facilitator(slug: str) -> None:
    _require_workspace(slug)
    if not _roles(slug)["is_facilitator"]:
        raise Forbidden()


def _or_empty(call: str, slug: str, empty: Any) -> Any:
    """A mean matrix, or ``empty`` while nobody has rated yet (the service says so)."""
    try:
        return rpc("scenarios", call, slug)
    except DomainError:
        return empty


def _tables(slug: str) -> list[Table]:
    _facilitator(slug)
    project = rpc("scenarios", "get_project", slug)
    return project_tables(
        project,
        rpc("scenarios", "list_factors", slug),
        _or_empty("influence", slug, {"factors": [], "matrix": []}),
        rpc("scenarios", "list_projections", slug),
        _or_empty("consistency", slug, None),
        rpc("scenarios", "list_scenarios", slug),
        _or_empty("cross_impacts", slug, None),
        rpc("scenarios", "criteria", slug),
    )


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(f"{W}.xlsx")
def project_export(slug: str) -> Response:
    data = to_xlsx(_tables(slug), f"Szenarioprojekt {slug}")
    return _download(data, XLSX, f"projekt-{slug}.xlsx")


@bp.get(f"{W}.zip")
def project_export_csv(slug: str) -> Response:
    """The same sheets as CSV files (German Excel: BOM, ``;``), one ZIP archive."""
    return _download(to_csv_zip(_tables(slug)), "application/zip", f"projekt-{slug}-csv.zip")


def write(slug: str, found: ProjectFile) -> None:
    """The file's project into this city's empty project in one service call, all or nothing
    (``services/scenarios/handlers/project_file.py``: every step checked again by the service;
    a refused or failed step leaves the project as it was)."""
    body = {
        "project": found.project,
        "factors": found.factors,
        "influence": found.influence,
        "key": found.key,
        "projections": found.projections,
        "consistency": found.consistency,
        "cross_impact": found.cross_impact,
        "scenarios": found.scenarios,
        "criteria": found.criteria,
    }
    rpc("scenarios", "import_project", slug, body)


@bp.post(f"{W}/import")
def project_import(slug: str):
    _facilitator(slug)
    upload = request.files.get("datei")
    field = {"datei_projekt": (_("Projektdatei (XLSX oder ZIP mit CSV-Dateien)"), "projekt-datei")}
    again = {"error_section": "projekt", "error_fields": field}
    try:
        found = parse_project(upload.read() if upload else b"")
    except ExchangeError as exc:
        errors = {"summary": _("Die Datei wurde nicht übernommen."), "fields": {
            "datei_projekt": exc.messages[:12]}}  # fmt: skip
        return _overview(slug, 422, errors=errors, **again)
    return _act(
        lambda: write(slug, found),
        lambda exc: _overview(slug, exc.status, errors=page_errors(exc), **again),
        url_for(
            "pages_scenarios.workspace",
            slug=slug,
            ok=1,
            gerundet=found.rounded or None,
            szenarien=len(found.scenarios) or None,
        ),
    )
