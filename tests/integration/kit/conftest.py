"""Fixtures of the kit's outbox tests (helpers in ``outbox_support``): an outbox collection of
the test's own, dropped with its published log afterwards, and a relay on it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from outbox_support import SERVICE
from pymongo.collection import Collection

from services.kit.outbox import OutboxRelay, published_of


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
