"""Which days of the counted facts a read takes from their seal and which row by row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from services.cities.tally_days import (
    GRACE,
    add_counts,
    day_of,
    last_sealable,
    legacy_sealable,
    live_days,
)

NOON = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
TODAY = day_of(NOON)


def test_a_day_runs_from_midnight_to_midnight_utc() -> None:
    assert day_of(datetime(1970, 1, 1, tzinfo=UTC)) == 0
    assert day_of(datetime(1970, 1, 1, 23, 59, 59, tzinfo=UTC)) == 0
    assert day_of(datetime(1970, 1, 2, tzinfo=UTC)) == 1
    assert day_of(NOON.replace(tzinfo=None)) == TODAY  # naive times are UTC
    # 00:30 on the 9th in Berlin is still the 8th in UTC: the day does not follow the offset.
    berlin = datetime(2026, 12, 8, 23, 30, tzinfo=UTC).astimezone(timezone(timedelta(hours=1)))
    assert berlin.day == 9 and day_of(berlin) == TODAY


def test_days_that_ended_a_grace_ago_are_sealed_and_the_rest_read_row_by_row() -> None:
    assert last_sealable(NOON) == TODAY - 1
    assert list(live_days(NOON)) == [TODAY]


def test_yesterday_is_read_row_by_row_until_it_ended_a_grace_ago() -> None:
    midnight = datetime(2026, 12, 8, tzinfo=UTC)
    within = midnight + GRACE - timedelta(seconds=1)
    assert last_sealable(within) == TODAY - 2
    assert list(live_days(within)) == [TODAY - 1, TODAY]
    assert last_sealable(midnight + GRACE) == TODAY - 1
    assert list(live_days(midnight + GRACE)) == [TODAY]


def test_rows_without_a_day_are_sealed_once_no_earlier_version_can_still_count_them() -> None:
    old = NOON - 2 * GRACE
    assert legacy_sealable(old, old, old, NOON)
    assert legacy_sealable(None, old, old, NOON)  # no such rows: an empty seal ends the question
    assert not legacy_sealable(NOON - timedelta(minutes=5), old, old, NOON)
    assert not legacy_sealable(None, NOON - timedelta(minutes=5), old, NOON)  # a new city
    # This version has not counted for GRACE yet: one of the version before may still count.
    assert not legacy_sealable(old, old, NOON - timedelta(minutes=5), NOON)
    assert not legacy_sealable(old, old, None, NOON)
    naive_recent = (NOON - GRACE / 2).replace(tzinfo=None)  # as a driver without tz_aware reads
    assert not legacy_sealable(old.replace(tzinfo=None), naive_recent, old, NOON)


def test_counts_add_up_per_key() -> None:
    total = add_counts({"a": 1}, {"a": 2, "b#x": 3})
    assert add_counts(total, {"b#x": 1}) == {"a": 3, "b#x": 4}
