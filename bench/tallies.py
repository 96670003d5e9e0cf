"""Reading a city's tallies as its counted facts pile up: the former read (every row of the
city's history summed) beside the read of sealed days (services/cities/tally_reads.py), side
by side in one run, on the database MONGODB_URI names (the local FerretDB by default).

    .venv/bin/python bench/tallies.py [--histories 1000,10000,50000] [--days 100]
        [--today 200] [--repeat 7]

For each history size, a fresh city gets that many counted facts spread over ``--days`` past
days (eight tally keys, every fourth fact with a tag as the step rules count them) and
``--today`` facts of today, inserted in bulk as the counting stores them. Then, ``--repeat``
times each, medians printed:

- **former**: one aggregation over all of the city's rows (the read before days were sealed);
- **first read**: the first read of the new kind, as after the upgrade: it sums every row of
  the days that are over into the first sealed total, and the rows without a day;
- **read**: every read after it (the sealed total, read by ``_id``, plus the rows of today, and
  of yesterday until 06:00 UTC).

Checks that both reads give the same counts. Prints figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mongoengine  # noqa: E402

from services.cities.models import ALIAS, SeenFact  # noqa: E402
from services.cities.tally_days import day_of, live_days  # noqa: E402
from services.cities.tally_models import DaysCounted, TallyTotal  # noqa: E402
from services.cities.tally_reads import read_tallies  # noqa: E402

KEYS = [
    "dialogue.registration.confirmed",
    "dialogue.registration.waitlisted",
    "dialogue.registration.cancelled",
    "dialogue.idea.supported",
    "dialogue.comment.created",
    "dialogue.talk.created",
    "scenarios.scenario.published",
    "events.closing_event.registered",
]


def _fill(slug: str, facts: int, days: int, today: int, now: datetime) -> None:
    """``facts`` counted facts over ``days`` past days and ``today`` of today, in bulk."""
    rows = []
    for i in range(facts + today):
        ago = 0 if i >= facts else 1 + i % days
        at = now - timedelta(days=ago)
        key = random.choice(KEYS)
        event = uuid.uuid4().hex
        row = {"city": slug, "key": key, "event_id": event, "at": at, "day": day_of(at)}
        rows.append(row)
        if i % 4 == 0:
            rows.append({**row, "key": f"{key}#jugend"})
    collection = SeenFact._get_collection()
    for start in range(0, len(rows), 2000):
        collection.insert_many(rows[start : start + 2000], ordered=False)


def _former(slug: str) -> dict[str, int]:
    rows = SeenFact.scoped(slug).aggregate([{"$group": {"_id": "$key", "n": {"$sum": 1}}}])
    return {row["_id"]: int(row["n"]) for row in rows}


def _timed(call: Callable[[], dict[str, int]]) -> tuple[float, dict[str, int]]:
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--histories", default="1000,10000,50000")
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--today", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    uri = os.environ.get("MONGODB_URI", "mongodb://127.0.0.1:27017/")
    database = f"bench_tallies_{uuid.uuid4().hex[:6]}"
    mongoengine.connect(db=database, host=uri, alias=ALIAS, tz_aware=True)
    SeenFact.ensure_indexes()
    TallyTotal.ensure_indexes()
    try:
        rows = []
        for facts in (int(n) for n in args.histories.split(",")):
            slug = f"stadt-{uuid.uuid4().hex[:6]}"
            now = datetime.now(UTC)
            created = now - timedelta(days=args.days + 1)
            _fill(slug, facts, args.days, args.today, now)
            # A deployment that has stored days for long (its old rows, none here, are sealed
            # on the first read), not one updated minutes ago.
            DaysCounted.objects(id="days-counted").delete()
            DaysCounted(since=now - timedelta(days=1)).save(force_insert=True)
            former = [_timed(functools.partial(_former, slug)) for _ in range(args.repeat)]
            read = functools.partial(read_tallies, slug, created)
            first_ms, first = _timed(read)
            reads = [_timed(read) for _ in range(args.repeat)]
            same = first == former[0][1] and all(r[1] == first for r in reads)
            rows.append((facts, former, first_ms, reads, same))
            print(f"history of {facts:,} facts measured", file=sys.stderr)
    finally:
        mongoengine.connection.get_connection(ALIAS).drop_database(database)
    live = len(live_days(datetime.now(UTC)))
    print(
        f"\nA city's tallies ({args.days} past days, {args.today} facts of today, a tag on every"
        f" fourth; median of {args.repeat}; {uri}); a read sums {live} day(s) row by row"
        " (two until 06:00 UTC)"
    )
    print(
        f"{'facts':>8} | {'former ms':>10} | {'first read ms':>13} | {'read ms':>8} |"
        f" {'former / read':>13} | same counts"
    )
    for facts, former, first_ms, reads, same in rows:
        old = statistics.median(ms for ms, _ in former)
        new = statistics.median(ms for ms, _ in reads)
        print(
            f"{facts:>8,} | {old:>10.1f} | {first_ms:>13.1f} | {new:>8.1f} |"
            f" {old / new:>12.1f}x | {'yes' if same else 'NO'}"
        )


if __name__ == "__main__":
    main()
