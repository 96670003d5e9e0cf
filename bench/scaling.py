"""1,000 concurrent registrations for one 20-seat table talk, served by 1, 2 and 3 processes of
the dialogue service (competing consumers of one RabbitMQ queue).

    .venv/bin/python bench/scaling.py [--crowd 1000] [--seats 20] [--clients 50]

Starts RabbitMQ and FerretDB if needed, the identity, cities and dialogue services and the
gateway; registers ``--crowd`` real accounts through the API and waits until their sign-up
mails are out. For each number of processes a fresh talk with ``--seats`` seats then gets one
join per account from ``--clients`` threads at once (raw nameko RPC as that account, one
standalone proxy per thread, with the signed caller context and account summary the gateway
sends); the clock starts once every proxy is ready. The row waits until every service's mails
and facts are out (printed: when, and the joins per second with their mails), so no row sends
an earlier row's mails. Then the outcome is checked against the database: exactly ``seats``
seats taken, each once, one registration per person; and the talk's seats and registrations
are removed, so each row starts from the same seats and registrations.

Prints joins per second, p50/p95 and the speed-up over one process, and under each row the
dialogue processes' database commands per join in the joins' window (all, and the five most
frequent by origin and command) and their settles per join by way
(``stadtdialog_settles_total``: run with the lease, lease missed, run without it, covered by
another caller's settle) with the mean lease wait and settle time; asserts nothing about time.
On a 2-core machine the database and the broker share the cores with the service processes,
so expect the speed-up to flatten early.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import bench_platform, operator_login, percentile  # noqa: E402
from cities_support import CityMaker  # noqa: E402
from dialogue_support import create_talk, register_crowd, table_talk_city  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from pymongo.database import Database  # noqa: E402

from services.kit.context import Caller  # noqa: E402
from services.kit.mail_choices import DEFAULT_NOTIFICATION_MAIL  # noqa: E402
from services.kit.testbed import caller_context  # noqa: E402
from services.kit.testbed_metrics import (  # noqa: E402
    DB_COMMANDS,
    QUEUE_MESSAGES,
    SETTLE_SECONDS,
    SETTLES,
    service_metrics,
)
from services.kit.testing import Platform  # noqa: E402

SERVICES = ("identity", "cities", "dialogue")


def summary_of(person: dict) -> dict:
    """The account summary the gateway sends along with a signed-in person's call (identity's
    ``summary_of``, read by ``authenticate``): without it the service would ask identity for
    the joiner's name and address, which no join through the gateway does."""
    return {
        "id": person["id"],
        "email": person["email"],
        "display_name": person["display_name"],
        "verified": True,
        "locale": "de",
        "mail_off": [],
        "notification_mail": DEFAULT_NOTIFICATION_MAIL,
    }


def crowd_joins(amqp_uri: str, slug: str, talk_id: str, people: list[dict], clients: int) -> dict:
    """Every person joins once; ``clients`` threads, each with its own proxy."""
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    queue = list(people)
    first_join: list[float] = []  # when every proxy had started: the clock starts then
    last_answer: list[float] = [0.0]  # and ends with the last answer, before the proxies stop
    ready = threading.Barrier(
        clients, action=lambda: first_join.extend((time.perf_counter(), time.time()))
    )

    def client(_: int) -> None:
        standalone = ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}, timeout=120)
        try:
            proxy = standalone.start()
        except BaseException:
            ready.abort()  # the others would wait for this one forever
            raise
        data = standalone._worker_ctx.data  # context sent with each call, as in gateway/rpc.py
        try:
            ready.wait(timeout=120)
            while True:
                with lock:
                    if not queue:
                        return
                    person = queue.pop(0)
                data.clear()
                # Signed and with the person's summary, as the gateway sends it.
                caller = Caller(user_id=person["id"], summary=summary_of(person))
                data.update(caller_context(caller))
                began = time.perf_counter()
                answer = proxy.dialogue.join_talk(slug, talk_id, {})
                answered = time.perf_counter()
                with lock:
                    latencies.append((answered - began) * 1000)
                    statuses[answer["status"]] += 1
                    last_answer[0] = max(last_answer[0], answered)
        finally:
            standalone.stop()

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))  # a broken barrier raises here
    began, window_start = first_join
    seconds = last_answer[0] - began
    return {
        "window": [window_start, window_start + seconds],  # for CPU samples by time
        "joins": len(latencies),
        "per_second": len(latencies) / seconds,
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
        "statuses": dict(statuses),
    }


