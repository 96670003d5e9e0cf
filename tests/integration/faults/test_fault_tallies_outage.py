"""Public facts counted in lists (services/kit/batches.py) across a database restart and a
broker restart: every fact is counted, none twice. While the database is away a list is
requeued whole (no fact set aside as a failure); facts gathered or unacknowledged when the
broker goes are delivered again."""

from __future__ import annotations

import time

import pytest

from services.kit.testing import wait_until

# serial: it takes the broker or the database away, or loads the machine (deploy/local/test)
pytestmark = [pytest.mark.integration, pytest.mark.serial]

KEY = "dialogue.talk.created"
BURST = 30


def _set_aside(retries, facts: list[dict]) -> list[str]:  # noqa: ANN001
    """Why each of ``facts`` was set aside for a retry (none should be). Only these: another
    test on the same platform may have set its own malformed facts aside."""
    keys = [fact["id"] for fact in facts]
    rows = retries.find({"queue": "cities.tallies", "key": {"$in": keys}})
    return [row.get("last_error", "") for row in rows]


def test_facts_are_counted_once_across_a_database_and_a_broker_restart(cities, platform) -> None:
    slug = cities.create()["slug"]
    published: list[dict] = []
    seen = platform.infra.database("cities")["seen_facts"]
    retries = platform.infra.database("cities")["consumer_retries"]

    def counted() -> int:
        return seen.count_documents({"city": slug, "key": KEY})

    def burst(n: int) -> None:
        for i in range(BURST):
            data = {"talk_id": f"{n}-{i}"}
            published.append(platform.publish_fact("dialogue", "talk", "created", data, slug))

    burst(1)
    wait_until(lambda: counted() == BURST, 30, "the first burst counted")

    platform.database_stop()  # skips the test when the database is not ours to stop
    try:
        burst(2)  # taken, failed on the database, requeued: again and again until it is back
        time.sleep(3)
    finally:
        platform.database_start()
    wait_until(lambda: counted() == 2 * BURST, 60, "the burst of the outage counted")
    assert _set_aside(retries, published) == []  # no fact at fault

    burst(3)  # some still gathered or unacknowledged when the broker goes
    platform.broker_stop()
    try:
        time.sleep(2)
    finally:
        platform.broker_start()
    burst(4)
    wait_until(lambda: counted() == 4 * BURST, 90, "every burst counted after the restart")
    time.sleep(2)  # redeliveries still under way would show now
    assert counted() == 4 * BURST
    assert _set_aside(retries, published) == []
