"""The kit's stored-then-sent mail, plus attachments (a talk's .ics file).

Same collection shape and drain loop as ``services.kit.mail``; a row may carry
``attachments: [{"filename", "content_type", "data"}]`` (bytes), which are added to the
message when it is sent.
"""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

from bson import Binary
from pymongo import ASCENDING
from pymongo.collection import Collection

from services.kit.config import load_settings
from services.kit.db import connect
from services.kit.loop import DrainLoop
from services.kit.mail import Mailer, MailWriter, SmtpSender, forget_sent


class AttachmentWriter(MailWriter):
    def send(
        self,
        to: str,
        subject: str,
        body: str,
        attachments: list[tuple[str, str, bytes]] | None = None,
    ) -> None:
        self.collection.insert_one(
            {
                "to": to,
                "subject": subject,
                "body": body,
                "attachments": [
                    {"filename": name, "content_type": kind, "data": Binary(data)}
                    for name, kind, data in attachments or ()
                ],
                "created_at": datetime.now(UTC),
                "sent_at": None,
            }
        )
        self._wake()


class AttachmentSender(SmtpSender):
    def send_pending(self) -> int:
        batch = list(
            self.collection.find({"sent_at": None}).sort("created_at", ASCENDING).limit(20)
        )
        if not batch:
            return 0
        with smtplib.SMTP(self.settings.smtp_host, self.settings.smtp_port, timeout=10) as smtp:
            for row in batch:
                smtp.send_message(_message(row, self.settings.smtp_sender))
                forget_sent(self.collection, row["_id"])  # nothing of the person stays
        return len(batch)


def _message(row: dict[str, Any], sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row["to"]
    message["Subject"] = row["subject"]
    message.set_content(row["body"])
    for item in row.get("attachments") or ():
        maintype, _, subtype = item["content_type"].partition("/")
        message.add_attachment(
            bytes(item["data"]), maintype=maintype, subtype=subtype, filename=item["filename"]
        )
    return message


class AttachmentMailer(Mailer):
    """``mail = AttachmentMailer("dialogue")``: ``self.mail.send(to, subject, body, [...])``."""

    def build(self) -> tuple[Collection, DrainLoop]:
        settings = load_settings()
        collection = connect(self.service, settings)["mail_outbox"]
        collection.create_index([("sent_at", ASCENDING), ("created_at", ASCENDING)])
        sender = AttachmentSender(collection, settings)
        return collection, DrainLoop(f"mail of {self.service}", sender.send_pending, 1.0)

    def get_dependency(self, worker_ctx) -> AttachmentWriter:  # noqa: ANN001 - nameko's signature
        assert self.collection is not None and self.loop is not None
        return AttachmentWriter(self.collection, self.loop.wake)
