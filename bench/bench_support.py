"""What the platform benchmarks share: a platform of real processes on fresh databases, the
tests' HTTP client for it, and a signed-in operator."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The tests' helpers (HTTP client, cities, dialogue setup) serve the benchmarks too.
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "tests" / "integration" / "dialogue")]

from conftest import Api  # noqa: E402

from services.kit.mailsink import MailSink  # noqa: E402
from services.kit.testing import (  # noqa: E402
    OPERATOR_EMAIL,
    Infra,
    Platform,
    _infra_from_environment,
    free_port,
)


def fresh_infra(prefix: str) -> Infra:
    """The local broker and database (started if needed), with this benchmark's databases
    dropped so every run starts empty."""
    os.environ.setdefault("STADTDIALOG_DB_PREFIX", prefix)
    infra = _infra_from_environment()
    client = infra.mongo()
    for name in client.list_database_names():
        if name.startswith(f"{infra.db_prefix}_"):
            client.drop_database(name)
    return infra


@contextmanager
def bench_platform(prefix: str, services: tuple[str, ...]) -> Iterator[tuple[Platform, Api]]:
    """``services`` as their own processes and the gateway; stopped on the way out."""
    infra = fresh_infra(prefix)
    sink = MailSink(port=free_port()).start()
    platform = Platform(
        infra=infra, mail_sink=sink, logs=Path(tempfile.mkdtemp(prefix=f"bench-{prefix}-"))
    )
    try:
        for service in services:
            platform.service(service)
        yield platform, Api(base=platform.gateway(), sink=sink)
    finally:
        platform.stop_all()
        sink.stop()


def operator_login(api: Api) -> dict:
    account = api.register(email=OPERATOR_EMAIL)
    token = api.mailed_token(OPERATOR_EMAIL)
    api.post("/accounts/verify", {"token": token})
    login = api.post("/sessions", {"email": OPERATOR_EMAIL, "password": account["password"]})
    return {**account, "token": login.json()["token"]}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]
