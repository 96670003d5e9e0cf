"""Static assets installed by the project's own step (npm, see gateway/package.json)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

KERN_DIST = Path(__file__).resolve().parent / "node_modules" / "@kern-ux" / "native" / "dist"

bp = Blueprint("assets", __name__)


@bp.get("/assets/kern/<path:filename>")
def kern(filename: str) -> Response:
    # Versioned by package-lock.json, so browsers may keep them for a day.
    return send_from_directory(KERN_DIST, filename, max_age=86400)
