"""The platform of a test session: real service processes, the gateway, the broker and the
database, and the small helpers to wait for them.

``services/kit/testing.py`` (the pytest plugin) hands a ``Platform`` to the tests as the
``platform`` fixture; benchmarks (``bench/``) build their own.
"""

from __future__ import annotations

import ctypes
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from kombu import Connection
from pymongo import MongoClient

from services.kit.config import load_settings
from services.kit.context import Caller, CallerSeal
from services.kit.events import make_envelope
from services.kit.mailsink import MailSink
from services.kit.outbox import publish_envelope
from services.kit.registry import SERVICES

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "deploy" / "local" / "infra"
NAMEKO_CONFIG = REPO / "deploy" / "local" / "nameko.yaml"
# The account with this address becomes an operator when verified (integration tests).
OPERATOR_EMAIL = "operator@stadtdialog.test"
# Counted per service, kind (rpc, event, timer), method and outcome (services/kit/observability.py).


def session_secret_key() -> str:
    """The key of this test session (or bench run): random, made once, given through the
    environment to every process the platform starts and to the test code that signs."""
    if not os.environ.get("STADTDIALOG_SECRET_KEY"):
        os.environ["STADTDIALOG_SECRET_KEY"] = secrets.token_urlsafe(48)
    return os.environ["STADTDIALOG_SECRET_KEY"]


def caller_context(caller: Caller) -> dict[str, str]:
    """Context data for a standalone ``ClusterRpcProxy`` that calls services as ``caller``,
    signed as the gateway signs (services refuse anything else); valid for
    ``STADTDIALOG_CONTEXT_TTL`` seconds from now."""
    session_secret_key()
    return CallerSeal.from_settings(load_settings()).context_data(caller)


def free_port() -> int:
    """A port nothing listens on, below the kernel's ephemeral range: a port that range gives
    out (``bind(0)``) may be taken as the local end of some outgoing connection (a broker's
    CLI, a client) before the server meant for it binds, and the server then fails to start."""
    low = _ephemeral_low()
    for _ in range(200):
        port = random.randrange(10_000, low)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port between 10000 and {low}")


def _ephemeral_low() -> int:
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32_768  # Linux's default
    return max(low, 12_000)


def wait_until(check, timeout: float, what: str, interval: float = 0.1):  # noqa: ANN001, ANN201
    """Poll ``check`` until it returns a truthy value; fail the test with ``what`` otherwise."""
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except Exception as exc:  # noqa: BLE001 - keep polling, report the last error
            last_error = exc
        time.sleep(interval)
    raise AssertionError(f"{what} did not happen within {timeout} s (last error: {last_error})")


@dataclass
class Infra:
    amqp_uri: str
    mongodb_uri: str
    db_prefix: str
    own_broker: bool
    own_database: bool = False

    def mongo(self) -> MongoClient:
        return MongoClient(self.mongodb_uri, serverSelectionTimeoutMS=5000, tz_aware=True)

    def database(self, service: str):  # noqa: ANN201
        return self.mongo()[f"{self.db_prefix}_{service}"]


