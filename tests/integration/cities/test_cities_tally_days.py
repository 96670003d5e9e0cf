"""A city's tallies: each day that is over is summed once onto the total of the day before and
sealed, and a read takes the newest sealed total and only the rows of the days after it
(services/cities/tally_days.py): the counts stay exact while a read no longer decodes every
fact of the dialogue's history."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from services.cities.tally_days import LEGACY_DAY, day_of, last_sealable
from services.kit.context import ANONYMOUS
from services.kit.testing import caller_context, wait_until

pytestmark = pytest.mark.integration

KEY = "dialogue.talk.created"


def _tallies(platform, slug: str) -> dict[str, int]:  # noqa: ANN001
    """The cities service's own answer (the gateway's endpoint is a cached public page)."""
    config = {"AMQP_URI": platform.infra.amqp_uri, "serializer": "json"}
    with ClusterRpcProxy(config, timeout=30, context_data=caller_context(ANONYMOUS)) as rpc:
        return rpc.cities.tallies(slug)


def _rows(slug: str, day: int | None, n: int, at: datetime, key: str = KEY) -> list[dict]:
    """``n`` counted facts as the counting stores them (``day`` None: as rows stored before
    rows had a day)."""
    rows = [{"city": slug, "key": key, "event_id": uuid.uuid4().hex, "at": at} for _ in range(n)]
    if day is not None:
        for row in rows:
            row["day"] = day
    return rows


def _city_created_days_ago(platform, slug: str, days: int) -> None:  # noqa: ANN001
    created = datetime.now(UTC) - timedelta(days=days)
    platform.infra.database("cities")["cities"].update_one(
        {"_id": slug}, {"$set": {"created_at": created}}
    )


def test_days_that_are_over_are_read_from_their_seal(cities, platform) -> None:
    slug = cities.create()["slug"]
    db = platform.infra.database("cities")
    seen, seals = db["seen_facts"], db["tally_totals"]
    _city_created_days_ago(platform, slug, 5)
    now = datetime.now(UTC)
    today = day_of(now)
    seen.insert_many(_rows(slug, today - 3, 3, now - timedelta(days=3)))
    seen.insert_many(_rows(slug, today - 2, 2, now - timedelta(days=2)))
    seen.insert_many(_rows(slug, today - 2, 1, now - timedelta(days=2), key=f"{KEY}#jugend"))
    for n in range(2):  # counted today by the service itself, through the broker
        platform.publish_fact("dialogue", "talk", "created", {"talk_id": f"t{n}"}, slug)
    wait_until(lambda: _tallies(platform, slug).get(KEY) == 7, 30, "every fact counted")
    assert _tallies(platform, slug)[f"{KEY}#jugend"] == 1
    # The service's own rows carry today's day.
    assert seen.count_documents({"city": slug, "key": KEY, "day": today}) == 2

    def counts(day: int) -> dict[str, int]:
        return {c["key"]: c["n"] for c in by_day[day]["counts"]}

    by_day = {row["day"]: row for row in seals.find({"city": slug})}
    last = last_sealable(now)  # yesterday, or the day before during the first hour of a day
    # From the day before the city was created to the last sealable day, each day once.
    assert set(by_day) == {*range(today - 6, last + 1), LEGACY_DAY}
    assert counts(today - 4) == {}
    assert counts(today - 3) == {KEY: 3}
    assert counts(today - 2) == {KEY: 5, f"{KEY}#jugend": 1}  # the day before's total and its own
    assert counts(last) == {KEY: 5, f"{KEY}#jugend": 1}

    # A sealed day is read from its seal, not from its rows; today's rows count at once.
    seen.delete_many({"city": slug, "day": today - 3})
    seen.insert_many(_rows(slug, today, 1, now))
    tallies = _tallies(platform, slug)
    assert tallies[KEY] == 8 and tallies[f"{KEY}#jugend"] == 1
    assert seals.count_documents({"city": slug}) == len(by_day)  # nothing sealed again


def test_rows_without_a_day_count_and_are_sealed_once_no_earlier_version_counts(
    cities, platform
) -> None:
    db = platform.infra.database("cities")
    seen, seals = db["seen_facts"], db["tally_totals"]
    now = datetime.now(UTC)
    # A city whose rows were counted before rows had a day, the newest a minute ago: an
    # earlier version's process may still be counting, so the rows are read, not sealed.
    recent = cities.create()["slug"]
    _city_created_days_ago(platform, recent, 30)
    seen.insert_many(_rows(recent, None, 4, now - timedelta(days=20)))
    seen.insert_many(_rows(recent, None, 1, now - timedelta(minutes=1)))
    assert _tallies(platform, recent)[KEY] == 5
    assert seals.count_documents({"_id": f"{recent}:{LEGACY_DAY}"}) == 0
    seen.insert_many(_rows(recent, None, 1, now))
    assert _tallies(platform, recent)[KEY] == 6

    # The newest a day old: sealed, and read from its seal from then on.
    quiet = cities.create()["slug"]
    _city_created_days_ago(platform, quiet, 30)
    seen.insert_many(_rows(quiet, None, 3, now - timedelta(days=1)))
    assert _tallies(platform, quiet)[KEY] == 3
    seal = seals.find_one({"_id": f"{quiet}:{LEGACY_DAY}"})
    assert seal is not None and seal["counts"] == [{"key": KEY, "n": 3}]
    seen.delete_many({"city": quiet})
    assert _tallies(platform, quiet)[KEY] == 3
