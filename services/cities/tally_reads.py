"""A city's tallies: the sealed total of the last day over for good, plus the rows of the days
after it and of the window before rows had a day (services/cities/tally_days.py says which
and why). A read that finds no total for the last sealable day stores it: once a day and city,
mostly."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mongoengine.errors import NotUniqueError

from services.cities.models import SeenFact, utcnow
from services.cities.tally_days import (
    LEGACY_DAY,
    add_counts,
    last_sealable,
    legacy_sealable,
    live_days,
)
from services.cities.tally_models import DaysCounted, TallyCount, TallyTotal

_BY_KEY = {"$group": {"_id": "$key", "n": {"$sum": 1}}}
# Up to this many days after the newest total are summed one day each (an equality, so on
# FerretDB only those rows are decoded, though PostgreSQL scans the collection for each);
# more, after weeks without a read or right after the upgrade, in one pass over the city's rows.
DAYS_ONE_BY_ONE = 3


def read_tallies(
    slug: str, city_created: datetime | None, now: datetime | None = None
) -> dict[str, int]:
    """Counted facts per tally key of the city ``slug``."""
    now = now or utcnow()
    total = _sealed_through(slug, last_sealable(now))
    # Newest day first: a fact's tags are stored before its key and, but for a duplicate
    # delivered across midnight, never on a later day, so a read that finds a key mostly finds
    # its tags too (docs/cities.md).
    for day in reversed(live_days(now)):
        add_counts(total, _sum_rows(slug, day=day))
    return add_counts(total, _legacy(slug, city_created, now))


def _sealed_through(slug: str, last: int) -> dict[str, int]:
    """Every count of the days up to and including ``last``: its sealed total, or the newest
    total before it plus the rows of the days after that (all rows with a day up to ``last``
    when there is none), then stored as ``last``'s total."""
    found = _newest_total(slug, last)
    if found is not None and found[0] == last:
        return found[1]
    since, total = found if found is not None else (None, {})
    add_counts(total, _sum_days(slug, since, last))
    _seal(slug, last, total)
    return total


def _newest_total(slug: str, last: int) -> tuple[int, dict[str, int]] | None:
    """The newest sealed total of a day up to ``last``: by ``_id`` for ``last`` and the day
    before (every day but the first after a pause), else through a list of the city's totals.
    Totals of later days (a process whose clock runs ahead) are left alone."""
    for day in (last, last - 1):
        counts = _total(slug, day)
        if counts is not None:
            return day, counts
    days = TallyTotal.scoped(slug).only("day").as_pymongo()
    earlier = [row["day"] for row in days if LEGACY_DAY < row["day"] <= last]
    if not earlier:
        return None
    counts = _total(slug, max(earlier))
    return (max(earlier), counts) if counts is not None else None


def _sum_days(slug: str, since: int | None, last: int) -> dict[str, int]:
    """The counts of the rows of the days after ``since`` (None: of every day) up to
    ``last``."""
    if since is not None and last - since <= DAYS_ONE_BY_ONE:
        total: dict[str, int] = {}
        for day in range(since + 1, last + 1):
            add_counts(total, _sum_rows(slug, day=day))
        return total
    # A range FerretDB filters itself after decoding every row of the city, once; a group by
    # day and key instead took three to four times as long there. Rows without a day never
    # match.
    if since is None:
        return _sum_rows(slug, day__lte=last)
    return _sum_rows(slug, day__gt=since, day__lte=last)


def _legacy(slug: str, city_created: datetime | None, now: datetime) -> dict[str, int]:
    """The rows counted before rows had a day: their seal, or summed (and sealed once no
    process of the earlier version can still add to them)."""
    counts = _total(slug, LEGACY_DAY)
    if counts is not None:
        return counts
    counts = _sum_rows(slug, day=None)
    newest = None
    if counts:  # a sort, not a "$max" in the group: FerretDB v1 has no "$max" accumulator
        newest = SeenFact.scoped(slug, day=None).order_by("-at").only("at").first()
    if legacy_sealable(newest.at if newest else None, city_created, _days_counted_since(), now):
        _seal(slug, LEGACY_DAY, counts)
    return counts


def _days_counted_since() -> datetime | None:
    """When the first process of this version read the tallies (stored now if none did). Read
    only while a city's rows without a day are not sealed."""
    mark = DaysCounted.objects(id="days-counted").first()
    if mark is None:
        try:
            DaysCounted().save(force_insert=True)
        except NotUniqueError:
            pass  # another process of this version was first: its time counts
        mark = DaysCounted.objects(id="days-counted").first()
    return mark.since if mark is not None else None


def _total(slug: str, day: int) -> dict[str, int] | None:
    """A sealed total by its ``_id`` (a plain row: no document per count), None if unsealed."""
    row: Any = TallyTotal.scoped(slug, id=f"{slug}:{day}").only("counts").as_pymongo().first()
    if row is None:
        return None
    return {c["key"]: int(c["n"]) for c in row.get("counts") or ()}


def _sum_rows(slug: str, **days: Any) -> dict[str, int]:
    """The counts of the city's rows of ``days`` (a filter on ``day``). An equality FerretDB
    hands to PostgreSQL, so only those rows are decoded; ``day=None`` (the rows without a day,
    matching missing fields) and a range it filters itself after decoding every row of the
    city."""
    rows = SeenFact.scoped(slug, **days).aggregate([_BY_KEY])
    return {row["_id"]: int(row["n"]) for row in rows}


def _seal(slug: str, day: int, counts: dict[str, int]) -> None:
    """Store a total that cannot change any more; a second sealer of the same day stores
    nothing (it summed the same rows onto a total of the same rows)."""
    try:
        TallyTotal(
            id=f"{slug}:{day}",
            city=slug,
            day=day,
            counts=[TallyCount(key=k, n=n) for k, n in sorted(counts.items())],
        ).save(force_insert=True)
    except NotUniqueError:
        pass
