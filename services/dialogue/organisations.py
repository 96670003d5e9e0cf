"""Which organisations a person may act for, and when two names are one organisation.

Pure: no nameko, no database. Two sources name a person's organisations:

* **confirmed** — the person joined one of the city's working groups for the organisation:
  the city (an admin, or a group lead an admin invited) named the organisation and its kind
  in the invitation, the person accepted (cities service, ``member_organisations``);
* **nach eigener Angabe** — the person named it on their own account (identity service,
  Mein Bereich); nobody checked it, and the idea page says so.

An organisation is one per city, kind and name as people write it: "Radverein Musterstadt
e.V." and "radverein  musterstadt e. V." are the same Verein, so two of its members cannot
count it twice (``organisation_key``).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from typing import Any

KINDS = ("association", "initiative", "foundation", "administration")


def _folded(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold().replace("ß", "ss")
    return "".join(ch for ch in text if ch.isalnum())


def organisation_key(kind: str, name: str) -> str:
    """A stable key of one organisation of one kind (case, spaces and dots do not matter)."""
    return hashlib.sha256(f"{kind}:{_folded(name)}".encode()).hexdigest()[:32]


def organisations_of(
    city: str, confirmed: Iterable[dict[str, Any]], own: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The organisations a person may act for in ``city``: confirmed ones first; an own entry
    naming a confirmed organisation adds nothing. Own entries tied to another city are left
    out (an entry without a city counts everywhere)."""
    found: dict[str, dict[str, Any]] = {}
    for entries, is_confirmed in ((confirmed, True), (own, False)):
        for entry in entries:
            name, kind = str(entry.get("name") or "").strip(), entry.get("kind")
            if not _folded(name) or kind not in KINDS:
                continue
            if entry.get("city") not in (None, "", city):
                continue
            key = organisation_key(kind, name)
            found.setdefault(
                key, {"key": key, "name": name, "kind": kind, "confirmed": is_confirmed}
            )
    return sorted(found.values(), key=lambda o: (not o["confirmed"], o["name"].casefold()))
