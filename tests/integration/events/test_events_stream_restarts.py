"""No loss, no duplicates after de-duplication: a steady stream of facts goes through a real
service's outbox (the events service's relay, in its own ``nameko run`` process, publishing
with confirms) to the example consumer while RabbitMQ is restarted twice.

This test really stops the broker (``rabbitmqctl stop_app``): every vhost on it goes away for a
few seconds, so do not run it while other test sessions share the broker.
"""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import pytest
from events_support import ExampleConsumer

from services.kit.outbox import OutboxWriter
from services.kit.testing import wait_until

# serial: it takes the broker or the database away, or loads the machine (deploy/local/test)
pytestmark = [pytest.mark.integration, pytest.mark.serial]

RATE = 20  # facts per second
SECONDS = 24
RESTARTS = 2
OUTAGE = 3.0


def test_no_fact_lost_or_duplicated_while_the_broker_restarts_twice(
    platform, infra, tmp_path: Path
) -> None:
    platform.service("events")
    city = f"stadt-{uuid.uuid4().hex[:6]}"
    event_id = uuid.uuid4().hex[:24]
    outbox = infra.database("events")["outbox"]
    # The rows the service's relay publishes. They name this test's process as their writer,
    # so the service takes them as another process's left-over rows (every 5 s once 10 s old,
    # services/kit/own_rows.py): the path that carries a dead process's facts. The relay's
    # usual path with the broker away is tested in tests/integration/kit/.
    writer = OutboxWriter(outbox, "events")
    consumer = ExampleConsumer(infra.amqp_uri, city, tmp_path, idle_exit=60)
    sent: list[str] = []
    total = RATE * SECONDS

    def stream() -> None:
        started = time.monotonic()
        for n in range(total):
            envelope = writer.add(
                "registration",
                "confirmed",
                {"event_id": event_id, "registration_id": f"r{n:05d}"},
                city=city,
                subject=event_id,
                public=True,
            )
            sent.append(envelope["id"])
            time.sleep(max(0.0, started + (n + 1) / RATE - time.monotonic()))

    try:
        consumer.start(max_events=total)
        writing = threading.Thread(target=stream)
        writing.start()
        restarts = 0
        for _ in range(RESTARTS):
            time.sleep(SECONDS / (RESTARTS + 1) - OUTAGE / 2)
            platform.broker_stop()
            try:
                time.sleep(OUTAGE)  # the writer goes on: the facts wait in the outbox
            finally:
                platform.broker_start()
            restarts += 1
        writing.join(SECONDS * 3)
        assert len(sent) == total
        wait_until(
            lambda: outbox.count_documents({"_id": {"$in": sent}, "published_at": None}) == 0,
            120,
            "the relay publishing every stored fact",
        )
        facts, summary = consumer.wait(timeout=180)
    finally:
        consumer.delete_queue()

    printed = [f["id"] for f in facts]
    lost = len(set(sent) - set(printed))
    duplicates = len(printed) - len(set(printed))
    redelivered = int(summary.split("duplicates ")[1].split(",")[0])
    print(
        f"\nevent stream across broker restarts: events {total}, restarts {restarts}, "
        f"lost {lost}, duplicates after de-duplication {duplicates} "
        f"(redelivered and dropped by the consumer: {redelivered}; consumer: {summary})"
    )
    assert restarts == RESTARTS
    assert lost == 0 and duplicates == 0
    assert set(printed) == set(sent)
    assert "reconnects 0" not in summary  # the consumer really lived through the restarts
    # Every service handling facts during the restarts (the cities service counts public ones)
    # lived through them too.
    assert platform.exited() == {}
