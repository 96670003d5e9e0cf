"""Load for the fault tests: citizens joining talks and reading lists through the gateway while
a process is taken away, every answer recorded with its status, headers and duration."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import requests

# The platform fixture gives the gateway a 10 s RPC timeout; an answer may take that long plus
# the time to build the 503, queueing on a busy 2-core machine and the HTTP round trip.
ANSWER_WITHIN = 10 + 8


@dataclass
class Answer:
    what: str
    status: int | str  # an HTTP status, or the name of the exception when there was none
    seconds: float
    retry_after: str | None


@dataclass
class Load:
    """Threads that call ``requests`` in a loop until stopped; each call is one ``Answer``."""

    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, what: str, call) -> requests.Response | None:  # noqa: ANN001
        began = time.monotonic()
        try:
            response = call()
        except requests.RequestException as exc:
            answer, response = (
                Answer(what, type(exc).__name__, time.monotonic() - began, None),
                None,
            )
        else:
            answer = Answer(
                what,
                response.status_code,
                time.monotonic() - began,
                response.headers.get("Retry-After"),
            )
        with self._lock:
            self.answers.append(answer)
        return response

    def run(self, name: str, step) -> None:  # noqa: ANN001 - step(load) does one request
        def loop() -> None:
            while not self._stop.is_set():
                step(self)
                time.sleep(0.05)

        thread = threading.Thread(target=loop, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def count(self, what: str, status: int | str) -> int:
        with self._lock:
            return sum(1 for a in self.answers if a.what == what and a.status == status)

    def stop(self) -> list[Answer]:
        self._stop.set()
        for thread in self._threads:
            thread.join(ANSWER_WITHIN + 5)
        return list(self.answers)

    # ``with Load() as load:`` stops the threads however the block ends: a test that fails or
    # skips half-way (the database of another checkout may not be stopped) must not leave
    # them running against the gateway for the rest of the session.
    def __enter__(self) -> Load:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def unexpected(answers: list[Answer], allowed: set[int]) -> list[Answer]:
    """Answers that are neither an allowed status nor a 503 telling when to come back."""
    return [
        a
        for a in answers
        if not (a.status in allowed or (a.status == 503 and a.retry_after is not None))
    ]
