"""Test fixtures for every service: the real platform, started once per test session.

Registered as a pytest plugin by ``tests/conftest.py``. Nothing here is a mock:

* ``infra`` — RabbitMQ and FerretDB, as started by ``deploy/local/test`` (or
  ``deploy/local/infra up`` when the suite is run by hand); the session's databases are dropped
  at the start so every run begins empty.
* ``mail_sink`` — an aiosmtpd server on a free port; services send their mail there.
* a random ``STADTDIALOG_SECRET_KEY`` for the session (unless the environment gives one), set
  when this plugin loads, so in-process test code signs with the key the services check.
* ``platform`` — starts services (``nameko run`` as real processes) and the gateway (gunicorn)
  on first use and stops them at the end of the session; it can take the broker away and bring
  it back for outage tests (``Platform`` in ``services/kit/testbed.py``).

Tests import the helpers they need from here (``wait_until``, ``free_port``, ``OPERATOR_EMAIL``).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest

from services.kit.mailsink import MailSink
from services.kit.testbed import (
    INFRA,
    OPERATOR_EMAIL,
    REPO,
    Infra,
    Platform,
    caller_context,
    free_port,
    session_secret_key,
    wait_until,
)

__all__ = [
    "OPERATOR_EMAIL",
    "REPO",
    "Infra",
    "Platform",
    "caller_context",
    "free_port",
    "wait_until",
]

session_secret_key()


def _infra_from_environment() -> Infra:
    if not os.environ.get("AMQP_URI") or not os.environ.get("MONGODB_URI"):
        # Run by hand (plain pytest): start what deploy/local/test would have started.
        out = subprocess.run([str(INFRA), "up"], check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            key, _, value = line.removeprefix("export ").partition("=")
            os.environ.setdefault(key, value.strip("'"))
        os.environ.setdefault("STADTDIALOG_OWN_BROKER", "1")
        os.environ.setdefault("STADTDIALOG_OWN_DATABASE", "1")
    # In-process code (kit helpers under test) must use the same databases as the services.
    os.environ.setdefault("STADTDIALOG_DB_PREFIX", "sdtest")
    _worker_of_its_own()
    return Infra(
        amqp_uri=os.environ["AMQP_URI"],
        mongodb_uri=os.environ["MONGODB_URI"],
        db_prefix=os.environ["STADTDIALOG_DB_PREFIX"],
        own_broker=os.environ.get("STADTDIALOG_OWN_BROKER") == "1",
        own_database=os.environ.get("STADTDIALOG_OWN_DATABASE") == "1",
    )


def _worker_of_its_own() -> None:
    """Under pytest-xdist each worker runs a platform of its own: its own vhost on the broker
    and its own databases, so the two never consume each other's messages or read each
    other's cities. Set once per worker process, before any service is started."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or os.environ.get("STADTDIALOG_WORKER_OF") == worker:
        return
    if os.environ.get("STADTDIALOG_OWN_BROKER") != "1":
        raise pytest.UsageError(
            "parallel tests (-n) need the suite's own broker: a vhost per worker is made with "
            "rabbitmqctl; with AMQP_URI given run the suite without -n"
        )
    base, _, vhost = os.environ["AMQP_URI"].rstrip("/").rpartition("/")
    if "@" not in vhost and ":" not in vhost and vhost:
        worker_vhost = f"{vhost}_{worker}"
    else:  # no vhost in the URI: the default one, named after nothing
        base, worker_vhost = os.environ["AMQP_URI"].rstrip("/"), f"stadtdialog_test_{worker}"
    subprocess.run([str(INFRA), "fresh-vhost", worker_vhost], check=True, capture_output=True)
    os.environ["AMQP_URI"] = f"{base}/{worker_vhost}"
    os.environ["STADTDIALOG_DB_PREFIX"] = f"{os.environ['STADTDIALOG_DB_PREFIX']}_{worker}"
    os.environ["STADTDIALOG_WORKER_OF"] = worker


@pytest.fixture(scope="session")
def infra() -> Infra:
    found = _infra_from_environment()
    client = found.mongo()
    for name in client.list_database_names():
        if name.startswith(f"{found.db_prefix}_"):
            client.drop_database(name)
    client.close()
    return found


@pytest.fixture(scope="session")
def mail_sink() -> Iterator[MailSink]:
    sink = MailSink(port=free_port()).start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def platform(infra: Infra, mail_sink: MailSink, tmp_path_factory) -> Iterator[Platform]:  # noqa: ANN001
    logs = tmp_path_factory.mktemp("platform-logs")
    running = Platform(infra=infra, mail_sink=mail_sink, logs=logs)
    yield running
    running.stop_all()
