"""Matrices and run results exchanged with Excel: downloads as CSV or XLSX, and a matrix read
back from such a file as the importing person's own rating.

What goes out: "meine" (the person's own rating, what the import takes back unchanged) or,
for facilitators, "gesamt" (the raters' mean or aggregate with settled cells, for reading and
printing; its decimals do not import). The file layout and its checks are in
``gateway/scenario_exchange.py``; the service checks the matrix as it checks one from the
form, so an import can do nothing the matrix form cannot.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.pages.rendering import page_errors
from gateway.pages.scenarios.base import _act, _require_workspace, _roles, bp
from gateway.pages.scenarios.projections import _consistency_page
from gateway.pages.scenarios.workspace import _influence_page, _overview
from gateway.scenario_exchange import (
    ExchangeError,
    Table,
    matrix_table,
    parse_matrix,
    read_grid,
    to_csv,
    to_xlsx,
    unique_labels,
    upper_triangle,
)
from gateway.scenario_run_export import PARTS, run_tables
from services.kit.errors import Conflict, Forbidden

MIME = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_MESSAGES = 12


def _download(tables: list[Table], fmt: str, stem: str, title: str) -> Response:
    if fmt not in MIME:
        abort(404)
    body = to_csv(tables[0]) if fmt == "csv" else to_xlsx(tables, title)
    response = Response(body, mimetype=MIME[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _source() -> str:
    """Which matrix to export; the overview only for facilitators (the service checks too)."""
    source = request.args.get("quelle", "meine")
    if source not in ("meine", "gesamt"):
        abort(404)
    return source


def _file() -> tuple[str, bytes]:
    upload = request.files.get("datei")
    return (upload.filename or "", upload.read()) if upload else ("", b"")


def _file_field(matrix: str) -> dict[str, tuple[str, str]]:
    """The file input of an import form, for the error summary's link."""
    return {f"datei_{matrix}": (_("Datei für den Import"), f"import-{matrix}-datei")}


def _import_errors(field: str, messages: list[str]) -> dict[str, Any]:
    shown = messages[:MAX_MESSAGES]
    if len(messages) > MAX_MESSAGES:
        shown.append(_("… und %(n)s weitere.", n=len(messages) - MAX_MESSAGES))
    return {"summary": _("Die Datei wurde nicht übernommen."), "fields": {field: shown}}


# What an export writes, per matrix: the overview's call, the own rating's call, the ids' key.
MATRICES = {
    "influence": ("influence", "my_influence_rating", "factor_ids"),
    "consistency": ("consistency", "my_consistency_rating", "projection_ids"),
    "cross_impact": ("cross_impacts", "my_cross_impact_rating", "projection_ids"),
}


def _chosen_matrix(slug: str, kind: str) -> tuple[list[str], list[list[Any]], bool]:
    """The ids and values an export writes and whether they are the overview ("gesamt": the
    service checks the role) or the person's own rating (editors only)."""
    overview, mine, key = MATRICES[kind]
    if _source() == "gesamt":
        found = rpc("scenarios", overview, slug)
        # the influence overview names its factors (rows in that order), the others their ids
        ids = [f["id"] for f in found["factors"]] if kind == "influence" else found[key]
        return ids, found["matrix"], True
    if not _roles(slug)["is_editor"]:
        raise Forbidden()
    found = rpc("scenarios", mine, slug)
    return found[key], found["matrix"], False


# ------------------------------------------------------------------ influence
def _influence_labels(slug: str, ids: list[str]) -> list[str]:
    titles = {f["id"]: f["title"] for f in rpc("scenarios", "list_factors", slug)}
    return unique_labels([titles.get(i, i) for i in ids])


@bp.get("/stadt/<slug>/szenarien/werkstatt/einfluss/export.<fmt>")
def influence_export(slug: str, fmt: str) -> Response:
    _require_workspace(slug)
    ids, values, overall = _chosen_matrix(slug, "influence")
    name = "Einfluss gesamt" if overall else "Einflussmatrix"
    stem = f"einflussmatrix-{'gesamt-' if overall else ''}{slug}"
    table = matrix_table(name, "wirkt auf →", _influence_labels(slug, ids), values)
    return _download([table], fmt, stem, f"Einflussmatrix {slug}")


