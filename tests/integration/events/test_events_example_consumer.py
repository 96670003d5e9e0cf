"""The example third-party consumer (docs/examples/city_consumer.py, plain kombu) against the
real broker: it follows one city, keeps facts for itself while it is away (durable queue) and
prints each fact once, however often it arrives."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from events_support import ExampleConsumer
from kombu import Connection

from services.kit.outbox import publish_envelope

pytestmark = pytest.mark.integration


def republish(platform, envelope: dict) -> None:  # noqa: ANN001
    """The same envelope again, as an outbox retry would send it."""
    with Connection(platform.infra.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        publish_envelope(conn.Producer(), envelope, public=True)


def test_example_consumer_follows_one_city_and_prints_each_fact_once(
    platform, infra, tmp_path: Path
) -> None:
    city, other = f"stadt-{uuid.uuid4().hex[:6]}", f"stadt-{uuid.uuid4().hex[:6]}"
    # Quiet for 6 s means done: five facts, each on a fresh connection, fit on a busy machine.
    consumer = ExampleConsumer(infra.amqp_uri, city, tmp_path, idle_exit=6.0)
    try:
        consumer.start()
        first = [
            platform.publish_fact(
                "cities",
                "phase",
                "changed",
                {"slug": city, "from": "table_talks", "to": "closing"},
                city,
            ),
            platform.publish_fact("dialogue", "idea", "supported", {"idea_id": "i1"}, city),
        ]
        platform.publish_fact("dialogue", "idea", "supported", {"idea_id": "i2"}, other)
        platform.publish_fact("cities", "city", "changed", {"slug": city}, city, public=False)
        republish(platform, first[1])
        facts, summary = consumer.wait()
        assert [f["id"] for f in facts] == [e["id"] for e in first]
        assert facts[0] == {
            k: first[0][k] for k in ("id", "type", "time", "city", "subject", "data")
        }
        assert "received 3, new 2, duplicates 1" in summary

        # Away: the durable queue keeps the city's facts; back: they arrive, old ones stay old.
        later = [
            platform.publish_fact(
                "dialogue", "talk", "documented", {"talk_id": "k1", "participants": 4}, city
            )
        ]
        republish(platform, first[0])
        consumer.start()
        facts, summary = consumer.wait()
        assert [f["id"] for f in facts] == [later[0]["id"]]
        assert "received 2, new 1, duplicates 1" in summary
    finally:
        consumer.delete_queue()


def test_example_consumer_explains_itself() -> None:
    shown = subprocess.run(
        [sys.executable, str(ExampleConsumer.SCRIPT), "--help"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert shown.returncode == 0 and "--city" in shown.stdout
    missing = subprocess.run(
        [sys.executable, str(ExampleConsumer.SCRIPT)], capture_output=True, text=True, timeout=30
    )
    assert missing.returncode == 2 and "--city" in missing.stderr
