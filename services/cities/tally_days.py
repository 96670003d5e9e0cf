"""Which of a city's counted facts a read takes from sealed totals and which row by row (pure).

Every public fact the cities service counts is a ``SeenFact`` row, unique per fact and key, so
a fact delivered twice counts once. Summing those rows on every read of the tallies (the city
page's steps, the phase guards) grew with the whole dialogue: 38-54 µs per row on the embedded
FerretDB, 2.4-3.3 s for a city with 50,000 counted facts and their tags (bench/tallies.py). So
each row carries the UTC ``day`` it was counted on, and the rows of the days that are over for
good are summed once into a sealed total that never changes again (``TallyTotal`` for day D:
every count up to and including D). A read takes the sealed total of the last day over for good and
sums only the rows of the days after it: today, and yesterday until ``GRACE`` after midnight.

Why the grace: a counting list takes its day just before its two inserts, so a row of a day can
land after the day ended, and another process's clock may run ahead of this one's. A day is
sealed only once it ended ``GRACE`` ago: an insert that took the day has long returned by then
(a failed one is counted again under a new day), and clocks of one deployment differ by far
less. A row that landed later would be missing from every total after it. Rows stored before
days existed (no ``day``) are a window of their own, ``LEGACY_DAY``, sealed once this version
has counted for ``GRACE`` and the newest of them, and the city itself, are ``GRACE`` old.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

# Six hours: far more than an insert takes or two clocks of a deployment differ; it costs
# only one more read (yesterday's rows) until 06:00 UTC.
GRACE = timedelta(hours=6)
# The window of rows counted before rows had a day; below every real day.
LEGACY_DAY = -1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _aware(moment: datetime) -> datetime:
    """Naive times are UTC (a driver without ``tz_aware`` reads them so)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def day_of(moment: datetime) -> int:
    """The UTC day of ``moment`` as days since 1970-01-01 (naive times are UTC)."""
    return (_aware(moment) - _EPOCH).days


def last_sealable(now: datetime) -> int:
    """The last day that ended ``GRACE`` ago or earlier: sealed totals run up to it."""
    return day_of(now - GRACE) - 1


def live_days(now: datetime) -> range:
    """The days read row by row: after the last sealable one, up to today (one day, or two
    during the first ``GRACE`` after midnight)."""
    return range(last_sealable(now) + 1, day_of(now) + 1)


def legacy_sealable(
    newest_row: datetime | None,
    city_created: datetime | None,
    days_counted_since: datetime | None,
    now: datetime,
) -> bool:
    """Whether the rows without a day may be sealed: days have been counted for ``GRACE``
    (``days_counted_since``: when the first process of this version read the tallies; a
    process of the version before may count until the rolling update ends), none of the rows
    was counted within ``GRACE``, and the city is older than that."""
    if days_counted_since is None:
        return False
    moments = (days_counted_since, newest_row, city_created)
    return all(now - _aware(moment) >= GRACE for moment in moments if moment is not None)


def add_counts(total: dict[str, int], counts: Mapping[str, int]) -> dict[str, int]:
    """``total`` with ``counts`` added (in place, returned for chaining)."""
    for key, n in counts.items():
        total[key] = total.get(key, 0) + int(n)
    return total