def check(platform: Platform, slug: str, talk_id: str, seats: int, crowd: int) -> str:
    """The invariant, read from the database: 'ok' or what is wrong."""
    db = platform.infra.database("dialogue")
    taken = list(db["seats"].find({"city": slug, "talk_id": talk_id}))
    registrations = list(db["registrations"].find({"city": slug, "talk_id": talk_id}))
    people = [r["person"] for r in registrations]
    problems = []
    if len(taken) != seats:
        problems.append(f"{len(taken)} seats taken")
    if len({s["number"] for s in taken}) != len(taken):
        problems.append("a seat given twice")
    if len(people) != len(set(people)) or len(people) != crowd:
        problems.append(f"{len(people)} registrations for {len(set(people))} people")
    return "; ".join(problems) or "ok"


def drained(platform: Platform, since: float, timeout: float = 600.0) -> float | None:
    """Wait until every started service's mails and facts are out (none pending but dead
    letters) and no message waits in their queues, twice in a row half a second apart;
    seconds from ``since`` (a ``time.time()``) until the first of the two, None if not within
    ``timeout``.

    Each row starts only then, and the first only once the crowd's sign-up mails are out: the
    mails of a row go out after its joins (a thousand joins left several hundred waiting
    here), and a row that also sent an earlier row's mails would be measured against work
    that is not its own."""
    databases = [platform.infra.database(name) for name in SERVICES]
    deadline = time.monotonic() + timeout
    quiet_at: float | None = None
    while time.monotonic() < deadline:
        if any(pending(db) for db in databases) or queued(platform):
            quiet_at = None
        elif quiet_at is None:
            quiet_at = time.time()
        else:  # still quiet: a consumer did not just turn a fact into a mail
            return quiet_at - since
        time.sleep(0.5)  # each look scrapes the services' metrics, which read the database
    return None


def queued(platform: Platform) -> bool:
    """Whether a message is ready in a queue a started service consumes (their facts' events,
    RPC requests): read from each service's ``stadtdialog_queue_messages``."""
    return any(
        sample.value > 0
        for name in SERVICES
        for sample in service_metrics(platform, name, QUEUE_MESSAGES)
    )


def pending(db: Database) -> bool:
    """Whether a mail or a fact of this service's database still waits to go out."""
    waiting = {"dead_at": None}
    return bool(
        db["mail_outbox"].find_one({"sent_at": None, **waiting}, {"_id": 1})
        or db["outbox"].find_one({"published_at": None, **waiting}, {"_id": 1})
    )


def forget_talk(platform: Platform, slug: str, talk_id: str) -> None:
    """Every row starts from the same seats and registrations: on FerretDB a settle's read of
    a talk's registrations scans the whole collection, so the 1,000 registrations an earlier
    row left would make each later row (more processes) pay for them too."""
    db = platform.infra.database("dialogue")
    for name in ("seats", "registrations"):
        db[name].delete_many({"city": slug, "talk_id": talk_id})


def dialogue_counts(platform: Platform) -> Counter[str]:
    """The running dialogue processes' database commands (by origin and command) and their
    settles (by way, and seconds by part) so far, all added up."""
    found: Counter[str] = Counter()
    # The first process and its replicas (``Platform.replica`` names them ``dialogue-N``).
    keys = [k for k in platform.metrics_ports if k.partition("-")[0] == "dialogue"]
    for key in keys:
        for sample in service_metrics(platform, key, DB_COMMANDS, SETTLES, SETTLE_SECONDS):
            if sample.labels.get("service") != "dialogue":
                continue  # another service's settles, or commands to its database
            if sample.name == SETTLES:
                found[f"settle {sample.labels['way']}"] += sample.value
            elif sample.name == SETTLE_SECONDS:
                found[f"seconds {sample.labels['part']}"] += sample.value
            else:
                found[f"{sample.labels['origin']} {sample.labels['command']}"] += sample.value
    return found


