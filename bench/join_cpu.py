"""CPU time per table-talk join, per process: what a join costs the whole 2-core machine.

    .venv/bin/python bench/join_cpu.py [--joins 200] [--clients 20] [--capacity 12]
        [--shared-database]

Wall-clock throughput on a shared machine is noise; the CPU a join costs is not (much). On
2 cores every process of the platform shares the CPU, so joins per second cannot exceed
2000 ms ÷ (CPU ms per join, all processes summed).

Starts, as bench/registrations.py does, a FerretDB on PostgreSQL of its own (fresh state,
free ports; ``--shared-database`` uses MONGODB_URI instead, whose CPU other users share), the
identity, cities and dialogue services and the gateway (gunicorn, 1 worker x 8 threads, as
the test platform starts it). Makes a city in the table-talk phase, ``--clients`` signed-in
citizens and talks of ``--capacity`` seats (seats run out, waiting lists form). Then
``--clients`` threads make ``--joins`` joins through the gateway, each client joining talks in
turn, and the script waits until the services' counters are still (outbox relay, mails,
facts done). Around that it reads the CPU time (user + system, via psutil) of every process:
the gateway's master and workers, each nameko service, FerretDB, the PostgreSQL postmaster
with all its backends (exited ones included: the postmaster's reaped children), the load
generator (this process's own threads), and the RabbitMQ node (``beam.smp``). The broker is
shared with other users of the machine: its CPU over an idle window of the same length just
before is subtracted, so that row is an estimate. Also prints RPC calls and database commands
per join from the services' ``/metrics`` (bench/round_trips.py). Asserts no overbooking.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import bench_platform, operator_login  # noqa: E402
from cities_support import CityMaker  # noqa: E402
from dialogue_support import create_talk, table_talk_city  # noqa: E402
from registrations import embedded_database, overbooked  # noqa: E402
from round_trips import SERVICES, settled, summary  # noqa: E402


def cpu_ms(process: psutil.Process, reaped: bool = True) -> float:
    """User + system CPU of ``process``, its live descendants and (``reaped``) the children
    it already waited for, in ms; a process that went away counts 0."""
    try:
        times = process.cpu_times()
        total = times.user + times.system
        if reaped:
            total += times.children_user + times.children_system
        for child in process.children(recursive=True):
            try:
                child_times = child.cpu_times()
                total += child_times.user + child_times.system
            except psutil.NoSuchProcess:
                pass
    except psutil.NoSuchProcess:
        return 0.0
    return total * 1000


def listening_on(port: int) -> psutil.Process | None:
    for conn in psutil.net_connections("tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
            return psutil.Process(conn.pid)
    return None


def postmaster_of(ferret: psutil.Process) -> psutil.Process | None:
    """The PostgreSQL postmaster FerretDB talks to (the parent of its backends)."""
    for conn in ferret.net_connections("tcp"):
        if conn.raddr and conn.status == psutil.CONN_ESTABLISHED:
            peer = listening_on(conn.raddr.port)
            if peer is not None and "postgres" in peer.name():
                return peer
    return None


def load_generator_ms() -> float:
    """This process's own CPU (the HTTP clients' threads), without its children (the
    platform's processes, counted on their own rows)."""
    times = psutil.Process().cpu_times()
    return (times.user + times.system) * 1000


def processes(platform, mongodb_uri: str, amqp_port: int) -> dict[str, tuple]:
    """Row name -> (process, whether reaped children count)."""
    rows: dict[str, tuple] = {}
    rows["gateway (gunicorn)"] = (psutil.Process(platform.processes["gateway"].pid), True)
    for service in SERVICES:
        rows[f"{service} service"] = (psutil.Process(platform.processes[service].pid), True)
    ferret_port = int(mongodb_uri.rsplit(":", 1)[1].split("/")[0])
    ferret = listening_on(ferret_port)
    if ferret is not None:
        rows["FerretDB"] = (ferret, False)
        postmaster = postmaster_of(ferret)
        if postmaster is not None:
            rows["PostgreSQL (all backends)"] = (postmaster, True)
    broker = listening_on(amqp_port)
    if broker is not None:
        rows["RabbitMQ (shared, idle-corrected)"] = (broker, False)
    return rows


def snapshot(rows: dict[str, tuple]) -> dict[str, float]:
    found = {name: cpu_ms(proc, reaped) for name, (proc, reaped) in rows.items()}
    found["load generator"] = load_generator_ms()
    return found


def start_profilers(py_spy: str, out: str, rows: dict[str, tuple]) -> list:
    """``py-spy record`` (sampling, collapsed stacks) on every Python process of ``rows``
    while the joins run; its own CPU lands on the load generator's row only as children."""
    if not py_spy:
        return []
    Path(out).mkdir(parents=True, exist_ok=True)
    started = []
    for name, (proc, _) in rows.items():
        if not name.endswith("service") and not name.startswith("gateway"):
            continue
        targets = [proc, *proc.children(recursive=True)] if name.startswith("gateway") else [proc]
        for target in targets:
            slug = name.split()[0]
            command = [py_spy, "record", "--nonblocking", "--format", "raw", "--rate", "200"]
            command += ["-p", str(target.pid), "-o", f"{out}/{slug}-{target.pid}.txt"]
            started.append(subprocess.Popen(command, stdout=subprocess.DEVNULL))
    time.sleep(1)  # attached before the first join
    return started


def stop_profilers(started: list) -> None:
    for process in started:
        process.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
    for process in started:
        process.wait(30)


def run(args: argparse.Namespace, mongodb_uri: str) -> dict:
    amqp_port = int(os.environ.get("AMQP_URI", ":5672/").rsplit(":", 1)[1].split("/")[0])
    with bench_platform("benchcpu", SERVICES) as (platform, api):
        cities = CityMaker(api, operator_login(api))
        city = table_talk_city(api, cities, platform)
        slug, topic_id = city["slug"], city["topic"]["id"]
        host = api.verified_login()
        with ThreadPoolExecutor(4) as pool:
            citizens = list(pool.map(lambda _: api.verified_login(), range(args.clients)))
        per_client = math.ceil(args.joins / args.clients)
        talks = [
            create_talk(api, slug, host, topic_id, capacity=args.capacity)["id"]
            for _ in range(per_client)
        ]
        rows = processes(platform, mongodb_uri, amqp_port)
        sessions = [requests.Session() for _ in citizens]  # keep-alive, like a browser
        failures = Counter()
        lock = threading.Lock()

        def client(index: int) -> None:
            for talk_id in talks:
                answer = sessions[index].post(
                    api.url(f"/cities/{slug}/talks/{talk_id}/registrations"),
                    headers={"Authorization": f"Bearer {citizens[index]['token']}"},
                    timeout=120,
                )
                if answer.status_code != 200:
                    with lock:
                        failures[answer.status_code] += 1

        counters = settled(platform, Counter())
        profilers = start_profilers(args.py_spy, args.profile_dir, rows)
        began = time.perf_counter()
        before = snapshot(rows)
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(client, range(args.clients)))
        joined_seconds = time.perf_counter() - began
        stop_profilers(profilers)
        delta_counters = settled(platform, counters)
        after = snapshot(rows)
        seconds = time.perf_counter() - began
        # The broker's idle rate (other users' traffic) over the same length, measured now:
        # the platform is still, so what the broker burns is not ours.
        idle_began = time.perf_counter()
        idle_before = snapshot(rows)
        time.sleep(min(seconds, 30))
        idle_after = snapshot(rows)
        idle_seconds = time.perf_counter() - idle_began
        joins = per_client * args.clients
        per_join = {}
        for name in after:
            spent = after[name] - before[name]
            if name.startswith("RabbitMQ"):
                rate = (idle_after[name] - idle_before[name]) / idle_seconds
                spent -= rate * seconds
            per_join[name] = spent / joins
        facts = summary(delta_counters)
        return {
            "joins": joins,
            "clients": args.clients,
            "failures": dict(failures),
            "overbooked": overbooked(api, slug, talks, args.capacity),
            "joins_per_second_wall": joins / joined_seconds,
            "cpu_ms_per_join": per_join,
            "rpc_per_join": sum(facts["rpc"].values()) / joins,
            "events_per_join": sum(facts["events"].values()) / joins,
            "db_in_request_per_join": sum(facts["inside"].values()) / joins,
            "db_after_per_join": sum(facts["after"].values()) / joins,
            "rpc_calls": facts["rpc"],
        }


