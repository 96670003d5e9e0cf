"""Each process sends the mails it stored, and another's only once they are left over
(``services/kit/own_rows.py``): on the real database and a real SMTP sink."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from mail_support import QUICK, smtp_settings
from pymongo.collection import Collection

from services.kit import own_rows
from services.kit.mail import SmtpSender

pytestmark = pytest.mark.integration


@pytest.fixture
def outbox(database) -> Collection:  # noqa: ANN001
    return database["mail_outbox"]


def _row(to: str, writer: str | None, age: float = 0.0) -> dict:
    row = {
        "to": to,
        "subject": "Hallo",
        "body": "Text",
        "created_at": datetime.now(UTC) - timedelta(seconds=age),
        "sent_at": None,
    }
    if writer is not None:
        row["writer"] = writer
    return row


def _address() -> str:
    return f"own-{uuid.uuid4().hex[:10]}@example.org"


def test_a_sender_takes_its_own_rows_and_leaves_a_live_writers_fresh_ones(
    outbox, mail_sink
) -> None:  # noqa: ANN001
    mine, fresh, left, unnamed = _address(), _address(), _address(), _address()
    outbox.insert_many(
        [
            _row(mine, "writer-a"),
            _row(fresh, "writer-b"),  # b is alive: it sends this itself
            _row(left, "writer-c", age=own_rows.LEFT_OVER_SECONDS + 5),  # c died
            _row(unnamed, None),  # stored before rows named their writer
        ]
    )
    sender = SmtpSender(outbox, smtp_settings(mail_sink.port), QUICK, writer="writer-a")
    try:
        assert sender.send_pending() == 3
        for address in (mine, left, unnamed):
            mail_sink.wait_for(address, timeout=5)
        assert [row["to"] for row in outbox.find()] == [fresh]
        # No second look for left-over rows within LEFT_OVER_LOOK_SECONDS: b's row stays b's
        # even once old, until the next look.
        outbox.update_many({}, {"$set": {"created_at": datetime.now(UTC) - timedelta(hours=1)}})
        sender.rows._left_over_at = time.monotonic()  # its last look was just now
        assert sender.send_pending() == 0
        sender.rows._left_over_at -= own_rows.LEFT_OVER_LOOK_SECONDS
        assert sender.send_pending() == 1  # now left over: taken
        mail_sink.wait_for(fresh, timeout=5)
    finally:
        sender.close()
    assert outbox.count_documents({}) == 0


def test_a_mail_names_the_process_that_stored_it(outbox) -> None:  # noqa: ANN001
    from services.kit.mail import MailWriter

    MailWriter(outbox, lambda: None).send(_address(), "Hallo", "Text")
    assert outbox.find_one()["writer"] == own_rows.process_writer()
