"""Fixtures of the events tests (helpers in ``events_support``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from cities_support import fresh_year
from events_support import Listener, advance_to_closing
from kombu import Connection, Exchange

from services.kit.outbox import public_exchange


@pytest.fixture
def closing_city(api, cities, platform) -> dict:  # noqa: ANN001
    """A new city in the closing phase, alone in its cohort year, with its admin and a partner."""
    made = cities.create(year=fresh_year())  # the cohort results count only this city
    advance_to_closing(api, platform, made)
    partner = cities.person_with_role(made["slug"], "partner", made["admin"])
    return {**made, "partner": partner}


@pytest.fixture
def listen(infra) -> Iterator:  # noqa: ANN001
    """``with listen("<city>.#", exchanges=("cities.events",)) as stream``: a queue of our own."""
    connection = Connection(infra.amqp_uri, connect_timeout=5)

    @contextmanager
    def make(*keys: str, exchanges: tuple[str, ...] = ()) -> Iterator[Listener]:
        bindings = [(public_exchange(), key) for key in keys]
        bindings += [(Exchange(name, type="topic", durable=True), "#") for name in exchanges]
        yield Listener(connection, bindings)

    yield make
    connection.release()
