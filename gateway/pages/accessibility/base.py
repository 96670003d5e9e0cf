"""The blueprint of the accessibility pages and what its modules share."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from gateway.api.common import rpc

bp = Blueprint("pages_a11y", __name__)


def city_names() -> dict[str, str]:
    """Slug -> name of the active cities, sorted by name (for the report form's choice)."""
    cities: list[dict[str, Any]] = rpc("cities", "list_cities", False)
    return {c["slug"]: c["name"] for c in sorted(cities, key=lambda c: c["name"])}
