"""Newsletter deliveries claimed before their mail is stored (docs/cities.md, "How sending
works"), against the real database: two claimers racing over the same batch never hold the
same delivery, a stale claim is taken over by exactly one; the service leaves a delivery
another process holds alone and takes over one whose holder died; two processes of the cities
service sending one issue at the same time reach every subscriber exactly once."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId
from pymongo import MongoClient

from services.cities.newsletter_claims import CLAIM_TIMEOUT, claim, claim_one, lost
from services.kit.testing import wait_until

pytestmark = pytest.mark.integration


def _own_collection(platform, name: str):  # noqa: ANN202 - a pymongo collection
    """The scratch collection through a client of the thread's own (as a process has)."""
    db = platform.infra.database("cities")
    return MongoClient(platform.infra.mongodb_uri)[db.name][name]


def test_two_claimers_never_hold_the_same_delivery_and_one_takes_a_stale_claim(
    platform,
) -> None:
    name = f"claims_test_{uuid.uuid4().hex[:8]}"
    issue = str(ObjectId())
    deliveries = [f"{issue}:stadt:leser{n}@example.org" for n in range(150)]
    barrier = threading.Barrier(2)

    def run(order: list[str]) -> dict[str, str]:
        claims = _own_collection(platform, name)
        barrier.wait(timeout=30)
        won: dict[str, str] = {}
        for start in range(0, len(order), 50):  # batches, as the senders take them
            won.update(claim(claims, issue, order[start : start + 50], datetime.now(UTC)))
        return won

    try:
        with ThreadPoolExecutor(2) as pool:
            first, second = pool.map(run, [deliveries, deliveries[::-1]])
        assert not set(first) & set(second), "a delivery claimed twice"
        assert set(first) | set(second) == set(deliveries)

        # A claim older than the timeout: exactly one of two takes it over, and its first
        # holder learns that it lost it.
        claims = _own_collection(platform, name)
        stale = f"{issue}:stadt:spaet@example.org"
        old = datetime.now(UTC) - timedelta(seconds=CLAIM_TIMEOUT + 5)
        claims.insert_one({"_id": f"{stale}:0", "issue": issue, "by": "gone", "at": old})
        assert (
            claim_one(claims, issue, f"{issue}:stadt:leser0@example.org", datetime.now(UTC)) is None
        )

        def take(_: int) -> str | None:
            own = _own_collection(platform, name)
            barrier.wait(timeout=30)
            return claim_one(own, issue, stale, datetime.now(UTC))

        with ThreadPoolExecutor(2) as pool:
            taken = [k for k in pool.map(take, range(2)) if k is not None]
        assert taken == [f"{stale}:1"]
        assert lost(claims, [f"{stale}:0", f"{stale}:1"]) == {f"{stale}:0"}
    finally:
        platform.infra.database("cities").drop_collection(name)


def test_two_service_processes_send_an_issue_to_everyone_exactly_once(
    api, cities, platform
) -> None:
    """An issue being sent when two processes of the cities service start together: their
    timers take the same batches at the same moments; each subscriber gets one mail."""
    slug = cities.create()["slug"]
    db = platform.infra.database("cities")
    people = [f"parallel-{uuid.uuid4().hex[:10]}@example.org" for _ in range(150)]
    now = datetime.now(UTC)
    issue_id = ObjectId()
    platform.stop_service("cities")
    try:
        db["newsletter_issues"].insert_one(
            {"_id": issue_id, "city": slug, "title": "Zwei Absender", "body": "Text",
             "status": "sending", "created_by": "test", "created_at": now,
             "updated_at": now, "recipients": len(people)}
        )  # fmt: skip
        db["newsletter_subscriptions"].insert_many(
            [{"_id": f"{slug}:{p}", "city": slug, "email": p, "ref": uuid.uuid4().hex,
              "created_at": now, "asked_at": now, "confirmed_at": now} for p in people]
        )  # fmt: skip
        db["newsletter_deliveries"].insert_many(
            [{"_id": f"{issue_id}:{slug}:{p}", "city": slug, "issue_id": str(issue_id),
              "subscription_id": f"{slug}:{p}", "queued": False} for p in people]
        )  # fmt: skip
        platform.replica("cities", 2)
    finally:
        platform.service("cities")
    try:
        for person in people:
            api.sink.wait_for(person, timeout=120)
        wait_until(
            lambda: db["newsletter_issues"].find_one({"_id": issue_id})["status"] == "sent",
            60,
            "the issue sent",
        )
        wait_until(
            lambda: db["mail_outbox"].count_documents({"to": {"$in": people}}) == 0,
            60,
            "the outbox empty of the issue",
        )
    finally:
        platform.stop_service("cities-2")
    twice = [p for p in people if len([m for m in api.sink.messages if m["To"] == p]) != 1]
    assert not twice, f"{len(twice)} subscribers did not get exactly one mail: {twice[:3]}"
    assert db["newsletter_claims"].count_documents({"issue": str(issue_id)}) == 0


