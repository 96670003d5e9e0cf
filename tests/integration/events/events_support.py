"""Helpers of the events tests: moving a city to the closing phase, a closing event body, a
listener bound to the public stream."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kombu import Connection, Exchange, Queue

from services.kit import cloudevents
from services.kit.testing import wait_until


def advance_to_closing(api, platform, made: dict) -> None:  # noqa: ANN001
    """kickoff → scenarios → transfer → table_talks → closing, as the cities tests do."""
    slug, token = made["slug"], made["admin"]["token"]
    step = f"/cities/{slug}/phases/kickoff/steps/working_group_formed"
    marked = api.post(step, {"note": "Gruppe steht"}, token=token)
    assert marked.status_code == 200, marked.text
    for phase in ("scenarios", "transfer"):
        moved = api.post(f"/cities/{slug}/phase", {"to": phase}, token=token)
        assert moved.status_code == 200, moved.text
    topic = {  # as the scenarios service publishes it (docs/events/schemas)
        "topic_id": "t-mob",
        "title": "Mobilität",
        "guiding_question": "Wie bewegen wir uns 2040?",
        "description": "Wege, Verkehrsmittel, Erreichbarkeit.",
        "guiding_questions": ["Wie bewegen wir uns 2040?"],
    }
    platform.publish_fact("scenarios", "topic", "published", topic, slug)
    wait_until(
        lambda: api.get(f"/cities/{slug}/tallies").json().get("scenarios.topic.published"),
        30,
        "the topic fact counted",
    )
    moved = api.post(f"/cities/{slug}/phase", {"to": "table_talks"}, token=token)
    assert moved.status_code == 200, moved.text
    moved = api.post(
        f"/cities/{slug}/phase",
        {"to": "closing", "override_reason": "Test: Abschluss vorgezogen"},
        token=token,
    )
    assert moved.status_code == 200, moved.text


# Fixed for the session, so that two bodies made in one test describe the same time.
START = (datetime.now(UTC) + timedelta(days=14)).replace(hour=17, minute=0, second=0, microsecond=0)


def event_body(capacity: int = 50, starts: datetime = START, **overrides: Any) -> dict[str, Any]:
    body = {
        "title": "Abschlussveranstaltung: Unsere Stadt 2040",
        "description": "Rückblick auf ein Jahr Stadtdialog und Ausblick auf die Projekte.",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=3)).isoformat(),
        "venue": {
            "name": "Stadthalle",
            "address": "Markt 1, 12345 Musterstadt",
            "district": "Innenstadt",
            "directions": "Bus 5 bis Markt",
        },
        "partners": [
            {"name": "Bürgerstiftung Musterstadt", "kind": "foundation", "role": "Moderation"},
            {"name": "Stadtverwaltung", "kind": "administration"},
        ],
        "agenda": [
            {"time": "18:00", "title": "Begrüßung", "speakers": "Oberbürgermeisterin"},
            {"time": "18:30", "title": "Ergebnisse der Tischgespräche"},
            {"time": "19:30", "title": "Nächste Schritte der Projektideen"},
        ],
        "accessibility": {"step_free": True, "hearing_loop": True, "notes": "Gebärdensprache"},
        "capacity": capacity,
    }
    body.update(overrides)
    return body


class Listener:
    """A queue of our own bound before the facts are published; reads envelopes back."""

    def __init__(self, connection: Connection, bindings: list[tuple[Exchange, str]]) -> None:
        self.queue = Queue(f"eventstest-{uuid.uuid4().hex}", exclusive=True, auto_delete=True)
        self.bound = self.queue(connection.channel())
        self.bound.declare()
        for exchange, key in bindings:
            exchange(self.bound.channel).declare()
            self.bound.bind_to(exchange=exchange, routing_key=key)
        self.received: list[dict] = []
        self.deliveries: list[tuple[str, str, dict]] = []  # (exchange, routing key, envelope)
        self.content_types: dict[str, set[str]] = {}  # exchange -> the messages' content types

    def drain(self) -> list[dict]:
        while (message := self.bound.get(no_ack=True, accept=cloudevents.ACCEPT)) is not None:
            self.received.append(message.payload)
            info = message.delivery_info
            self.deliveries.append((info["exchange"], info["routing_key"], message.payload))
            self.content_types.setdefault(info["exchange"], set()).add(message.content_type)
        return self.received

    def wait_for(self, check, timeout: float = 20.0, what: str = "facts") -> list[dict]:  # noqa: ANN001
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check(self.drain()):
                return self.received
            time.sleep(0.1)
        raise AssertionError(f"{what} did not arrive: {[e['type'] for e in self.received]}")

    def types(self) -> list[str]:
        return [e["type"] for e in self.drain()]


class ExampleConsumer:
    """docs/examples/city_consumer.py as a real process, with a queue and seen-file of its own."""

    SCRIPT = Path(__file__).resolve().parents[3] / "docs" / "examples" / "city_consumer.py"

    def __init__(self, amqp_uri: str, city: str, workdir: Path, idle_exit: float = 3.0) -> None:
        self.amqp_uri = amqp_uri
        self.city = city
        self.workdir = workdir
        self.idle_exit = idle_exit
        self.queue = f"example-test-{uuid.uuid4().hex[:12]}"
        self.seen = workdir / f"{self.queue}.sqlite"
        self.process: subprocess.Popen | None = None
        self.runs = 0

    def start(self, max_events: int = 0) -> None:
        self.runs += 1
        self.out = self.workdir / f"{self.queue}-{self.runs}.jsonl"
        self.err = self.workdir / f"{self.queue}-{self.runs}.log"
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.process = subprocess.Popen(
                [
                    sys.executable, str(self.SCRIPT), "--city", self.city,
                    "--amqp-uri", self.amqp_uri, "--queue", self.queue, "--seen", str(self.seen),
                    "--idle-exit", str(self.idle_exit), "--max-events", str(max_events),
                ],
                stdout=out,
                stderr=err,
            )  # fmt: skip
        # The queue is declared and bound once it says so: facts after that are kept for it.
        wait_until(lambda: "listening on" in self.err.read_text(), 30, "the consumer listening")

    def wait(self, timeout: float = 120.0) -> tuple[list[dict], str]:
        """Its printed facts (JSON lines) and the summary it tells on exit."""
        assert self.process is not None
        self.process.wait(timeout)
        assert self.process.returncode == 0, self.err.read_text()
        facts = [json.loads(line) for line in self.out.read_text().splitlines() if line.strip()]
        return facts, self.err.read_text().strip().splitlines()[-1]

    def delete_queue(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(15)
        with Connection(self.amqp_uri, connect_timeout=5) as connection:
            connection.default_channel.queue_delete(self.queue)
