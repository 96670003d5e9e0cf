"""One correlation id from the gateway through RPC into the service's log and the emitted
event; Prometheus metrics of the gateway and of a service move with the traffic."""

from __future__ import annotations

import json
import re
import uuid

import requests
from kombu import Connection, Exchange, Queue

from services.kit.events import PUBLIC_EXCHANGE, make_envelope
from services.kit.outbox import publish_envelope
from services.kit.testing import wait_until


def _json_lines(path) -> list[dict]:  # noqa: ANN001
    found = []
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                found.append(json.loads(line))
            except ValueError:
                continue
    return found


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the Prometheus text format (0 when absent)."""
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_one_correlation_id_in_gateway_log_service_log_and_event(api, cities, platform) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    correlation = f"ops-test-{uuid.uuid4().hex[:12]}"
    exchange = Exchange(PUBLIC_EXCHANGE, type="topic", durable=True)
    with Connection(platform.infra.amqp_uri) as connection:
        queue = Queue(
            f"ops-test-{uuid.uuid4().hex[:8]}",
            exchange=exchange,
            routing_key=f"{slug}.cities.working_group.*",
            auto_delete=True,
        )
        received: list[dict] = []
        with connection.Consumer(
            queue, callbacks=[lambda body, m: (received.append(body), m.ack())]
        ):
            response = requests.post(
                api.url(f"/cities/{slug}/working-groups"),
                json={"name": "Mobilität"},
                headers={
                    "Authorization": f"Bearer {admin['token']}",
                    "X-Correlation-ID": correlation,
                },
                timeout=30,
            )
            assert response.status_code == 201, response.text
            assert response.headers["X-Correlation-ID"] == correlation

            def drained() -> bool:
                try:
                    connection.drain_events(timeout=0.5)
                except TimeoutError:
                    pass
                return bool(received)

            wait_until(drained, 20, "the working group fact on the public exchange")
    envelope = received[0]
    assert envelope["type"] == "stadtdialog.cities.working_group.created.v1"
    assert envelope["correlationid"] == correlation

    def line_in(name: str, **fields: str) -> dict | None:
        for line in _json_lines(platform.logs / f"{name}.log"):
            if all(line.get(k) == v for k, v in fields.items()):
                return line
        return None

    gateway_line = wait_until(
        lambda: line_in(
            "gateway",
            correlation_id=correlation,
            endpoint="/api/v1/cities/<slug>/working-groups",
        ),
        10,
        "the gateway's log line",
    )
    assert gateway_line["status"] == 201 and gateway_line["level"] == "info"
    service_line = wait_until(
        lambda: line_in("cities", correlation_id=correlation, method="create_working_group"),
        10,
        "the cities service's log line",
    )
    assert service_line["outcome"] == "ok" and service_line["kind"] == "rpc"
    # The gateway authenticated the same request through identity: same id there.
    assert wait_until(
        lambda: line_in("identity", correlation_id=correlation, method="authenticate"),
        10,
        "the identity service's log line",
    )
    # No e-mail address of the admin in any of the request's lines.
    for name in ("gateway", "cities", "identity"):
        text = (platform.logs / f"{name}.log").read_text(errors="replace")
        assert admin["email"] not in text


def test_an_address_is_not_taken_as_correlation_id(api) -> None:
    response = requests.get(
        api.url("/cities"), headers={"X-Correlation-ID": "someone@example.org"}, timeout=30
    )
    assert response.status_code == 200
    assert "@" not in response.headers["X-Correlation-ID"]
    assert len(response.headers["X-Correlation-ID"]) == 36  # a fresh uuid instead


def test_gateway_and_service_metrics_count_requests(api, cities, platform) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    service_url = f"http://127.0.0.1:{platform.metrics_ports['cities']}/metrics"
    endpoint = "/api/v1/cities/<slug>/working-groups"

    def scrape() -> tuple[str, str]:
        gateway = requests.get(f"{api.base}/metrics", timeout=10)
        assert gateway.status_code == 200
        assert gateway.headers["Content-Type"].startswith("text/plain")
        return gateway.text, requests.get(service_url, timeout=10).text

    gateway_before, service_before = scrape()
    for name in ("Klima", "Bildung"):
        created = api.post(f"/cities/{slug}/working-groups", {"name": name}, token=admin["token"])
        assert created.status_code == 201
    assert api.get(f"/cities/{slug}/working-groups/nope", token=admin["token"]).status_code == 404
    gateway_after, _ = scrape()

    def moved(text_before: str, text_after: str, name: str, **labels: str) -> float:
        return _sample(text_after, name, **labels) - _sample(text_before, name, **labels)

    entrypoint = "stadtdialog_service_entrypoint_seconds_count"

    def service_counted() -> str | None:
        """nameko sends an RPC reply before it records the worker's result: the service's
        figures may trail the gateway's answer by a moment."""
        text = requests.get(service_url, timeout=10).text
        created = moved(
            service_before, text, entrypoint, method="create_working_group", outcome="ok"
        )
        missing = moved(
            service_before, text, entrypoint, method="working_group", outcome="NotFound"
        )
        return text if created >= 2 and missing >= 1 else None

    service_after = wait_until(service_counted, 10, "the service's figures for the requests")

    counted = moved(
        gateway_before,
        gateway_after,
        "stadtdialog_gateway_requests_total",
        method="POST",
        endpoint=endpoint,
        status="201",
    )
    assert counted == 2
    assert (
        moved(
            gateway_before,
            gateway_after,
            "stadtdialog_gateway_request_seconds_count",
            method="POST",
            endpoint=endpoint,
            status="201",
        )
        == 2
    )
    rpc_calls = moved(
        gateway_before,
        gateway_after,
        "stadtdialog_gateway_rpc_seconds_count",
        service="cities",
        method="create_working_group",
        outcome="ok",
    )
    assert rpc_calls == 2
    handled = moved(
        service_before,
        service_after,
        "stadtdialog_service_entrypoint_seconds_count",
        service="cities",
        kind="rpc",
        method="create_working_group",
        outcome="ok",
    )
    assert handled == 2
    assert (
        moved(
            service_before,
            service_after,
            "stadtdialog_service_entrypoint_seconds_count",
            service="cities",
            method="working_group",
            outcome="NotFound",
        )
        == 1
    )
    assert 'stadtdialog_outbox_pending{service="cities"}' in service_after
    assert 'stadtdialog_queue_messages{queue="rpc-cities",service="cities"}' in service_after


