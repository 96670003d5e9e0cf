"""The README's run command starts the whole platform, reaches /readyz = 200 and stops on Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import tempfile
from pathlib import Path

import requests
from prometheus_client.parser import text_string_to_metric_families

from services.kit.testing import REPO, free_port, wait_until


def test_run_command_reaches_ready_and_stops_on_ctrl_c(infra, tmp_path) -> None:
    port = free_port()
    env = dict(os.environ)
    env.update(
        AMQP_URI=infra.amqp_uri,  # given: the run command starts and stops no broker/database
        MONGODB_URI=infra.mongodb_uri,
        STADTDIALOG_DB_PREFIX=infra.db_prefix,
        GATEWAY_PORT=str(port),
        SMTP_PORT=str(free_port()),
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"),
        STADTDIALOG_STATE=str(tmp_path / "state"),  # where the run keeps its secret key
    )
    env.pop("SMTP_HOST", None)  # so that the run command starts its own mail sink
    env.pop("STADTDIALOG_SECRET_KEY", None)  # so that it makes and keeps its own
    log = open(tmp_path / "run.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        ["bash", "deploy/local/run"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )
    try:
        ready = wait_until(
            lambda: requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200,
            120,
            "the platform answering /readyz with 200",
            interval=0.2,
        )
        assert ready
        # The services started with the key the run made: random, kept readable by us only.
        key_file = tmp_path / "state" / "secret_key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert len(key_file.read_text().strip()) >= 32
        page = requests.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert page.status_code == 200 and "Stadtdialog" in page.text
        # The two gunicorn workers add up their metrics: whichever answers /metrics counts
        # every request to the home page, not only its own share.
        for _ in range(19):
            assert requests.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200
        for _ in range(4):
            assert _home_page_requests(port) == 20
    finally:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends to the foreground group
        try:
            process.wait(60)
        finally:
            log.close()
    output = (tmp_path / "run.log").read_text(errors="replace")
    assert process.returncode is not None, output
    # Every process of the platform is gone: nothing listens on the gateway's port any more.
    wait_until(
        lambda: (
            subprocess.run(
                ["bash", "-c", f"exec 3<>/dev/tcp/127.0.0.1/{port}"], capture_output=True
            ).returncode
            != 0
        ),
        30,
        "the gateway's port closing",
    )
    assert "gateway.1 stopped" in output and "identity.1 stopped" in output, output[-3000:]


def _home_page_requests(port: int) -> float:
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        if family.name == "stadtdialog_gateway_requests"
        for sample in family.samples
        if sample.name.endswith("_total") and sample.labels.get("endpoint") == "/"
    )


def test_ctrl_c_after_the_demo_stops_the_broker_and_database_the_run_started(tmp_path) -> None:
    """With nothing given, the run starts its own RabbitMQ node and FerretDB (with the
    PostgreSQL cluster behind it, all on free ports beside whatever else runs here); Ctrl-C
    after the demo seed stops them all and every process."""
    names = ("gateway", "smtp", "amqp", "dist", "management", "database", "postgres")
    ports = {name: free_port() for name in names}
    postgresql = os.environ.get("STADTDIALOG_DB_BACKEND", "postgresql") == "postgresql"
    # A state dir the `postgres` user can reach (pytest's tmp_path is private to root), so that
    # the cluster lives in it and goes with it.
    state = Path(tempfile.mkdtemp(prefix="stadtdialog-run-"))
    state.chmod(0o755)
    node = f"stadtdialog-{ports['amqp']}@localhost"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("AMQP_URI", "MONGODB_URI", "SMTP_HOST", "STADTDIALOG_DEMO")
        and not key.startswith("STADTDIALOG_OWN_")
    }
    env.update(
        GATEWAY_PORT=str(ports["gateway"]),
        SMTP_PORT=str(ports["smtp"]),
        RABBITMQ_PORT=str(ports["amqp"]),
        RABBITMQ_DIST_PORT=str(ports["dist"]),
        RABBITMQ_MANAGEMENT_PORT=str(ports["management"]),
        FERRETDB_PORT=str(ports["database"]),
        POSTGRES_PORT=str(ports["postgres"]),
        STADTDIALOG_STATE=str(state),
        STADTDIALOG_METRICS_PORT="0",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"),
    )
    log_path = tmp_path / "run.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        ["bash", "deploy/local/run"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    pidfile = state / "ferretdb" / "ferretdb.pid"
    try:
        # Until the seeder printed the logins, or the run ended early (then what it printed
        # says why: the broker, the database or the seeder).
        try:
            wait_until(
                lambda: (
                    "demo: logins" in log_path.read_text(errors="replace")
                    or process.poll() is not None
                ),
                400,
                "the demo seeder printing the demo logins",
                interval=0.2,
            )
        except AssertionError as late:
            raise AssertionError(f"{late}; the run printed:\n{_tail(log_path)}") from None
        printed = log_path.read_text(errors="replace")
        assert "demo: logins" in printed, f"the run ended early:\n{printed[-6000:]}"
        database_pid = int(pidfile.read_text())
        assert _listening(ports["amqp"]) and _listening(ports["database"])
        assert _listening(ports["management"])
        assert _listening(ports["postgres"]) == postgresql
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(120)
        finally:
            log.close()
            output = log_path.read_text(errors="replace")
            _forget_node(node)
    assert process.returncode is not None, output[-3000:]
    for name, port in ports.items():
        if name != "dist":
            what = f"port {port} ({name}) free; the run said: {output[-2000:]}"
            wait_until(lambda port=port: not _listening(port), 30, what)
    assert not _alive(database_pid), output[-3000:]
    assert subprocess.run(["pgrep", "-f", node], capture_output=True).returncode == 1
    # Nothing of the run's process group is left (the demo seeder included).
    wait_until(lambda: not _group_alive(process.pid), 30, "the run's process group gone")
    assert f"stopping RabbitMQ on 127.0.0.1:{ports['amqp']}" in output, output[-3000:]
    assert f"stopping FerretDB on 127.0.0.1:{ports['database']}" in output, output[-3000:]
    if postgresql:
        assert f"stopping PostgreSQL on 127.0.0.1:{ports['postgres']}" in output, output[-3000:]
    shutil.rmtree(state, ignore_errors=True)


def _tail(log_path: Path) -> str:
    return log_path.read_text(errors="replace")[-6000:]


def _listening(port: int) -> bool:
    probe = subprocess.run(
        ["bash", "-c", f"exec 3<>/dev/tcp/127.0.0.1/{port}"], capture_output=True
    )
    return probe.returncode == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _forget_node(node: str) -> None:
    """The node's data and logs under RabbitMQ's own folders (named after the node)."""
    for folder in (
        Path("/var/lib/rabbitmq/mnesia"),
        Path("/var/log/rabbitmq"),
        Path("/var/lib/rabbitmq"),
    ):
        for path in folder.glob(f"{node}*"):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
