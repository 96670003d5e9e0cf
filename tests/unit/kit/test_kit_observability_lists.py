"""A worker handed a list of facts (services/kit/batches.py) is one entrypoint observation of
kind ``event``; each fact in it counts as a handled event with its own lag."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from prometheus_client import REGISTRY

from services.kit.events import make_envelope
from services.kit.observability import ServiceObservability

SERVICE = "unittestlists"


class BatchConsumer:  # stands for the kit's entrypoint: only its name and kind are read
    metrics_kind = "event"
    method_name = "count_facts"


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, {"service": SERVICE, **labels}) or 0.0


def _run(observability: ServiceObservability, args: tuple) -> None:
    worker_ctx = SimpleNamespace(args=args, data={}, entrypoint=BatchConsumer())
    observability.worker_setup(worker_ctx)
    observability.worker_result(worker_ctx, None, None)
    observability.worker_teardown(worker_ctx)


@pytest.fixture
def observability() -> ServiceObservability:
    provider = ServiceObservability()
    provider.container = SimpleNamespace(service_name=SERVICE)
    return provider


def test_a_list_is_one_observation_and_each_fact_one_handled_event(
    observability, caplog: pytest.LogCaptureFixture
) -> None:  # noqa: ANN001
    facts = [
        make_envelope(service="dialogue", entity="talk", action="created", data={}, city="a")
        for _ in range(3)
    ]
    kind = facts[0]["type"]
    labels = {"kind": "event", "method": "count_facts", "outcome": "ok"}
    calls = _value("stadtdialog_service_entrypoint_seconds_count", **labels)
    handled = _value("stadtdialog_service_events_handled_total", type=kind, outcome="ok")
    lag = _value("stadtdialog_service_event_lag_seconds_count")
    with caplog.at_level(logging.INFO, logger="services.kit.observability"):
        _run(observability, ([*facts, "kein Umschlag"],))
        _run(observability, ([facts[0]],))
    assert _value("stadtdialog_service_entrypoint_seconds_count", **labels) - calls == 2
    assert (
        _value("stadtdialog_service_events_handled_total", type=kind, outcome="ok") - handled == 4
    )
    assert _value("stadtdialog_service_event_lag_seconds_count") - lag == 4
    lines = [r for r in caplog.records if getattr(r, "method", None) == "count_facts"]
    assert [getattr(r, "events", None) for r in lines] == [3, None]
    assert getattr(lines[1], "event_id", None) == facts[0]["id"]  # a list of one: as before
