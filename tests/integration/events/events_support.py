"""Helpers of the events tests: moving a city to the closing phase, a closing event body, a
listener bound to the public stream."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from kombu import Connection, Exchange, Queue

from services.kit.testing import wait_until


def advance_to_closing(api, platform, made: dict) -> None:  # noqa: ANN001
    """kickoff → scenarios → transfer → table_talks → closing, as the cities tests do."""
    slug, token = made["slug"], made["admin"]["token"]
    step = f"/cities/{slug}/phases/kickoff/steps/working_group_formed"
    assert api.post(step, {"note": "Gruppe steht"}, token=token).status_code == 200
    for phase in ("scenarios", "transfer"):
        moved = api.post(f"/cities/{slug}/phase", {"to": phase}, token=token)
        assert moved.status_code == 200, moved.text
    platform.publish_fact(
        "scenarios", "topic", "published", {"topic_id": "t-mob", "title": "Mobilität"}, slug
    )
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

    def drain(self) -> list[dict]:
        while (message := self.bound.get(no_ack=True, accept=["json"])) is not None:
            self.received.append(message.payload)
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
