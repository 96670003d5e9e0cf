"""Seeding the demo cohort in tests (imported as ``demo_support``): the test platform's mail
sink as the demo's inbox, and a fresh demo in a cohort year of its own."""

from __future__ import annotations

import re
import time

from cities_support import fresh_year

from gateway.demo.command import purge_demo, seed


class SinkInbox:
    """The test platform's mail sink as the demo's inbox."""

    def __init__(self, sink) -> None:  # noqa: ANN001
        self.sink = sink

    def count(self, email: str) -> int:
        return len([m for m in self.sink.messages if m["To"] == email])

    def token(self, email: str, count: int) -> str:
        message = self.sink.wait_for(email, count=count, timeout=60)[count - 1]
        body = message.get_body(("plain",)).get_content()
        return re.search(r"token=([\w.\-]+)", body).group(1)


def fresh_demo(api, operator: dict) -> tuple[int, dict, float]:  # noqa: ANN001
    """The demo seeded anew (any earlier one of this session purged first): the cohort year,
    the logins and the seconds the seeding took."""
    year = fresh_year()
    purge_demo(api.base, operator["token"])
    began = time.monotonic()
    logins = seed(api.base, SinkInbox(api.sink), operator["token"], year=year, log=print)
    return year, logins, time.monotonic() - began
