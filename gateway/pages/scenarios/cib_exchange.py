"""The cross-impact (CIB) judgement matrix exchanged with Excel, like the influence and
consistency matrices (``exchange.py``): "meine" (the person's own judgements, −3…+3, what
the import takes back unchanged) or, for facilitators, "gesamt" (the raters' mean with the
settled cells; its decimals do not import).

The matrix is directed, so every cell between projections of different key factors is one
judgement (row acts on column); the blocks of one key factor stay empty. Labels are
"key factor: projection", the same as on the consistency matrix.
"""

from __future__ import annotations

from flask import Response, url_for

from gateway.api.common import rpc
from gateway.pages.rendering import page_errors
from gateway.pages.scenarios.base import _act, _require_workspace, bp
from gateway.pages.scenarios.cib import _cib_page
from gateway.pages.scenarios.exchange import (
    _chosen_matrix,
    _consistency_layout,
    _download,
    _file,
    _file_field,
    _import_errors,
)
from gateway.scenario_exchange import (
    ExchangeError,
    directed_blocks,
    matrix_table,
    parse_matrix,
    read_grid,
)

CORNER = "wirkt auf →"


@bp.get("/stadt/<slug>/szenarien/werkstatt/cib/export.<fmt>")
def cib_export(slug: str, fmt: str) -> Response:
    _require_workspace(slug)
    ids, values, overall = _chosen_matrix(slug, "cross_impact")
    name = "Cross-Impact gesamt" if overall else "Cross-Impact-Matrix"
    stem = f"cross-impact-matrix-{'gesamt-' if overall else ''}{slug}"
    labels, factor_of = _consistency_layout(slug, ids)
    table = matrix_table(name, CORNER, labels, directed_blocks(values, factor_of))
    return _download([table], fmt, stem, f"Cross-Impact-Matrix {slug}")


@bp.post("/stadt/<slug>/szenarien/werkstatt/cib/import")
def cib_import(slug: str):
    _require_workspace(slug)
    ids = rpc("scenarios", "my_cross_impact_rating", slug)["projection_ids"]
    labels, factor_of = _consistency_layout(slug, ids)
    again = {"error_section": "import", "error_fields": _file_field("cib")}
    try:
        matrix = parse_matrix(
            read_grid(*_file()),
            labels,
            (-3, 3),
            lambda i, j: factor_of[i] != factor_of[j],
            "keine Projektion eines Schlüsselfaktors dieses Projekts",
        )
    except ExchangeError as exc:
        return _cib_page(slug, 422, errors=_import_errors("datei_cib", exc.messages), **again)
    body = {"projection_ids": ids, "matrix": matrix}
    return _act(
        lambda: rpc("scenarios", "rate_cross_impacts", slug, body),
        lambda exc: _cib_page(slug, exc.status, errors=page_errors(exc), **again),
        url_for("pages_scenarios.cib", slug=slug, ok=1, _anchor="matrix"),
    )
