"""gunicorn settings of the gateway: ``gunicorn --config python:gateway.gunicorn_conf …``.

Each gunicorn worker is its own process with its own metrics. With ``PROMETHEUS_MULTIPROC_DIR``
set, prometheus-client writes every worker's samples to files in that directory and
``/metrics`` (served by any worker) adds them up (``gateway/metrics.py``). The directory is
emptied when the server starts (files of an earlier run would be added in) and a worker that
exits is marked dead, as prometheus-client's multiprocess mode asks.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()


def on_starting(server: Any) -> None:
    from services.kit.config import EXIT_UNSAFE_CONFIG, load_settings, secret_key_problem

    # Checked once in the master, before any worker: an unsafe key ends gunicorn with one line
    # instead of workers failing to boot one after another.
    problem = secret_key_problem(load_settings())
    if problem:
        server.log.critical(problem)
        raise SystemExit(EXIT_UNSAFE_CONFIG)
    if MULTIPROC_DIR:
        directory = Path(MULTIPROC_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):  # the directory itself may be a mounted volume
            stale.unlink()


def child_exit(server: Any, worker: Any) -> None:
    if MULTIPROC_DIR:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
