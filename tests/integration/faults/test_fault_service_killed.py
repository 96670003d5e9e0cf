"""A service process killed under load: every request is answered (2xx, or 503 with
Retry-After) within the timeout, no registration is half-written, and the restarted service
serves again and settles what was asked while it was away."""

from __future__ import annotations

import itertools
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from fault_support import ANSWER_WITHIN, Load, unexpected

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dialogue"))
from dialogue_support import create_talk, table_talk_city  # noqa: E402

from services.kit.testing import wait_until  # noqa: E402

# serial: it takes the broker or the database away, or loads the machine (deploy/local/test)
pytestmark = [pytest.mark.integration, pytest.mark.serial]

CAPACITY = 4
GUESTS = 10


def test_dialogue_killed_and_restarted_under_load(api, cities, platform, infra) -> None:
    city = table_talk_city(api, cities, platform)
    slug = city["slug"]
    host = api.verified_login()
    talks = [create_talk(api, slug, host, city["topic"]["id"], capacity=CAPACITY) for _ in range(4)]
    guests = [api.verified_login() for _ in range(GUESTS)]
    # Few enough pairs that each comes round again: joins and cancellations both run.
    pairs = itertools.cycle([(guest, talk["id"]) for talk in talks[:2] for guest in guests[:4]])
    registered: set[tuple[str, str]] = set()  # as the answers told (a 503 leaves it open)

    def join_or_cancel(load: Load) -> None:
        with load._lock:
            guest, talk_id = next(pairs)
        path = f"/cities/{slug}/talks/{talk_id}/registrations"
        key = (guest["id"], talk_id)
        if key in registered:
            answer = load.record("cancel", lambda: api.delete(f"{path}/me", token=guest["token"]))
            if answer is not None and answer.status_code == 200:
                registered.discard(key)
        else:
            answer = load.record("join", lambda: api.post(path, token=guest["token"]))
            if answer is not None and answer.status_code == 200:
                registered.add(key)

    def read(load: Load) -> None:  # signed in: not served from the gateway's public cache
        load.record("list", lambda: api.get(f"/cities/{slug}/talks", token=host["token"]))

    with Load() as load:
        for n in range(3):
            load.run(f"join-{n}", join_or_cancel)
        load.run("read", read)
        # Kill only once joins and cancellations both went through (a slow machine needs longer).
        wait_until(lambda: load.count("cancel", 200) > 0, 60, "a cancellation before the kill")
        platform.processes["dialogue"].kill()  # SIGKILL: no goodbye, workers die mid-request
        platform.processes["dialogue"].wait()
        time.sleep(ANSWER_WITHIN - 3)  # long enough for requests to run into the gateway's timeout
        platform.service("dialogue")  # a new process on the same queues
        # and load goes on against it until the new process has served a join
        served_before = load.count("join", 200)
        wait_until(lambda: load.count("join", 200) > served_before, 60, "a join after the restart")
        answers = load.stop()

    # Every request was answered in time, with a success or a 503 that says when to retry.
    # (A cancel may find nothing when the join before it was answered 503 and never ran.)
    assert unexpected(answers, {200, 404}) == []
    assert max(a.seconds for a in answers) <= ANSWER_WITHIN, max(a.seconds for a in answers)
    statuses = Counter((a.what, a.status) for a in answers)
    assert sum(n for (_, status), n in statuses.items() if status == 503) > 0, statuses
    assert statuses[("join", 200)] > 0 and statuses[("cancel", 200)] > 0, statuses

    # The restarted service answers again.
    assert api.get(f"/cities/{slug}/talks", token=host["token"]).status_code == 200

    # No partial write, no overbooking: requests that timed out in the gateway were still
    # delivered to the new process (at-least-once) and settled like any other join.
    registrations = infra.database("dialogue")["registrations"]
    seats = infra.database("dialogue")["seats"]
    for talk in talks:

        def settled(talk_id: str = talk["id"]) -> bool:
            view = api.get(f"/cities/{slug}/talks/{talk_id}", token=host["token"]).json()
            return view["seats_taken"] == min(CAPACITY, view["seats_taken"] + view["waiting"])

        wait_until(settled, 60, f"talk {talk['id']} settled")
        rows = list(registrations.find({"city": slug, "talk_id": talk["id"]}))
        people = [row["person"] for row in rows]
        assert len(people) == len(set(people))  # no one twice
        taken = list(seats.find({"city": slug, "talk_id": talk["id"]}))
        assert len(taken) <= CAPACITY
        assert {s["registration_id"] for s in taken} <= {str(r["_id"]) for r in rows}
