"""The JSON log formatter, the correlation id and the metrics port rule."""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

import pytest

from services.kit.correlation import (
    bind_correlation_id,
    reset_correlation_id,
    valid_correlation_id,
)
from services.kit.events import make_envelope
from services.kit.logs import json_formatter
from services.kit.observability import metrics_port, outcome_of


@pytest.fixture
def capture():  # noqa: ANN201
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    logger = logging.getLogger("stadtdialog.test.observability")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield logger, lines
    logger.removeHandler(handler)


def test_a_record_becomes_one_json_object_with_level_logger_time_and_fields(capture) -> None:
    logger, lines = capture
    logger.info("rpc %s.%s ok", "cities", "create_city", extra={"duration_ms": 3.5, "kind": "rpc"})
    (line,) = lines()
    assert line["event"] == "rpc cities.create_city ok"
    assert line["level"] == "info"
    assert line["logger"] == "stadtdialog.test.observability"
    assert line["duration_ms"] == 3.5 and line["kind"] == "rpc"
    assert line["time"].endswith("Z")
    assert "correlation_id" not in line  # none bound: none invented


def test_the_bound_correlation_id_is_on_every_line_until_reset(capture) -> None:
    logger, lines = capture
    token = bind_correlation_id("req-12345678")
    try:
        logger.warning("first")
        logger.info("second", extra={"correlation_id": "explicit-123"})
    finally:
        reset_correlation_id(token)
    logger.info("after")
    first, second, after = lines()
    assert first["correlation_id"] == "req-12345678"
    assert second["correlation_id"] == "explicit-123"  # an explicit one wins
    assert "correlation_id" not in after


def test_email_addresses_never_reach_the_log(capture) -> None:
    logger, lines = capture
    logger.info("mail to erika.muster+dialog@example.org failed", extra={"to": ["a.b@stadt.de"]})
    (line,) = lines()
    assert "@" not in json.dumps(line)
    assert line["event"] == "mail to <e-mail> failed" and line["to"] == ["<e-mail>"]


def test_exceptions_are_rendered_as_text_in_the_line(capture) -> None:
    logger, lines = capture
    try:
        raise ValueError("broken")
    except ValueError:
        logger.exception("handler failed")
    (line,) = lines()
    assert line["level"] == "error"
    assert "ValueError: broken" in line["exception"] and "Traceback" in line["exception"]


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("3f2b6c1e-1d2c-4a0b-9e58-0c7f0c3f7a21", True),
        ("ops-test-abc123", True),
        ("short", False),
        ("someone@example.org", False),
        ("with space inside", False),
        ("x" * 65, False),
        (None, False),
        (42, False),
    ],
)
def test_only_id_like_correlation_ids_are_taken(value, accepted: bool) -> None:  # noqa: ANN001
    assert (valid_correlation_id(value) is not None) is accepted


def test_envelopes_carry_the_correlation_id_only_when_there_is_one() -> None:
    plain = make_envelope(service="cities", entity="city", action="created", data={})
    assert "correlationid" not in plain
    traced = make_envelope(
        service="cities", entity="city", action="created", data={}, correlationid="req-12345678"
    )
    assert traced["correlationid"] == "req-12345678"


def test_metrics_port_explicit_base_or_off(monkeypatch) -> None:  # noqa: ANN001
    services = ["identity", "cities", "events"]
    monkeypatch.delenv("STADTDIALOG_METRICS_PORT", raising=False)
    monkeypatch.delenv("STADTDIALOG_METRICS_BASE_PORT", raising=False)
    assert metrics_port("cities", services) == 9102
    monkeypatch.setenv("STADTDIALOG_METRICS_BASE_PORT", "9200")
    assert metrics_port("events", services) == 9203
    monkeypatch.setenv("STADTDIALOG_METRICS_BASE_PORT", "0")
    assert metrics_port("events", services) is None
    monkeypatch.setenv("STADTDIALOG_METRICS_PORT", "9300")
    assert metrics_port("events", services) == 9300
    monkeypatch.setenv("STADTDIALOG_METRICS_PORT", "0")
    assert metrics_port("events", services) is None


def test_outcome_names_the_exception_class() -> None:
    assert outcome_of(None) == "ok"
    assert outcome_of((KeyError, KeyError("x"), None)) == "KeyError"


def test_the_sample_dashboard_asks_only_for_metrics_that_exist() -> None:
    repo = Path(__file__).resolve().parents[3]
    dashboard = json.loads((repo / "deploy" / "grafana" / "stadtdialog.json").read_text())
    expressions = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    assert len(expressions) >= 10
    asked = {
        re.sub(r"_(bucket|count|sum)$", "", name)
        for expression in expressions
        for name in re.findall(r"stadtdialog_[a-z_]+", expression)
    }
    source = (repo / "gateway" / "metrics.py").read_text() + (
        repo / "services" / "kit" / "observability.py"
    ).read_text()
    missing = sorted(n for n in asked if f'"{n}"' not in source)
    assert not missing, f"the dashboard asks for metrics no process exports: {missing}"
