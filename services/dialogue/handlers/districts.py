"""How many talks and ideas each district has: what the district map shows.

Only counts leave, never an address or a point: the map colours a whole district."""

from __future__ import annotations

from typing import Any

from services.dialogue.handlers.base import DialogueBase, _now
from services.dialogue.models import Idea, Talk
from services.dialogue.rules import TABLE_TALK, canonical_district
from services.kit.rpc import rpc


def _row(name: str) -> dict[str, Any]:
    return {"name": name, "talks": 0, "talks_upcoming": 0, "ideas": 0}


class DistrictHandlers(DialogueBase):
    @rpc
    def district_counts(self, city: str) -> dict[str, Any]:
        """Public: per district of the city the table talks (cancelled ones not) and the
        visible ideas; what names no district of the city is counted as ``elsewhere``.

        ``{"districts": [{"name", "talks", "talks_upcoming", "ideas"}], "elsewhere": {…}}``
        (the districts in the city's order; without uploaded districts the names found)."""
        state = self._state(city)
        names = list(state.get("districts") or [])
        group = [{"$group": {"_id": "$district", "n": {"$sum": 1}}}]
        talks = Talk.scoped(city, kind=TABLE_TALK, status="scheduled")
        # Upcoming and running ones too: the talk list shows only those unless asked for the
        # past ones, so the map's link knows which of the two lists to open.
        upcoming = talks.filter(ends_at__gt=_now()).aggregate(group)
        ideas = Idea.scoped(city, hidden=False).aggregate(group)
        rows = {name: _row(name) for name in names}
        elsewhere = {"talks": 0, "talks_upcoming": 0, "ideas": 0}
        for key, found in (
            ("talks", talks.aggregate(group)),
            ("talks_upcoming", upcoming),
            ("ideas", ideas),
        ):
            for row in found:
                raw = row["_id"] if isinstance(row["_id"], str) else None
                name = canonical_district(names, raw) if names else raw
                if name is None or (names and name not in rows):
                    elsewhere[key] += int(row["n"])
                    continue
                rows.setdefault(name, _row(name))[key] += int(row["n"])
        return {"districts": list(rows.values()), "elsewhere": elsewhere}
