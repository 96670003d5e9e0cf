"""Helpers of the scenarios tests: a city with a facilitator and working-group members, moving
it through the phases, listening on the public stream, and realistic rating matrices."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from kombu import Connection, Exchange, Queue

from services.kit.events import PUBLIC_EXCHANGE
from services.kit.testing import wait_until

BASE = "/cities/{slug}/scenarios"


@dataclass
class ScenarioCity:
    api: Any
    slug: str
    admin: dict
    facilitator: dict
    members: list[dict]
    citizen: dict
    facts: dict = field(default_factory=dict)

    def path(self, tail: str) -> str:
        return BASE.format(slug=self.slug) + tail

    def post(self, tail: str, body: Any = None, who: dict | None = None):
        return self.api.post(self.path(tail), body, token=(who or self.facilitator)["token"])

    def put(self, tail: str, body: Any = None, who: dict | None = None):
        return self.api.put(self.path(tail), body, token=(who or self.facilitator)["token"])

    def get(self, tail: str, who: dict | None = None):
        return self.api.get(self.path(tail), token=who["token"] if who else None)

    def advance(self, to: str):
        response = self.api.post(
            f"/cities/{self.slug}/phase", {"to": to}, token=self.admin["token"]
        )
        assert response.status_code == 200, response.text
        # The scenarios service drops its cached phase on the cities service's fact: wait
        # until it reports the new phase, so the next write meets the phase the test expects.
        wait_until(
            lambda: self.get("/project").json()["phase"] == to, 15, f"scenarios sees phase {to}"
        )
        return response

    def to_scenarios(self) -> None:
        step = f"/cities/{self.slug}/phases/kickoff/steps/working_group_formed"
        marked = self.api.post(step, {"note": "Gruppe steht (Test)"}, token=self.admin["token"])
        assert marked.status_code == 200, marked.text
        self.advance("scenarios")

    def create_project(self) -> dict:
        created = self.post("/project", {"title": "Zukunft 2040", "key_factor_count": 8})
        assert created.status_code == 201, created.text
        return created.json()

    def add_factors(self, n: int, who: dict | None = None) -> list[dict]:
        made = []
        for i in range(n):
            r = self.post("/factors", {"title": f"Einflussfaktor {i + 1}"}, who or self.members[0])
            assert r.status_code == 201, r.text
            made.append(r.json())
        return made

    def wait_run(self, run_id: str, who: dict | None = None) -> dict:
        def finished() -> dict | None:
            run = self.get(f"/runs/{run_id}", who or self.facilitator).json()
            return run if run["status"] in ("finished", "failed") else None

        run = wait_until(finished, 60, f"run {run_id} finished")
        assert run["status"] == "finished", run
        return run


@pytest.fixture
def scenario_city(api, cities) -> ScenarioCity:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    return ScenarioCity(
        api=api,
        slug=slug,
        admin=admin,
        facilitator=cities.person_with_role(slug, "facilitator", admin),
        members=[cities.person_with_role(slug, "working_group_member", admin) for _ in range(2)],
        citizen=api.verified_login(),
    )


class PublicListener:
    """A queue bound to ``stadtdialog.public`` before anything is published, like a third
    party's integration."""

    def __init__(self, amqp_uri: str, routing_key: str) -> None:
        self.connection = Connection(amqp_uri)
        exchange = Exchange(PUBLIC_EXCHANGE, type="topic", durable=True)
        queue = Queue("", exchange=exchange, routing_key=routing_key, exclusive=True)
        self.bound = queue(self.connection.default_channel)
        self.bound.declare()
        self.seen: list[dict] = []

    def wait_for(self, event_type: str, timeout: float = 30) -> dict:
        def found() -> dict | None:
            while (message := self.bound.get(no_ack=True)) is not None:
                self.seen.append(message.decode())
            return next((body for body in self.seen if body["type"] == event_type), None)

        return wait_until(found, timeout, f"{event_type} on the public stream", interval=0.05)

    def close(self) -> None:
        self.connection.release()


@pytest.fixture
def public_listener(platform):
    made: list[PublicListener] = []

    def listen(routing_key: str) -> PublicListener:
        listener = PublicListener(platform.infra.amqp_uri, routing_key)
        made.append(listener)
        return listener

    yield listen
    for listener in made:
        listener.close()
