"""Fixtures of the kit's tests (helpers in ``outbox_support`` and ``mail_support``): a database
of the test's own, an outbox collection of the test's own, dropped with its published log
afterwards, and a relay on it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from outbox_support import SERVICE
from pymongo.collection import Collection
from pymongo.database import Database

from services.kit.outbox import OutboxRelay, published_of


@pytest.fixture
def database(infra) -> Iterator[Database]:  # noqa: ANN001
    """A database of the test's own (timezone-aware), dropped afterwards."""
    client = infra.mongo()
    database = client[f"{infra.db_prefix}_{SERVICE}_{uuid.uuid4().hex[:8]}"]
    yield database
    client.drop_database(database.name)
    client.close()


@pytest.fixture
def outbox(infra) -> Iterator[Collection]:  # noqa: ANN001
    client = infra.mongo()
    collection = client[f"{infra.db_prefix}_{SERVICE}"][f"outbox_{uuid.uuid4().hex}"]
    yield collection
    collection.drop()
    published_of(collection).drop()
    client.close()


@pytest.fixture
def relay(infra, outbox) -> Iterator[OutboxRelay]:  # noqa: ANN001
    """The test service's relay on ``outbox``; it connects to the broker when it first
    publishes, and is closed afterwards."""
    relay = OutboxRelay(outbox, SERVICE, infra.amqp_uri)
    yield relay
    relay.close()
