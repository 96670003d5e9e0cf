"""Helpers of the poison-mail tests (issue 15): titles and names with every line separator
Python's ``email`` refuses in a header, and the check that a mail carrying one either never
came to be (a clean 422) or went out on one line."""

from __future__ import annotations

from email.message import EmailMessage

# CR LF, LF, the Unicode line/paragraph separators, NEL, VT, FF and the file/group/record
# separators: each makes ``email`` refuse the header ("may not contain linefeed …").
SEPARATORS = ("\r\n", "\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e")
POISON = "Wie wollen wir\r\nBcc: x@evil.example\nwohnen?"
EVERY_SEPARATOR = "Alle" + "Trenner".join(SEPARATORS) + "Ende"

# How long a clean mail may take while a poisoned one sits in the same outbox.
SECONDS = 10


def refused_or_folded(status: int, text: str) -> bool:
    """A 422 that names a field, or a created thing (then its mail is checked separately)."""
    assert status in (200, 201, 422), text
    return status == 422


def assert_one_line(message: EmailMessage, *words: str) -> None:
    """The header as received: one line, no smuggled header, the words still there."""
    subject = str(message["Subject"])
    assert not any(s in subject for s in SEPARATORS), repr(subject)
    assert message["Bcc"] is None
    for word in words:
        assert word in subject, repr(subject)
