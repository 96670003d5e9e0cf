"""Round trips of one action: RPC calls per service method and database commands per service.

    .venv/bin/python bench/round_trips.py [--repeat 3] [--crowd 8] [--detail]

Starts the identity, cities and dialogue services and the gateway on fresh databases (as the
other benchmarks do), makes a city in the table-talk phase, a talk with ``--capacity`` seats
that ``--crowd`` citizens fill (so a waiting list exists), a roomy talk and a project idea.
Then, ``--repeat`` times each, one citizen joins the roomy talk (a seat) and cancels, joins the
full one (waiting list) and cancels, a seated person of the full talk cancels (the first
waiting moves up; rejoining afterwards is not counted), the citizen supports the idea
(withdrawn afterwards, not counted) and views the talk page signed in. Around each action it
reads every service's ``/metrics``: ``stadtdialog_service_entrypoint_seconds_count`` (RPC
calls and event handlers per method) and ``stadtdialog_db_commands_total`` (database commands
per service and origin, ``services/kit/db_metrics.py``), waiting until nothing moves any more.
Commands sent inside an entrypoint are the action's own; the outbox relays and mail senders
work after the answer (``loop:…``, polls that found nothing left out). Prints per action: RPC
calls, event handlers, database commands in the request, database commands after it, wall
time (medians). Asserts nothing about time.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import bench_platform, operator_login  # noqa: E402
from cities_support import CityMaker  # noqa: E402
from dialogue_support import create_talk, table_talk_city  # noqa: E402

from services.dialogue.schemas import IDEA_CATEGORIES  # noqa: E402
from services.kit.testbed_metrics import (  # noqa: E402
    DB_COMMANDS,
    ENTRYPOINT_COUNT,
    service_metrics,
)

SERVICES = ("identity", "cities", "dialogue")
QUIET_SECONDS = 0.6  # no counter moved for this long: the action and its aftermath are done


def scrape(platform) -> Counter:
    """Every counter of interest, keyed by (metric, service, origin/kind, method/command)."""
    found: Counter = Counter()
    for service in SERVICES:
        for sample in service_metrics(platform, service, ENTRYPOINT_COUNT, DB_COMMANDS):
            labels = sample.labels
            if sample.name == ENTRYPOINT_COUNT:
                if labels["kind"] == "timer":
                    continue  # ticks whether anything happens or not (their writes count)
                key = ("call", labels["service"], labels["kind"], labels["method"])
            else:
                if labels["origin"] in ("scrape", "other"):
                    continue
                if labels["command"].endswith(":empty"):
                    continue  # an idle poll of a background loop
                key = ("db", labels["service"], labels["origin"], labels["command"])
            found[key] += int(sample.value)
    return found


def settled(platform, before: Counter) -> Counter:
    """Scrape until nothing moved for QUIET_SECONDS (events handled, relay and mail done)."""
    last = scrape(platform)
    still = time.monotonic()
    deadline = still + 20
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = scrape(platform)
        if now != last:
            last, still = now, time.monotonic()
        elif time.monotonic() - still >= QUIET_SECONDS:
            break
    return last - before


def measure(platform, action) -> tuple[Counter, float]:
    before = settled(platform, Counter())  # the previous action's aftermath is over
    began = time.perf_counter()
    action()
    wall = (time.perf_counter() - began) * 1000
    return settled(platform, before), wall


def summary(delta: Counter) -> dict[str, object]:
    rpc = {f"{k[1]}.{k[3]}": n for k, n in delta.items() if k[0] == "call" and k[2] == "rpc"}
    events = {f"{k[1]}.{k[3]}": n for k, n in delta.items() if k[0] == "call" and k[2] == "event"}
    inside: Counter = Counter()
    after: Counter = Counter()
    commands: Counter = Counter()
    for (metric, service, where, command), n in delta.items():
        if metric != "db":
            continue
        # Background loops and timers (the counted facts' announcement) run after the answer.
        (after if where.startswith(("loop:", "timer:")) else inside)[service] += n
        commands[f"{service} {where} {command}"] += n
    return {"rpc": rpc, "events": events, "inside": inside, "after": after, "commands": commands}


def page_session(api, person: dict) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{api.base}/anmelden", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{api.base}/anmelden",
        data={"email": person["email"], "password": person["password"], "csrf_token": token},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text[:300]
    return session


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="times each action is measured")
    parser.add_argument("--crowd", type=int, default=8, help="citizens who joined before")
    parser.add_argument("--capacity", type=int, default=6)
    parser.add_argument("--detail", action="store_true", help="print every command counted")
    args = parser.parse_args()

    with bench_platform("benchtrips", SERVICES) as (platform, api):
        cities = CityMaker(api, operator_login(api))
        city = table_talk_city(api, cities, platform)
        slug, topic_id = city["slug"], city["topic"]["id"]
        host = api.verified_login()
        talk = create_talk(api, slug, host, topic_id, capacity=args.capacity)["id"]
        roomy = create_talk(api, slug, host, topic_id, capacity=100)["id"]
        joins = f"/cities/{slug}/talks/{talk}/registrations"
        roomy_joins = f"/cities/{slug}/talks/{roomy}/registrations"
        crowd = [api.verified_login() for _ in range(args.crowd)]
        for person in crowd:  # seats full, a waiting list behind them
            assert api.post(joins, token=person["token"]).status_code == 200
        citizen = api.verified_login()
        idea = api.post(
            f"/cities/{slug}/ideas",
            {
                "title": "Ein Repair-Café",
                "description": "Jeden Samstag im Stadtteilzentrum.",
                "category": IDEA_CATEGORIES[0],
            },
            token=citizen["token"],
        )
        assert idea.status_code in (200, 201), idea.text
        support = f"/cities/{slug}/ideas/{idea.json()['id']}/support"
        browser = page_session(api, citizen)
        seated = iter(crowd[: args.capacity])  # each repeat, one seated person gives up a seat
        leaving: dict[str, dict] = {}

        def call(method: str, path: str, person: dict = citizen) -> None:
            headers = {"Authorization": f"Bearer {person['token']}"}
            answer = requests.request(method, api.url(path), headers=headers, timeout=30)
            assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])

        def view() -> None:
            answer = browser.get(f"{api.base}/stadt/{slug}/tischgespraeche/{talk}", timeout=30)
            assert answer.status_code == 200, answer.text[:300]

        def give_up_seat() -> None:
            leaving["person"] = next(seated)
            call("DELETE", f"{joins}/me", leaving["person"])

        actions = {
            "join, seated": lambda: call("POST", roomy_joins),
            "cancel, seated": lambda: call("DELETE", f"{roomy_joins}/me"),
            "join, waiting list": lambda: call("POST", joins),
            "cancel, waiting": lambda: call("DELETE", f"{joins}/me"),
            "cancel, one promoted": give_up_seat,
            "support an idea": lambda: call("POST", support),
            "talk page, signed in": view,
        }
        undo = {
            "support an idea": lambda: call("DELETE", support),
            "cancel, one promoted": lambda: call("POST", joins, leaving["person"]),
        }
        results: dict[str, list[tuple[dict, float]]] = {name: [] for name in actions}
        for _ in range(args.repeat):
            for name, action in actions.items():
                delta, wall = measure(platform, action)
                results[name].append((summary(delta), wall))
                if name in undo:
                    undo[name]()

        print(
            f"\nRound trips per action (median of {args.repeat}; services: {', '.join(SERVICES)})"
        )
        print(
            f"{'action':<22} {'RPC':>4} {'events':>6} {'DB in request':>14} "
            f"{'DB after':>9} {'wall ms':>8}  RPC calls"
        )
        for name, runs in results.items():
            med = lambda f, runs=runs: statistics.median(f(s) for s, _ in runs)  # noqa: E731
            rpc = med(lambda s: sum(s["rpc"].values()))
            events = med(lambda s: sum(s["events"].values()))
            inside = med(lambda s: sum(s["inside"].values()))
            after = med(lambda s: sum(s["after"].values()))
            wall = statistics.median(w for _, w in runs)
            calls = ", ".join(f"{m}×{n}" for m, n in sorted(runs[-1][0]["rpc"].items()))
            print(
                f"{name:<22} {rpc:>4.0f} {events:>6.0f} {inside:>14.0f} {after:>9.0f} "
                f"{wall:>8.1f}  {calls}"
            )
            per_service = ", ".join(f"{s} {n}" for s, n in sorted((runs[-1][0]["inside"]).items()))
            print(f"{'':<22} DB in request by service (last run): {per_service}")
            if args.detail:
                for key, n in sorted(runs[-1][0]["commands"].items()):
                    print(f"{'':<26}{n:>4}  {key}")
                for key, n in sorted(runs[-1][0]["events"].items()):
                    print(f"{'':<26}{n:>4}  event {key}")


if __name__ == "__main__":
    main()
