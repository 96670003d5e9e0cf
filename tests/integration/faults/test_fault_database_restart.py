"""The database restarted under load: while it is away every request gets a clear answer (503
with Retry-After and a German and English message, never a 500 or a hang); afterwards the
platform serves again without a restart of any service, reads and writes alike."""

from __future__ import annotations

import time
import uuid
from collections import Counter

import pytest
from fault_support import ANSWER_WITHIN, Load, unexpected

from services.kit.testing import wait_until

# serial: it takes the broker or the database away, or loads the machine (deploy/local/test)
pytestmark = [pytest.mark.integration, pytest.mark.serial]

OUTAGE_SECONDS = 8


def test_database_restart_gives_clear_errors_then_recovers(api, cities, platform) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]

    def read(load: Load) -> None:
        load.record("city", lambda: api.get(f"/cities/{slug}/phases"))

    def write(load: Load) -> None:
        body = {"name": f"AG {uuid.uuid4().hex[:6]}", "description": "Mobilität"}
        load.record(
            "group", lambda: api.post(f"/cities/{slug}/working-groups", body, admin["token"])
        )

    def serves_again() -> bool:
        phases = api.get(f"/cities/{slug}/phases")
        group = api.post(
            f"/cities/{slug}/working-groups", {"name": "Nach dem Neustart"}, admin["token"]
        )
        return phases.status_code == 200 and group.status_code == 201

    with Load() as load:
        load.run("read", read)
        load.run("write", write)
        time.sleep(1.5)
        platform.database_stop()  # skips the test when the database is not ours to stop
        try:
            time.sleep(OUTAGE_SECONDS)
            during_outage = len(load.answers)
        finally:
            platform.database_start()
        wait_until(serves_again, 60, "the platform serving again after the database restart")
        time.sleep(1)
        answers = load.stop()

    assert unexpected(answers, {200, 201}) == [], Counter((a.what, a.status) for a in answers)
    assert max(a.seconds for a in answers) <= ANSWER_WITHIN
    statuses = Counter(a.status for a in answers)
    assert statuses[503] > 0, statuses  # the outage was felt …
    assert len(answers) > during_outage  # … and load went on being served after it
