"""Documents of the events service (database ``<prefix>_events``).

Contended facts are inserted documents with unique keys, never counters updated in place
(FerretDB updates are read-then-write, see ARCHITECTURE.md):

* a place at a closing event is a ``Seat`` unique on (city, event_id, number) and on
  (city, event_id, registration_id): at most ``capacity`` seats, at most one per registration;
* a person registers once per event: ``Registration`` unique on (city, event_id, account_id);
* what a registration was told is a ``Notice`` unique on (city, registration_id, kind), so a
  confirmation, waiting-list notice or promotion is mailed and published exactly once;
* a public fact of another service enters the results read model once: ``ResultFact``
  unique on (city, event_id) — the results are computed from these (``results.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from mongoengine import (
    BooleanField,
    DateField,
    DateTimeField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    EmbeddedDocumentListField,
    IntField,
    LongField,
    StringField,
)

from services.kit.seat_documents import seat_documents
from services.kit.tenancy import TenantDocument

ALIAS = "events"

EVENT_STATUSES = ("draft", "published", "cancelled")
PARTNER_KINDS = (
    "association",
    "initiative",
    "foundation",
    "administration",
    "business",
    "media",
    "other",
)
NEXT_STEP_STATUSES = ("planned", "in_progress", "done", "dropped")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Venue(EmbeddedDocument):
    name = StringField(required=True, max_length=200)
    address = StringField(max_length=300)
    district = StringField(max_length=80)
    online_url = StringField(max_length=500)
    directions = StringField(max_length=2000)


class Partner(EmbeddedDocument):
    name = StringField(required=True, max_length=200)
    kind = StringField(required=True, choices=PARTNER_KINDS)
    role = StringField(max_length=200)


class AgendaItem(EmbeddedDocument):
    time = StringField(required=True, max_length=5)  # "18:30"
    title = StringField(required=True, max_length=200)
    description = StringField(max_length=2000)
    speakers = StringField(max_length=300)


class Accessibility(EmbeddedDocument):
    step_free = BooleanField(default=False)
    hearing_loop = BooleanField(default=False)
    sign_language = BooleanField(default=False)
    easy_language = BooleanField(default=False)
    childcare = BooleanField(default=False)
    notes = StringField(max_length=2000, default="")


class ClosingEvent(TenantDocument):
    """The Abschlussveranstaltung of a city (a city may hold more than one)."""

    title = StringField(required=True, max_length=200)
    description = StringField(max_length=5000, default="")
    starts_at = DateTimeField(required=True)
    ends_at = DateTimeField(required=True)
    venue = EmbeddedDocumentField(Venue, required=True)
    partners = EmbeddedDocumentListField(Partner)
    agenda = EmbeddedDocumentListField(AgendaItem)
    accessibility = EmbeddedDocumentField(Accessibility, default=Accessibility)
    capacity = IntField(required=True, min_value=1)
    registration_opens_at = DateTimeField()  # None: from publication on
    registration_closes_at = DateTimeField()
    status = StringField(required=True, choices=EVENT_STATUSES, default="draft")
    cancel_reason = StringField(max_length=1000)
    created_by = StringField(required=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    published_at = DateTimeField()

    meta = {
        "db_alias": ALIAS,
        "collection": "closing_events",
        "indexes": [("city", "starts_at")],
    }


class Registration(TenantDocument):
    """One person at one closing event: confirmed while a ``Seat`` names it, waiting otherwise."""

    event_id = StringField(required=True)
    account_id = StringField(required=True)
    display_name = StringField(required=True, max_length=80)
    needs = StringField(max_length=1000, default="")  # accessibility needs, for the organisers
    # Arrival order of the waiting list: nanoseconds of the host clock, ties broken by _id.
    arrival = LongField(required=True)
    created_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "registrations",
        "indexes": [
            {"fields": ("city", "event_id", "account_id"), "unique": True},
            ("city", "event_id", "arrival"),
        ],
    }


# The seat-keeping documents (services/kit/seat_documents.py), stored as they always were.
Seat, Notice = seat_documents(ALIAS, "event_id", __name__, "Notice", "notices")


class ResultFact(TenantDocument):
    """A public fact of another service, kept once for the results read model."""

    event_id = StringField(required=True)
    type = StringField(required=True, max_length=200)
    time = StringField(required=True, max_length=40)
    subject = StringField(max_length=200)
    data = StringField(required=True)  # JSON text: keys of other services' data stay opaque
    received_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "result_facts",
        "indexes": [{"fields": ("city", "event_id"), "unique": True}, ("city", "type")],
    }


class NextStep(TenantDocument):
    """What happens to a project idea after the closing: one step of its realisation."""

    idea_id = StringField(required=True, max_length=100)
    what = StringField(required=True, max_length=500)
    owner_organisation = StringField(required=True, max_length=200)
    contact_role = StringField(max_length=200, default="")
    due_date = DateField()
    status = StringField(required=True, choices=NEXT_STEP_STATUSES, default="planned")
    note = StringField(max_length=2000, default="")
    created_by = StringField(required=True)
    created_at = DateTimeField(default=utcnow)
    updated_by = StringField()
    updated_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "next_steps",
        "indexes": [("city", "idea_id")],
    }


MODELS = (ClosingEvent, Registration, Seat, Notice, ResultFact, NextStep)
