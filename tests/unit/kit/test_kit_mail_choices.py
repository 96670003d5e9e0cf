"""One-click unsubscribe: the signed link names account and kind, the headers follow RFC 8058,
and nothing a person typed becomes a header line of its own."""

from __future__ import annotations

import pytest

from services.identity.schemas import MailSettingsSchema
from services.kit.errors import Invalid
from services.kit.mail import MailWriter, _message
from services.kit.mail_choices import (
    MAIL_KINDS,
    TALK_REMINDER,
    read_unsubscribe,
    unsubscribe_headers,
    unsubscribe_link,
    unsubscribe_tokens,
    wants,
)
from services.kit.tokens import SignedTokens

KEY = "k" * 40


def test_the_link_switches_off_one_kind_of_one_account() -> None:
    tokens = unsubscribe_tokens(KEY)
    link = unsubscribe_link(tokens, "https://stadtdialog.example", "acc1", TALK_REMINDER)
    assert link.startswith("https://stadtdialog.example/mail/abbestellen?token=")
    assert read_unsubscribe(tokens, link.split("token=")[1]) == ("acc1", TALK_REMINDER)
    other = SignedTokens(KEY, 3600).sign("talk-guest-cancel", {"a": "acc1", "k": TALK_REMINDER})
    with pytest.raises(Invalid):
        read_unsubscribe(tokens, other)  # another purpose never passes
    with pytest.raises(ValueError):
        unsubscribe_link(tokens, "https://x", "acc1", "registration_confirmed")


def test_wants_and_the_settings_schema_name_every_kind() -> None:
    assert wants(None, TALK_REMINDER) and not wants([TALK_REMINDER], TALK_REMINDER)
    # Every kind, plus how often news of what one follows is mailed.
    assert set(MailSettingsSchema().fields) == {*MAIL_KINDS, "notification_mail"}


def test_headers_are_one_line_and_only_the_allowed_ones() -> None:
    headers = unsubscribe_headers("https://x.example/mail/abbestellen?token=abc\r\nBcc: evil@x")
    row = {
        "to": "a@example.org",
        "subject": "Erinnerung\r\nBcc: evil@example.org",
        "body": "Hallo",
        "headers": {**headers, "Bcc": "evil@example.org"},
    }
    message = _message(row, "noreply@example.org")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<https://x.example/mail/abbestellen?token=abc")
    assert message["Bcc"] is None
    raw = message.as_string()
    assert "\nBcc:" not in raw
    writer = MailWriter(collection=None, wake=lambda: None)  # refused before any write
    with pytest.raises(ValueError):
        writer.send("a@example.org", "s", "b", headers={"Bcc": "evil@example.org"})
