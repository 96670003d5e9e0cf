"""A city's tallies: the days that are over for good are summed once into a sealed total, and a
read takes the newest sealed total and only the rows of the days after it
(services/cities/tally_days.py): the counts stay exact while a read no longer decodes every
fact of the dialogue's history."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from services.cities.tally_days import GRACE, LEGACY_DAY, day_of, last_sealable
from services.kit.context import ANONYMOUS
from services.kit.testing import caller_context, wait_until

pytestmark = pytest.mark.integration

KEY = "dialogue.talk.created"
TAG = f"{KEY}#jugend"


def _clear_of_day_boundaries() -> datetime:
    """Now, at least five minutes before today's or the last sealable day's next change
    (midnight UTC, and ``GRACE`` after it): the tests compute both and must not see them
    move. Waits the few seconds past such a boundary when it is that close."""
    now = datetime.now(UTC)
    midnight = datetime(now.year, now.month, now.day, tzinfo=UTC)
    for boundary in (midnight + GRACE, midnight + timedelta(days=1)):
        if timedelta(0) <= boundary - now < timedelta(minutes=5):
            time.sleep((boundary - now).total_seconds() + 2)
            return datetime.now(UTC)
    return now


def _tallies(platform, slug: str) -> dict[str, int]:  # noqa: ANN001
    """The cities service's own answer (the gateway's endpoint is a cached public page)."""
    config = {"AMQP_URI": platform.infra.amqp_uri, "serializer": "json"}
    with ClusterRpcProxy(config, timeout=30, context_data=caller_context(ANONYMOUS)) as rpc:
        return rpc.cities.tallies(slug)


def _rows(slug: str, day: int | None, n: int, key: str = KEY) -> list[dict[str, Any]]:
    """``n`` counted facts as the counting stores them (``day`` None: as rows stored before
    rows had a day, counted two days ago)."""
    at = datetime.now(UTC) - timedelta(days=2)
    rows = [{"city": slug, "key": key, "event_id": uuid.uuid4().hex, "at": at} for _ in range(n)]
    for row in rows:
        if day is not None:
            row["day"] = day
            row["at"] = datetime(1970, 1, 1, 12, tzinfo=UTC) + timedelta(days=day)
    return rows


def _city_created_days_ago(platform, slug: str, days: int) -> None:  # noqa: ANN001
    created = datetime.now(UTC) - timedelta(days=days)
    platform.infra.database("cities")["cities"].update_one(
        {"_id": slug}, {"$set": {"created_at": created}}
    )


def _days_counted_since(platform, since: datetime) -> None:  # noqa: ANN001
    """As if this version had stored days since ``since`` (its first read of the tallies)."""
    marks = platform.infra.database("cities")["tally_days_counted"]
    marks.delete_many({})
    marks.insert_one({"_id": "days-counted", "since": since})


def _sealed(platform, slug: str) -> dict[int, dict[str, int]]:  # noqa: ANN001
    totals = platform.infra.database("cities")["tally_totals"].find({"city": slug})
    return {row["day"]: {c["key"]: c["n"] for c in row["counts"]} for row in totals}


def test_days_that_are_over_are_read_from_their_sealed_total(cities, platform) -> None:
    now = _clear_of_day_boundaries()
    slug = cities.create()["slug"]
    seen = platform.infra.database("cities")["seen_facts"]
    _city_created_days_ago(platform, slug, 5)
    _days_counted_since(platform, now - 2 * GRACE)
    today, last = day_of(now), last_sealable(now)
    seen.insert_many(_rows(slug, today - 3, 3) + _rows(slug, today - 2, 2))
    seen.insert_many(_rows(slug, today - 2, 1, key=TAG))
    for n in range(2):  # counted today by the service itself, through the broker
        platform.publish_fact("dialogue", "talk", "created", {"talk_id": f"t{n}"}, slug)
    wait_until(lambda: _tallies(platform, slug).get(KEY) == 7, 30, "every fact counted")
    assert _tallies(platform, slug)[TAG] == 1
    assert seen.count_documents({"city": slug, "key": KEY, "day": today}) == 2

    # One total, of the last day over for good (yesterday, or the day before until 06:00
    # UTC), and one of the rows that have no day (none here): today is read row by row.
    assert _sealed(platform, slug) == {last: {KEY: 5, TAG: 1}, LEGACY_DAY: {}}

    # A sealed day is read from its total, not from its rows; today's rows count at once.
    seen.delete_many({"city": slug, "day": today - 3})
    seen.insert_many(_rows(slug, today, 1))
    tallies = _tallies(platform, slug)
    assert tallies[KEY] == 8 and tallies[TAG] == 1
    assert _sealed(platform, slug) == {last: {KEY: 5, TAG: 1}, LEGACY_DAY: {}}


def test_a_total_continues_the_newest_one_before_it_and_no_row_is_missed(cities, platform) -> None:
    now = _clear_of_day_boundaries()
    seen = platform.infra.database("cities")["seen_facts"]
    totals = platform.infra.database("cities")["tally_totals"]
    last = last_sealable(now)

    def sealed_before(slug: str, day: int, n: int) -> None:
        counts = [{"key": KEY, "n": n}]
        totals.insert_one({"_id": f"{slug}:{day}", "city": slug, "day": day, "counts": counts})

    # Five days since the newest total (one pass over the city's rows); rows of days the
    # total already holds are not counted again.
    paused = cities.create()["slug"]
    sealed_before(paused, last - 5, 100)
    seen.insert_many(_rows(paused, last - 7, 2) + _rows(paused, last - 5, 4))
    seen.insert_many(_rows(paused, last - 4, 1) + _rows(paused, last - 1, 2))
    seen.insert_many(_rows(paused, last, 3) + _rows(paused, last + 1, 5))  # last + 1 is live
    assert _tallies(platform, paused)[KEY] == 111
    assert _sealed(platform, paused)[last] == {KEY: 106}

    # Two days since it (a read of each day).
    recent = cities.create()["slug"]
    sealed_before(recent, last - 2, 10)
    seen.insert_many(_rows(recent, last - 3, 5) + _rows(recent, last - 2, 7))
    seen.insert_many(_rows(recent, last - 1, 1))
    seen.insert_many(_rows(recent, last, 1))
    assert _tallies(platform, recent)[KEY] == 12
    assert _sealed(platform, recent)[last] == {KEY: 12}

    # No total yet, and rows of days before the city's recorded creation (a clock that ran
    # late, a city moved in): every row with a day counts.
    moved = cities.create()["slug"]
    seen.insert_many(_rows(moved, last - 10, 3))
    assert _tallies(platform, moved)[KEY] == 3
    assert _sealed(platform, moved)[last] == {KEY: 3}


def test_rows_without_a_day_count_and_are_sealed_once_no_earlier_version_counts(
    cities, platform
) -> None:
    _clear_of_day_boundaries()
    seen = platform.infra.database("cities")["seen_facts"]
    now = datetime.now(UTC)
    # A city whose rows were counted before rows had a day, the newest a minute ago: an
    # earlier version's process may still be counting, so the rows are read, not sealed.
    _days_counted_since(platform, now - 2 * GRACE)
    recent = cities.create()["slug"]
    _city_created_days_ago(platform, recent, 30)
    old, latest = _rows(recent, None, 4), _rows(recent, None, 1)
    latest[0]["at"] = now - timedelta(minutes=1)
    seen.insert_many(old + latest)
    assert _tallies(platform, recent)[KEY] == 5
    assert LEGACY_DAY not in _sealed(platform, recent)
    seen.insert_many(_rows(recent, None, 1))
    assert _tallies(platform, recent)[KEY] == 6

    # The newest two days old, but this version began storing days a minute ago: a process of
    # the version before may still count for the city during the rolling update.
    quiet = cities.create()["slug"]
    _city_created_days_ago(platform, quiet, 30)
    seen.insert_many(_rows(quiet, None, 3))
    _days_counted_since(platform, now - timedelta(minutes=1))
    assert _tallies(platform, quiet)[KEY] == 3
    assert LEGACY_DAY not in _sealed(platform, quiet)
    seen.insert_many(_rows(quiet, None, 1))  # such a process counts one more
    # Six hours later: sealed, and read from its seal from then on.
    _days_counted_since(platform, now - 2 * GRACE)
    assert _tallies(platform, quiet)[KEY] == 4
    assert _sealed(platform, quiet)[LEGACY_DAY] == {KEY: 4}
    seen.delete_many({"city": quiet})
    assert _tallies(platform, quiet)[KEY] == 4
