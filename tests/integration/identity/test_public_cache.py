"""Public reads are served from the gateway's memory and emptied by facts on the broker."""

from __future__ import annotations

import re

import requests
from nameko.standalone.rpc import ClusterRpcProxy

from services.kit.context import Caller
from services.kit.testbed_metrics import gateway_calls
from services.kit.testing import caller_context, wait_until


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


def _phase_badge(title: str) -> str:
    """The city page's badge of the current phase (the timeline names every phase)."""
    return f'<span class="kern-badge kern-badge--info"><span class="kern-label">{title}</span>'


def _read_from_memory(session: requests.Session, url: str, platform) -> bool:  # noqa: ANN001
    """One signed-in read of ``url``; whether it went by without ``cities.get_city``."""
    before = gateway_calls(platform, "cities")["get_city"]
    assert session.get(url, timeout=10).status_code == 200
    return gateway_calls(platform, "cities")["get_city"] == before


def test_signed_in_pages_read_the_city_once_until_the_city_changes(api, cities, platform) -> None:  # noqa: ANN001
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    person = api.verified_login()
    session = requests.Session()
    page = session.get(f"{api.base}/anmelden", timeout=5)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"email": person["email"], "password": person["password"], "csrf_token": token}
    assert session.post(f"{api.base}/anmelden", data=form, timeout=10).status_code == 200
    url = f"{api.base}/stadt/{slug}"
    assert _phase_badge("Auftakt") in session.get(url, timeout=10).text
    # The new city's own facts (created, roles granted) reach the gateway's listener after
    # the answers, later on a busy machine, and each rightly empties the entry: measure once
    # they are through, i.e. once a read went by without asking the cities service.
    wait_until(lambda: _read_from_memory(session, url, platform), 15, "the city's facts through")
    before = gateway_calls(platform, "cities")["get_city"]
    for _ in range(3):
        assert session.get(url, timeout=10).status_code == 200
    # The city came from memory, signed in. (The gateway's count, not the service's: nameko
    # records a call after its reply, so the service's count may still move by the probe's.)
    assert gateway_calls(platform, "cities")["get_city"] == before

    # Changed elsewhere (straight at the cities service, not through this gateway): the
    # city's fact empties the entry, and the next page shows the new phase.
    step = f"/cities/{slug}/phases/kickoff/steps/working_group_formed"
    assert api.post(step, {"note": "Für den Test gebildet"}, token=admin["token"]).ok
    as_admin = Caller(user_id=admin["id"], roles={slug: ["city_admin"]})
    config = {"AMQP_URI": platform.infra.amqp_uri, "serializer": "json"}
    with ClusterRpcProxy(config, timeout=30, context_data=caller_context(as_admin)) as rpc:
        rpc.cities.advance_phase(slug, {"to": "scenarios"})
    wait_until(
        lambda: _phase_badge("Szenarien") in session.get(url, timeout=10).text,
        15,
        "the new phase on the signed-in city page",
    )
