"""Gateway throughput and latency, side by side with a bare Flask endpoint and raw nameko RPC.

    .venv/bin/python bench/gateway.py [--seconds 10]

Starts RabbitMQ and FerretDB if needed (deploy/local/infra), the identity and cities services
and the gateway (gunicorn, 2 workers x 8 threads, as deploy/local/run does), creates ten cities,
then measures with wrk (Debian's package; a load from a second process) at 1, 10 and 50
connections: a public read through the gateway (GET /api/v1/cities: one RPC per request), the
same JSON served by a bare Flask app from memory, and raw RPC round trips from Python.
Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench_support import fresh_infra  # noqa: E402

from services.kit.mailsink import MailSink  # noqa: E402
from services.kit.testing import OPERATOR_EMAIL, Platform, free_port, wait_until  # noqa: E402

WRK_SCRIPT = textwrap.dedent(
    """
    done = function(summary, latency, requests)
      io.write(string.format("RESULT %d %f %f %f %f\\n", summary.requests,
        latency:percentile(50) / 1000, latency:percentile(95) / 1000,
        latency:percentile(99) / 1000, summary.duration / 1e6))
    end
    """
)
BARE_APP = textwrap.dedent(
    """
    import json, os
    from flask import Flask, Response
    body = open(os.environ["BENCH_BODY"], "rb").read()
    app = Flask(__name__)
    @app.get("/api/v1/cities")
    def cities():
        return Response(body, mimetype="application/json")
    """
)


STARTED: list[subprocess.Popen] = []  # stopped in main's finally, whatever happened


def start_gateway(platform: Platform, extra_env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """The gateway with deploy/local/Procfile's gunicorn settings; its /api/v1/cities URL."""
    port = free_port()
    metrics = tempfile.mkdtemp(prefix="bench-metrics-")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "--config", "python:gateway.gunicorn_conf",
            "--workers", "2", "--threads", "16", "--bind", f"127.0.0.1:{port}",
            "gateway.app:create_app()",
        ],
        cwd=REPO,
        env={**platform.env(), "PROMETHEUS_MULTIPROC_DIR": metrics, **extra_env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    STARTED.append(process)
    url = f"http://127.0.0.1:{port}/api/v1/cities"
    wait_until(lambda: requests.get(url, timeout=5).ok, 60, "gateway up")
    return process, url


def wrk(url: str, connections: int, seconds: int, script: Path) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(min(connections, 2)),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    count, p50, p95, p99, duration = re.search(
        r"RESULT (\S+) (\S+) (\S+) (\S+) (\S+)", out
    ).groups()
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": int(count) / float(duration),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "errors": int(errors.group(1)) if errors else 0,
    }


