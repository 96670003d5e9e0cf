"""Retention rules: the guests' period, its cut-off and the fields that replace a guest's
name and address; how long notifications are kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.dialogue.retention import (
    DEFAULT_DAYS,
    FORGOTTEN_NAME,
    ended_before,
    forgotten_guest,
    notification_cutoffs,
    retention_days,
)


def test_thirty_days_unless_configured() -> None:
    assert retention_days({}) == DEFAULT_DAYS == 30
    assert retention_days({"STADTDIALOG_GUEST_RETENTION_DAYS": " 7 "}) == 7
    assert retention_days({"STADTDIALOG_GUEST_RETENTION_DAYS": "0"}) == 0


@pytest.mark.parametrize("value", ["-1", "dreißig"])
def test_a_wrong_period_stops_the_service_instead_of_keeping_data_forever(value: str) -> None:
    with pytest.raises(ValueError):
        retention_days({"STADTDIALOG_GUEST_RETENTION_DAYS": value})


def test_talks_that_ended_before_the_cutoff_are_due() -> None:
    now = datetime(2027, 6, 30, 12, tzinfo=UTC)
    assert ended_before(now, 30) == datetime(2027, 5, 31, 12, tzinfo=UTC)
    assert ended_before(now, 0) == now


def test_a_forgotten_guest_keeps_a_unique_key_without_the_address() -> None:
    fields = forgotten_guest("65a1b2c3d4e5f60718293a4b")
    assert fields == {
        "person": "guest:forgotten:65a1b2c3d4e5f60718293a4b",
        "display_name": FORGOTTEN_NAME,
        "email": None,
    }
    assert forgotten_guest("a")["person"] != forgotten_guest("b")["person"]


def test_notifications_read_after_ninety_days_any_after_a_year_unless_configured() -> None:
    now = datetime(2027, 6, 30, 12, tzinfo=UTC)
    read_before, any_before = notification_cutoffs(now, {})
    assert read_before == datetime(2027, 4, 1, 12, tzinfo=UTC)  # 90 days
    assert any_before == datetime(2026, 6, 30, 12, tzinfo=UTC)  # 365 days
    env = {"STADTDIALOG_NOTIFICATION_READ_DAYS": "7", "STADTDIALOG_NOTIFICATION_MAX_DAYS": "30"}
    assert notification_cutoffs(now, env) == (
        datetime(2027, 6, 23, 12, tzinfo=UTC),
        datetime(2027, 5, 31, 12, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    "name", ["STADTDIALOG_NOTIFICATION_READ_DAYS", "STADTDIALOG_NOTIFICATION_MAX_DAYS"]
)
def test_a_wrong_notification_period_is_refused(name: str) -> None:
    now = datetime(2027, 6, 30, 12, tzinfo=UTC)
    for value in ("-1", "neunzig"):
        with pytest.raises(ValueError):
            notification_cutoffs(now, {name: value})
