"""What every service knows about a city (``services/kit/city_state.py``), without a broker.

``CityStateView`` is built here from a ``StateCache`` and a plain fetch function, which is what
the ``CityState`` dependency does with an RPC proxy to ``cities.city_state``.
"""

from __future__ import annotations

import types
from typing import Any

import pytest

from plugins.city import CityPlugins
from plugins.manager import default_host
from services.kit import city_state
from services.kit.city_state import (
    CACHE_SECONDS,
    CityStateView,
    StateCache,
    require_phase,
)
from services.kit.errors import PhaseClosed


def state(slug: str = "koeln", phase: str = "kickoff", **plugins: dict[str, Any]) -> dict:
    return {
        "slug": slug,
        "name": f"Stadt {slug}",
        "phase": phase,
        "status": "active",
        "schedule": {},
        "plugins": plugins,
    }


class Fetcher:
    """A stand-in for ``cities.city_state`` that counts its calls and can change its answer."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.phases: dict[str, str] = {}
        self.plugins: dict[str, dict[str, dict[str, Any]]] = {}

    def __call__(self, city: str) -> dict[str, Any]:
        self.calls.append(city)
        return state(city, self.phases.get(city, "kickoff"), **self.plugins.get(city, {}))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Replace the clock the cache reads (only in the module under test)."""
    fake = Clock()
    monkeypatch.setattr(city_state, "time", types.SimpleNamespace(monotonic=fake.monotonic))
    return fake


# ------------------------------------------------------------------ require_phase
def test_require_phase_lets_allowed_phases_through() -> None:
    require_phase(state(phase="table_talks"), "table_talks")
    require_phase(state(phase="closing"), "table_talks", "closing")


def test_require_phase_refuses_with_phase_closed_naming_the_phase() -> None:
    with pytest.raises(PhaseClosed) as caught:
        require_phase(state(phase="kickoff"), "table_talks")
    error = caught.value
    assert error.status == 409 and error.code == "phase_closed"
    assert error.fields == {"phase": ["The city is in phase Kickoff; this needs Table talks."]}
    body = error.to_dict()["error"]
    assert body["code"] == "phase_closed"
    assert body["message"] == {
        "de": "Das ist in der aktuellen Phase der Stadt nicht möglich.",
        "en": "This is not possible in the city's current phase.",
    }
    assert body["fields"]["phase"]["de"] == [
        "Die Stadt ist in der Phase Auftakt; dafür braucht es die Phase Tischgespräche."
    ]
    assert body["fields"]["phase"]["en"] == error.fields["phase"]


def test_require_phase_lists_every_allowed_phase() -> None:
    with pytest.raises(PhaseClosed) as caught:
        require_phase(state(phase="archived"), "table_talks", "closing")
    (message,) = caught.value.fields["phase"]
    assert message == "The city is in phase Archived; this needs Table talks / Closing."
    german = caught.value.to_dict()["error"]["fields"]["phase"]["de"][0]
    # Every phase by its German name, never its code (a person reads this at a form).
    assert german == (
        "Die Stadt ist in der Phase Archiviert; dafür braucht es die Phase Tischgespräche / "
        "Abschluss."
    )


def test_view_require_phase_returns_the_state_or_refuses() -> None:
    fetch = Fetcher()
    fetch.phases["koeln"] = "scenarios"
    view = CityStateView(StateCache(), fetch)
    assert view.require_phase("koeln", "scenarios", "transfer")["phase"] == "scenarios"
    with pytest.raises(PhaseClosed):
        view.require_phase("koeln", "table_talks")
    assert fetch.calls == ["koeln"]  # both answered from one fetch


# ------------------------------------------------------------------ the cache
def test_default_ttl_is_a_few_seconds() -> None:
    assert StateCache().seconds == CACHE_SECONDS
    assert 0 < CACHE_SECONDS <= 30


def test_cache_keeps_an_answer_for_its_ttl_then_asks_again(clock: Clock) -> None:
    fetch = Fetcher()
    cache = StateCache(seconds=5.0)
    assert cache.get("koeln", fetch)["phase"] == "kickoff"
    fetch.phases["koeln"] = "scenarios"
    clock.now += 4.9
    assert cache.get("koeln", fetch)["phase"] == "kickoff"  # still cached
    assert fetch.calls == ["koeln"]
    clock.now += 0.1  # exactly the TTL: expired
    assert cache.get("koeln", fetch)["phase"] == "scenarios"
    assert fetch.calls == ["koeln", "koeln"]
    clock.now += 1.0  # the new answer is cached from the time it was fetched
    assert cache.get("koeln", fetch)["phase"] == "scenarios"
    assert fetch.calls == ["koeln", "koeln"]


