"""The local SMTP sink keeps mails as they arrived and parses each the first time it is read,
once, whichever thread reads it (services/kit/mailsink.py); it is read like a list."""

from __future__ import annotations

import smtplib
import threading
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from services.kit import mailsink
from services.kit.mailsink import MailSink
from services.kit.testing import free_port


@pytest.fixture
def sink() -> Iterator[MailSink]:
    running = MailSink(port=free_port()).start()
    yield running
    running.stop()


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every parse the sink makes, counted."""
    seen: list[bytes] = []
    original = mailsink.message_from_bytes

    def counted(raw: bytes, **kw: object) -> EmailMessage:
        seen.append(raw)
        return original(raw, **kw)

    monkeypatch.setattr(mailsink, "message_from_bytes", counted)
    return seen


def send(sink: MailSink, to: str, subject: str) -> None:
    message = EmailMessage()
    message["From"] = "absender@stadtdialog.test"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(f"Hallo,\n{subject}\n")
    message.add_attachment(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text", "calendar")
    with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as client:
        client.send_message(message)


def test_mails_are_kept_unparsed_until_read_then_parsed_once(sink, parses) -> None:  # noqa: ANN001
    for n in range(3):
        send(sink, "anna@example.org", f"Mail {n}")
    assert sink.wait_for("anna@example.org", count=3, timeout=10)
    assert len(parses) == 3  # wait_for read each once
    send(sink, "ben@example.org", "Ungelesen")
    sink.wait_for("ben@example.org", timeout=10)
    parses.clear()

    everything = list(sink.messages)
    assert [str(m["Subject"]) for m in sink.messages[1:]] == ["Mail 1", "Mail 2", "Ungelesen"]
    assert all(isinstance(m, EmailMessage) for m in everything)
    assert sink.messages[-1] is everything[3] and len(sink.messages) == 4
    with pytest.raises(IndexError):
        sink.messages[-5]  # noqa: B018 - reading is the test
    assert parses == []  # all read before: nothing parsed again
    body = everything[0].get_body(("plain",)).get_content()
    assert body.splitlines() == ["Hallo,", "Mail 0"]  # as it came over SMTP: CRLF


def test_unread_mails_are_never_parsed(sink, parses) -> None:  # noqa: ANN001
    for n in range(5):
        send(sink, f"person{n}@example.org", "Anmeldung")
    assert len(sink.messages) == 5
    assert parses == []


def test_readers_in_many_threads_get_one_message_per_mail(sink, parses) -> None:  # noqa: ANN001
    for n in range(20):
        send(sink, "carla@example.org", f"Mail {n}")
    seen: list[list[EmailMessage]] = []
    start = threading.Barrier(4)

    def read() -> None:
        start.wait()
        seen.append([m for m in sink.messages if m["To"] == "carla@example.org"])

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert len(parses) == 20
    assert all(len(found) == 20 for found in seen)
    assert all(a is b for found in seen for a, b in zip(found, seen[0], strict=True))


def test_wait_for_waits_for_mails_still_to_come_and_times_out(sink) -> None:  # noqa: ANN001
    later = threading.Timer(0.2, send, (sink, "dora@example.org", "Später"))
    later.start()
    [mail] = sink.wait_for("dora@example.org", timeout=10)
    later.join()
    assert mail["Subject"] == "Später"
    with pytest.raises(TimeoutError, match="2 mail"):
        sink.wait_for("dora@example.org", count=2, timeout=0.3)
