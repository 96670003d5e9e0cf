"""Personal data: the export (``privacy.py``), guests' addresses forgotten after the talk, and
what an account's deletion does here: its upcoming hosted talks are cancelled (guests mailed,
seats freed, invitation links revoked, the address removed), its registrations for upcoming
talks cancelled (the waiting list moves up), its name replaced by "Gelöschtes Konto"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from mongoengine import Document, Q
from nameko.timer import timer

from services.dialogue.handlers.base import SERVICE, DialogueBase, _aware, _now
from services.dialogue.handlers.guests import GUEST_TTL
from services.dialogue.models import (
    Documentation,
    DocumentationDraft,
    EndedGuestLink,
    Follow,
    GuestRequest,
    HostSummary,
    Idea,
    IdeaSupport,
    Invitation,
    Notification,
    NotificationMail,
    OrganisationReview,
    OrganisationSupport,
    Registration,
    Reminder,
    Seat,
    Talk,
)
from services.dialogue.privacy import PERSONAL_DATA
from services.dialogue.retention import (
    CHECK_EVERY_SECONDS,
    ended_before,
    forgotten_guest,
    notification_cutoffs,
    retention_days,
)
from services.kit.consumer import idempotent
from services.kit.messaging import event_handler
from services.kit.personal_data import PersonalDataMixin
from services.kit.rpc import rpc

ACCOUNT_DELETED = "stadtdialog.identity.account.deleted.v1"
ACCOUNT_RENAMED = "stadtdialog.identity.account.renamed.v1"
DELETED_NAME = "Gelöschtes Konto"
HOST_LEFT = "Die Gastgeberin oder der Gastgeber hat das Konto bei Stadtdialog gelöscht."
STATUS_DE = {"confirmed": "bestätigt", "waitlisted": "Warteliste", "none": "storniert"}


class PersonalDataHandlers(DialogueBase, PersonalDataMixin):
    PERSONAL_DATA = PERSONAL_DATA
    SERVICE_LABEL = "Tischgespräche und Projektideen"

    def personal_data_details(self, model: type[Document], doc: Document) -> dict[str, Any]:
        """Counts and titles, never other people: a hosted talk's guests only as numbers."""
        # Unlabelled keys (ids, codes) go into the JSON file only; Mein Bereich links by them.
        if isinstance(doc, Talk):
            taken = Seat.scoped(doc.city, talk_id=str(doc.id)).count()
            registered = Registration.scoped(doc.city, talk_id=str(doc.id)).count()
            draft = DocumentationDraft.scoped(doc.city, talk_id=str(doc.id)).only("saved_at")
            saved = draft.first()
            documented = Documentation.scoped(doc.city, talk_id=str(doc.id)).first()
            return {
                "confirmed_guests": taken,
                "waiting_guests": max(registered - taken, 0),
                "draft_saved_at": saved.saved_at if saved else None,
                # Mein Bereich asks the host to document a talk that is over, once.
                "documented": documented is not None,
            }
        if isinstance(doc, IdeaSupport | OrganisationSupport):
            idea = Idea.scoped(doc.city, id=doc.idea_id).first()
            return {"idea_title": idea.title if idea else None, "idea_id": doc.idea_id}
        if not isinstance(doc, Registration | Invitation | Documentation):
            return {}
        talk = Talk.scoped(doc.city, id=doc.talk_id).first()
        details = {
            "talk_title": talk and talk.title,
            "talk_starts_at": talk and talk.starts_at,
            "talk_id": doc.talk_id,
        }
        if isinstance(doc, Registration):
            view = self._registration_view(doc)
            details.update(
                status=STATUS_DE[view["status"]],
                state=view["status"],
                seat=view.get("seat"),
                position=view.get("position"),
                talk_ends_at=talk and talk.ends_at,
                talk_status=talk and talk.status,
            )
        return details

    @timer(interval=CHECK_EVERY_SECONDS)
    def forget_past_guests(self) -> None:
        self._forget_guests()

    @rpc
    def ops_forget_guests(self) -> dict[str, int]:
        """Operator: apply the guest retention now (what the hourly timer does)."""
        self.caller.require_operator()
        return self._forget_guests()

    @timer(interval=CHECK_EVERY_SECONDS)
    def forget_old_notifications(self) -> None:
        self._forget_old_notifications()

    @rpc
    def ops_forget_notifications(self) -> dict[str, int]:
        """Operator: delete notifications past their retention now (what the hourly timer
        does)."""
        self.caller.require_operator()
        return self._forget_old_notifications()

    def _forget_old_notifications(self) -> dict[str, int]:
        """Read notifications past ``STADTDIALOG_NOTIFICATION_READ_DAYS``, any past
        ``STADTDIALOG_NOTIFICATION_MAX_DAYS``; with them their mail claims, and the digest
        period keys older than the longest period (a day or week that never comes again)."""
        read_before, any_before = notification_cutoffs(_now())
        old = Notification.objects.filter(
            Q(read_at__ne=None, at__lt=read_before) | Q(at__lt=any_before)
        )
        ids = [n.id for n in old.only("id")]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            Notification.objects(id__in=chunk).delete()
            # Claims after their notifications: a mail pass that still lists one finds it gone.
            self.db["notification_claims"].delete_many({"_id": {"$in": [str(i) for i in chunk]}})
        periods = NotificationMail.objects(at__lt=any_before).delete()
        return {"notifications": len(ids), "mail_periods": periods}

    def _talk_cities(self) -> list[str]:
        """Every city with talks: the explicit tenant list of a cross-city pass."""
        return [c for c in self.db["talks"].distinct("city") if isinstance(c, str) and c]

    def _forget_guests(self) -> dict[str, int]:
        cutoff = ended_before(_now(), retention_days())
        talks = Talk.across_cities(
            self._talk_cities(), ends_at__lt=cutoff, guests_forgotten__ne=True
        )
        counts = {"talks": 0, "guests": 0}
        for talk in talks:
            for reg in Registration.scoped(talk.city, talk_id=str(talk.id), email__ne=None):
                Registration.scoped(talk.city, id=reg.id).update_one(
                    **{f"set__{k}": v for k, v in forgotten_guest(str(reg.id)).items()}
                )
                counts["guests"] += 1
            GuestRequest.scoped(talk.city, talk_id=str(talk.id)).delete()
            Reminder.scoped(talk.city, talk_id=str(talk.id)).delete()  # hashes of addresses
            Talk.scoped(talk.city, id=talk.id).update_one(set__guests_forgotten=True)
            counts["talks"] += 1
        self._forget_guest_requests()
        return counts

    def _forget_guest_requests(self) -> None:
        """Guest requests (name, address) and ended-link marks outlive their links by nothing:
        both go once every link that names them has expired."""
        expired = _now() - timedelta(seconds=GUEST_TTL)
        for city in self._talk_cities():
            GuestRequest.scoped(city, created_at__lt=expired).delete()
            EndedGuestLink.scoped(city, at__lt=expired).delete()

    # ------------------------------------------------------------------ facts of other services
    @event_handler("identity", ACCOUNT_DELETED, requeue_on_error=True)
    @idempotent(SERVICE)
    def forget_deleted_account(self, envelope: dict[str, Any]) -> None:
        """A deleted person leaves the tables they had joined; names become anonymous."""
        account_id = (envelope.get("data") or {}).get("account_id")
        if not account_id:
            return
        self._forget_follows(account_id)
        self._forget_comments(self._comment_cities(), account_id)
        # Supports given in an organisation's name stay the organisation's; the member goes.
        for city in self.db["organisation_supports"].distinct("city", {"given_by": account_id}):
            OrganisationSupport.scoped(city, given_by=account_id).update(unset__given_by=True)
        # …and from the members a city vouched for when it confirmed an organisation.
        for city in self.db["organisation_reviews"].distinct(
            "city", {"confirmed_members": account_id}
        ):
            OrganisationReview.scoped(city, confirmed_members=account_id).update(
                pull__confirmed_members=account_id
            )
        cities = self._talk_cities()
        if not cities:
            return
        now = _now()
        for reg in Registration.across_cities(cities, account_id=account_id):
            talk = Talk.scoped(reg.city, id=reg.talk_id).first()
            if talk is not None and _aware(talk.ends_at) > now:
                self._cancel(talk, reg)  # the seat is freed, the waiting list moves up
            else:  # a past talk keeps its count, without the name
                Registration.scoped(reg.city, id=reg.id).update_one(set__display_name=DELETED_NAME)
        for talk in Talk.across_cities(cities, host_id=account_id):
            if talk.status == "scheduled" and _aware(talk.ends_at) > now:
                self._cancel_talk(talk, HOST_LEFT)  # every guest is mailed
            if talk.status == "cancelled":
                Seat.scoped(talk.city, talk_id=str(talk.id)).delete()
            # The host's name, private address and meeting link leave every talk they hosted.
            Talk.scoped(talk.city, id=talk.id).update_one(
                set__host_name=DELETED_NAME, set__address=None, set__link=None
            )
        # What the person's summaries and reminders recorded goes with the account.
        HostSummary.across_cities(cities, host_id=account_id).delete()
        Reminder.across_cities(cities, account_id=account_id).delete()
        # Invitation links of the person's talks stop working (the join paths check this).
        Invitation.across_cities(cities, created_by=account_id, revoked_at=None).update(
            set__revoked_at=now
        )

    def _forget_follows(self, account_id: str) -> None:
        """Follows, notifications and their mails go with the account (not city-bound)."""
        ids = [str(i) for i in Notification.objects(account_id=account_id).distinct("id")]
        if ids:
            self.db["notification_claims"].delete_many({"_id": {"$in": ids}})
        for model in (Follow, Notification, NotificationMail):
            model.objects(account_id=account_id).delete()

    @event_handler("identity", ACCOUNT_RENAMED, requeue_on_error=True)
    @idempotent(SERVICE)
    def take_new_name(self, envelope: dict[str, Any]) -> None:
        """A person's new display name on their talks and registrations that are not over
        (a held talk keeps the name it was held under). The name is asked for, never carried
        by the fact; asking at handling time makes a late or repeated fact harmless."""
        account_id = (envelope.get("data") or {}).get("account_id")
        cities = self._talk_cities()
        account = self._account(account_id) if account_id and cities else None
        if account is None:
            return
        name, now = account["display_name"][:80], _now()
        for reg in Registration.across_cities(cities, account_id=account_id):
            talk = Talk.scoped(reg.city, id=reg.talk_id).first()
            if talk is not None and _aware(talk.ends_at) > now:
                Registration.scoped(reg.city, id=reg.id).update_one(set__display_name=name)
        for talk in Talk.across_cities(cities, host_id=account_id):
            if _aware(talk.ends_at) > now:
                Talk.scoped(talk.city, id=talk.id).update_one(set__host_name=name)
