"""Search over the city's published scenarios (the gateway merges them with the dialogue's).

Publishing a scenario puts it into the index (``SearchEntry``, services/kit/search_index.py)
in the same handler; withdrawing drops it. ``ops_search_reindex`` rebuilds a city's entries.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from services.kit.errors import NotFound
from services.kit.rpc import rpc
from services.kit.schemas import StrictSchema, load
from services.kit.search_index import SearchIndex
from services.kit.search_terms import MAX_QUERY_CHARS
from services.kit.tenancy import is_slug
from services.scenarios.handlers.base import ScenariosBase
from services.scenarios.models import Scenario, SearchEntry

KINDS = ("scenario",)
INDEX = SearchIndex(SearchEntry)


class ScenarioSearchSchema(StrictSchema):
    q = fields.String(
        load_default="",
        validate=validate.Length(max=MAX_QUERY_CHARS * 10),
        metadata={"verbatim": True},  # control characters are no words: ignored, not refused
    )


def index_scenario(scenario: Scenario) -> None:
    if scenario.status != "published":
        INDEX.drop(scenario.city, "scenario", str(scenario.id))
        return
    INDEX.put(scenario.city, "scenario", str(scenario.id), scenario.title, scenario.narrative)


class ScenarioSearchHandlers(ScenariosBase):
    search_index = INDEX  # a comment handler indexes its comment through it in one line

    @rpc
    def search(self, city: str, filters: dict[str, Any] | None = None) -> dict[str, Any]:
        """Published scenarios of the city holding every word of ``q`` (German stems)."""
        if not isinstance(city, str) or not is_slug(city):
            raise NotFound("City not found.")
        self.city_state.state(city)
        wanted = load(ScenarioSearchSchema(), filters or {})
        return INDEX.search(city, wanted["q"], list(KINDS))

    @rpc
    def ops_search_reindex(self, city: str) -> dict[str, int]:
        """Rebuild the city's entries of published scenarios (operators; safe to repeat)."""
        city = self._ops_city(city)  # type: ignore[attr-defined] - OperationsMixin
        INDEX.clear(city, KINDS)
        count = 0
        for scenario in Scenario.scoped(city, status="published"):
            index_scenario(scenario)
            count += 1
        return {"scenario": count}
