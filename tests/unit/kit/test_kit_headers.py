"""``header_value``: people's text becomes a header value on one line (issue 15), and the
mail the kit builds from a stored row carries it so (``services/kit/mail.py``)."""

from __future__ import annotations

import smtplib
from email import message_from_bytes, policy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.kit.headers import header_value
from services.kit.mail import SUBJECT_LIMIT, _message, server_away

SEPARATORS = {
    "CR LF": "\r\n",
    "LF": "\n",
    "CR": "\r",
    "LINE SEPARATOR": "\u2028",
    "PARAGRAPH SEPARATOR": "\u2029",
    "NEXT LINE": "\x85",
    "VT": "\x0b",
    "FF": "\x0c",
    "FS": "\x1c",
    "GS": "\x1d",
    "RS": "\x1e",
    "US": "\x1f",
    "NUL": "\x00",
    "TAB": "\t",
    "DEL": "\x7f",
}


@pytest.mark.parametrize("separator", SEPARATORS.values(), ids=SEPARATORS.keys())
def test_every_separator_folds_to_one_space(separator: str) -> None:
    assert header_value(f"Wie wollen wir{separator}wohnen?") == "Wie wollen wir wohnen?"
    assert header_value(f"{separator}Titel{separator}") == "Titel"


def test_runs_fold_to_one_space_and_the_rest_stays() -> None:
    assert header_value("a \r\n\r\n  \u2028 b") == "a b"
    assert header_value("Grün – „Straße“ ① 🚲") == "Grün – „Straße“ ① 🚲"
    assert header_value("Ort\u00a0Mitte") == "Ort\u00a0Mitte"  # a no-break space is text
    assert header_value("") == "" and header_value("\r\n") == ""


@pytest.mark.parametrize("separator", SEPARATORS.values(), ids=SEPARATORS.keys())
def test_a_stored_mail_with_any_separator_in_subject_and_recipient_is_built(
    separator: str,
) -> None:
    row = {
        "to": f"gast@example.org{separator}",
        "subject": f"Tischgespräch „Wohnen{separator}Bcc: x@evil.example“",
        "body": "Hallo",
        "attachments": [{"filename": "t.ics", "content_type": "text/calendar", "data": b"X"}],
    }
    raw = _message(row, "Stadtdialog <noreply@stadtdialog.local>").as_bytes(policy=policy.SMTP)
    received = message_from_bytes(raw, policy=policy.default)
    assert received["Subject"] == "Tischgespräch „Wohnen Bcc: x@evil.example“"
    assert received["To"] == "gast@example.org"
    assert received["Bcc"] is None


def test_only_the_server_going_away_stops_a_batch() -> None:
    assert server_away(smtplib.SMTPServerDisconnected("gone"))
    assert server_away(ConnectionRefusedError())
    assert server_away(TimeoutError())
    assert server_away(smtplib.SMTPResponseException(421, b"closing"))
    assert not server_away(smtplib.SMTPRecipientsRefused({"a@b.c": (550, b"no")}))
    assert not server_away(smtplib.SMTPDataError(554, b"refused"))
    assert not server_away(ValueError("Header values may not contain linefeed"))
    assert not server_away(AttributeError("content_type"))


WORDS = [
    "AG",
    "Drei",
    "Gespräch",
    "über",
    "Mobilität",
    "Zukunft",
    "wohnen",
    "Straße",
    "Grün",
    "„Tisch“",
    "–",
    "Bürger",
    "am",
    "14:00",
    "🚲",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=3, max_size=40))
def test_long_german_subjects_arrive_with_every_space(words: list[str]) -> None:
    """Python's own header folding loses the space between two encoded words in about one
    long German subject in ten ("AG Drei" → "AGDrei"); the kit's mails keep every one."""
    subject = " ".join(words)
    row = {"to": "gast@example.org", "subject": subject, "body": "Hallo"}
    message = _message(row, "Stadtdialog <noreply@stadtdialog.local>")
    raw = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))  # as smtplib sends it
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    received = str(message_from_bytes(raw, policy=policy.default)["Subject"])
    if len(subject) <= SUBJECT_LIMIT:
        assert received == subject
    else:  # cut at a readable length, marked, and still every space kept
        assert received.endswith("…") and len(received) <= SUBJECT_LIMIT
        assert subject.startswith(received[:-1])


def test_a_subject_of_emoji_only_stays_within_the_line_limit() -> None:
    row = {"to": "gast@example.org", "subject": "🚲" * 500, "body": "Hallo"}
    message = _message(row, "Stadtdialog <noreply@stadtdialog.local>")
    raw = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert str(message_from_bytes(raw, policy=policy.default)["Subject"]) == "🚲" * 149 + "…"
