"""A local SMTP sink (aiosmtpd): keeps every mail it receives, and prints it when run alone.

``deploy/local/run`` starts it so that verification and reset links show in the console;
the integration tests start one in-process and read the links from ``MailSink.messages``.
A mail is kept as the bytes that arrived and parsed the first time someone reads it: the
benchmarks' load generator hosts a sink that receives hundreds of mails nobody reads, and
parsing one (with its ``.ics``) costs about a millisecond of the machine's two cores.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Sequence
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, overload

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, sink: MailSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.sink.received(envelope.content)
        return "250 Message accepted for delivery"


class Inbox(Sequence[EmailMessage]):
    """The mails received so far, in order, read like a list of ``EmailMessage``.

    Each slot holds the raw bytes until the mail is first read, then the parsed message, so
    every mail is parsed at most once. Readers in other threads may index and iterate while
    the SMTP thread appends: slots are only appended or replaced, both atomic on a list."""

    def __init__(self) -> None:
        self._slots: list[bytes | EmailMessage] = []
        self._parsing = threading.Lock()

    def receive(self, raw: bytes) -> int:
        """Keep ``raw`` unparsed; its index."""
        self._slots.append(raw)
        return len(self._slots) - 1

    def __len__(self) -> int:
        return len(self._slots)

    @overload
    def __getitem__(self, index: int) -> EmailMessage: ...

    @overload
    def __getitem__(self, index: slice) -> list[EmailMessage]: ...

    def __getitem__(self, index: int | slice) -> EmailMessage | list[EmailMessage]:
        if isinstance(index, slice):  # a list, as slicing a list gives one
            return [self._parsed(i) for i in range(*index.indices(len(self._slots)))]
        if index < 0:
            index += len(self._slots)
            if index < 0:  # not once more from the end, as the list itself would
                raise IndexError("Inbox index out of range")
        return self._parsed(index)

    def _parsed(self, index: int) -> EmailMessage:
        slot = self._slots[index]
        if isinstance(slot, EmailMessage):
            return slot
        with self._parsing:  # two readers of one new mail: one parses, the other waits
            slot = self._slots[index]
            if not isinstance(slot, EmailMessage):
                slot = message_from_bytes(slot, policy=policy.default)
                self._slots[index] = slot
            return slot

    def __repr__(self) -> str:
        return f"<Inbox of {len(self._slots)} mails>"


class MailSink:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, echo: bool = False) -> None:
        self.messages = Inbox()
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

    def received(self, raw: bytes) -> None:
        with self._cond:
            index = self.messages.receive(raw)
            self._cond.notify_all()
        if self.echo:
            message = self.messages[index]
            print(f"--- mail to {message['To']}: {message['Subject']}", flush=True)
            print(message.get_body(("plain",)).get_content(), flush=True)

    def wait_for(self, to: str, count: int = 1, timeout: float = 30.0) -> list[EmailMessage]:
        """The first ``count`` mails to ``to``; raises ``TimeoutError`` if they do not come."""
        deadline = time.monotonic() + timeout
        found: list[EmailMessage] = []
        checked = 0
        while True:
            with self._cond:  # only to wait: reading (and parsing) needs no lock of ours
                while len(self.messages) == checked:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise TimeoutError(f"{count} mail(s) to {to} did not arrive in {timeout} s")
                    self._cond.wait(remaining)
                arrived = len(self.messages)
            # Only the mails that came since the last look: each is parsed once, here or
            # wherever it was read first.
            found += [m for m in self.messages[checked:arrived] if m["To"] == to]
            checked = arrived
            if len(found) >= count:
                return found[:count]


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
