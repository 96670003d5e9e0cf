"""Fixtures of the scenarios tests: a city with a facilitator and working-group members (see
``scenarios_support``) and queues bound to the public stream."""

from __future__ import annotations

import pytest
from kombu import Connection, Exchange, Queue
from scenarios_support import ScenarioCity, make_scenario_city

from services.kit.events import PUBLIC_EXCHANGE
from services.kit.testing import wait_until


@pytest.fixture
def scenario_city(api, cities) -> ScenarioCity:
    return make_scenario_city(api, cities)


class PublicListener:
    """A queue bound to ``stadtdialog.public`` before anything is published, like a third
    party's integration."""

    def __init__(self, amqp_uri: str, routing_key: str, exchange: str = PUBLIC_EXCHANGE) -> None:
        self.connection = Connection(amqp_uri)
        exchange = Exchange(exchange, type="topic", durable=True)
        queue = Queue("", exchange=exchange, routing_key=routing_key, exclusive=True)
        self.bound = queue(self.connection.default_channel)
        self.bound.declare()
        self.seen: list[dict] = []

    def wait_for(self, event_type: str, timeout: float = 30, subject: str | None = None) -> dict:
        def found() -> dict | None:
            while (message := self.bound.get(no_ack=True)) is not None:
                self.seen.append(message.decode())
            return next(
                (
                    body
                    for body in self.seen
                    if body["type"] == event_type and subject in (None, body["subject"])
                ),
                None,
            )

        return wait_until(found, timeout, f"{event_type} on the public stream", interval=0.05)

    def close(self) -> None:
        self.connection.release()


@pytest.fixture
def public_listener(platform):
    made: list[PublicListener] = []

    def listen(routing_key: str, exchange: str = PUBLIC_EXCHANGE) -> PublicListener:
        """``exchange``: e.g. ``scenarios.events`` for the service's internal facts."""
        listener = PublicListener(platform.infra.amqp_uri, routing_key, exchange)
        made.append(listener)
        return listener

    yield listen
    for listener in made:
        listener.close()
