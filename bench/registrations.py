"""Table-talk registrations through the gateway at 1, 10 and 50 concurrent clients, beside the
same joins as raw nameko RPC calls to the dialogue service.

    .venv/bin/python bench/registrations.py [--registrations 300] [--capacity 12]

Starts RabbitMQ and FerretDB if needed (deploy/local/infra), the identity, cities and dialogue
services and the gateway (gunicorn, 2 workers x 8 threads, as deploy/local/run does). Through
the public API it creates a city in the table-talk phase, 50 signed-in citizens and, for every
concurrency level, fresh talks (capacity 12, so seats run out and waiting lists form). Each of
``c`` clients is one citizen joining every talk of the level; ``c`` citizens race for the same
seats. The same is done with raw RPC (``dialogue.join_talk`` as the citizen) on talks of their
own. After each level the seats are counted: no talk may be overbooked. Prints figures and
ratios; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import bench_platform, operator_login, percentile  # noqa: E402
from cities_support import CityMaker  # noqa: E402
from dialogue_support import create_talk, rpc_as, table_talk_city  # noqa: E402

LEVELS = (1, 10, 50)


def race(clients: int, talks: list[str], join: Callable[[int, str], bool]) -> dict[str, float]:
    """``clients`` threads, each joining every talk in order; latency per join in ms."""
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    start_line = threading.Barrier(clients)

    def client(index: int) -> None:
        nonlocal failures
        start_line.wait()
        for talk_id in talks:
            began = time.perf_counter()
            ok = join(index, talk_id)
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(elapsed)
                failures += 0 if ok else 1

    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    seconds = time.perf_counter() - began
    return {
        "registrations": len(latencies),
        "per_second": len(latencies) / seconds,
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "failures": failures,
    }


def overbooked(api, slug: str, talks: list[str], capacity: int) -> int:
    """Talks with more seats taken than their capacity (the invariant; must be 0)."""
    bad = 0
    for talk_id in talks:
        view = api.get(f"/cities/{slug}/talks/{talk_id}").json()
        bad += view["seats_taken"] > capacity
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=300, help="joins per level")
    parser.add_argument("--capacity", type=int, default=12)
    args = parser.parse_args()

    with bench_platform("benchreg", ("identity", "cities", "dialogue")) as (platform, api):
        cities = CityMaker(api, operator_login(api))
        city = table_talk_city(api, cities, platform)
        slug, topic_id = city["slug"], city["topic"]["id"]
        print(f"setting up {max(LEVELS)} citizens and a host in {slug} …", file=sys.stderr)
        host = api.verified_login()
        with ThreadPoolExecutor(4) as pool:
            citizens = list(pool.map(lambda _: api.verified_login(), range(max(LEVELS))))
        proxies = threading.local()

        def via_gateway(index: int, talk_id: str) -> bool:
            answer = requests.post(
                api.url(f"/cities/{slug}/talks/{talk_id}/registrations"),
                headers={"Authorization": f"Bearer {citizens[index]['token']}"},
                timeout=60,
            )
            return answer.status_code == 200

        def via_rpc(index: int, talk_id: str) -> bool:
            if getattr(proxies, "index", None) != index:
                proxies.index = index
                proxies.proxy = rpc_as(platform, citizens[index]["id"], timeout=60).start()
            return bool(proxies.proxy.dialogue.join_talk(slug, talk_id))

        rows = []
        for clients in LEVELS:
            per_client = max(1, math.ceil(args.registrations / clients))

            def new_talks(count: int = per_client) -> list[str]:
                return [
                    create_talk(api, slug, host, topic_id, capacity=args.capacity)["id"]
                    for _ in range(count)
                ]

            gateway_talks, rpc_talks = new_talks(), new_talks()
            gateway = race(clients, gateway_talks, via_gateway)
            raw = race(clients, rpc_talks, via_rpc)
            gateway["overbooked"] = overbooked(api, slug, gateway_talks, args.capacity)
            raw["overbooked"] = overbooked(api, slug, rpc_talks, args.capacity)
            rows.append({"clients": clients, "talks": per_client, "gateway": gateway, "rpc": raw})
            print(f"level {clients} done", file=sys.stderr)

        print(
            f"\nTable-talk registrations (capacity {args.capacity} per talk, every client joins "
            f"every talk of its level), {os.cpu_count()} cores"
        )
        print(
            f"{'clients':>7} {'talks':>5} | {'gateway reg/s':>13} {'p50':>8} {'p95':>8} "
            f"{'p99':>8} {'fail':>4} {'over':>4} | {'raw RPC reg/s':>13} {'p50':>8} {'p95':>8} "
            f"{'over':>4} | {'gw/RPC':>6}"
        )
        for row in rows:
            g, r = row["gateway"], row["rpc"]
            print(
                f"{row['clients']:>7} {row['talks']:>5} | {g['per_second']:>13.1f} "
                f"{g['p50']:>6.1f}ms {g['p95']:>6.1f}ms {g['p99']:>6.1f}ms "
                f"{g['failures']:>4} {g['overbooked']:>4} | "
                f"{r['per_second']:>13.1f} {r['p50']:>6.1f}ms {r['p95']:>6.1f}ms "
                f"{r['overbooked']:>4} | {g['per_second'] / r['per_second']:>5.0%}"
            )
        print("over = talks with more seats taken than their capacity (must be 0)")
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
