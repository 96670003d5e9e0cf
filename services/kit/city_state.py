"""What every service needs to know about a city: its phase and its enabled plugins.

The cities service owns both. Other services get them with the ``CityState`` dependency,
which asks ``cities.city_state`` over RPC and keeps the answer for a few seconds; the
``CityStateListener`` mixin drops a city from that cache as soon as the cities service
announces a change (phase advanced, plugin enabled, disabled or reconfigured), so a change
applies without a restart.

    class DialogueService(CityStateListener):
        city_state = CityState()

        @rpc
        def create_talk(self, city, data):
            self.city_state.require_phase(city, "table_talks")
            fields = self.city_state.plugins(city).form_fields("talk_documentation")
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from nameko.events import BROADCAST
from nameko.extensions import DependencyProvider
from nameko.rpc import ReplyListener, ServiceProxy

from services.kit.errors import PhaseClosed
from services.kit.messaging import event_handler

CITY_CHANGED = "stadtdialog.cities.city.changed.v1"
CACHE_SECONDS = 5.0


def require_phase(state: dict[str, Any], *allowed: str) -> None:
    """Refuse work that belongs to another phase, naming the phase the city is in."""
    if state["phase"] not in allowed:
        raise PhaseClosed(
            fields={
                "phase": [
                    f"The city is in phase {state['phase']}; this needs {' / '.join(allowed)}."
                ]
            }
        )


class StateCache:
    def __init__(self, seconds: float = CACHE_SECONDS) -> None:
        self.seconds = seconds
        self._entries: dict[str, tuple[float, dict[str, Any]]] = {}
        # Bumped by every forget: a state fetched while a change was announced may be the old
        # one, so it is used once but not kept.
        self._generation = 0

    def get(self, city: str, fetch: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
        entry = self._entries.get(city)
        if entry is not None and time.monotonic() - entry[0] < self.seconds:
            return entry[1]
        generation = self._generation
        state = fetch(city)
        if generation == self._generation:
            self._entries[city] = (time.monotonic(), state)
        return state

    def forget(self, city: str | None) -> None:
        self._generation += 1
        if city is None:
            self._entries.clear()
        else:
            self._entries.pop(city, None)


class CityStateView:
    def __init__(self, cache: StateCache, fetch: Callable[[str], dict[str, Any]]) -> None:
        self._cache = cache
        self._fetch = fetch

    def state(self, city: str) -> dict[str, Any]:
        """``{"slug", "name", "phase", "status", "schedule", "plugins": {name: config}}``."""
        return self._cache.get(city, self._fetch)

    def require_phase(self, city: str, *allowed: str) -> dict[str, Any]:
        state = self.state(city)
        require_phase(state, *allowed)
        return state

    def plugins(self, city: str):  # noqa: ANN201 - plugins.city.CityPlugins
        from plugins.manager import default_host  # plugins import the kit, not the reverse

        return default_host().for_city(city, self.state(city)["plugins"])

    def forget(self, city: str | None) -> None:
        self._cache.forget(city)


class CityState(DependencyProvider):
    rpc_reply_listener = ReplyListener()

    def setup(self) -> None:
        self.cache = StateCache()

    def get_dependency(self, worker_ctx) -> CityStateView:  # noqa: ANN001 - nameko's signature
        proxy = ServiceProxy(worker_ctx, "cities", self.rpc_reply_listener)
        return CityStateView(self.cache, lambda city: proxy.city_state(city))


class CityStateListener:
    """Mixin for a service with ``city_state = CityState()``: every instance drops its cache."""

    city_state: CityStateView

    @event_handler("cities", CITY_CHANGED, handler_type=BROADCAST, reliable_delivery=False)
    def on_city_changed(self, envelope: dict[str, Any]) -> None:
        self.city_state.forget(envelope.get("city"))
