"""The floor under a join: a bare Flask endpoint doing only the writes no join can avoid, served
like the gateway (gunicorn, 2 workers x 16 threads) against the same database.

    POST /floor/<talk>/<person>?capacity=12   -> {"seat": n} or {"seat": null} (waiting)

A join has to record the registration and, while places are free, claim a seat; nothing
else is unavoidable. So the endpoint inserts the registration (``_id`` ``talk:person``, the
primary key refuses a second one) and then inserts a seat document with ``_id``
``talk:number`` (the primary key refuses a second holder, as the services' seats do). It keeps
no token check, no talk read, no waiting-list order, no outbox, no mail and no RPC hop: every
one of those is cost the real join adds above this floor. The next free number is guessed per
process (the other worker's claims show up as refused inserts, which are retried with the next
number), so an uncontended join is exactly two inserts.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def create_app():  # noqa: ANN201 - a Flask app; imported lazily so the bench stays light
    from flask import Flask, jsonify, request
    from pymongo import MongoClient
    from pymongo.errors import DuplicateKeyError

    app = Flask(__name__)
    client = MongoClient(
        os.environ["MONGODB_URI"], serverSelectionTimeoutMS=5000, uuidRepresentation="standard"
    )
    database = client[os.environ["STADTDIALOG_FLOOR_DB"]]
    registrations, seats = database["registrations"], database["seats"]
    next_number: dict[str, int] = {}
    lock = threading.Lock()

    @app.post("/floor/<talk>/<person>")
    def join(talk: str, person: str):  # noqa: ANN202
        capacity = int(request.args.get("capacity", "12"))
        registration = f"{talk}:{person}"
        try:
            registrations.insert_one({"_id": registration, "talk": talk, "person": person})
        except DuplicateKeyError:
            return jsonify(error="already registered"), 409
        with lock:
            number = next_number.get(talk, 1)
        while number <= capacity:
            try:
                seats.insert_one({"_id": f"{talk}:{number}", "registration": registration})
            except DuplicateKeyError:
                number += 1
                continue
            with lock:
                next_number[talk] = max(next_number.get(talk, 1), number + 1)
            return jsonify(seat=number)
        with lock:
            next_number[talk] = capacity + 1
        return jsonify(seat=None)

    @app.get("/healthz")
    def healthz():  # noqa: ANN202
        return "ok"

    return app


@contextmanager
def floor_server(mongodb_uri: str, database: str, port: int) -> Iterator[str]:
    """The floor app under gunicorn as the gateway runs (2 workers x 16 threads); its URL."""
    import requests

    from services.kit.testing import wait_until

    env = {**os.environ, "MONGODB_URI": mongodb_uri, "STADTDIALOG_FLOOR_DB": database}
    log = tempfile.NamedTemporaryFile(prefix="bench-floor-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "16",
            "--bind", f"127.0.0.1:{port}", "--chdir", str(REPO / "bench"), "floor:create_app()",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: requests.get(f"{url}/healthz", timeout=2).ok, 60, "floor app up")
        yield url
    finally:
        process.terminate()
        process.wait(30)
        log.close()
