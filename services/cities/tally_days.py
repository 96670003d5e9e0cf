"""Which of a city's counted facts a read takes from sealed totals and which row by row (pure).

Every public fact the cities service counts is a ``SeenFact`` row, unique per fact and key, so
a fact delivered twice counts once. Summing those rows on every read of the tallies (the city
page's steps, the phase guards) grew with the whole dialogue: about 33 µs per row on the
embedded FerretDB, 1.6 s for a city with 50,000 counted facts. So each row carries the UTC
``day`` it was counted on, and once a day is over its rows are summed once into a sealed total
that never changes again: ``TallyTotal`` for day D holds every count up to and including D
(the total of D - 1 plus D's rows). A read takes the newest sealed total (one read by
``_id``) and sums only the rows of the days after it: today, and yesterday during the first
``GRACE`` after midnight.

Why the grace: a counting list takes its day just before its two inserts, so a row of a day can
land a moment after the day ended. A day is sealed only once it ended ``GRACE`` ago, by which
time every insert that took that day has long returned (a failed one is counted again under a
new day). Rows stored before days existed (no ``day``) are a window of their own,
``LEGACY_DAY``, sealed apart once the newest of them, and the city itself, are ``GRACE`` old:
a process of the earlier version that still counts during a rolling update keeps it open.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

GRACE = timedelta(hours=1)
# The window of rows counted before rows had a day; below every real day.
LEGACY_DAY = -1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def day_of(moment: datetime) -> int:
    """The UTC day of ``moment`` as days since 1970-01-01 (naive times are UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH).days


def last_sealable(now: datetime) -> int:
    """The last day that ended ``GRACE`` ago or earlier: sealed totals run up to it."""
    return day_of(now - GRACE) - 1


def live_days(now: datetime) -> range:
    """The days read row by row: after the last sealable one, up to today (one day, or two
    during the first ``GRACE`` after midnight)."""
    return range(last_sealable(now) + 1, day_of(now) + 1)


def first_day(city_created: datetime | None, now: datetime) -> int:
    """The first day that may hold a city's rows: the day before the city was created (another
    process's clock may lag a little behind the one that created it), today if unknown."""
    return day_of(city_created or now) - 1


def legacy_sealable(
    newest_row: datetime | None, city_created: datetime | None, now: datetime
) -> bool:
    """Whether the rows without a day may be sealed: none was counted within ``GRACE``, and the
    city is older than that (an earlier version's process could still be counting for it)."""
    for moment in (newest_row, city_created):
        if moment is None:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        if now - moment < GRACE:
            return False
    return True


def add_counts(total: dict[str, int], counts: Mapping[str, int]) -> dict[str, int]:
    """``total`` with ``counts`` added (in place, returned for chaining)."""
    for key, n in counts.items():
        total[key] = total.get(key, 0) + int(n)
    return total