def test_cache_expires_with_real_time() -> None:
    import time

    fetch = Fetcher()
    cache = StateCache(seconds=0.05)
    cache.get("koeln", fetch)
    cache.get("koeln", fetch)
    assert len(fetch.calls) == 1
    time.sleep(0.08)
    cache.get("koeln", fetch)
    assert len(fetch.calls) == 2


def test_cache_keeps_cities_apart(clock: Clock) -> None:
    fetch = Fetcher()
    fetch.phases.update(koeln="transfer", bonn="closing")
    cache = StateCache()
    assert cache.get("koeln", fetch)["slug"] == "koeln"
    assert cache.get("bonn", fetch)["phase"] == "closing"
    assert cache.get("koeln", fetch)["phase"] == "transfer"
    assert fetch.calls == ["koeln", "bonn"]


def test_a_failing_fetch_is_not_cached(clock: Clock) -> None:
    cache = StateCache()

    def broken(city: str) -> dict[str, Any]:
        raise RuntimeError("cities is not answering")

    with pytest.raises(RuntimeError):
        cache.get("koeln", broken)
    fetch = Fetcher()
    assert cache.get("koeln", fetch)["phase"] == "kickoff"
    assert fetch.calls == ["koeln"]


def test_forget_one_city_drops_only_that_city(clock: Clock) -> None:
    fetch = Fetcher()
    cache = StateCache()
    cache.get("koeln", fetch)
    cache.get("bonn", fetch)
    fetch.phases["koeln"] = "scenarios"
    cache.forget("koeln")
    assert cache.get("koeln", fetch)["phase"] == "scenarios"  # asked again at once
    cache.get("bonn", fetch)
    assert fetch.calls == ["koeln", "bonn", "koeln"]
    cache.forget("never-seen")  # forgetting an unknown city is fine


def test_forget_none_drops_every_city(clock: Clock) -> None:
    fetch = Fetcher()
    cache = StateCache()
    cache.get("koeln", fetch)
    cache.get("bonn", fetch)
    cache.forget(None)
    cache.get("koeln", fetch)
    cache.get("bonn", fetch)
    assert fetch.calls == ["koeln", "bonn", "koeln", "bonn"]


def test_view_forget_goes_to_the_shared_cache(clock: Clock) -> None:
    fetch = Fetcher()
    cache = StateCache()
    first, second = CityStateView(cache, fetch), CityStateView(cache, fetch)
    first.state("koeln")
    second.state("koeln")  # another worker of the same service: same cache
    assert fetch.calls == ["koeln"]
    fetch.phases["koeln"] = "table_talks"
    second.forget("koeln")
    assert first.state("koeln")["phase"] == "table_talks"
    second.forget(None)
    first.state("koeln")
    assert fetch.calls == ["koeln", "koeln", "koeln"]


# ------------------------------------------------------------------ plugins of a city
def test_the_three_shipped_plugins_are_installed_through_entry_points() -> None:
    assert {"barrierefrei", "ortsteile", "jugendforum"} <= set(default_host().names())


def test_view_plugins_without_enabled_plugins() -> None:
    view = CityStateView(StateCache(), Fetcher())
    plugins = view.plugins("koeln")
    assert isinstance(plugins, CityPlugins)
    assert plugins.city == "koeln"
    assert plugins.enabled == []
    assert plugins.phase_steps("table_talks") == []


def test_view_plugins_follow_the_enabled_map(clock: Clock) -> None:
    fetch = Fetcher()
    fetch.plugins["koeln"] = {"jugendforum": {"required_talks": 2}}
    view = CityStateView(StateCache(), fetch)
    plugins = view.plugins("koeln")
    assert isinstance(plugins, CityPlugins)
    assert plugins.enabled == ["jugendforum"]
    steps = plugins.phase_steps("table_talks")
    assert [s["id"] for s in steps] == ["jugendforum:jugendforum"]
    assert steps[0]["plugin"] == "jugendforum"
    # Disabled in the cities service and announced: after forget the view follows.
    fetch.plugins["koeln"] = {}
    assert view.plugins("koeln").enabled == ["jugendforum"]  # cached until told
    view.forget("koeln")
    assert view.plugins("koeln").enabled == []
    assert fetch.calls == ["koeln", "koeln"]


def test_view_plugins_fill_in_config_defaults() -> None:
    fetch = Fetcher()
    fetch.plugins["koeln"] = {"jugendforum": {"required_talks": 3}}
    plugins = CityStateView(StateCache(), fetch).plugins("koeln")
    assert plugins._configs["jugendforum"]["required_talks"] == 3
    assert "max_age" in plugins._configs["jugendforum"]  # loaded through the plugin's schema
