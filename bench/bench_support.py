"""What the platform benchmarks share: a platform of real processes on fresh databases, the
tests' HTTP client for it, and a signed-in operator."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import urllib3

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
        # The gateway as deploy/local/run starts it (deploy/local/Procfile: 2 workers x 16 threads).
        yield platform, Api(base=platform.gateway(workers=2, threads=16), sink=sink)
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


class KeepAliveClient:
    """One simulated person's keep-alive HTTP connection, for the timed loops.

    The load generator shares the machine's cores with the platform it measures, so its own
    CPU counts against the platform: ``requests`` costs about 0.68 ms of CPU per call here,
    urllib3 (which ``requests`` is built on) 0.28 ms. Set-up still uses the tests' ``Api``."""

    def __init__(self) -> None:
        self._pool = urllib3.PoolManager(maxsize=1, retries=False)

    def post(
        self,
        url: str,
        headers: dict[str, str] | None = None,
        params: dict[str, object] | None = None,
        timeout: float = 60,
    ) -> int:
        """POST without a body; the answer's status code."""
        if params:
            url = f"{url}?{urlencode(params)}"
        return self._pool.request("POST", url, headers=headers, timeout=timeout).status