# Loaded here, not in the forked child: loading a library there could wait for a lock another
# thread of the test session held at fork time.
_LIBC = ctypes.CDLL("libc.so.6", use_errno=True)
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before exec: end with the test session even when it is killed, so no
    service of an old session keeps consuming from the next session's vhost (Linux)."""
    _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Platform:
    infra: Infra
    mail_sink: MailSink
    logs: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    gateway_url: str | None = None
    # Where each service process serves /metrics (a free port per start).
    metrics_ports: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        session_secret_key()  # before env(): every process gets the same random key

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            AMQP_URI=self.infra.amqp_uri,
            MONGODB_URI=self.infra.mongodb_uri,
            STADTDIALOG_DB_PREFIX=self.infra.db_prefix,
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(self.mail_sink.port),
            STADTDIALOG_RPC_TIMEOUT="10",
            PYTHONWARNINGS="ignore",
            STADTDIALOG_OPERATOR_EMAILS=OPERATOR_EMAIL,
        )
        # Sign-in lockout and rate limit with short windows, so the security tests can watch
        # them lift (tests/integration/security/); the environment may override them.
        env.setdefault("STADTDIALOG_LOGIN_LOCKOUT_ATTEMPTS", "5")
        env.setdefault("STADTDIALOG_LOGIN_LOCKOUT_WINDOW", "6")
        env.setdefault("STADTDIALOG_LOGIN_RATE_LIMIT", "15 per 3 second")
        # The suite sends thousands of mails from one client address; the mail limits are
        # tested on gateways of their own (tests/integration/security/, mail limits).
        env.setdefault("STADTDIALOG_MAIL_LIMIT_PER_CLIENT", "100000 per minute")
        env.setdefault("STADTDIALOG_MAIL_LIMIT_PER_ADDRESS", "30 per minute")
        env.setdefault("STADTDIALOG_MAIL_LIMIT_PER_INVITATION", "1000 per minute")
        # argon2's test profile: the suite signs in thousands of people, each hash would cost
        # 0.4 s of a core with the production parameters (services/identity/passwords.py).
        env.setdefault("STADTDIALOG_PASSWORD_HASHING", "cheapest")
        # Hosts' daily summaries at any hour (production: from 18 o'clock), so a test at any
        # time of day sees them (services/dialogue/notices.py).
        env.setdefault("STADTDIALOG_HOST_SUMMARY_HOUR", "0")
        # A failing mail, fact or consumed message becomes a dead letter within about a second
        # (tests/integration/kit/test_kit_dead_letters.py watches it happen).
        env.setdefault("STADTDIALOG_RETRY_ATTEMPTS", "3")
        env.setdefault("STADTDIALOG_RETRY_BACKOFF", "0.2")
        env.setdefault("STADTDIALOG_RETRY_BACKOFF_MAX", "0.5")
        return env

    def _spawn(
        self, name: str, args: list[str], extra_env: dict[str, str] | None = None
    ) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            args,
            cwd=REPO,
            env={**self.env(), **(extra_env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        self.processes[name] = process
        return process

    def service(self, name: str) -> None:
        """Start service ``name`` as its own ``nameko run`` process (once) and wait for it."""
        self.services([name])

    def services(self, names: list[str]) -> None:
        """Start the services ``names`` that do not run yet, all at once, then wait for each:
        their starts (imports, connections) overlap instead of adding up."""
        starting = [
            n for n in names if n not in self.processes or self.processes[n].poll() is not None
        ]
        for name in starting:
            self.metrics_ports[name] = free_port()
            self._spawn(
                name,
                [sys.executable, "-m", "nameko", "run", "--config", str(NAMEKO_CONFIG),
                 SERVICES[name]],
                {"STADTDIALOG_METRICS_PORT": str(self.metrics_ports[name])},
            )  # fmt: skip
        for name in starting:
            # Generous: on a fresh machine the scenario service compiles its engine first
            # (numba), and a busy machine (two test workers, a browser) slows that down.
            wait_until(lambda n=name: self.ping(n), 180, f"service {name} answering ping")

    def replica(self, name: str, number: int) -> subprocess.Popen:
        """Another ``nameko run`` of service ``name`` on the same queues and database
        (competing consumers), kept as ``<name>-<number>``; it answers no ping of its own, so
        its start is read from its log."""
        key = f"{name}-{number}"
        self.metrics_ports[key] = free_port()  # its /metrics, read as service ``key``
        process = self._spawn(
            key,
            [sys.executable, "-m", "nameko", "run", "--config", str(NAMEKO_CONFIG), SERVICES[name]],
            {"STADTDIALOG_METRICS_PORT": str(self.metrics_ports[key])},
        )
        log_path = self.logs / f"{key}.log"
        wait_until(
            lambda: f"starting services: {name}" in log_path.read_text(errors="replace"),
            60,
            f"{key} starting",
        )
        assert process.poll() is None, log_path.read_text(errors="replace")[-2000:]
        return process

    def stop_service(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def exited(self) -> dict[str, str]:
        """Processes that ended on their own, each with the end of its log (why it died)."""
        return {
            name: (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]
            for name, process in self.processes.items()
            if process.poll() is not None
        }

    def ping(self, name: str) -> bool:
        from nameko.standalone.rpc import ClusterRpcProxy

        process = self.processes.get(name)
        if process is not None and process.poll() is not None:
            log = (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]
            raise RuntimeError(f"service {name} exited with {process.returncode}:\n{log}")
        with ClusterRpcProxy({"AMQP_URI": self.infra.amqp_uri}, timeout=2) as proxy:
            return getattr(proxy, name).ping() == "ok"

    def gateway(self, workers: int = 1, threads: int = 8) -> str:
        """Start the gateway (gunicorn, real HTTP, ``workers`` processes of ``threads``) once;
        returns its base URL."""
        if self.gateway_url and self.processes["gateway"].poll() is None:
            return self.gateway_url
        self.gateway_url = self.extra_gateway("gateway", workers=workers, threads=threads)
        return self.gateway_url

    def extra_gateway(
        self, name: str, env: dict[str, str] | None = None, workers: int = 1, threads: int = 8
    ) -> str:
        """Another gateway process ``name`` with ``env`` on top (tests of settings such as the
        mail limits, whose tight values would trip the rest of the suite); its base URL."""
        port = free_port()
        self._spawn(
            name,
            [
                sys.executable, "-m", "gunicorn", "--config", "python:gateway.gunicorn_conf",
                "--workers", str(workers), "--threads", str(threads),
                "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "5",
                "gateway.app:create_app()",
            ],
            env,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: requests.get(f"{url}/healthz", timeout=2).ok, 60, f"{name} up")
        return url

    def database_stop(self) -> None:
        if not self.infra.own_database:
            pytest.skip("the database is given by MONGODB_URI: the suite may not take it away")
        stop = subprocess.run([str(INFRA), "db-stop"], check=False, env=self._infra_env())
        if stop.returncode == 3:
            pytest.skip("the database on this port belongs to another checkout")

    def database_start(self) -> None:
        subprocess.run([str(INFRA), "db-start"], check=True, env=self._infra_env())

    def broker_stop(self) -> None:
        if not self.infra.own_broker:
            pytest.skip("the broker is given by AMQP_URI: the suite may not take it away")
        subprocess.run([str(INFRA), "broker-stop"], check=True)

    def broker_start(self) -> None:
        subprocess.run([str(INFRA), "broker-start"], check=True, env=self._infra_env())

    def _infra_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("AMQP_URI", None)  # we own this broker: let the script manage it
        env.pop("MONGODB_URI", None)
        return env

    def publish_fact(
        self,
        service: str,
        entity: str,
        action: str,
        data: dict,
        city: str | None = None,
        public: bool = True,
    ) -> dict:
        """A fact exactly as ``service``'s outbox would publish it (for services not built yet)."""
        envelope = make_envelope(
            service=service, entity=entity, action=action, data=data, city=city
        )
        with Connection(self.infra.amqp_uri, transport_options={"confirm_publish": True}) as conn:
            publish_envelope(conn.Producer(), envelope, public=public)
        return envelope

    def stop_all(self, grace: float = 5.0) -> None:
        """End every process: all are signalled at once (their graceful stops overlap, about
        3.5 s for the whole platform), and whatever still runs after ``grace`` seconds is
        killed: at the end of a session nothing waits on a slow goodbye."""
        running = [p for p in self.processes.values() if p.poll() is None]
        for process in running:
            process.terminate()
        deadline = time.monotonic() + grace
        for process in running:
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