@bp.post("/stadt/<slug>/szenarien/werkstatt/einfluss/import")
def influence_import(slug: str):
    _require_workspace(slug)
    ids = rpc("scenarios", "my_influence_rating", slug)["factor_ids"]
    again = {"error_section": "import", "error_fields": _file_field("einfluss")}
    try:
        grid = read_grid(*_file())
        matrix = parse_matrix(
            grid,
            _influence_labels(slug, ids),
            (0, 3),
            lambda i, j: i != j,
            "kein Einflussfaktor dieses Projekts",
        )
    except ExchangeError as exc:
        errors = _import_errors("datei_einfluss", exc.messages)
        return _influence_page(slug, 422, errors=errors, **again)
    body = {"factor_ids": ids, "matrix": matrix}
    return _act(
        lambda: rpc("scenarios", "rate_influence", slug, body),
        lambda exc: _influence_page(slug, exc.status, errors=page_errors(exc), **again),
        url_for("pages_scenarios.influence", slug=slug, ok=1, _anchor="matrix"),
    )


# ------------------------------------------------------------------ consistency
def _consistency_layout(slug: str, ids: list[str]) -> tuple[list[str], list[str]]:
    """Labels "key factor: projection" and each projection's key factor, in ``ids`` order."""
    layout = rpc("scenarios", "list_projections", slug)
    info = {
        p["id"]: (f"{kf['title']}: {p['title']}", kf["id"])
        for kf in layout["key_factors"]
        for p in kf["projections"]
    }
    labels = unique_labels([info[i][0] if i in info else i for i in ids])
    return labels, [info[i][1] if i in info else i for i in ids]


@bp.get("/stadt/<slug>/szenarien/werkstatt/konsistenz/export.<fmt>")
def consistency_export(slug: str, fmt: str) -> Response:
    _require_workspace(slug)
    ids, values, overall = _chosen_matrix(slug, "consistency")
    name = "Konsistenz gesamt" if overall else "Konsistenzmatrix"
    stem = f"konsistenzmatrix-{'gesamt-' if overall else ''}{slug}"
    labels, factor_of = _consistency_layout(slug, ids)
    table = matrix_table(name, "passt zu →", labels, upper_triangle(values, factor_of))
    return _download([table], fmt, stem, f"Konsistenzmatrix {slug}")


@bp.post("/stadt/<slug>/szenarien/werkstatt/konsistenz/import")
def consistency_import(slug: str):
    _require_workspace(slug)
    ids = rpc("scenarios", "my_consistency_rating", slug)["projection_ids"]
    labels, factor_of = _consistency_layout(slug, ids)
    again = {"error_section": "import", "error_fields": _file_field("konsistenz")}
    try:
        matrix = parse_matrix(
            read_grid(*_file()),
            labels,
            (1, 5),
            lambda i, j: factor_of[i] != factor_of[j],
            "keine Projektion eines Schlüsselfaktors dieses Projekts",
            symmetric=True,
        )
    except ExchangeError as exc:
        errors = _import_errors("datei_konsistenz", exc.messages)
        return _consistency_page(slug, 422, errors=errors, **again)
    body = {"projection_ids": ids, "matrix": matrix}
    return _act(
        lambda: rpc("scenarios", "rate_consistency", slug, body),
        lambda exc: _consistency_page(slug, exc.status, errors=page_errors(exc), **again),
        url_for("pages_scenarios.consistency", slug=slug, ok=1, _anchor="matrix"),
    )


# ------------------------------------------------------------------ a run's result
@bp.get("/stadt/<slug>/szenarien/werkstatt/laeufe/<run_id>/export.<fmt>")
def run_export(slug: str, run_id: str, fmt: str) -> Response:
    """XLSX: every table in one workbook; CSV: the table named by ``teil``."""
    _require_workspace(slug)
    part = request.args.get("teil", "rohszenarien")
    if part not in PARTS:
        abort(404)
    found = rpc("scenarios", "get_run", slug, run_id)
    if not found.get("result"):
        raise Conflict("The run has no result yet.")
    tables = run_tables(found)
    number = found.get("number") or run_id
    if fmt == "csv":
        tables = [tables[PARTS[part]]]
        stem = f"berechnung-{number}-{part}-{slug}"
    else:
        stem = f"berechnung-{number}-{slug}"
    return _download(tables, fmt, stem, f"Berechnung {number}")


# ------------------------------------------------------------------ ScenarioWizard
@bp.post("/stadt/<slug>/szenarien/werkstatt/scenariowizard")
def scenariowizard_import(slug: str):
    """A ``.scw`` file into a project without factors (the service reads it: engine/io.py)."""
    _require_workspace(slug)
    filename, data = _file()
    # ScenarioWizard writes Windows-1252/Latin-1; the command line reads it as Latin-1 too.
    body = {"filename": filename, "text": data.decode("latin-1")}
    fields = {"file": (_("ScenarioWizard-Datei (.scw)"), "scw-datei")}
    return _act(
        lambda: rpc("scenarios", "import_scenariowizard", slug, body),
        lambda exc: _overview(
            slug, exc.status, errors=page_errors(exc), error_section="scw", error_fields=fields
        ),
        url_for("pages_scenarios.projections", slug=slug, ok=1),
    )