def raw_rpc(amqp_uri: str, seconds: float) -> dict[str, float]:
    from nameko.standalone.rpc import ClusterRpcProxy

    latencies = []
    with ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}, timeout=10) as proxy:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            proxy.cities.list_cities()
            latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    return {
        "rps": len(latencies) / seconds,
        "p50": statistics.median(latencies),
        "p95": latencies[int(len(latencies) * 0.95)],
        "p99": latencies[int(len(latencies) * 0.99)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    infra = fresh_infra("bench")
    sink = MailSink(port=free_port()).start()
    logs = Path(tempfile.mkdtemp(prefix="bench-gateway-"))
    platform = Platform(infra=infra, mail_sink=sink, logs=logs)
    bare = None
    try:
        platform.service("identity")
        platform.service("cities")
        base = platform.gateway()
        # An operator and ten cities, through the API like a real operator.
        password = "Bench-Betrieb-1"
        requests.post(
            f"{base}/api/v1/accounts",
            json={
                "email": OPERATOR_EMAIL,
                "display_name": "Bench",
                "password": password,
                "privacy_consent": True,
            },
            timeout=30,
        )
        body = sink.wait_for(OPERATOR_EMAIL)[0].get_body(("plain",)).get_content()
        token = re.search(r"token=([\w.\-]+)", body).group(1)
        requests.post(f"{base}/api/v1/accounts/verify", json={"token": token}, timeout=30)
        bearer = requests.post(
            f"{base}/api/v1/sessions",
            json={"email": OPERATOR_EMAIL, "password": password},
            timeout=30,
        ).json()["token"]
        for i in range(10):
            requests.post(
                f"{base}/api/v1/cities",
                headers={"Authorization": f"Bearer {bearer}"},
                json={
                    "slug": f"bench-{i}",
                    "name": f"Benchstadt {i}",
                    "state": "DE-NW",
                    "population": 50000 + i,
                    "mayor": "M",
                    "cohort_year": 2031,
                    "contact": {"name": "R", "email": "r@example.org"},
                    "admin_email": f"a{i}@example.org",
                },
                timeout=30,
            )
        listing = requests.get(f"{base}/api/v1/cities", timeout=30)
        assert listing.ok and len(listing.json()) == 10, listing.text

        # The same JSON from memory in a bare Flask app under the same gunicorn settings.
        scratch = Path(tempfile.mkdtemp(prefix="bench-bare-"))
        (scratch / "bare_app.py").write_text(BARE_APP)
        (scratch / "body.json").write_bytes(listing.content)
        bare_port = free_port()
        bare = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "2",
                "--threads",
                "8",
                "--bind",
                f"127.0.0.1:{bare_port}",
                "bare_app:app",
            ],
            cwd=scratch,
            env={**os.environ, "BENCH_BODY": str(scratch / "body.json")},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        bare_url = f"http://127.0.0.1:{bare_port}/api/v1/cities"
        wait_until(lambda: requests.get(bare_url, timeout=2).ok, 30, "bare Flask up")
        script = scratch / "report.lua"
        script.write_text(WRK_SCRIPT)

        # The gateway as deploy/local/run starts it (gunicorn, 2 workers x 8 threads, metrics
        # added up across workers), once with its public cache and once without: every read
        # of the second is an RPC call. The test platform's own gateway (1 worker) only set up.
        _, cached_url = start_gateway(platform, {})
        _, uncached_url = start_gateway(platform, {"STADTDIALOG_PUBLIC_CACHE": "0"})

        rows = []
        rpc = raw_rpc(infra.amqp_uri, args.seconds)
        for connections in (1, 10, 50):
            gateway = wrk(cached_url, connections, args.seconds, script)
            no_cache = wrk(uncached_url, connections, args.seconds, script)
            flask = wrk(bare_url, connections, args.seconds, script)
            rows.append((connections, gateway, no_cache, flask))

        print(
            f"\nGET /api/v1/cities (10 cities, {len(listing.content)} bytes), "
            f"{args.seconds} s per cell, 2 cores"
        )
        print(
            f"raw nameko RPC cities.list_cities, sequential: {rpc['rps']:.0f} calls/s, "
            f"p50 {rpc['p50']:.2f} ms, p95 {rpc['p95']:.2f} ms, p99 {rpc['p99']:.2f} ms"
        )
        print(
            f"{'conns':>5} | {'gateway req/s':>13} {'p50':>7} {'p95':>7} {'p99':>7} | "
            f"{'uncached req/s':>14} {'p50':>7} {'p95':>7} {'p99':>7} | "
            f"{'bare Flask req/s':>16} {'p50':>7} {'p95':>7} | {'gw/Flask':>8} {'unc/RPC':>7}"
        )
        print("gateway = public cache on (emptied by events); uncached = every read one RPC call")
        for connections, gateway, no_cache, flask in rows:
            print(
                f"{connections:>5} | {gateway['rps']:>13.0f} {gateway['p50']:>6.1f}ms "
                f"{gateway['p95']:>6.1f}ms {gateway['p99']:>6.1f}ms | {no_cache['rps']:>14.0f} "
                f"{no_cache['p50']:>6.1f}ms {no_cache['p95']:>6.1f}ms {no_cache['p99']:>6.1f}ms | "
                f"{flask['rps']:>16.0f} {flask['p50']:>6.1f}ms {flask['p95']:>6.1f}ms | "
                f"{gateway['rps'] / flask['rps']:>7.0%} {no_cache['rps'] / rpc['rps']:>6.0%}"
                + (
                    f"  ({gateway['errors'] + no_cache['errors']} errors)"
                    if gateway["errors"] + no_cache["errors"]
                    else ""
                )
            )
        print(
            json.dumps(
                {
                    "raw_rpc": rpc,
                    "rows": [
                        {"connections": c, "gateway": g, "uncached": u, "flask": f}
                        for c, g, u, f in rows
                    ],
                }
            )
        )
    finally:
        for process in STARTED:
            process.terminate()
        if bare is not None:
            bare.terminate()
        platform.stop_all()
        sink.stop()


if __name__ == "__main__":
    main()
