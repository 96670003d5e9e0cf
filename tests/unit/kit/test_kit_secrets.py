"""Secrets: no process starts with a known or weak key; the local run keeps a random one."""

from __future__ import annotations

import dataclasses
import os
import stat
import subprocess

import pytest

from services.kit.config import (
    DEVELOPMENT_KEY,
    EXIT_UNSAFE_CONFIG,
    UnsafeSecretKey,
    check_secret_key,
    load_settings,
    refuse_to_start,
    secret_key_problem,
)
from services.kit.testbed import REPO

STRONG = "k" * 48


def _settings(key: str, url: str = "http://127.0.0.1:8080", dev: bool = False):  # noqa: ANN202
    return dataclasses.replace(
        load_settings(), secret_key=key, public_base_url=url, dev_insecure_key=dev
    )


@pytest.mark.parametrize("key", [DEVELOPMENT_KEY, "", "short-but-not-default", "x" * 31])
def test_development_key_is_refused_at_start(key: str) -> None:
    problem = secret_key_problem(_settings(key))
    assert problem and "Start verweigert" in problem and "Refusing to start" in problem
    with pytest.raises(UnsafeSecretKey):
        check_secret_key(_settings(key))
    # The explicit development flag allows it over http, never behind https.
    assert secret_key_problem(_settings(key, dev=True)) is None
    behind_https = secret_key_problem(_settings(key, "https://stadtdialog.example", dev=True))
    assert behind_https and "https" in behind_https


def test_an_unset_key_falls_back_to_the_refused_development_default(monkeypatch) -> None:
    monkeypatch.delenv("STADTDIALOG_SECRET_KEY", raising=False)
    monkeypatch.delenv("STADTDIALOG_DEV_INSECURE_KEY", raising=False)
    assert load_settings().secret_key == DEVELOPMENT_KEY
    assert secret_key_problem(load_settings())
    monkeypatch.setenv("STADTDIALOG_DEV_INSECURE_KEY", "1")
    assert secret_key_problem(load_settings()) is None


def test_a_long_random_key_starts_behind_https() -> None:
    settings = _settings(STRONG, "https://stadtdialog.example")
    assert secret_key_problem(settings) is None
    assert check_secret_key(settings) is settings


def test_refusing_to_start_exits_with_the_configuration_code() -> None:
    with pytest.raises(SystemExit) as ended:
        refuse_to_start("Start verweigert / Refusing to start")
    assert ended.value.code == EXIT_UNSAFE_CONFIG


def _make_key(state) -> str:  # noqa: ANN001
    made = subprocess.run(
        ["bash", str(REPO / "deploy" / "local" / "secret-key"), str(state)],
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.strip()


def test_local_run_creates_and_keeps_a_random_key(tmp_path) -> None:
    state = tmp_path / "state"
    first = _make_key(state)
    key_file = state / "secret_key"
    assert len(first) >= 32 and first != DEVELOPMENT_KEY
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert _make_key(state) == first  # kept: links mailed before a restart stay valid
    assert _make_key(tmp_path / "other") != first  # random, not a constant
    # deploy/local/run exports it for every process it starts, unless one is given.
    run = (REPO / "deploy" / "local" / "run").read_text()
    assert 'STADTDIALOG_SECRET_KEY=$("$here/secret-key")' in run
    assert "export STADTDIALOG_SECRET_KEY" in run
    assert os.access(REPO / "deploy" / "local" / "secret-key", os.X_OK)
