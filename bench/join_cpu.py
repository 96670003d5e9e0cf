"""CPU time per table-talk join, per process: what a join costs the whole 2-core machine.

    .venv/bin/python bench/join_cpu.py [--joins 200] [--clients 20] [--capacity 12]
        [--shared-database] [--no-floor] [--idle-seconds 20] [--py-spy BINARY] [--detail]

Wall-clock throughput on a shared machine is noise; the CPU a join costs is not (much). On
2 cores every process of the platform shares the CPU, so joins per second cannot exceed
(2000 ms - the background's CPU per second) / (CPU ms per join, all processes summed).

Starts, as bench/registrations.py does, a FerretDB on PostgreSQL of its own (fresh state,
free ports; ``--shared-database`` uses MONGODB_URI instead, whose CPU other users share), the
identity, cities and dialogue services and the gateway (gunicorn, 2 workers x 16 threads, as
deploy/local/run starts it). Makes a city in the table-talk phase, ``--clients`` signed-in
citizens and talks of ``--capacity`` seats (seats run out, waiting lists form). Then
``--clients`` threads make ``--joins`` joins through the gateway, each client joining the
talks in turn, and the script waits until the services' counters are still (outbox relays,
mails, counted facts done). Around that it reads the CPU time (user + system, psutil) of
every process: the gateway's master and workers, each nameko service, FerretDB, the PostgreSQL
postmaster with all its backends (exited ones too: the postmaster's reaped children), the load
generator (this process's threads, the mail sink's too) and the RabbitMQ node (beam.smp).

Every process is also measured over an idle window before and after the joins
(``--idle-seconds`` each, averaged): the background loops poll whether joins come or not,
and the broker is shared with other users of the machine. "per join" is the run's CPU minus
that idle rate times the run's length, divided by the joins; for the shared broker it is the
only figure shown, an estimate. RPC calls, event handlers and database commands per join come
from the services' ``/metrics`` (bench/round_trips.py; ``--detail`` lists the database
commands per join by service, origin and command). Asserts that no talk is overbooked.

Then the floor (bench/floor.py: the two inserts no join avoids) makes as many joins with as
many clients on the same database, measured the same way (``--no-floor`` skips it).
``--all-services`` starts the events and scenarios services too: a join does not call them,
but they receive the ``city.changed`` every counted fact causes.
``--py-spy BINARY`` samples the Python processes while the joins run (collapsed stacks in
``--profile-dir``; py-spy counts threads that run or wait for a core, so on a loaded machine
its shares lean towards the places where a process wakes up).
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
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import round_trips  # noqa: E402
from bench_support import KeepAliveClient, bench_platform, operator_login  # noqa: E402
from cities_support import CityMaker  # noqa: E402
from dialogue_support import create_talk, table_talk_city  # noqa: E402
from floor import floor_server  # noqa: E402
from registrations import embedded_database, overbooked  # noqa: E402
from round_trips import settled, summary  # noqa: E402

from services.kit.testing import free_port  # noqa: E402


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
    for service in round_trips.SERVICES:
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
    with bench_platform("benchcpu", round_trips.SERVICES) as (platform, api):
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
        sessions = [KeepAliveClient() for _ in citizens]  # keep-alive, like a browser
        failures = Counter()
        lock = threading.Lock()

        def client(index: int) -> None:
            for talk_id in talks:
                status = sessions[index].post(
                    api.url(f"/cities/{slug}/talks/{talk_id}/registrations"),
                    headers={"Authorization": f"Bearer {citizens[index]['token']}"},
                    timeout=120,
                )
                if status != 200:
                    with lock:
                        failures[status] += 1

        counters = settled(platform, Counter())
        idle_first = snapshot(rows)
        time.sleep(args.idle_seconds)
        idle_first_rates = {
            k: (v - idle_first[k]) / args.idle_seconds for k, v in snapshot(rows).items()
        }
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
        # Every process's idle rate over the same length, measured now that the platform is
        # still: the background loops' polls, and the shared broker's other users.
        idle_began = time.perf_counter()
        idle_before = snapshot(rows)
        time.sleep(args.idle_seconds)
        idle_after = snapshot(rows)
        idle_seconds = time.perf_counter() - idle_began
        joins = per_client * args.clients
        gross, idle_rate, marginal = {}, {}, {}
        for name in after:
            spent = after[name] - before[name]
            later = (idle_after[name] - idle_before[name]) / idle_seconds  # ms/s
            idle_rate[name] = (idle_first_rates[name] + later) / 2
            gross[name] = spent / joins
            marginal[name] = (spent - idle_rate[name] * seconds) / joins
        facts = summary(delta_counters)
        floor = floor_cpu(args, platform, rows, idle_rate, sessions)
        return {
            "floor_ms_per_join": floor,
            "joins": joins,
            "clients": args.clients,
            "failures": dict(failures),
            "overbooked": overbooked(api, slug, talks, args.capacity),
            "joins_per_second_wall": joins / joined_seconds,
            "seconds": seconds,
            "cpu_ms_per_join": gross,
            "idle_ms_per_second": idle_rate,
            "marginal_ms_per_join": marginal,
            "rpc_per_join": sum(facts["rpc"].values()) / joins,
            "events_per_join": sum(facts["events"].values()) / joins,
            "db_in_request_per_join": sum(facts["inside"].values()) / joins,
            "db_after_per_join": sum(facts["after"].values()) / joins,
            "rpc_calls": facts["rpc"],
            "event_calls": facts["events"],
            "db_commands": facts["commands"],
        }


def floor_cpu(args: argparse.Namespace, platform, rows: dict, idle_rate: dict, sessions) -> dict:
    """The floor (bench/floor.py: the two inserts no join avoids, bare Flask and pymongo) on
    the same database, the same joins and clients: CPU per join per process, as above."""
    if args.no_floor:
        return {}
    port = free_port()
    database = f"{platform.infra.db_prefix}_floor"
    with floor_server(platform.infra.mongodb_uri, database, port) as url:
        shared = {k: v for k, v in rows.items() if k.startswith(("FerretDB", "PostgreSQL"))}
        floor_rows = {"floor (gunicorn)": (listening_on(port), True), **shared}
        talks = [uuid.uuid4().hex for _ in range(math.ceil(args.joins / args.clients))]

        def client(index: int) -> None:
            for talk in talks:
                status = sessions[index].post(
                    f"{url}/floor/{talk}/person{index}",
                    params={"capacity": args.capacity},
                    timeout=120,
                )
                assert status == 200, f"the floor answered {status}"

        began = time.perf_counter()
        before = snapshot(floor_rows)
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(client, range(args.clients)))
        after = snapshot(floor_rows)
        seconds = time.perf_counter() - began
    joins = len(talks) * args.clients
    return {
        name: (after[name] - before[name] - idle_rate.get(name, 0.0) * seconds) / joins
        for name in after
    }


def print_result(title: str, result: dict, detail: bool = False) -> None:
    print(
        f"\n{title}: {result['joins']} joins, {result['clients']} clients, {os.cpu_count()} cores"
    )
    print(
        f"  {'process':<34} {'gross':>8} {'idle ms/s':>10} {'per join':>9}  "
        "(ms CPU; per join = gross minus the idle rate over the run's length)"
    )
    gross_total = marginal_total = idle_total = 0.0
    for name, gross in result["cpu_ms_per_join"].items():
        idle = result["idle_ms_per_second"][name]
        marginal = result["marginal_ms_per_join"][name]
        shared = name.startswith("RabbitMQ")
        if not shared:  # the shared broker's gross and idle are other users' too
            gross_total += gross
            idle_total += idle
        marginal_total += marginal
        shown = ("-", "-") if shared else (f"{gross:.2f}", f"{idle:.1f}")
        print(f"  {name:<34} {shown[0]:>8} {shown[1]:>10} {marginal:>9.2f}")
    ceiling = (2000 - idle_total) / marginal_total if marginal_total > 0 else float("inf")
    print(
        f"  {'total':<34} {gross_total:>8.2f} {idle_total:>10.1f} {marginal_total:>9.2f}  "
        f"-> ceiling on 2 cores (2000 - idle) / per join = {ceiling:.0f} joins/s"
    )
    print(
        f"  RPC calls {result['rpc_per_join']:.2f}, events {result['events_per_join']:.2f}, "
        f"DB commands in request {result['db_in_request_per_join']:.2f}, after "
        f"{result['db_after_per_join']:.2f} per join; RPC: "
        + ", ".join(f"{m}×{n}" for m, n in sorted(result["rpc_calls"].items()))
        + "; events: "
        + ", ".join(f"{m}×{n}" for m, n in sorted(result["event_calls"].items()))
    )
    if detail:
        joins = max(1, result["joins"])
        print("  database commands per join by service, origin and command:")
        for what, n in sorted(result["db_commands"].items(), key=lambda item: -item[1]):
            print(f"    {n / joins:6.2f}  {what}")
    print(
        f"  wall (shared machine, noise): {result['joins_per_second_wall']:.1f} joins/s; "
        f"failures {result['failures']}, overbooked talks {result['overbooked']}"
    )
    floor = result["floor_ms_per_join"]
    if floor:
        print("  the floor (two inserts per join, bench/floor.py), same database, per join:")
        for name, ms in floor.items():
            print(f"  {name:<34} {ms:>28.2f}")
        total = sum(floor.values())
        print(f"  {'total':<34} {total:>28.2f}  -> ceiling {2000 / total:.0f} joins/s")
    assert result["overbooked"] == 0, "a talk was overbooked"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--joins", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--capacity", type=int, default=12)
    parser.add_argument("--shared-database", action="store_true")
    parser.add_argument("--no-floor", action="store_true", help="skip the floor's run")
    parser.add_argument(
        "--all-services",
        action="store_true",
        help="also the events and scenarios services (they receive every city.changed)",
    )
    parser.add_argument(
        "--idle-seconds", type=float, default=20, help="each idle window, before and after"
    )
    parser.add_argument("--py-spy", default="", help="py-spy binary: sample the Python processes")
    parser.add_argument("--profile-dir", default="/tmp/join_cpu_profiles")
    parser.add_argument("--detail", action="store_true", help="database commands by origin")
    args = parser.parse_args()
    if args.all_services:  # scraped and measured like the others (round_trips reads this)
        round_trips.SERVICES = ("identity", "cities", "dialogue", "events", "scenarios")
    if args.shared_database:
        result = run(args, os.environ.get("MONGODB_URI", "mongodb://127.0.0.1:27017/"))
        print_result("shared database (its CPU includes other users')", result, args.detail)
        return
    with embedded_database("postgresql") as uri:
        os.environ["MONGODB_URI"] = uri
        result = run(args, uri)
    print_result("FerretDB on PostgreSQL of its own", result, args.detail)


if __name__ == "__main__":
    main()
