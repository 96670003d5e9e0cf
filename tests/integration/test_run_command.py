"""The README's run command starts the whole platform, reaches /readyz = 200 and stops on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess

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
    )
    env.pop("SMTP_HOST", None)  # so that the run command starts its own mail sink
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
            interval=1,
        )
        assert ready
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
