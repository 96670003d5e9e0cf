"""The public cache's lasting entries: kept across other services' facts, emptied by the
cities service's own (gateway/cache.py)."""

from __future__ import annotations

from gateway.cache import PublicCache, touches_cities

VALUE = (b"{}", 200, "application/json")


def connected_cache() -> PublicCache:
    cache = PublicCache()
    cache.connected.set()
    return cache


def test_which_facts_touch_the_cities_entries() -> None:
    assert touches_cities({"type": "stadtdialog.cities.legal_text.changed.v1", "data": {}})
    assert touches_cities({"type": "stadtdialog.cities.city.changed.v1", "data": {"slug": "a"}})
    assert not touches_cities(
        {"type": "stadtdialog.cities.city.changed.v1", "data": {"slug": "a", "tallies_only": True}}
    )
    assert not touches_cities({"type": "stadtdialog.cities.city.counted.v1", "data": {"slug": "a"}})
    assert not touches_cities({"type": "stadtdialog.dialogue.registration.confirmed.v1"})
    # Whatever cannot be read empties everything.
    assert touches_cities("not an envelope")
    assert touches_cities({"data": {}})


def test_lasting_entries_outlive_other_facts_only() -> None:
    cache = connected_cache()
    cache.put("page", VALUE, cache.generation)
    cache.put("versions", VALUE, cache.lasting_generation, lasting=True)
    cache.clear(lasting=False)  # a join elsewhere
    assert cache.get("page") is None
    assert cache.get("versions", lasting=True) == VALUE
    cache.clear()  # a fact of the cities service, or a write through this gateway
    assert cache.get("versions", lasting=True) is None


def test_a_lasting_read_begun_before_a_clear_is_not_kept() -> None:
    cache = connected_cache()
    began = cache.lasting_generation
    cache.clear()
    cache.put("versions", VALUE, began, lasting=True)
    assert cache.get("versions", lasting=True) is None


def test_nothing_is_served_while_the_invalidator_is_away() -> None:
    cache = PublicCache()
    cache.put("versions", VALUE, cache.lasting_generation, lasting=True)
    assert cache.get("versions", lasting=True) is None
