"""The lockout rule alone (pure, no platform): when an address is locked and for how long."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.identity.lockout import LockoutPolicy, address_key

NOW = datetime(2027, 5, 1, 12, 0, tzinfo=UTC)


def _ago(*seconds: float) -> list[datetime]:
    return [NOW - timedelta(seconds=s) for s in seconds]


def test_open_below_the_limit_and_locked_at_it() -> None:
    policy = LockoutPolicy(attempts=3, window_seconds=60)
    assert policy.seconds_locked(_ago(1, 2), NOW) == 0
    # The third-newest failure was 10 s ago: it leaves the window in 50 s.
    assert policy.seconds_locked(_ago(1, 2, 10), NOW) == 50
    assert policy.seconds_locked(_ago(1, 2, 10, 20), NOW) == 50


def test_failures_outside_the_window_do_not_lock() -> None:
    policy = LockoutPolicy(attempts=2, window_seconds=30)
    assert policy.seconds_locked(_ago(1, 30), NOW) == 0
    assert policy.since(NOW) == NOW - timedelta(seconds=30)


def test_partial_seconds_round_up() -> None:
    policy = LockoutPolicy(attempts=1, window_seconds=5)
    assert policy.seconds_locked(_ago(4.2), NOW) == 1


def test_configuration_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("STADTDIALOG_LOGIN_LOCKOUT_ATTEMPTS", "7")
    monkeypatch.setenv("STADTDIALOG_LOGIN_LOCKOUT_WINDOW", "120")
    assert LockoutPolicy.from_environment() == LockoutPolicy(attempts=7, window_seconds=120)
    monkeypatch.delenv("STADTDIALOG_LOGIN_LOCKOUT_ATTEMPTS")
    monkeypatch.delenv("STADTDIALOG_LOGIN_LOCKOUT_WINDOW")
    assert LockoutPolicy.from_environment() == LockoutPolicy(attempts=5, window_seconds=900)


def test_the_key_names_nobody_and_ignores_case() -> None:
    key = address_key("geheim", "Erika@Example.org ")
    assert key == address_key("geheim", "erika@example.org")
    assert "erika" not in key and len(key) == 64
    assert key != address_key("anderes-geheimnis", "erika@example.org")
