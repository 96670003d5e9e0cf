"""A local SMTP sink (aiosmtpd): keeps every mail it receives, and prints it when run alone.

``deploy/local/run`` starts it so that verification and reset links show in the console;
the integration tests start one in-process and read the links from ``MailSink.messages``.
"""

from __future__ import annotations

import argparse
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, sink: MailSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.sink.received(message)
        return "250 Message accepted for delivery"


class MailSink:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, echo: bool = False) -> None:
        self.messages: list[EmailMessage] = []
        self.echo = echo
        self._cond = threading.Condition()
        self.controller = Controller(_Handler(self), hostname=host, port=port)

    @property
    def port(self) -> int:
        return self.controller.server.sockets[0].getsockname()[1]

    def start(self) -> MailSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def received(self, message: EmailMessage) -> None:
        with self._cond:
            self.messages.append(message)
            self._cond.notify_all()
        if self.echo:
            print(f"--- mail to {message['To']}: {message['Subject']}", flush=True)
            print(message.get_body(("plain",)).get_content(), flush=True)

    def wait_for(self, to: str, count: int = 1, timeout: float = 30.0) -> list[EmailMessage]:
        """The first ``count`` mails to ``to``; raises ``TimeoutError`` if they do not come."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [m for m in self.messages if m["To"] == to]
                if len(found) >= count:
                    return found[:count]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{count} mail(s) to {to} did not arrive in {timeout} s")
                self._cond.wait(remaining)


def main() -> None:
    parser = argparse.ArgumentParser(description="Local SMTP sink that prints every mail")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    args = parser.parse_args()
    sink = MailSink(args.host, args.port, echo=True).start()
    print(f"mail sink listening on {args.host}:{args.port}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        sink.stop()


if __name__ == "__main__":
    main()
