"""One SMTP connection of a mail sender, kept open between batches for a short while.

A fresh connection per batch costs a TCP connect, the server's greeting, EHLO and QUIT on both
sides. The sender keeps its connection for ``KEEP_SECONDS`` after the last mail instead (an
empty poll closes it after that, politely, with QUIT). Checking a kept connection first (NOOP)
would be a round trip per batch too, so it is simply used: when the server dropped it meanwhile,
the send fails with a disconnect, and the mail is tried once more on a fresh connection. Only
if that one fails too is the server away (the batch stops; no mail counts it). Nothing is lost
either way: a mail the server took before the connection broke is sent again, as when a batch
stops there (at-least-once, like every outbox here).
"""

from __future__ import annotations

import smtplib
import time
from email.message import EmailMessage

KEEP_SECONDS = 10.0  # well below what servers allow an idle client (RFC 5321: 5 minutes)
TIMEOUT_SECONDS = 10


def server_away(exc: BaseException) -> bool:
    """True when ``exc`` says the SMTP server (not this one mail) is the problem: the batch
    stops and waits, and no mail counts it as a failed attempt."""
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421  # "service not available, closing channel"
    if isinstance(exc, smtplib.SMTPException):
        return False  # refused recipient, sender or data: this mail's own trouble
    return isinstance(exc, OSError)  # socket errors, timeouts


class SmtpLink:
    def __init__(self, host: str, port: int, keep_seconds: float = KEEP_SECONDS) -> None:
        self.host = host
        self.port = port
        self.keep_seconds = keep_seconds
        self.busy = False  # a send is under way: only this green thread may touch the socket
        self._smtp: smtplib.SMTP | None = None
        self._used_at = float("-inf")

    @property
    def is_open(self) -> bool:
        return self._smtp is not None

    def send(self, message: EmailMessage) -> None:
        """Hand ``message`` to the server; raises what ``send_message`` raises."""
        self.close_if_idle()
        kept = self._smtp is not None
        try:
            self._send(message)
        except Exception as exc:
            if not server_away(exc):
                raise  # this mail's own trouble: the connection is fine (smtplib sent RSET)
            # A kept connection the server closed meanwhile: once more on a fresh one. Not
            # after a timeout: a server that hangs would only make the batch wait twice.
            if not kept or isinstance(exc, TimeoutError):
                raise
            self._send(message)

    def _send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
        try:
            self._smtp.send_message(message)
        except BaseException as exc:
            if server_away(exc) or not isinstance(exc, Exception):
                self.drop()  # never reuse a connection in an unknown state
            raise
        self._used_at = time.monotonic()

    def close_if_idle(self) -> None:
        if self._smtp is not None and self._idle_too_long():
            self.close()

    def _idle_too_long(self) -> bool:
        return time.monotonic() - self._used_at > self.keep_seconds

    def close(self) -> None:
        """QUIT and close; a server that is gone already is just dropped."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except Exception:  # noqa: BLE001 - closing a dead connection: nothing to keep
                smtp.close()

    def drop(self) -> None:
        """Close without a word to the server (it went away, or the socket is in doubt)."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()
