"""A city's tallies: its newest sealed total, plus the rows of the days after it and of the
window before rows had a day (services/cities/tally_days.py says which and why). A read seals
the days that became sealable since the newest total, oldest first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mongoengine.errors import NotUniqueError

from services.cities.models import SeenFact, TallyCount, TallyTotal, utcnow
from services.cities.tally_days import (
    LEGACY_DAY,
    add_counts,
    first_day,
    last_sealable,
    legacy_sealable,
    live_days,
)

_BY_KEY = {"$group": {"_id": "$key", "n": {"$sum": 1}}}
# Up to this many days to seal are summed one equality each, more in one pass.
CATCH_UP_PER_DAY = 3


def read_tallies(
    slug: str, city_created: datetime | None, now: datetime | None = None
) -> dict[str, int]:
    """Counted facts per tally key of the city ``slug``."""
    now = now or utcnow()
    total = _sealed_through(slug, first_day(city_created, now), last_sealable(now))
    for day in live_days(now):
        add_counts(total, _sum_rows(slug, day))
    return add_counts(total, _legacy(slug, city_created, now))


def _sealed_through(slug: str, first: int, last: int) -> dict[str, int]:
    """The counts up to and including day ``last``: the newest sealed total at or before it
    (found by ``_id``, going back a day at a time: one read on most days), then each day after
    it summed and sealed in turn."""
    day, counts = last, None
    while day >= first:
        counts = _total(slug, day)
        if counts is not None:
            break
        day -= 1
    total = counts or {}
    due = range(max(day, first - 1) + 1, last + 1)
    by_day = _sum_days(slug, due)
    for later in due:
        add_counts(total, by_day.get(later, {}))
        _seal(slug, later, total)
    return total


def _sum_days(slug: str, days: range) -> dict[int, dict[str, int]]:
    """The counts of each of ``days``: an equality per day for a few (one day's rows each),
    one pass over the city's rows for more (a city nobody read for weeks: on FerretDB each
    equality still makes PostgreSQL scan the whole collection once)."""
    if len(days) <= CATCH_UP_PER_DAY:
        return {day: _sum_rows(slug, day) for day in days}
    by_day: dict[int, dict[str, int]] = {}
    group = {"$group": {"_id": {"day": "$day", "key": "$key"}, "n": {"$sum": 1}}}
    for row in SeenFact.scoped(slug).aggregate([group]):
        day = row["_id"].get("day")
        if isinstance(day, int) and day in days:
            by_day.setdefault(day, {})[row["_id"]["key"]] = int(row["n"])
    return by_day


def _legacy(slug: str, city_created: datetime | None, now: datetime) -> dict[str, int]:
    """The rows counted before rows had a day: their seal, or summed (and sealed once no
    process of the earlier version can still add to them)."""
    counts = _total(slug, LEGACY_DAY)
    if counts is not None:
        return counts
    counts = _sum_rows(slug, None)
    newest = None
    if counts:  # a sort, not a "$max" in the group: FerretDB v1 has no "$max" accumulator
        newest = SeenFact.scoped(slug, day=None).order_by("-at").only("at").first()
    if legacy_sealable(newest.at if newest else None, city_created, now):
        _seal(slug, LEGACY_DAY, counts)
    return counts


def _total(slug: str, day: int) -> dict[str, int] | None:
    """A sealed total by its ``_id`` (a plain row: no document per count), None if unsealed."""
    row: Any = TallyTotal.scoped(slug, id=f"{slug}:{day}").only("counts").as_pymongo().first()
    if row is None:
        return None
    return {c["key"]: int(c["n"]) for c in row.get("counts") or ()}


def _sum_rows(slug: str, day: int | None) -> dict[str, int]:
    """The counts of one day's rows (``None``: the rows without a day). An equality on
    ``day``, which FerretDB hands to its database: only that day's rows are decoded."""
    rows = SeenFact.scoped(slug, day=day).aggregate([_BY_KEY])
    return {row["_id"]: int(row["n"]) for row in rows}


def _seal(slug: str, day: int, counts: dict[str, int]) -> None:
    """Store a total that cannot change any more; a second sealer of the same day stores
    nothing (it summed the same rows onto the same total before)."""
    try:
        TallyTotal(
            id=f"{slug}:{day}",
            city=slug,
            day=day,
            counts=[TallyCount(key=k, n=n) for k, n in sorted(counts.items())],
        ).save(force_insert=True)
    except NotUniqueError:
        pass
