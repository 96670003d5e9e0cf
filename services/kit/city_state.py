"""What every service needs to know about a city: its phase and its enabled plugins.

The cities service owns both. Other services get them with the ``CityState`` dependency,
which asks ``cities.city_state`` over RPC and keeps the answer for a few seconds; the
``CityStateListener`` mixin drops a city from that cache as soon as the cities service
announces a change (phase advanced, plugin enabled, disabled or reconfigured), so a change
applies without a restart.

The kit knows no plugin: a service that asks for a city's plugins hands the plugin host over
where it declares the dependency. A view built without one (unit tests, scripts) uses the host
``plugins.manager`` provides when it is imported (``provide_plugin_host``).

    class DialogueService(CityStateListener):
        city_state = CityState(plugin_host=default_host)  # from plugins.manager

        @rpc
        def create_talk(self, city, data):
            self.city_state.require_phase(city, "table_talks")
            fields = self.city_state.plugins(city).form_fields("talk_documentation")
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from nameko.events import BROADCAST
from nameko.extensions import DependencyProvider
from nameko.rpc import ServiceProxy

from services.kit.errors import PhaseClosed
from services.kit.messaging import event_handler
from services.kit.phase_titles import english_title
from services.kit.rpc_replies import TransientReplyListener

CITY_CHANGED = "stadtdialog.cities.city.changed.v1"
# Only the counts of public facts moved: for readers of counts (the gateway), not services.
CITY_COUNTED = "stadtdialog.cities.city.counted.v1"
CACHE_SECONDS = 5.0


class PluginHost(Protocol):
    """What the kit asks of a plugin host (``plugins.manager.PluginHost``)."""

    def for_city(self, city: str, enabled: Mapping[str, Mapping[str, Any] | None]) -> Any:
        """The contributions of ``city``'s enabled plugins (``plugins.city.CityPlugins``)."""


# Called on use, not at declaration: loading the plugins waits until a city's are asked for.
PluginHostProvider = Callable[[], PluginHost]
_provided_host: PluginHostProvider | None = None


def provide_plugin_host(provider: PluginHostProvider) -> None:
    """The plugin host of views built without one (``plugins.manager`` hands its own over)."""
    global _provided_host
    _provided_host = provider


def _plugin_host(provider: PluginHostProvider | None) -> PluginHost:
    provider = provider or _provided_host
    if provider is None:
        raise RuntimeError("No plugin host: declare CityState(plugin_host=default_host).")
    return provider()


def require_phase(state: dict[str, Any], *allowed: str) -> None:
    """Refuse work that belongs to another phase, naming the phase the city is in."""
    if state["phase"] not in allowed:
        raise PhaseClosed(
            fields={
                "phase": [
                    f"The city is in phase {english_title(state['phase'])}; this needs "
                    f"{' / '.join(english_title(phase) for phase in allowed)}."
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
    def __init__(
        self,
        cache: StateCache,
        fetch: Callable[[str], dict[str, Any]],
        plugin_host: PluginHostProvider | None = None,
    ) -> None:
        self._cache = cache
        self._fetch = fetch
        self._plugin_host = plugin_host

    def state(self, city: str) -> dict[str, Any]:
        """``{"slug", "name", "phase", "status", "schedule", "plugins": {name: config}}``."""
        return self._cache.get(city, self._fetch)

    def require_phase(self, city: str, *allowed: str) -> dict[str, Any]:
        state = self.state(city)
        require_phase(state, *allowed)
        return state

    def plugins(self, city: str) -> Any:  # plugins.city.CityPlugins
        return _plugin_host(self._plugin_host).for_city(city, self.state(city)["plugins"])

    def forget(self, city: str | None) -> None:
        self._cache.forget(city)


class CityState(DependencyProvider):
    rpc_reply_listener = TransientReplyListener()  # services/kit/rpc_replies.py

    def __init__(self, plugin_host: PluginHostProvider | None = None) -> None:
        self.plugin_host = plugin_host

    def setup(self) -> None:
        self.cache = StateCache()

    def get_dependency(self, worker_ctx) -> CityStateView:  # noqa: ANN001 - nameko's signature
        proxy = ServiceProxy(worker_ctx, "cities", self.rpc_reply_listener)
        return CityStateView(self.cache, lambda city: proxy.city_state(city), self.plugin_host)


class CityStateListener:
    """Mixin for a service with ``city_state = CityState()``: every instance drops its cache."""

    city_state: CityStateView

    @event_handler("cities", CITY_CHANGED, handler_type=BROADCAST, reliable_delivery=False)
    def on_city_changed(self, envelope: dict[str, Any]) -> None:
        if (envelope.get("data") or {}).get("tallies_only"):
            return  # only counts of facts moved: no part of the cached state
        self.city_state.forget(envelope.get("city"))
