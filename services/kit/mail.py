"""Mail through SMTP, stored first and sent by a background loop.

``self.mail.send(to, subject, body)`` stores the message in the service's ``mail_outbox``
collection; a ``DrainLoop`` hands it to the SMTP server configured by ``SMTP_HOST`` /
``SMTP_PORT`` and retries while that server is away, so no mail is lost to an outage.

A message may carry attachments (the dialogue's .ics file of a talk):
``self.mail.send(to, subject, body, [(filename, content_type, data)])``. They are stored on
the row as ``attachments: [{"filename", "content_type", "data"}]`` (bytes) and added to the
message when it is sent. A mail a person may switch off carries ``List-Unsubscribe`` headers
(``headers=unsubscribe_headers(link)``, ``services/kit/mail_choices.py``): only the names in
``ALLOWED_HEADERS`` are taken, each value on one line, so no text becomes a header of its own.

Two processes of one service drain the same collection: before a row is handed to the SMTP
server it is claimed by inserting ``<row id>:<attempts>`` into ``mail_outbox_claims`` (an insert
against the unique ``_id`` is atomic on FerretDB too; an update is not), so each mail is sent by
one process only. A claim whose process died before sending is taken over, once, after
``CLAIM_TIMEOUT`` (``services/kit/mail_claims.py``).

A batch costs the database five commands however many mails it carries: the read of due rows,
one insert of all claims, one read of the claimed rows (still stored, same attempts), one
delete of the sent rows and one of the claims. The loop waits ``LINGER_SECONDS`` after a wake-up
and between small batches, so the mails of a burst of joins go out together, over one SMTP
connection that stays open between batches for a short while (``services/kit/smtp_link.py``).

One mail that cannot be sent (a header Python's ``email`` refuses, a recipient the server
refuses) must not hold up the others: it is tried again with backoff and finally set aside as a
dead letter (``services.kit.deadletters``), while the rows after it go out. Only the SMTP server
being away stops a batch, and that counts against no mail.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from typing import Any

from bson import Binary
from pymongo import ASCENDING
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from services.kit.config import Settings, load_settings
from services.kit.db import connect
from services.kit.deadletters import RetryPolicy, record_failure
from services.kit.headers import header_value
from services.kit.loop import DrainingDependency, DrainLoop
from services.kit.mail_choices import ALLOWED_HEADERS
from services.kit.mail_claims import CLAIM_TIMEOUT, MailClaims
from services.kit.own_rows import OwnRows, process_writer
from services.kit.smtp_link import SmtpLink, server_away

# (filename, content type such as "text/calendar", content)
Attachment = tuple[str, str, bytes]

# Python's header folder drops the space between two encoded words now and then when it
# splits a long non-ASCII subject over lines ("AG Drei" arrives as "AGDrei"). Headers stay on
# one line up to RFC 5322's limit of 998 characters instead, and a subject is cut to a length
# whose encoded form always fits that line.
_MAIL_POLICY = policy.default.clone(max_line_length=998)
SUBJECT_LIMIT = 150
# A held row waits "until" this time: after every real backoff, so no batch takes it.
HELD = datetime(9999, 1, 1, tzinfo=UTC)
BATCH = 20  # mails per batch: the claims of a batch are held until its last mail went out
LINGER_SECONDS = 0.02  # after a wake-up and between small batches: a burst goes out together
# A batch's claims are taken at once: a slow server must not keep the last ones waiting until
# another process would take them over as a dead process's. The rest go in a fresh batch.
CLAIM_HOLD_SECONDS = CLAIM_TIMEOUT / 2


class MailWriter:
    def __init__(self, collection: Collection, wake: Any) -> None:
        self.collection = collection
        self._wake = wake

    def send(
        self,
        to: str,
        subject: str,
        body: str,
        attachments: list[Attachment] | None = None,
        headers: dict[str, str] | None = None,
        key: str | None = None,
        held: bool = False,
    ) -> bool:
        """Store one mail. ``key`` makes the row's ``_id``: storing the same key again stores
        nothing and returns False. ``held`` keeps the row out of every batch until
        ``release([key])`` (a sender that must first record that it queued the mail)."""
        row: dict[str, Any] = {
            "to": to,
            "subject": subject,
            "body": body,
            "created_at": datetime.now(UTC),
            "sent_at": None,
            "writer": process_writer(),  # its sender (services/kit/own_rows.py)
        }
        if attachments:
            row["attachments"] = [
                {"filename": name, "content_type": kind, "data": Binary(data)}
                for name, kind, data in attachments
            ]
        if headers:
            unknown = set(headers) - set(ALLOWED_HEADERS)
            if unknown:
                raise ValueError(f"headers not allowed in a mail: {sorted(unknown)}")
            row["headers"] = dict(headers)
        if key is not None:
            row["_id"] = key
        if held:
            row["next_attempt_at"] = HELD  # ``due()`` never reaches it
        try:
            self.collection.insert_one(row)
        except DuplicateKeyError:
            return False
        self._wake()
        return True

    def release(self, keys: list[str]) -> None:
        """Let held rows go out (one write for a batch)."""
        if keys:
            self.collection.update_many(
                {"_id": {"$in": list(keys)}, "next_attempt_at": HELD},
                {"$set": {"next_attempt_at": None}},
            )
            self._wake()


class SmtpSender:
    def __init__(
        self,
        collection: Collection,
        settings: Settings,
        policy: RetryPolicy | None = None,
        writer: str | None = None,
    ) -> None:
        """``writer``: whose rows this sender sends first (this process's by default)."""
        self.collection = collection
        self.rows = OwnRows(collection, writer)
        self.claims = MailClaims(collection, self.rows)
        self.settings = settings
        self.policy = policy or RetryPolicy.from_settings(settings)
        self.link = SmtpLink(settings.smtp_host, settings.smtp_port)
        self._small_batch_at = float("-inf")  # when the last batch that was not full went out

    def send_pending(self) -> int:
        """Send one batch of due rows; returns how many this process tried. Raises while the
        SMTP server is away; a row that fails on its own is counted (``record_failure``)."""
        self.link.busy = True
        try:
            return self._send_batch()
        finally:
            self.link.busy = False

    def close(self) -> None:
        """QUIT the kept SMTP connection, unless a batch is using it (then it ends with the
        process)."""
        if not self.link.busy:
            self.link.close()

    def _send_batch(self) -> int:
        # A steady stream: at most one small batch per linger, so that mails gather and one
        # batch (five database commands, one connection) carries several instead of one each.
        pause = self._small_batch_at + LINGER_SECONDS - time.monotonic()
        if pause > 0:
            time.sleep(pause)  # green under nameko (eventlet patches time.sleep)
        # Its own rows, and now and then those another process left (services/kit/own_rows.py).
        batch = self.rows.due_batch({"sent_at": None}, BATCH)
        if not batch:
            self.link.close_if_idle()
            return 0
        if len(batch) < BATCH:
            self._small_batch_at = time.monotonic()
        claimed = self.claims.take(batch)  # the rows another process holds are left out
        held_until = time.monotonic() + CLAIM_HOLD_SECONDS
        tried = 0
        sent: list[dict[str, Any]] = []
        try:
            for row, _claim in claimed:
                if time.monotonic() >= held_until:
                    break  # their claims are given back below, untried
                tried += 1
                try:
                    self.link.send(_message(row, self.settings.smtp_sender))
                except Exception as exc:  # noqa: BLE001 - isolate this mail, send the others
                    if server_away(exc):
                        raise  # counts against no mail; the rest of the batch waits too
                    record_failure(self.collection, row, exc, self.policy, "mail")
                    continue
                sent.append(row)
        finally:
            # Also when the server went away mid-batch: what it took is gone from here (a
            # crash before this write sends those again: at-least-once, like the outbox).
            # Sent mails are deleted, one write per batch: recipient and text name a person,
            # and nothing needs them once the SMTP server has the message (deleted accounts
            # must leave no trace).
            self.rows.delete(sent)
            # Claims go after their rows: a process whose older batch still lists a row
            # claims it, finds it gone and sends nothing (``MailClaims.take``). The claims of
            # failed and unsent rows go too: tried again later, by anyone.
            self.claims.release([claim for _, claim in claimed])
        return tried


def _message(row: dict[str, Any], sender: str) -> EmailMessage:
    message = EmailMessage(policy=_MAIL_POLICY)
    message["From"] = sender
    # Both carry people's text (a talk title in the subject): one line each, whatever they hold.
    message["To"] = header_value(row["to"])
    message["Subject"] = _subject(row["subject"])
    for name, value in (row.get("headers") or {}).items():
        if name in ALLOWED_HEADERS:  # checked on send too: a stored row is no trusted input
            message[name] = header_value(str(value))
    message.set_content(row["body"])
    for item in row.get("attachments") or ():
        maintype, _, subtype = item["content_type"].partition("/")
        message.add_attachment(
            bytes(item["data"]), maintype=maintype, subtype=subtype, filename=item["filename"]
        )
    return message


def _subject(text: str) -> str:
    subject = header_value(text)
    if len(subject) <= SUBJECT_LIMIT:
        return subject
    return subject[: SUBJECT_LIMIT - 1].rstrip() + "…"


class Mailer(DrainingDependency):
    """``mail = Mailer("identity")`` on a service gives ``self.mail.send(...)``."""

    sender: SmtpSender | None = None

    def build(self) -> tuple[Collection, DrainLoop]:
        settings = load_settings()
        collection = connect(self.service, settings)["mail_outbox"]
        collection.create_index([("sent_at", ASCENDING), ("created_at", ASCENDING)])
        collection.create_index([("dead_at", ASCENDING)])
        self.sender = SmtpSender(collection, settings)
        loop = DrainLoop(
            f"mail of {self.service}",
            self.sender.send_pending,
            1.0,
            linger_seconds=LINGER_SECONDS,
        )
        return collection, loop

    def stop(self) -> None:
        super().stop()
        if self.sender is not None:
            self.sender.close()

    def get_dependency(self, worker_ctx) -> MailWriter:  # noqa: ANN001 - nameko's signature
        assert self.collection is not None and self.loop is not None
        return MailWriter(self.collection, self.loop.wake)
