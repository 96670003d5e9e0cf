"""The host's daily summary and the reminder the day before a talk (``notices.py`` says when).

A timer in every dialogue process runs the pass; an operator can run it now
(``ops_send_notices``). Each mail is recorded with a unique key *before* it is handed to the
mailer (``HostSummary`` per host, city and day; ``Reminder`` per person and talk): whichever
process inserts first sends, a second process, a second run or a restart finds the record and
sends nothing. (A process that dies between the insert and the mailer's own stored row loses
that one mail: at most once, never twice.)
"""

from __future__ import annotations

from typing import Any

from mongoengine.errors import NotUniqueError
from nameko.timer import timer

from services.dialogue import mails
from services.dialogue.calendar import talk_ics
from services.dialogue.handlers.base import DialogueBase, _aware, _now
from services.dialogue.models import HostSummary, Registration, Reminder, Seat, Talk
from services.dialogue.notices import (
    CHECK_EVERY_SECONDS,
    REMINDER_WINDOW,
    has_changes,
    person_key,
    reminder_due,
    seen_now,
    summary_day,
    summary_due,
    summary_hour,
    talk_changes,
)
from services.kit.mail_choices import (
    HOST_SUMMARY,
    TALK_REMINDER,
    unsubscribe_headers,
    unsubscribe_link,
    unsubscribe_tokens,
    wants,
)
from services.kit.rpc import rpc


def _insert_first(record: Any) -> bool:
    try:
        record.save(force_insert=True)
    except NotUniqueError:
        return False
    return True


