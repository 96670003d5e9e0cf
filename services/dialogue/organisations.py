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


def organisation_table(
    supports: Iterable[dict[str, Any]], reviews: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One row per organisation acting in a city, for its admins: the name as written (a
    confirmed member's spelling first, else the first act's), the kind, whether the city
    confirmed it, how many ideas it supports / helps, its first and last act, and whether it
    is hidden. ``supports`` are the city's organisation supports (``key``, ``name``, ``kind``,
    ``as``, ``idea_id``, ``confirmed``, ``at``); ``reviews`` the admins' decisions (``key``,
    ``name``, ``kind``, ``confirmed``, ``hidden``, ``hidden_reason``); a hidden organisation
    stays listed so that it can be shown again."""
    table: dict[str, dict[str, Any]] = {}
    ideas: dict[str, dict[str, set[str]]] = {}
    for row in sorted(supports, key=lambda r: (r["at"] is None, r["at"] or 0)):
        entry = table.setdefault(row["key"], _row(row["key"], row["name"], row["kind"]))
        if row["confirmed"] and not entry["confirmed"]:
            entry.update(name=row["name"], confirmed=True)  # the city named it so
        at = row["at"]
        if at is not None:
            entry["first_at"] = entry["first_at"] or at
            entry["last_at"] = at
        seen = ideas.setdefault(row["key"], {"support": set(), "helper": set()})
        seen.setdefault(row["as"], set()).add(row["idea_id"])
    for review in reviews:
        entry = table.setdefault(review["key"], _row(review["key"], review["name"], review["kind"]))
        entry["confirmed"] = entry["confirmed"] or bool(review.get("confirmed"))
        entry["hidden"] = bool(review.get("hidden"))
        entry["hidden_reason"] = review.get("hidden_reason") if entry["hidden"] else None
    for key, seen in ideas.items():
        table[key]["ideas_supported"] = len(seen.get("support", ()))
        table[key]["ideas_helped"] = len(seen.get("helper", ()))
    return sorted(table.values(), key=lambda o: (o["hidden"], o["name"].casefold()))


def _row(key: str, name: str, kind: str) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "kind": kind,
        "confirmed": False,
        "hidden": False,
        "hidden_reason": None,
        "ideas_supported": 0,
        "ideas_helped": 0,
        "first_at": None,
        "last_at": None,
    }