def test_an_event_handler_takes_the_id_from_the_envelope_and_is_counted(cities, platform) -> None:
    """The cities service counts the public facts of other services (tallies): the handler's
    log line carries the envelope's correlation id, and the service's metrics count it."""
    slug = cities.create()["slug"]
    service_url = f"http://127.0.0.1:{platform.metrics_ports['cities']}/metrics"
    before = requests.get(service_url, timeout=10).text
    correlation = f"ops-event-{uuid.uuid4().hex[:12]}"
    envelope = make_envelope(
        service="dialogue",
        entity="talk",
        action="documented",
        data={"talk_id": "t-1"},
        city=slug,
        correlationid=correlation,
    )
    with Connection(platform.infra.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        publish_envelope(conn.Producer(), envelope, public=True)

    def handler_line() -> dict | None:
        for line in _json_lines(platform.logs / "cities.log"):
            if line.get("correlation_id") == correlation and line.get("event_id") == envelope["id"]:
                return line
        return None

    line = wait_until(handler_line, 20, "the cities service's line for the handled fact")
    assert line["kind"] == "event" and line["method"] == "count_public_fact"
    assert line["event_type"] == envelope["type"] and line["outcome"] == "ok"
    after = requests.get(service_url, timeout=10).text
    labels = {"service": "cities", "type": envelope["type"], "outcome": "ok"}
    handled = _sample(after, "stadtdialog_service_events_handled_total", **labels)
    assert handled - _sample(before, "stadtdialog_service_events_handled_total", **labels) == 1
    lag = "stadtdialog_service_event_lag_seconds_count"
    assert _sample(after, lag, service="cities") > _sample(before, lag, service="cities")
