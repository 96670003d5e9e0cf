"""The CPU floor of one action on the fixed stack: one HTTP request through the gateway, one
nameko RPC call, two inserts — measured side by side in one run.

    .venv/bin/python bench/rpc_floor.py [--calls 2000] [--clients 20] [--idle-seconds 10]

bench/join_cpu.py measures what a table-talk join costs the whole 2-core machine (about 88 ms
of CPU in all processes, a ceiling of about 22 joins/s). Issue 14 asks for 100 joins/s, a
budget of at most 20 ms of CPU per join for everything. This script measures what no join on
this stack can avoid, each part on its own and with the same clients:

1. **HTTP through the gateway**: ``GET /healthz`` on the gateway (gunicorn, 1 worker x 8
   threads as the platform runs it; answers without RPC or database): the gateway's and the
   HTTP clients' CPU per request.
2. **One nameko RPC call**: ``identity.ping`` (the kit's entrypoint with its metrics and log
   line, no database) from ``--clients`` threads, each with a standalone ``ClusterRpcProxy``:
   the service's, the broker's (shared, idle-corrected) and the caller's CPU per call.
3. **Two inserts** (bench/floor.py: a registration and a seat, bare Flask and pymongo) on a
   FerretDB on PostgreSQL of its own: the database's CPU per join (FerretDB + PostgreSQL).

The sum is a lower bound for any join that goes gateway -> one service -> the database:
without the sign-in check, the fact, the outbox relay, the mail and the tallies a join also
needs. Its ceiling on 2 cores is 2000 ms / that sum.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import bench_platform  # noqa: E402
from floor import floor_server  # noqa: E402
from join_cpu import listening_on, postmaster_of, snapshot  # noqa: E402
from registrations import embedded_database  # noqa: E402

from services.kit.testing import free_port  # noqa: E402


def idle_rates(rows: dict[str, tuple], seconds: float) -> dict[str, float]:
    """CPU ms per second of each process while nothing is asked."""
    first = snapshot(rows)
    time.sleep(seconds)
    return {k: (v - first[k]) / seconds for k, v in snapshot(rows).items()}


def measured(rows: dict[str, tuple], idle: dict[str, float], calls: int, work) -> dict:
    """CPU ms per call of each process for ``work()`` (which makes ``calls`` calls), minus
    each process's idle rate over the same time; and the calls per second."""
    before = snapshot(rows)
    began = time.perf_counter()
    work()
    seconds = time.perf_counter() - began
    after = snapshot(rows)
    per_call = {
        name: (after[name] - before[name] - idle.get(name, 0.0) * seconds) / calls for name in after
    }
    return {"per_call": per_call, "per_second": calls / seconds}


def in_threads(clients: int, calls: int, one_client) -> Callable[[], None]:
    """``calls`` calls shared by ``clients`` threads, as one piece of work."""

    def work() -> None:
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(lambda i: one_client(i, calls // clients), range(clients)))

    return work


def run(args: argparse.Namespace, mongodb_uri: str) -> dict[str, dict]:
    from nameko.standalone.rpc import ClusterRpcProxy

    calls = args.calls - args.calls % args.clients
    amqp_uri = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    amqp_port = int(amqp_uri.rsplit(":", 1)[1].split("/")[0])
    with bench_platform("benchrpc", ("identity",)) as (platform, api):
        gateway = psutil.Process(platform.processes["gateway"].pid)
        identity = psutil.Process(platform.processes["identity"].pid)
        broker = listening_on(amqp_port)
        ferret = listening_on(int(mongodb_uri.rsplit(":", 1)[1].split("/")[0]))
        postmaster = postmaster_of(ferret)
        rows = {
            "gateway (gunicorn)": (gateway, True),
            "identity service": (identity, True),
            "RabbitMQ (shared, idle-corrected)": (broker, False),
            "FerretDB": (ferret, False),
            "PostgreSQL (all backends)": (postmaster, True),
        }
        idle = idle_rates(rows, args.idle_seconds)
        sessions = [requests.Session() for _ in range(args.clients)]

        def http_client(index: int, n: int) -> None:
            for _ in range(n):
                assert sessions[index].get(api.base + "/healthz", timeout=60).status_code == 200

        proxies = [
            ClusterRpcProxy({"AMQP_URI": platform.infra.amqp_uri}, timeout=60)
            for _ in range(args.clients)
        ]
        started = [proxy.start() for proxy in proxies]

        def rpc_client(index: int, n: int) -> None:
            for _ in range(n):
                assert started[index].identity.ping() == "ok"

        result = {
            "HTTP through the gateway (GET /healthz)": measured(
                rows, idle, calls, in_threads(args.clients, calls, http_client)
            ),
            "one nameko RPC call (identity.ping)": measured(
                rows, idle, calls, in_threads(args.clients, calls, rpc_client)
            ),
        }
        for proxy in proxies:
            proxy.stop()
        port = free_port()
        with floor_server(mongodb_uri, f"{platform.infra.db_prefix}_floor", port) as url:
            floor_rows = {"floor (gunicorn)": (listening_on(port), True), **rows}
            idle["floor (gunicorn)"] = 0.0
            talks = [uuid.uuid4().hex for _ in range(calls // args.clients)]

            def floor_client(index: int, n: int) -> None:
                for talk in talks[:n]:
                    answer = sessions[index].post(
                        f"{url}/floor/{talk}/person{index}", params={"capacity": 12}, timeout=60
                    )
                    assert answer.status_code == 200, answer.text[:200]

            result["two inserts (bench/floor.py)"] = measured(
                floor_rows, idle, calls, in_threads(args.clients, calls, floor_client)
            )
    return result


def report(result: dict[str, dict], idle_total: float = 0.0) -> None:
    print(f"\nCPU ms per call, per process ({os.cpu_count()} cores; idle rates subtracted)")
    for phase, figures in result.items():
        print(f"\n{phase}: {figures['per_second']:.0f} calls/s (wall, this machine)")
        for name, ms in figures["per_call"].items():
            if abs(ms) >= 0.005:
                print(f"  {name:<36} {ms:>7.2f}")
        print(f"  {'total':<36} {sum(figures['per_call'].values()):>7.2f}")
    http = result["HTTP through the gateway (GET /healthz)"]["per_call"]
    rpc = result["one nameko RPC call (identity.ping)"]["per_call"]
    inserts = result["two inserts (bench/floor.py)"]["per_call"]
    parts = {
        "gateway + its HTTP client": http["gateway (gunicorn)"] + http["load generator"],
        "one RPC call (service, broker, caller)": sum(rpc.values())
        - rpc.get("gateway (gunicorn)", 0),
        "two inserts (FerretDB + PostgreSQL)": inserts["FerretDB"]
        + inserts["PostgreSQL (all backends)"],
    }
    total = sum(parts.values())
    print("\nthe floor of one join on this stack (gateway -> one service -> two inserts):")
    for name, ms in parts.items():
        print(f"  {name:<40} {ms:>7.2f} ms  ({ms / total:.0%})")
    print(f"  {'total':<40} {total:>7.2f} ms  -> at most {2000 / total:.0f} joins/s on 2 cores")
    print(f"  100 joins/s allows 20 ms of CPU per join: the floor takes {total / 20:.0%} of it")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--idle-seconds", type=float, default=10)
    args = parser.parse_args()
    with embedded_database("postgresql") as uri:
        os.environ["MONGODB_URI"] = uri
        report(run(args, uri))


if __name__ == "__main__":
    main()