class NoticeHandlers(DialogueBase):
    @timer(interval=CHECK_EVERY_SECONDS)
    def send_due_notices(self) -> None:
        self._send_notices()

    @rpc
    def ops_send_notices(self) -> dict[str, int]:
        """Operator: send the due summaries and reminders now (what the timer does)."""
        self.caller.require_operator()
        return self._send_notices()

    def _send_notices(self) -> dict[str, int]:
        now = _now()
        return {
            "summaries": self._send_summaries(now),
            "reminders": self._send_reminders(now),
            # News of what people follow (handlers/notification_mails.py), due now.
            "notifications": self._send_notification_mails(now),
        }

    def _account_mail(self, account_id: str, kind: str) -> tuple[str, dict[str, str]] | None:
        """(address, headers) of an account that wants ``kind``; None: deleted or switched off.
        The footer link and ``List-Unsubscribe`` switch exactly this kind off."""
        account = self._account(account_id)
        if account is None or not account.get("email") or not wants(account.get("mail_off"), kind):
            return None
        tokens = unsubscribe_tokens(self.settings.secret_key)
        link = unsubscribe_link(tokens, self.settings.public_base_url, account_id, kind)
        return account["email"], unsubscribe_headers(link)

    def _footer(self, headers: dict[str, str]) -> str:
        link = headers["List-Unsubscribe"].strip("<>")
        return mails.settings_footer(f"{self.settings.public_base_url}/konto#my-mails", link)

    def _talk_url(self, talk: Talk) -> str:
        return f"{self.settings.public_base_url}/stadt/{talk.city}/tischgespraeche/{talk.id}"

    def _seen(self, talk: Talk) -> tuple[dict[str, Any], dict[str, str]]:
        """The talk's registrations now (confirmed by seat, waiting by arrival) and names."""
        seats = {s.registration_id for s in Seat.scoped(talk.city, talk_id=str(talk.id))}
        regs = list(Registration.scoped(talk.city, talk_id=str(talk.id)).order_by("arrival", "id"))
        confirmed = [str(r.id) for r in regs if str(r.id) in seats]
        waiting = [str(r.id) for r in regs if str(r.id) not in seats]
        names = {str(r.id): r.display_name for r in regs}
        return seen_now(confirmed, waiting, talk.capacity), names

    # ------------------------------------------------------------------ host summaries
    def _send_summaries(self, now: Any) -> int:
        if not summary_due(now, summary_hour()):
            return 0
        day = summary_day(now)
        hosts: dict[tuple[str, str], list[Talk]] = {}
        upcoming = Talk.across_cities(self._talk_cities(), starts_at__gt=now, status="scheduled")
        for talk in upcoming.order_by("starts_at"):
            hosts.setdefault((talk.city, talk.host_id), []).append(talk)
        sent = 0
        for (city, host_id), talks in hosts.items():
            if HostSummary.scoped(city, host_id=host_id, day=day).first() is None:
                sent += self._summary_of(city, host_id, day, talks)
        return sent

    def _summary_of(self, city: str, host_id: str, day: str, talks: list[Talk]) -> int:
        last = HostSummary.scoped(city, host_id=host_id).order_by("-day").first()
        before = (last.seen or {}) if last is not None else {}
        seen: dict[str, Any] = {}
        items = []
        for talk in talks:
            now_seen, names = self._seen(talk)
            seen[str(talk.id)] = now_seen
            changes = talk_changes(before.get(str(talk.id)), now_seen)
            if has_changes(changes):
                view = self._one_talk_view(talk, details=True)
                url = self._talk_url(talk)
                items.append({"talk": view, "changes": changes, "names": names, "url": url})
        if not items:
            return 0
        target = self._account_mail(host_id, HOST_SUMMARY)
        if target is None:
            return 0
        if not _insert_first(HostSummary(city=city, host_id=host_id, day=day, seen=seen)):
            return 0  # another process or run sent today's summary
        address, headers = target
        host = talks[0].host_name or "Gastgeberin oder Gastgeber"
        subject, body = mails.host_summary(host, items, self._footer(headers))
        self.mail.send(address, subject, body, headers=headers)
        return 1

    # ------------------------------------------------------------------ reminders
    def _send_reminders(self, now: Any) -> int:
        window = Talk.across_cities(
            self._talk_cities(),
            starts_at__gt=now,
            starts_at__lte=now + REMINDER_WINDOW,
            status="scheduled",
        )
        sent = 0
        for talk in window:
            if reminder_due(_aware(talk.starts_at), now):
                sent += self._remind_talk(talk)
        return sent

    def _remind_talk(self, talk: Talk) -> int:
        seen, _names = self._seen(talk)
        done = {
            r.person_key
            for r in Reminder.scoped(talk.city, talk_id=str(talk.id)).only("person_key")
        }
        view = self._one_talk_view(talk, details=True)
        waiting_view = {**view, "address": None, "link": None}  # place only for a seat
        ics = talk_ics(view, self.settings.public_base_url)
        sent = 0
        for reg in Registration.scoped(talk.city, talk_id=str(talk.id)).order_by("arrival", "id"):
            key = person_key(reg.person)
            if key in done:
                continue
            sent += self._remind(talk, reg, key, seen, view, waiting_view, ics)
        return sent

    def _remind(
        self,
        talk: Talk,
        reg: Registration,
        key: str,
        seen: dict[str, Any],
        view: dict[str, Any],
        waiting_view: dict[str, Any],
        ics: bytes,
    ) -> int:
        headers: dict[str, str] | None = None
        footer = ""
        if reg.account_id is not None:
            target = self._account_mail(reg.account_id, TALK_REMINDER)
            if target is None:
                return 0
            address, headers = target
            footer = self._footer(headers)
            leave = f"Falls Du doch nicht kommen kannst, melde Dich hier ab: {self._talk_url(talk)}"
        else:
            address = reg.email
            leave = mails.leave_footer(self._leave_link(reg))
        if not address:
            return 0
        record = Reminder(
            city=talk.city, talk_id=str(talk.id), person_key=key, account_id=reg.account_id
        )
        if not _insert_first(record):
            return 0
        rid = str(reg.id)
        position = None if rid in seen["c"] else seen["w"].index(rid) + 1
        texts = mails.reminder(
            view if position is None else waiting_view, reg.display_name, position, leave, footer
        )
        attachments = [("tischgespraech.ics", "text/calendar", ics)] if position is None else None
        self.mail.send(address, *texts, attachments, headers=headers)
        return 1
