"""A person's data in the events service: the export (``privacy.py``), and what an account's
deletion does here (its closing-event registrations are cancelled, the waiting list moves up)."""

from __future__ import annotations

from typing import Any

from mongoengine import Document

from services.events.handlers.base import EventsBase, _aware, _now
from services.events.models import ClosingEvent, Registration
from services.events.privacy import PERSONAL_DATA
from services.kit.consumer import idempotent
from services.kit.errors import NotFound
from services.kit.messaging import event_handler
from services.kit.personal_data import PersonalDataMixin

SERVICE = "events"
ACCOUNT_DELETED = "stadtdialog.identity.account.deleted.v1"
ACCOUNT_RENAMED = "stadtdialog.identity.account.renamed.v1"
DELETED_NAME = "Gelöschtes Konto"


class PersonalDataHandlers(EventsBase, PersonalDataMixin):
    PERSONAL_DATA = PERSONAL_DATA
    SERVICE_LABEL = "Abschlussveranstaltungen"

    def personal_data_details(self, model: type[Document], doc: Document) -> dict[str, Any]:
        if not isinstance(doc, Registration):
            return {}
        event = ClosingEvent.scoped(doc.city, id=doc.event_id).first()
        if event is None:
            return {}
        status = self._status(event, doc)
        return {
            "event_title": event.title,
            "starts_at": event.starts_at,
            "status": {"confirmed": "bestätigt", "waitlisted": "Warteliste"}[status["status"]],
            "position": status["position"],
            # Unlabelled: in the JSON file only; Mein Bereich links and words by them.
            "event_id": doc.event_id,
            "state": status["status"],
        }

    @event_handler("identity", ACCOUNT_DELETED, requeue_on_error=True)
    @idempotent(SERVICE)
    def forget_deleted_account(self, envelope: dict[str, Any]) -> None:
        """Upcoming registrations are cancelled through the one cancel path (places freed,
        the waiting list told it moved up); past ones stay for the counts, without name or
        needs. Deliberately across cities: the account is global. A repeat finds nothing."""
        account_id = (envelope.get("data") or {}).get("account_id")
        if not account_id:
            return
        collection = Registration._get_collection()
        cities = [c for c in collection.distinct("city") if isinstance(c, str) and c]
        for registration in Registration.across_cities(cities, account_id=account_id):
            event = ClosingEvent.scoped(registration.city, id=registration.event_id).first()
            if event is not None and _aware(event.ends_at) > _now():
                self._cancel_registration(event, registration)
            else:
                Registration.scoped(registration.city, id=registration.id).update_one(
                    set__display_name=DELETED_NAME, set__needs=""
                )

    @event_handler("identity", ACCOUNT_RENAMED, requeue_on_error=True)
    @idempotent(SERVICE)
    def take_new_name(self, envelope: dict[str, Any]) -> None:
        """The new display name on the person's registrations for events not over yet; the
        name is asked for at handling time (the fact carries only the id)."""
        account_id = (envelope.get("data") or {}).get("account_id")
        collection = Registration._get_collection()
        cities = [c for c in collection.distinct("city") if isinstance(c, str) and c]
        if not account_id or not cities:
            return
        try:
            name = self.identity.account_summary(account_id)["display_name"][:80]
        except NotFound:  # deleted meanwhile: the deletion's own fact takes the name away
            return
        for registration in Registration.across_cities(cities, account_id=account_id):
            event = ClosingEvent.scoped(registration.city, id=registration.event_id).first()
            if event is not None and _aware(event.ends_at) > _now():
                Registration.scoped(registration.city, id=registration.id).update_one(
                    set__display_name=name
                )