def settles_line(moved: Counter[str], joins: int) -> str:
    """Settles per join by way, and the mean lease wait and settle time of a settle run."""
    ways = {k.removeprefix("settle "): v for k, v in moved.items() if k.startswith("settle ")}
    ran = sum(v for k, v in ways.items() if k.startswith("ran_")) or 1
    parts = ", ".join(f"{way} {count / joins:.3f}" for way, count in sorted(ways.items()))
    wait, took = (moved[f"seconds {part}"] / ran * 1000 for part in ("lease_wait", "settle"))
    return (
        f"{'':>9}   settles per join: {parts}; per settle run: lease wait {wait:.1f} ms, "
        f"settle {took:.1f} ms"
    )


def drained_line(row: dict) -> str:
    """When the row's last mail and fact were out: the joins with their mails."""
    if row["drained"] is None:
        return f"{'':>9}   mails and facts not all out within the wait"
    seconds = row["drained"]
    return (
        f"{'':>9}   every mail and fact out {seconds:.1f} s after the first join: "
        f"{row['joins'] / seconds:.1f} joins/s with their mails"
    )


def commands_line(moved: Counter[str], joins: int) -> str:
    """Database commands per join in a row's window: all, and the five most frequent."""
    moved = Counter({k: v for k, v in moved.items() if not k.startswith(("settle ", "seconds "))})
    top = ", ".join(f"{name} {count / joins:.2f}" for name, count in moved.most_common(5))
    return f"{'':>9}   database commands per join: {moved.total() / joins:.1f} ({top})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crowd", type=int, default=1000)
    parser.add_argument("--seats", type=int, default=20)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--processes", type=int, default=3)
    args = parser.parse_args()

    with bench_platform("benchscale", SERVICES) as (platform, api):
        infra = platform.infra
        city = table_talk_city(api, CityMaker(api, operator_login(api)), platform)
        slug = city["slug"]
        host = api.verified_login()
        print(f"registering {args.crowd} accounts …", file=sys.stderr)
        people = register_crowd(api, args.crowd, "bench")
        if drained(platform, since=time.time()) is None:  # the crowd's sign-up mails
            print("the sign-up mails were not all out within the wait", file=sys.stderr)
        print(
            f"\n{args.crowd} joins for one talk with {args.seats} seats, {args.clients} clients "
            f"at once (raw RPC), {os.cpu_count()} cores"
        )
        print(
            f"{'processes':>9} | {'joins/s':>8} {'p50':>9} {'p95':>9} | {'speed-up':>8} | "
            f"{'confirmed':>9} {'waiting':>7} | check",
            flush=True,
        )
        rows = []
        for processes in range(1, args.processes + 1):
            if processes > 1:  # replicas stop with the platform
                platform.replica("dialogue", processes)
            talk = create_talk(api, slug, host, city["topic"]["id"], capacity=args.seats)
            counts = dialogue_counts(platform)
            result = crowd_joins(infra.amqp_uri, slug, talk["id"], people, args.clients)
            # Read at once: the background loops go on counting after the window.
            result["counts"] = dialogue_counts(platform) - counts
            result["drained"] = drained(platform, since=result["window"][0])
            result["check"] = check(platform, slug, talk["id"], args.seats, args.crowd)
            if result["check"] == "ok":  # else its data stays to be looked at
                forget_talk(platform, slug, talk["id"])
            row = {"processes": processes, **result}
            rows.append(row)
            # Each row as soon as it is measured: a long run cut short keeps what it found.
            confirmed, waiting = (row["statuses"].get(k, 0) for k in ("confirmed", "waitlisted"))
            print(
                f"{row['processes']:>9} | {row['per_second']:>8.1f} {row['p50']:>7.1f}ms "
                f"{row['p95']:>7.1f}ms | {row['per_second'] / rows[0]['per_second']:>7.2f}x | "
                f"{confirmed:>9} {waiting:>7} | {row['check']}",
                flush=True,
            )
            counts = row.pop("counts")
            print(drained_line(row), flush=True)
            print(commands_line(counts, row["joins"]), flush=True)
            print(settles_line(counts, row["joins"]), flush=True)
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
