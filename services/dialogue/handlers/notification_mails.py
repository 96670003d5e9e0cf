"""Notification mails: immediately, as a daily or a weekly digest, or never (each person's
choice in Mein Bereich, kept by identity: ``notification_mail`` and ``mail_off``).

A timer runs the pass every minute (an immediate mail waits at most that long); the notices'
pass runs it too, so the operator's ``ops_send_notices`` sends what is due now. Never twice:
a digest's period (the local day or ISO week, ``news.period``) is recorded with a unique key
before its mail is stored, and each notification is claimed by an insert against its id
before it goes into a mail, so two processes or two runs never mail the same news. (A process
that dies between the claim and the mailer's stored row loses that news' mail, not the
notification in Mein Bereich: at most once.)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mongoengine.errors import NotUniqueError
from nameko.timer import timer

from services.dialogue.handlers.base import DialogueBase, _iso, _now
from services.dialogue.models import Notification, NotificationMail
from services.dialogue.news import digest_text, group, mail_due, period
from services.dialogue.notices import summary_hour
from services.kit.db import inserted_first
from services.kit.mail_choices import (
    DEFAULT_NOTIFICATION_MAIL,
    NOTIFICATIONS,
    unsubscribe_headers,
    unsubscribe_link,
    unsubscribe_tokens,
    wants,
)

MAIL_CHECK_SECONDS = 60


class NotificationMailHandlers(DialogueBase):
    @timer(interval=MAIL_CHECK_SECONDS)
    def send_notification_mails(self) -> None:
        self._send_notification_mails(_now())

    def _send_notification_mails(self, now: datetime) -> int:
        hour = summary_hour()
        accounts = Notification.objects(mailed_at=None).distinct("account_id")
        sent = 0
        for account_id in accounts:
            sent += self._mail_news_of(account_id, now, hour)
        return sent

    def _mail_news_of(self, account_id: str, now: datetime, hour: int) -> int:
        pending = list(Notification.objects(account_id=account_id, mailed_at=None).order_by("at"))
        account = self._account(account_id)
        if not pending:
            return 0
        if account is None or not account.get("email"):
            return 0  # deleted: its notifications go with the account's fact
        choice = account.get("notification_mail") or DEFAULT_NOTIFICATION_MAIL
        if not wants(account.get("mail_off"), NOTIFICATIONS):
            # Never: nothing is mailed, the news stay in Mein Bereich.
            Notification.objects(account_id=account_id, mailed_at=None).update(set__mailed_at=now)
            return 0
        if not mail_due(choice, now, hour):
            return 0
        key = period(choice, now, str(pending[-1].id))
        if choice != "immediately":
            try:
                NotificationMail(account_id=account_id, period=key).save(force_insert=True)
            except NotUniqueError:
                return 0  # this day's or week's digest went out already
        mine = [n for n in pending if self._claim(n)]
        if not mine:
            return 0
        Notification.objects(id__in=[n.id for n in mine]).update(set__mailed_at=now)
        NotificationMail.objects(account_id=account_id, period=key).update_one(
            upsert=True, set__count=len(mine)
        )
        self._send_digest(account_id, account, choice, mine)
        return 1

    def _claim(self, notification: Notification) -> bool:
        """Whether this process mails ``notification`` (an insert is atomic on FerretDB)."""
        return inserted_first(self.db["notification_claims"], {"_id": str(notification.id)})

    def _send_digest(
        self, account_id: str, account: dict[str, Any], choice: str, items: list[Notification]
    ) -> None:
        base = self.settings.public_base_url
        tokens = unsubscribe_tokens(self.settings.secret_key)
        headers = unsubscribe_headers(unsubscribe_link(tokens, base, account_id, NOTIFICATIONS))
        footer = self._footer(headers)
        views = [
            {
                "city": n.city,
                "kind": n.kind,
                "target_kind": n.target_kind,
                "target_id": n.target_id,
                "title": n.title,
                "detail": n.detail,
                "at": _iso(n.at),
            }
            for n in items
        ]
        name = account.get("display_name") or "Du"
        subject, body = digest_text(name, choice, group(views), base, footer)
        self.mail.send(account["email"], subject, body, headers=headers)
