"""Versions of the rating matrices on a page of the facilitator's: listed newest first, and
one restored (which saves it again as a new version)."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import gettext as _

from gateway.api.common import rpc
from gateway.pages.rendering import page_errors
from gateway.pages.scenarios.base import _act, _require_workspace, _workspace, bp
from gateway.pages.scenarios.changes import W
from services.kit.errors import DomainError


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
