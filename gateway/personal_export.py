"""The person's data export: one answer joined from every service's ``personal_data_export``
(``services/kit/personal_data.py``), served as a JSON file and as a readable German page.

Every service in ``services/kit/registry.py`` is asked; if one does not answer, the export
fails (503) rather than leaving a part out unnoticed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from gateway.api.common import rpc
from gateway.auth import current_caller
from services.kit.errors import Unauthenticated
from services.kit.registry import SERVICES

FORMAT = "stadtdialog.personal-data.v1"


def collect() -> dict[str, Any]:
    """Everything every service holds about the signed-in person."""
    account_id = current_caller().user_id
    if not account_id:
        raise Unauthenticated()
    parts = {name: rpc(name, "personal_data_export", account_id) for name in SERVICES}
    accounts = next(
        (s["items"] for s in parts["identity"]["sections"] if s["name"] == "accounts"), []
    )
    return {
        "format": FORMAT,
        "exported_at": datetime.now(UTC).isoformat(),
        "account_id": account_id,
        "account": accounts[0] if accounts else None,
        "services": parts,
    }


def readable(value: Any) -> str:
    """A value as one line of text for the page (lists and dicts spelled out)."""
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {readable(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(readable(v) for v in value)
    return str(value)