def print_result(title: str, result: dict) -> None:
    print(
        f"\n{title}: {result['joins']} joins, {result['clients']} clients, {os.cpu_count()} cores"
    )
    total = 0.0
    for name, ms in result["cpu_ms_per_join"].items():
        total += ms
        print(f"  {name:<36} {ms:>7.2f} ms CPU per join")
    ceiling = 2000 / total if total > 0 else float("inf")
    print(f"  {'total':<36} {total:>7.2f} ms CPU per join -> ceiling {ceiling:.0f} joins/s")
    print(
        f"  RPC calls {result['rpc_per_join']:.2f}, events {result['events_per_join']:.2f}, "
        f"DB commands in request {result['db_in_request_per_join']:.2f}, after "
        f"{result['db_after_per_join']:.2f} per join; RPC: "
        + ", ".join(f"{m}×{n}" for m, n in sorted(result["rpc_calls"].items()))
    )
    print(
        f"  wall (shared machine, noise): {result['joins_per_second_wall']:.1f} joins/s; "
        f"failures {result['failures']}, overbooked talks {result['overbooked']}"
    )
    assert result["overbooked"] == 0, "a talk was overbooked"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--joins", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--capacity", type=int, default=12)
    parser.add_argument("--shared-database", action="store_true")
    parser.add_argument("--py-spy", default="", help="py-spy binary: sample the Python processes")
    parser.add_argument("--profile-dir", default="/tmp/join_cpu_profiles")
    args = parser.parse_args()
    if args.shared_database:
        result = run(args, os.environ.get("MONGODB_URI", "mongodb://127.0.0.1:27017/"))
        print_result("shared database (its CPU includes other users')", result)
        return
    with embedded_database("postgresql") as uri:
        os.environ["MONGODB_URI"] = uri
        result = run(args, uri)
    print_result("FerretDB on PostgreSQL of its own", result)


if __name__ == "__main__":
    main()
