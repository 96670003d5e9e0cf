"""Search latency on the project's token index (services/kit/search_index.py) at 5,000
documents, on the database MONGODB_URI names (FerretDB in the local setup): three ways side
by side in one run, with ratios.

    MONGODB_URI=mongodb://127.0.0.1:27018/ .venv/bin/python bench/search.py \
        [--documents 5000] [--other 5000] [--repeat 15] [--puts 200]

Writes ``--documents`` generated German texts (title and a few sentences, words drawn from
a vocabulary so some words are rare and some common) as index entries of one city, and
``--other`` of a second city (FerretDB filters in Go or in SQL without an index: the other
city's entries cost too). All but the last ``--puts`` are inserted in bulk with the fields
``SearchIndex.put`` would write (``entry_fields``), to save minutes; those last go through
``put`` (an upsert by ``_id``), timed on the nearly full collection.
Then times, per query, ``--repeat`` times (median and 95th percentile):

- **scan**: the former filter, ``{city, terms: {$all: [...]}}`` (with today's ranking);
- **pivot**: ``SearchIndex.search`` as it is (``term_filter``: one term also as an equality,
  which FerretDB on PostgreSQL hands to SQL);
- **postings**: the design sketched before it was built — one posting document per city and
  term (``_id`` ``<city>:<term>``, the keys of the entries holding it, built here in bulk), one
  read by ``_id`` per query term, intersected in Python, then the entries by ``_id $in``.

Each way includes ranking and snippets (what a service does per search RPC; the RPC and the
page add about 2.4 ms per service call). Last, a probe of what postings would need: 8 threads
each ``$addToSet`` 25 keys into one posting (upsert by ``_id``), and how many survive.
Prints figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mongoengine  # noqa: E402
from pymongo.errors import DuplicateKeyError  # noqa: E402

from services.kit import search_terms  # noqa: E402
from services.kit.search_index import (  # noqa: E402
    MAX_HITS,
    SearchIndex,
    entry_fields,
    ranked,
    search_entry_document,
)

ALIAS = "bench_search"
COMMON = [
    "Stadt",
    "Bürger",
    "Zukunft",
    "Gespräch",
    "Nachbarn",
    "Ideen",
    "Platz",
    "Straße",
    "Leben",
    "Jahr",
]
MIDDLE = [
    "Radweg",
    "Spielplatz",
    "Bäume",
    "Bücherei",
    "Markt",
    "Brunnen",
    "Schule",
    "Bahnhof",
    "Busse",
    "Parkhaus",
    "Garten",
    "Wohnungen",
    "Senioren",
    "Jugendliche",
    "Kita",
    "Sportplatz",
    "Schwimmbad",
    "Kino",
    "Theater",
    "Museum",
    "Brücke",
    "Fluss",
    "Ufer",
    "Wald",
    "Wiese",
    "Bank",
    "Laternen",
    "Lärm",
    "Hitze",
    "Regen",
    "Solar",
    "Wärme",
    "Strom",
    "Wasser",
    "Müll",
]
RARE = [f"Sonderwort{i}" for i in range(400)]
QUERIES = {
    "rare word (1-2 hits)": "Sonderwort7",
    "common word (500+ hits)": "Straßen",
    "two middle words": "Radwege Bäume",
    "no hit": "Quantencomputer",
}


def _text(rng: random.Random, words: int) -> str:
    out = []
    for _ in range(words):
        roll = rng.random()
        pool = COMMON if roll < 0.3 else RARE if roll < 0.32 else MIDDLE
        out.append(rng.choice(pool))
    return " ".join(out) + "."


class ScanIndex(SearchIndex):
    """The index as it searched before: ``$all`` alone, which FerretDB filters in Go."""

    term_filter = staticmethod(lambda wanted: {"terms": {"$all": wanted}})


def _timed(call: Callable[[], int], repeat: int) -> tuple[int, float, float]:
    times, total = [], 0
    for _ in range(repeat):
        begin = time.perf_counter()
        total = call()
        times.append((time.perf_counter() - begin) * 1000)
    times.sort()
    return total, statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def _build_postings(entry: type, postings, cities: tuple[str, ...]) -> None:  # noqa: ANN001
    keys: dict[str, list[str]] = {}
    for city in cities:
        for row in entry.scoped(city).only("id", "terms").as_pymongo():
            for term in row["terms"]:
                keys.setdefault(f"{city}:{term}", []).append(row["_id"])
    postings.insert_many([{"_id": k, "keys": v} for k, v in keys.items()])
    biggest = max(len(v) for v in keys.values())
    print(f"postings: {len(keys)} documents, the largest naming {biggest} entries")


def _posting_search(entry: type, postings, city: str, query: str) -> int:  # noqa: ANN001
    wanted = search_terms.query_terms(query)
    keys: set[str] | None = None
    for term in wanted:
        doc = postings.find_one({"_id": f"{city}:{term}"})  # one read by _id per term
        got = set(doc["keys"]) if doc else set()
        keys = got if keys is None else keys & got
        if not keys:
            return 0
    chosen = sorted(keys or ())[:MAX_HITS]
    found = entry.scoped(city, id__in=chosen).exclude("terms").as_pymongo()
    return len(ranked(found, wanted))


def _add_to_set_probe(postings, threads: int = 8, each: int = 25) -> tuple[int, int]:  # noqa: ANN001
    """(keys that survived, upserts refused as duplicates) of threads × each $addToSet."""
    refused = [0]

    def add(worker: int) -> None:
        for i in range(each):
            try:
                postings.update_one(
                    {"_id": "probe:term"},
                    {"$addToSet": {"keys": f"w{worker}-{i}"}},
                    upsert=True,
                )
            except DuplicateKeyError:
                refused[0] += 1

    running = [threading.Thread(target=add, args=(w,)) for w in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    doc = postings.find_one({"_id": "probe:term"}) or {"keys": []}
    return len(doc["keys"]), refused[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--other", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--puts", type=int, default=200)
    args = parser.parse_args()
    uri = os.environ.get("MONGODB_URI", "mongodb://127.0.0.1:27017/")
    prefix = os.environ.get("STADTDIALOG_DB_PREFIX", "bench")
    database = f"{prefix}_bench_search"
    mongoengine.connect(db=database, host=uri, alias=ALIAS)
    entry = search_entry_document(ALIAS, __name__)
    entry.drop_collection()
    entry.ensure_indexes()
    postings = entry._get_db()["bench_postings"]
    postings.drop()
    index, scan = SearchIndex(entry), ScanIndex(entry)
    rng = random.Random(20)
    made = [
        (city, f"{i:024x}", _text(rng, 5), _text(rng, 60))
        for city, count in (("bench-a", args.documents), ("bench-b", args.other))
        for i in range(count)
    ]
    # All but the last --puts in bulk; those through put, timed on the nearly full collection.
    timed = made[len(made) - min(args.puts, len(made)) :]
    bulk = [
        {
            "_id": f"{city}:idea:{ref}",
            "city": city,
            **entry_fields("idea", ref, t, b, status="proposed"),
        }
        for city, ref, t, b in made[: len(made) - len(timed)]
    ]
    for start in range(0, len(bulk), 1000):
        entry._get_collection().insert_many(bulk[start : start + 1000])
    put_ms = []
    for city, ref, title, body in timed:
        begin = time.perf_counter()
        index.put(city, "idea", ref, title, body, status="proposed")
        put_ms.append((time.perf_counter() - begin) * 1000)
    print(
        f"database {uri} ({database}); {args.documents} entries in the city searched, "
        f"{args.other} in another; load average {os.getloadavg()[0]:.1f} at the start"
    )
    print(
        f"index writes: {statistics.median(put_ms or [0]):.1f} ms median per put "
        f"(an upsert, the last {len(put_ms)} entries)"
    )
    _build_postings(entry, postings, ("bench-a", "bench-b"))
    print(
        f"{'query':<26} {'hits':>5} {'scan ms':>15} {'pivot ms':>15} {'postings ms':>15} "
        f"{'scan÷pivot':>10} {'postings÷pivot':>14}"
    )
    for name, query in QUERIES.items():
        total, old, old95 = _timed(lambda q=query: scan.search("bench-a", q)["total"], args.repeat)
        _, new, new95 = _timed(lambda q=query: index.search("bench-a", q)["total"], args.repeat)
        _, post, post95 = _timed(
            lambda q=query: _posting_search(entry, postings, "bench-a", q), args.repeat
        )
        print(
            f"{name:<26} {total:>5} {old:>7.1f} / {old95:>6.1f} {new:>7.1f} / {new95:>6.1f} "
            f"{post:>7.1f} / {post95:>6.1f} {old / new:>9.1f}× {post / new:>13.1f}×"
        )
    print("(each cell: median / p95)")
    kept, refused = _add_to_set_probe(postings)
    print(
        f"concurrent $addToSet into one posting: {kept} of 200 keys kept, "
        f"{refused} upserts refused as duplicate _id"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    mongoengine.connection.get_connection(ALIAS).drop_database(database)


if __name__ == "__main__":
    main()