def test_the_service_leaves_a_held_delivery_alone_and_takes_over_a_dead_ones(
    api, cities, platform
) -> None:
    """Three deliveries of an issue being sent: one claimed a moment ago by another process
    (busy storing its mail), one claimed by a process that died minutes ago, one unclaimed.
    The service sends the last two and leaves the first to its holder; once that claim is
    stale too, it takes it over. Each person gets one mail."""
    slug = cities.create()["slug"]
    db = platform.infra.database("cities")
    busy, dead, free = (f"claim-{uuid.uuid4().hex[:10]}@example.org" for _ in range(3))
    now = datetime.now(UTC)
    issue_id = ObjectId()
    delivery = {p: f"{issue_id}:{slug}:{p}" for p in (busy, dead, free)}
    stale = now - timedelta(seconds=CLAIM_TIMEOUT + 5)
    platform.stop_service("cities")
    try:
        db["newsletter_issues"].insert_one(
            {"_id": issue_id, "city": slug, "title": "Besetzt", "body": "Text",
             "status": "sending", "created_by": "test", "created_at": now,
             "updated_at": now, "recipients": 3}
        )  # fmt: skip
        for person, key in delivery.items():
            db["newsletter_subscriptions"].insert_one(
                {"_id": f"{slug}:{person}", "city": slug, "email": person,
                 "ref": uuid.uuid4().hex, "created_at": now, "asked_at": now,
                 "confirmed_at": now}
            )  # fmt: skip
            db["newsletter_deliveries"].insert_one(
                {"_id": key, "city": slug, "issue_id": str(issue_id),
                 "subscription_id": f"{slug}:{person}", "queued": False}
            )  # fmt: skip
        claims = db["newsletter_claims"]
        claims.insert_one(
            {"_id": f"{delivery[busy]}:0", "issue": str(issue_id), "by": "other", "at": now}
        )
        claims.insert_one(
            {"_id": f"{delivery[dead]}:0", "issue": str(issue_id), "by": "died", "at": stale}
        )
    finally:
        platform.service("cities")
    deliveries = db["newsletter_deliveries"]
    wait_until(
        lambda: (
            deliveries.count_documents(
                {"_id": {"$in": [delivery[dead], delivery[free]]}, "queued": True}
            )
            == 2
        ),
        30,
        "the free and the dead one's deliveries queued",
    )
    api.sink.wait_for(free)
    api.sink.wait_for(dead)
    # The pass that queued those two saw the busy one in the same batch and left it.
    assert deliveries.find_one({"_id": delivery[busy]})["queued"] is False
    assert db["mail_outbox"].count_documents({"_id": f"newsletter:{delivery[busy]}"}) == 0
    assert claims.find_one({"_id": f"{delivery[dead]}:1"}) is not None  # taken over
    assert db["newsletter_issues"].find_one({"_id": issue_id})["status"] == "sending"

    # Its holder goes silent: after the timeout the service takes that one over too.
    claims.update_one({"_id": f"{delivery[busy]}:0"}, {"$set": {"at": stale}})
    api.sink.wait_for(busy)
    wait_until(
        lambda: db["newsletter_issues"].find_one({"_id": issue_id})["status"] == "sent",
        30,
        "the issue sent",
    )
    for person in (busy, dead, free):
        assert len([m for m in api.sink.messages if m["To"] == person]) == 1, person
    assert claims.count_documents({"issue": str(issue_id)}) == 0
