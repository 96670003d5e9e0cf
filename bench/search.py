"""Search latency on the project's token index (services/kit/search_index.py) at 5,000
documents, on the database MONGODB_URI names (FerretDB in the local setup).

    MONGODB_URI=mongodb://127.0.0.1:27018/ .venv/bin/python bench/search.py \
        [--documents 5000] [--other 5000] [--repeat 30]

Writes ``--documents`` generated German texts (title and a few sentences, words drawn from
a vocabulary so some words are rare and some common) as index entries of one city, and
``--other`` of a second city (FerretDB filters in Go or in SQL without an index: the other
city's entries cost too). Then times, per query, ``SearchIndex.search`` (the database query,
ranking and snippets; what each service does per search RPC) ``--repeat`` times and prints
median and 95th percentile. The RPC and the page add about 2.4 ms per service call
(ARCHITECTURE.md) on top. Prints figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mongoengine  # noqa: E402

from services.kit.search_index import SearchIndex, search_entry_document  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--other", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    uri = os.environ.get("MONGODB_URI", "mongodb://127.0.0.1:27017/")
    prefix = os.environ.get("STADTDIALOG_DB_PREFIX", "bench")
    database = f"{prefix}_bench_search"
    mongoengine.connect(db=database, host=uri, alias=ALIAS)
    entry = search_entry_document(ALIAS, __name__)
    entry.drop_collection()
    entry.ensure_indexes()
    index = SearchIndex(entry)
    rng = random.Random(20)
    started = time.perf_counter()
    for city, count in (("bench-a", args.documents), ("bench-b", args.other)):
        for i in range(count):
            index.put(city, "idea", f"{i:024x}", _text(rng, 5), _text(rng, 60), status="proposed")
    written = args.documents + args.other
    per_write = (time.perf_counter() - started) / max(written, 1) * 1000
    print(
        f"database {uri} ({database}); {args.documents} entries in the city searched, "
        f"{args.other} in another"
    )
    print(f"index writes: {per_write:.1f} ms per entry (an upsert)")
    print(f"{'query':<26} {'hits':>6} {'median ms':>10} {'p95 ms':>8}")
    for name, query in QUERIES.items():
        times, total = [], 0
        for _ in range(args.repeat):
            begin = time.perf_counter()
            total = index.search("bench-a", query)["total"]
            times.append((time.perf_counter() - begin) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"{name:<26} {total:>6} {statistics.median(times):>10.1f} {p95:>8.1f}")
    mongoengine.connection.get_connection(ALIAS).drop_database(database)


if __name__ == "__main__":
    main()
