"""Table-talk registrations through the gateway at 1, 10 and 50 concurrent clients, beside the
same joins as raw nameko RPC calls to the dialogue service and beside the floor.

    .venv/bin/python bench/registrations.py [--registrations 300] [--capacity 12]
        [--backends postgresql,sqlite]

Starts RabbitMQ and FerretDB if needed (deploy/local/infra), the identity, cities and dialogue
services and the gateway (gunicorn, 2 workers x 16 threads, as deploy/local/run does). Through
the public API it creates a city in the table-talk phase, 50 signed-in citizens and, for every
concurrency level, fresh talks (capacity 12, so seats run out and waiting lists form). Each of
``c`` clients is one citizen joining every talk of the level; ``c`` citizens race for the same
seats. The same is done with raw RPC (``dialogue.join_talk`` as the citizen) on talks of their
own. The *floor* (bench/floor.py) is a bare Flask endpoint under the same gunicorn settings
that does only a join's unavoidable writes (insert the registration, claim a seat) on the same
database; each row shows join ÷ floor. After each level the seats are counted: no talk may be
overbooked. Prints figures and ratios; asserts nothing about time.

``--backends postgresql,sqlite`` measures each embedded database in turn in one run: for each,
a FerretDB (and PostgreSQL) of its own on free ports and a fresh state dir (deploy/local/infra
with STADTDIALOG_DB_BACKEND), stopped and removed afterwards; the broker stays the one given.
``postgresql-asynchronous`` is PostgreSQL with ``synchronous_commit=off`` (a commit answers
before its log reaches the disk) instead of the default ``on``; a name given twice is measured
twice (to alternate: ``postgresql,postgresql-asynchronous,postgresql,postgresql-asynchronous``).
Without it, the database of the environment (MONGODB_URI or the local default) is measured.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import (  # noqa: E402
    KeepAliveClient,
    bench_platform,
    operator_login,
    percentile,
)
from cities_support import CityMaker  # noqa: E402
from dialogue_support import create_talk, rpc_as, table_talk_city  # noqa: E402
from floor import floor_server  # noqa: E402

from services.kit.testing import INFRA, free_port  # noqa: E402

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


@contextmanager
def embedded_database(backend: str) -> Iterator[str]:
    """A FerretDB of its own on ``backend`` (and its PostgreSQL), fresh; its MONGODB_URI."""
    state = Path(tempfile.mkdtemp(prefix=f"bench-db-{backend}-"))
    state.chmod(0o755)  # the `postgres` user runs the cluster in it
    env = {k: v for k, v in os.environ.items() if k != "MONGODB_URI"}
    # postgresql-asynchronous: PostgreSQL answering a commit before its log reaches the disk
    # (synchronous_commit=off) instead of waiting for it (the default, deploy/local/infra).
    asynchronous = backend == "postgresql-asynchronous"
    env.update(
        STADTDIALOG_DB_BACKEND="postgresql" if asynchronous else backend,
        POSTGRES_SYNCHRONOUS_COMMIT="off" if asynchronous else "on",
        STADTDIALOG_STATE=str(state),
        FERRETDB_PORT=str(free_port()),
        POSTGRES_PORT=str(free_port()),
        AMQP_URI=os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"),
    )
    out = subprocess.run([str(INFRA), "up"], env=env, check=True, capture_output=True, text=True)
    uri = next(
        line.split("=", 1)[1].strip("'")
        for line in out.stdout.splitlines()
        if line.startswith("export MONGODB_URI=")
    )
    try:
        yield uri
    finally:
        subprocess.run([str(INFRA), "down-db"], env=env, check=False)
        shutil.rmtree(state, ignore_errors=True)


def measure(args: argparse.Namespace) -> list[dict]:
    """Every level through the gateway, raw RPC and the floor on the current database."""
    with bench_platform("benchreg", ("identity", "cities", "dialogue")) as (platform, api):
        cities = CityMaker(api, operator_login(api))
        city = table_talk_city(api, cities, platform)
        slug, topic_id = city["slug"], city["topic"]["id"]
        print(f"setting up {max(LEVELS)} citizens and a host in {slug} …", file=sys.stderr)
        host = api.verified_login()
        with ThreadPoolExecutor(4) as pool:
            citizens = list(pool.map(lambda _: api.verified_login(), range(max(LEVELS))))
        proxies = threading.local()

        # One keep-alive connection per client, like a browser (and the same for the floor).
        sessions: dict[tuple[str, int], KeepAliveClient] = {}

        def session_of(kind: str, index: int) -> KeepAliveClient:
            return sessions.setdefault((kind, index), KeepAliveClient())

        def via_gateway(index: int, talk_id: str) -> bool:
            status = session_of("gateway", index).post(
                api.url(f"/cities/{slug}/talks/{talk_id}/registrations"),
                headers={"Authorization": f"Bearer {citizens[index]['token']}"},
                timeout=60,
            )
            return status == 200

        def via_rpc(index: int, talk_id: str) -> bool:
            if getattr(proxies, "index", None) != index:
                proxies.index = index
                proxies.proxy = rpc_as(platform, citizens[index]["id"], timeout=60).start()
            return bool(proxies.proxy.dialogue.join_talk(slug, talk_id))

        floor_db = f"{platform.infra.db_prefix}_floor"
        with floor_server(platform.infra.mongodb_uri, floor_db, free_port()) as floor_url:

            def via_floor(index: int, talk_id: str) -> bool:
                status = session_of("floor", index).post(
                    f"{floor_url}/floor/{talk_id}/{citizens[index]['id']}",
                    params={"capacity": args.capacity},
                    timeout=60,
                )
                return status == 200

            rows = []
            for clients in LEVELS:
                per_client = max(1, math.ceil(args.registrations / clients))

                def new_talks(count: int = per_client) -> list[str]:
                    return [
                        create_talk(api, slug, host, topic_id, capacity=args.capacity)["id"]
                        for _ in range(count)
                    ]

                gateway_talks, rpc_talks = new_talks(), new_talks()
                floor_talks = [uuid.uuid4().hex for _ in range(per_client)]
                gateway = race(clients, gateway_talks, via_gateway)
                raw = race(clients, rpc_talks, via_rpc)
                floor = race(clients, floor_talks, via_floor)
                gateway["overbooked"] = overbooked(api, slug, gateway_talks, args.capacity)
                raw["overbooked"] = overbooked(api, slug, rpc_talks, args.capacity)
                rows.append(
                    {
                        "clients": clients,
                        "talks": per_client,
                        "gateway": gateway,
                        "rpc": raw,
                        "floor": floor,
                    }
                )
                print(f"level {clients} done", file=sys.stderr)
    return rows


def print_table(title: str, rows: list[dict], capacity: int) -> None:
    print(
        f"\n{title}: table-talk registrations (capacity {capacity} per talk, every client "
        f"joins every talk of its level), {os.cpu_count()} cores"
    )
    print(
        f"{'clients':>7} {'talks':>5} | {'gateway reg/s':>13} {'p50':>8} {'p95':>8} "
        f"{'p99':>8} {'fail':>4} {'over':>4} | {'raw RPC reg/s':>13} {'p50':>8} {'p95':>8} "
        f"{'over':>4} | {'floor reg/s':>11} {'p50':>8} {'p95':>8} | {'gw/RPC':>6} "
        f"{'floor/gw':>8} {'p50 gw/floor':>12}"
    )
    for row in rows:
        g, r, f = row["gateway"], row["rpc"], row["floor"]
        print(
            f"{row['clients']:>7} {row['talks']:>5} | {g['per_second']:>13.1f} "
            f"{g['p50']:>6.1f}ms {g['p95']:>6.1f}ms {g['p99']:>6.1f}ms "
            f"{g['failures']:>4} {g['overbooked']:>4} | "
            f"{r['per_second']:>13.1f} {r['p50']:>6.1f}ms {r['p95']:>6.1f}ms "
            f"{r['overbooked']:>4} | {f['per_second']:>11.1f} {f['p50']:>6.1f}ms "
            f"{f['p95']:>6.1f}ms | {g['per_second'] / r['per_second']:>5.0%} "
            f"{f['per_second'] / g['per_second']:>7.1f}x {g['p50'] / f['p50']:>11.1f}x"
        )
    print(
        "over = talks with more seats taken than their capacity (must be 0); floor/gw = how "
        "many times the floor's throughput the join's is below; p50 gw/floor = the join's "
        "median time in multiples of the floor's"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=300, help="joins per level")
    parser.add_argument("--capacity", type=int, default=12)
    parser.add_argument(
        "--backends",
        default="",
        help="comma-separated embedded databases to measure in turn (postgresql, "
        "postgresql-asynchronous, sqlite); "
        "default: the database of the environment",
    )
    args = parser.parse_args()

    backends = [name.strip() for name in args.backends.split(",") if name.strip()]
    results: dict[str, list[dict]] = {}
    if not backends:
        results["database of the environment"] = measure(args)
    for turn, backend in enumerate(backends, start=1):
        print(f"FerretDB on {backend} …", file=sys.stderr)
        began = time.perf_counter()
        with embedded_database(backend) as uri:
            os.environ["MONGODB_URI"] = uri
            title = f"FerretDB on {backend}"
            if backends.count(backend) > 1:  # the same database again, e.g. alternating
                title = f"{title} (turn {turn})"
            results[title] = measure(args)
        print(f"{backend}: {time.perf_counter() - began:.0f} s", file=sys.stderr)
    for title, rows in results.items():
        print_table(title, rows, args.capacity)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
