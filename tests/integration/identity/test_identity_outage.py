"""A broker outage during registration loses no verification mail and no event (outbox)."""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from kombu import Connection, Queue
from nameko.standalone.events import get_event_exchange

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "faults"))
from fault_support import Load  # noqa: E402

from services.kit.outbox import OutboxWriter, published_of  # noqa: E402
from services.kit.testing import wait_until  # noqa: E402

# serial: it takes the broker away (deploy/local/test runs it after the parallel part)
pytestmark = pytest.mark.serial

REGISTERED = "stadtdialog.identity.account.registered.v1"


def _account(email: str) -> dict[str, str]:
    return {
        "email": email,
        "display_name": "Ausfall",
        "password": "Ausfall-sicher-1",
        "privacy_consent": True,
    }


def _register(api, email: str) -> int | str:
    try:
        return api.post("/accounts", _account(email)).status_code
    except requests.RequestException as exc:
        return type(exc).__name__


def test_broker_outage_during_registrations(api, platform, infra) -> None:
    # A durable queue, declared before the outage, records every registration fact.
    queue = Queue(
        f"test-outage-{uuid.uuid4().hex[:8]}",
        get_event_exchange("identity", {}),
        routing_key=REGISTERED,
        durable=True,
        auto_delete=False,
    )
    with Connection(infra.amqp_uri) as connection:
        queue(connection.channel()).declare()

    # Eight clients register fresh people one after another, before, during and after the
    # outage (a steady stream, whatever one registration costs on this machine).
    results: dict[str, int | str] = {}  # e-mail address -> status, or "no answer"

    def register(load: Load) -> None:
        email = f"ausfall-{uuid.uuid4().hex[:10]}@example.org"
        response = load.record("register", lambda: api.post("/accounts", _account(email)))
        with load._lock:
            results[email] = response.status_code if response is not None else "no answer"

    with Load() as load:
        for n in range(8):
            load.run(f"register-{n}", register)
        # Take the broker away while registrations are being processed.
        wait_until(lambda: len(load.answers) >= 2, 60, "first registrations")
        outbox = infra.database("identity").outbox
        platform.broker_stop()
        try:
            # A fact stored while the broker is away, as the service stores one with its
            # change (named by the service's process, whose relay takes it first): the
            # identity service's relay finds it and cannot send it.
            writer = OutboxWriter(outbox, "identity", writer=_service_writer(outbox))
            probe = writer.add("outage_probe", "written", {"n": 1})
            time.sleep(3)
            assert outbox.find_one({"_id": probe["id"]}) is not None, "published without broker"
        finally:
            platform.broker_start()
        after = len(load.answers)
        wait_until(lambda: len(load.answers) >= after + 8, 60, "registrations after the outage")
        load.stop()
    emails = list(results)

    accounts = infra.database("identity").accounts
    stored = {a["email"]: a["_id"] for a in accounts.find({"email": {"$in": emails}})}
    # Every registration the client saw succeed is stored ...
    assert {e for e, status in results.items() if status == 201} <= stored.keys(), results
    # ... and the outage really hit: some requests failed or were answered during the outage.
    assert any(status != 201 for status in results.values()), results

    # The fact that waited in the outbox went out once the broker was back.
    wait_until(
        lambda: published_of(outbox).find_one({"_id": probe["id"]}) is not None,
        60,
        "the fact stored during the outage published",
    )

    # Every stored account gets its verification mail ...
    for email in stored:
        platform.mail_sink.wait_for(email, timeout=60)

    # ... and its registration event, exactly as many distinct ids as accounts.
    seen: dict[str, str] = {}
    with Connection(infra.amqp_uri) as connection:
        bound = queue(connection.channel())

        def drain() -> bool:
            while (message := bound.get(no_ack=True)) is not None:
                envelope = message.payload
                assert envelope["type"] == REGISTERED
                seen[envelope["data"]["account_id"]] = envelope["id"]
            return set(stored.values()) <= seen.keys()

        wait_until(drain, 60, "registration events of all stored accounts", interval=0.5)
        bound.delete()

    # After the outage the platform serves again without a restart.
    wait_until(
        lambda: _register(api, f"danach-{uuid.uuid4().hex[:6]}@example.org") == 201,
        60,
        "registration after the outage",
        interval=1,
    )


def _service_writer(outbox) -> str:  # noqa: ANN001
    """The process that stored the service's own facts (services/kit/own_rows.py)."""
    row = outbox.find_one({"writer": {"$ne": None}}) or published_of(outbox).find_one(
        {"writer": {"$ne": None}}
    )
    assert row is not None, "the service stored no fact before the outage"
    return row["writer"]
