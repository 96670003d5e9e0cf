"""Capacity is never exceeded, whatever the concurrency: against the real database.

Two dialogue processes (the platform's and a second one started here) take RPC calls from
one standalone proxy per thread, so registrations race inside a process (green threads) and
across processes. FerretDB's updates are not atomic; seats are unique inserts.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from dialogue_support import create_talk, outbox_events, register_crowd, rpc_as, table_talk_city

CROWD = 200
SEATS = 12


@pytest.fixture(scope="module")
def crowd(api) -> list[dict]:
    return register_crowd(api, CROWD, "crowd")


@pytest.fixture(scope="module")
def second_dialogue_process(api, platform) -> Iterator[None]:
    """Another ``nameko run`` of the dialogue service on the same queue and database."""
    platform.replica("dialogue", 2)
    yield
    platform.stop_service("dialogue-2")


def race(calls: list[Callable[[Any], Any]], accounts: list[str], platform) -> list[Any]:
    """Run ``calls[i](proxy of accounts[i])`` all at once: each in its own thread with its
    own connected proxy, released together by a barrier."""
    barrier = threading.Barrier(len(calls))

    def run(index: int) -> Any:
        with rpc_as(platform, accounts[index]) as proxy:
            barrier.wait(timeout=120)
            return calls[index](proxy)

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, range(len(calls))))


def _guest_list(api, slug: str, talk_id: str, host: dict) -> dict:
    response = api.get(f"/cities/{slug}/talks/{talk_id}/guests", token=host["token"])
    assert response.status_code == 200, response.text
    return response.json()


def _check_invariant(platform, slug: str, talk_id: str, guest_list: dict) -> None:
    """Seats 1..capacity at most once each, one seat per registration, one registration per
    person; the waiting list numbered 1..n in arrival order (read from the database too)."""
    db = platform.infra.database("dialogue")
    seats = list(db["seats"].find({"city": slug, "talk_id": talk_id}))
    registrations = list(db["registrations"].find({"city": slug, "talk_id": talk_id}))
    numbers = [s["number"] for s in seats]
    assert len(numbers) == len(set(numbers)) and all(1 <= n <= SEATS for n in numbers)
    holders = [s["registration_id"] for s in seats]
    assert len(holders) == len(set(holders))
    assert set(holders) <= {str(r["_id"]) for r in registrations}  # no seat without a person
    people = [r["person"] for r in registrations]
    assert len(people) == len(set(people)), "someone is registered twice"
    confirmed, waiting = guest_list["confirmed"], guest_list["waiting"]
    assert sorted(r["registration_id"] for r in confirmed) == sorted(holders)
    assert len(confirmed) + len(waiting) == len(registrations)
    assert [w["position"] for w in waiting] == list(range(1, len(waiting) + 1))
    arrivals = [w["arrival"] for w in waiting]
    assert arrivals == sorted(arrivals) and len(set(arrivals)) == len(arrivals)


def test_200_concurrent_registrations_for_12_seats(
    api, cities, platform, crowd, second_dialogue_process
) -> None:
    city = table_talk_city(api, cities, platform)
    slug, host = city["slug"], api.verified_login()
    talk = create_talk(api, slug, host, city["topic"]["id"], capacity=SEATS)
    talk_id = talk["id"]

    results = race(
        [lambda proxy: proxy.dialogue.join_talk(slug, talk_id, {})] * CROWD,
        [person["id"] for person in crowd],
        platform,
    )

    statuses = Counter(r["status"] for r in results)
    assert statuses == {"confirmed": SEATS, "waitlisted": CROWD - SEATS}, statuses
    assert len({r["registration_id"] for r in results}) == CROWD
    guest_list = _guest_list(api, slug, talk_id, host)
    _check_invariant(platform, slug, talk_id, guest_list)
    assert len(guest_list["confirmed"]) == SEATS
    assert sorted(g["seat"] for g in guest_list["confirmed"]) == list(range(1, SEATS + 1))
    assert len(guest_list["waiting"]) == CROWD - SEATS
    # Everyone the service told "confirmed" holds a seat; everyone told "waitlisted" waits.
    confirmed_ids = {r["registration_id"] for r in results if r["status"] == "confirmed"}
    assert confirmed_ids == {g["registration_id"] for g in guest_list["confirmed"]}
    # The host sees display names, each person once, and never an e-mail address.
    names = [g["display_name"] for g in guest_list["confirmed"] + guest_list["waiting"]]
    assert sorted(names) == sorted(p["display_name"] for p in crowd)
    assert "@" not in str(guest_list)

    # Every registration announced exactly once, without personal data.
    facts = Counter(
        e["type"] for e in outbox_events(platform, talk_id) if ".registration." in e["type"]
    )
    assert facts == {
        "stadtdialog.dialogue.registration.confirmed.v1": SEATS,
        "stadtdialog.dialogue.registration.waitlisted.v1": CROWD - SEATS,
    }
    assert not any("@" in str(e["data"]) for e in outbox_events(platform, talk_id))

    # A repeated join (at-least-once delivery) changes nothing.
    with rpc_as(platform, crowd[0]["id"]) as proxy:
        again = proxy.dialogue.join_talk(slug, talk_id, {})
    assert again["registration_id"] in {r["registration_id"] for r in results}
    assert len(_guest_list(api, slug, talk_id, host)["waiting"]) == CROWD - SEATS


def test_50_concurrent_cancellations_and_joins_keep_the_order(
    api, cities, platform, crowd, second_dialogue_process
) -> None:
    city = table_talk_city(api, cities, platform)
    slug, host = city["slug"], api.verified_login()
    talk_id = create_talk(api, slug, host, city["topic"]["id"], capacity=SEATS)["id"]

    # 40 registrations one after the other: seats for the first 12, 28 waiting in order.
    first = crowd[:40]
    for person in first:
        with rpc_as(platform, person["id"]) as proxy:
            proxy.dialogue.join_talk(slug, talk_id, {})
    before = _guest_list(api, slug, talk_id, host)
    assert len(before["confirmed"]) == SEATS and len(before["waiting"]) == 28
    by_name = {p["display_name"]: p for p in crowd}
    in_order = sorted(before["confirmed"], key=lambda g: g["arrival"]) + before["waiting"]
    order = [by_name[g["display_name"]]["id"] for g in in_order]  # arrival order of the 40

    rng = random.Random(6)
    cancel_confirmed = rng.sample(order[:SEATS], 10)
    cancel_waiting = rng.sample(order[SEATS:], 15)
    newcomers = [p["id"] for p in crowd[40:65]]
    actors = cancel_confirmed + cancel_waiting + newcomers
    calls = [lambda proxy: proxy.dialogue.cancel_registration(slug, talk_id)] * 25 + [
        lambda proxy: proxy.dialogue.join_talk(slug, talk_id, {})
    ] * 25
    mixed = list(zip(calls, actors, strict=True))
    rng.shuffle(mixed)
    race([c for c, _ in mixed], [a for _, a in mixed], platform)

    after = _guest_list(api, slug, talk_id, host)
    _check_invariant(platform, slug, talk_id, after)
    cancelled = set(cancel_confirmed + cancel_waiting)
    remaining = [a for a in order if a not in cancelled]
    # Seats go strictly by arrival: the 2 who kept theirs, then the first 10 who waited;
    # none of the newcomers overtakes the waiting list.
    ids = {p["display_name"]: p["id"] for p in crowd}
    confirmed = {ids[g["display_name"]] for g in after["confirmed"]}
    assert confirmed == set(remaining[:SEATS])
    waiting = [ids[g["display_name"]] for g in after["waiting"]]
    assert waiting[: len(remaining) - SEATS] == remaining[SEATS:]
    assert set(waiting[len(remaining) - SEATS :]) == set(newcomers)
    assert not cancelled & (confirmed | set(waiting))

    events = outbox_events(platform, talk_id)
    facts = Counter(e["type"] for e in events)
    assert facts["stadtdialog.dialogue.registration.cancelled.v1"] == 25
    assert facts["stadtdialog.dialogue.registration.waitlisted.v1"] == 28 + 25
    # Each of the 10 who moved up was promoted exactly once (someone promoted while their own
    # cancellation was on its way counts too, so there may be more promotions, never twice).
    promoted = [
        e["data"]["registration_id"]
        for e in events
        if e["type"] == "stadtdialog.dialogue.registration.promoted.v1"
    ]
    assert len(promoted) == len(set(promoted))
    moved_up = {g["registration_id"] for g in after["confirmed"]} - {
        g["registration_id"] for g in before["confirmed"]
    }
    assert len(moved_up) == 10 and moved_up <= set(promoted)
    waited_before = {g["registration_id"] for g in before["waiting"]}
    assert set(promoted) <= waited_before
