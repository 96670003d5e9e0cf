"""Factor profile sheets ("Steckbriefe"): one printable page per influencing factor, and all of
them as one document to print. A sheet shows what the working group wrote about the factor
(description, indicators, current state, sources), its projections if it is a key factor, and
the citizens' observations assigned to it (hidden ones left out: a sheet is handed around)."""

from __future__ import annotations

from typing import Any

from gateway.api.common import rpc
from gateway.pages.scenarios.base import _project, _require_workspace, _workspace, bp
from services.kit.errors import NotFound

W = "/stadt/<slug>/szenarien/werkstatt/faktoren"


def _sheets(slug: str, only: str | None = None) -> list[dict[str, Any]]:
    """The factors (all, or the one with id ``only``) with their observations and, for a key
    factor, its projections."""
    if _project(slug) is None:
        if only is not None:
            raise NotFound("Factor not found.")
        return []
    factors = rpc("scenarios", "list_factors", slug)  # numbered as on the factors page
    if only is not None and only not in {f["id"] for f in factors}:
        raise NotFound("Factor not found.")
    observations: dict[str, list[dict[str, Any]]] = {}
    for o in rpc("scenarios", "list_observations", slug):
        if o["factor_id"] and not o["hidden"]:
            observations.setdefault(o["factor_id"], []).append(o)
    projections = {
        kf["id"]: kf["projections"]
        for kf in rpc("scenarios", "list_projections", slug)["key_factors"]
    }
    return [
        {
            **f,
            "number": number,
            "observation_list": sorted(
                observations.get(f["id"], []), key=lambda o: o["created_at"] or ""
            ),
            "projection_list": projections.get(f["id"], []),
        }
        for number, f in enumerate(factors, start=1)
        if only is None or f["id"] == only
    ]


@bp.get(f"{W}/steckbriefe")
def factor_sheets(slug: str) -> tuple[str, int]:
    _require_workspace(slug)
    return _workspace(slug, "workspace_sheets.html", sheets=_sheets(slug), single=False)


@bp.get(f"{W}/<factor_id>/steckbrief")
def factor_sheet(slug: str, factor_id: str) -> tuple[str, int]:
    _require_workspace(slug)
    return _workspace(slug, "workspace_sheets.html", sheets=_sheets(slug, factor_id), single=True)
