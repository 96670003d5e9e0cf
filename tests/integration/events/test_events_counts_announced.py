"""A crowd of facts moves a city's counts many times; the gateway hears it a few times."""

from __future__ import annotations

import requests

from services.kit.city_state import CITY_COUNTED
from services.kit.testing import wait_until

BURST = 40
KEY = "dialogue.registration.confirmed"


def test_a_burst_of_counted_facts_is_announced_once_per_tick(api, cities, platform, listen) -> None:  # noqa: ANN001
    slug = cities.create()["slug"]
    url = api.url(f"/cities/{slug}/tallies")
    wait_until(lambda: requests.get(url, timeout=5).json() == {}, 10, "tallies read and cached")
    with listen(exchanges=("cities.events",)) as stream:
        for n in range(BURST):
            data = {"talk_id": f"t{n}", "registration_id": f"r{n}", "guest": False}
            platform.publish_fact("dialogue", "registration", "confirmed", data, slug)
        # The gateway's cached answer is replaced once the counts are announced.
        wait_until(
            lambda: requests.get(url, timeout=5).json().get(KEY) == BURST,
            20,
            "every fact counted and the cached tallies replaced",
        )
        announced = stream.wait_for(
            lambda got: any(_counted_for(e, slug) for e in got), 10, "city.counted"
        )
    counted = [e for e in announced if _counted_for(e, slug)]
    # One fact per fact would be 40; one per tick and city is a handful.
    assert 1 <= len(counted) < BURST / 4, len(counted)


def _counted_for(envelope: dict, slug: str) -> bool:
    return envelope.get("type") == CITY_COUNTED and (envelope.get("data") or {}).get("slug") == slug
