"""Public reads are served from the gateway's memory and emptied by facts on the broker."""

from __future__ import annotations

import requests

from services.kit.testing import wait_until


def test_a_fact_from_elsewhere_empties_the_cached_read(api, cities, platform) -> None:
    made = cities.create()
    slug = made["slug"]
    url = api.url(f"/cities/{slug}/tallies")
    wait_until(lambda: requests.get(url, timeout=5).json() == {}, 10, "tallies read and cached")
    # The cities service counts a fact published by another service; the gateway never saw a
    # write, only the fact on the broker: its cached answer must go.
    platform.publish_fact("scenarios", "topic", "published", {"topic_id": "c1"}, slug)
    wait_until(
        lambda: requests.get(url, timeout=5).json().get("scenarios.topic.published") == 1,
        15,
        "the cached tallies replaced after the fact",
    )


def test_own_writes_show_at_once_and_signed_in_reads_are_not_shared(api, cities, operator) -> None:
    before = {c["slug"] for c in requests.get(api.url("/cities"), timeout=5).json()}
    made = cities.create()
    after = {c["slug"] for c in requests.get(api.url("/cities"), timeout=5).json()}
    assert after - before == {made["slug"]}
    # An operator's list includes archived cities; an anonymous cached list must not leak them
    # into the operator's answer or the reverse.
    assert api.post(f"/cities/{made['slug']}/archive", token=operator["token"]).ok
    anonymous = {c["slug"] for c in requests.get(api.url("/cities"), timeout=5).json()}
    everything = api.get("/cities?include_archived=1", token=operator["token"]).json()
    assert made["slug"] not in anonymous
    assert made["slug"] in {c["slug"] for c in everything}
