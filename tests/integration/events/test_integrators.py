"""``stadtdialog integrators``: a broker user per integrator that reads its cities' public facts
and nothing else — on the real broker, through its management API, with the real services
emitting the facts."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable

import pytest
from click.testing import CliRunner
from kombu import Connection, Exchange, Queue

from gateway.cli import main
from gateway.integrators import PUBLIC_EXCHANGE
from services.kit import cloudevents
from services.kit.testing import wait_until

MANAGEMENT_URL = os.environ.get("RABBITMQ_MANAGEMENT_URL")
# deploy/local/test exports it whenever it starts the broker itself (always in CI).
pytestmark = pytest.mark.skipif(
    not MANAGEMENT_URL and not os.environ.get("CI"),
    reason="the broker was given by AMQP_URI without RABBITMQ_MANAGEMENT_URL",
)

STEP = "/cities/{}/phases/kickoff/steps/working_group_formed"


def _cli(api, infra, operator, *args: str):  # noqa: ANN001, ANN202
    env = {
        "STADTDIALOG_URL": api.base,
        "STADTDIALOG_TOKEN": operator["token"],
        "AMQP_URI": infra.amqp_uri,
        "RABBITMQ_MANAGEMENT_URL": MANAGEMENT_URL or "",
    }
    return CliRunner().invoke(main, ["integrators", *args], env=env)


def _public() -> Exchange:
    # Passive: the integrator may not declare the exchange, only find it.
    return Exchange(PUBLIC_EXCHANGE, type="topic", durable=True, passive=True)


def _refused(action: Callable[[], object]) -> bool:
    """True when the broker answers 403 ACCESS_REFUSED (amqp raises it, kombu may wrap it)."""
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - the text is the check
        return "ACCESS_REFUSED" in str(exc)
    return False


def _declare(uri: str, queue: Queue) -> None:
    with Connection(uri, connect_timeout=5) as conn:
        queue(conn.channel()).declare()


def test_an_integrator_reads_its_city_and_is_refused_another(api, infra, operator, cities) -> None:
    mine, other = cities.create(), cities.create()
    name = f"app-{uuid.uuid4().hex[:6]}"

    unknown = _cli(api, infra, operator, "add", name, "--city", "nirgendwo")
    assert unknown.exit_code == 1 and "404" in unknown.output, unknown.output
    bad_name = _cli(api, infra, operator, "add", "Böse App", "--city", mine["slug"])
    assert bad_name.exit_code == 2 and "Kleinbuchstaben" in bad_name.output

    added = _cli(api, infra, operator, "add", name, "--city", mine["slug"])
    assert added.exit_code == 0, added.output
    grant = json.loads(added.output[: added.output.rindex("}") + 1])
    uri = grant["amqp_uri"]
    assert grant["binding_keys"] == [f"{mine['slug']}.#"] and grant["user"] in uri

    listed = json.loads(_cli(api, infra, operator, "list").output)
    assert {"integrator": name, "user": f"integrator-{name}", "cities": [mine["slug"]]} in listed

    prefix = grant["queue_prefix"]
    # Another city's key, every city's key, a wildcard city and a queue of a foreign name.
    for queue in (
        Queue(f"{prefix}b", exchange=_public(), routing_key=f"{other['slug']}.#"),
        Queue(f"{prefix}c", exchange=_public(), routing_key="#"),
        Queue(f"{prefix}d", exchange=_public(), routing_key="*.cities.#"),
        Queue("fremd", exchange=_public(), routing_key=f"{mine['slug']}.#"),
    ):
        assert _refused(lambda queue=queue: _declare(uri, queue)), queue

    own = Queue(f"{prefix}facts", exchange=_public(), routing_key=f"{mine['slug']}.#")
    with Connection(uri, connect_timeout=5) as conn:
        bound = own(conn.channel())
        bound.declare()
        for made in (other, mine):  # a public fact in each city, through the real services
            marked = api.post(
                STEP.format(made["slug"]), {"note": "Gruppe"}, token=made["admin"]["token"]
            )
            assert marked.status_code == 200, marked.text
        received: list[dict] = []

        def step_fact_arrived() -> bool:
            while (message := bound.get(no_ack=True, accept=cloudevents.ACCEPT)) is not None:
                received.append(message.payload)
            return any(e["type"].startswith("stadtdialog.cities.step.") for e in received)

        wait_until(step_fact_arrived, 30, "the integrator's city's step fact")
        assert {e["city"] for e in received} == {mine["slug"]}, received

        # Publishing is not theirs: the broker closes the channel of a refused publish.
        def publish() -> None:
            with Connection(uri, transport_options={"confirm_publish": True}) as writer:
                writer.Producer().publish(
                    {"id": "x"}, exchange=PUBLIC_EXCHANGE, routing_key=f"{mine['slug']}.x.y.z"
                )

        assert _refused(publish)

    revoked = _cli(api, infra, operator, "revoke", name)
    assert revoked.exit_code == 0, revoked.output
    # The refused bindings above left their queues unbound (declaring was allowed): all go.
    deleted = json.loads(revoked.output)["deleted_queues"]
    assert sorted(deleted) == sorted(f"{prefix}{q}" for q in ("b", "c", "d", "facts"))
    assert _refused(lambda: _declare(uri, own))  # the user is gone: the login is refused
    assert name not in {
        row["integrator"] for row in json.loads(_cli(api, infra, operator, "list").output)
    }
    again = _cli(api, infra, operator, "revoke", name)
    assert again.exit_code == 1 and "Keinen Integrator" in again.output
