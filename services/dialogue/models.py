"""Documents of the dialogue service (database ``<prefix>_dialogue``).

Contended facts are inserted documents with unique keys, never counters updated in place
(FerretDB updates are read-then-write, see ARCHITECTURE.md):

* a place at a table is a ``Seat`` unique on (city, talk_id, number) and on
  (city, talk_id, registration_id): at most ``capacity`` seats, at most one per registration;
* a person is registered once per talk: ``Registration`` unique on (city, talk_id, person);
* what a person was told about their registration is an ``Announcement`` unique on
  (city, registration_id, kind), so each confirmation, waiting-list notice and promotion is
  mailed and published exactly once however many workers race for it;
* a host's daily summary is a ``HostSummary`` unique on (city, host_id, day) and a reminder a
  ``Reminder`` unique on (city, talk_id, person): inserted before the mail goes out, so two
  dialogue processes, a restart or a second timer run never send one twice (``notices.py``);
* a talk is documented once (``Documentation`` unique on (city, talk_id)); an idea is
  supported, and joined with "Ich mache mit", once per person (``IdeaSupport``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    IntField,
    ListField,
    LongField,
    StringField,
)

from services.dialogue.news import NEWS_TEXTS
from services.kit.search_index import search_entry_document
from services.kit.seat_documents import seat_documents
from services.kit.tenancy import TenantDocument

ALIAS = "dialogue"

TALK_FORMATS = ("in_person", "online", "hybrid")
TALK_ACCESS = ("open", "invitation_only")
TALK_KINDS = ("table_talk", "scenario_conversation")
TALK_STATUSES = ("scheduled", "cancelled")
TOPIC_SOURCES = ("deep_dive", "own")
IDEA_STATUSES = ("proposed", "in_discussion", "in_progress", "realised", "not_pursued")
SUPPORT_KINDS = ("support", "helper")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Topic(TenantDocument):
    """A deep-dive topic (copied from the scenarios service's fact) or a citizen's own topic."""

    # "deep_dive:<topic id of the scenarios service>" or "own:<ObjectId>": the unique key
    # that makes a redelivered topic fact an update instead of a second topic.
    key = StringField(required=True, max_length=200)
    source = StringField(required=True, choices=TOPIC_SOURCES)
    title = StringField(required=True, max_length=200)
    description = StringField(max_length=4000, default="")
    guiding_questions = ListField(StringField(max_length=500))
    proposed_by = StringField()  # account id of a citizen's own topic
    hidden = BooleanField(default=False)
    hidden_reason = StringField(max_length=1000)
    hidden_by = StringField()
    created_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "topics",
        "indexes": [{"fields": ("city", "key"), "unique": True}],
    }


class Talk(TenantDocument):
    kind = StringField(required=True, choices=TALK_KINDS)
    title = StringField(required=True, max_length=120)
    topic_id = StringField()
    description = StringField(max_length=4000, default="")
    format = StringField(required=True, choices=TALK_FORMATS)
    address = StringField(max_length=200)
    district = StringField(max_length=80)
    link = StringField(max_length=500)
    starts_at = DateTimeField(required=True)
    ends_at = DateTimeField(required=True)
    capacity = IntField(required=True, min_value=1)
    access = StringField(required=True, choices=TALK_ACCESS, default="open")
    language = StringField(max_length=8, default="de")
    accessibility = StringField(max_length=1000, default="")
    host_id = StringField(required=True)
    host_name = StringField(max_length=80)
    status = StringField(required=True, choices=TALK_STATUSES, default="scheduled")
    cancel_reason = StringField(max_length=1000)
    sequence = IntField(default=0)  # iCalendar SEQUENCE: raised with every change guests hear of
    # Set once the guests' names and addresses were removed after the talk (retention.py).
    guests_forgotten = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "talks",
        "indexes": [("city", "starts_at"), ("city", "topic_id"), ("city", "host_id")],
    }


class Registration(TenantDocument):
    """One person on one talk: confirmed while a ``Seat`` names it, waiting otherwise."""

    talk_id = StringField(required=True)
    # "account:<id>" or "guest:<lower-cased e-mail>": one registration per person and talk.
    person = StringField(required=True, max_length=300)
    account_id = StringField()
    display_name = StringField(required=True, max_length=80)
    email = StringField(max_length=254)  # guests only; accounts' addresses stay in identity
    # Arrival order of the waiting list: nanoseconds of the host clock, ties broken by _id.
    arrival = LongField(required=True)
    via_invitation = StringField()
    guest_request = StringField()  # the GuestRequest a guest confirmed (its cancel link names it)
    created_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "registrations",
        "indexes": [
            {"fields": ("city", "talk_id", "person"), "unique": True},
            ("city", "talk_id", "arrival"),
            ("city", "account_id"),
        ],
    }


# The seat-keeping documents (services/kit/seat_documents.py), stored as they always were.
Seat, Announcement = seat_documents(ALIAS, "talk_id", __name__, "Announcement", "announcements")


class Invitation(TenantDocument):
    """A shareable invitation link of a talk; revoking it makes its tokens invalid."""

    talk_id = StringField(required=True)
    # The signed link token, kept so the host can show the same link (and QR code) again.
    token = StringField(required=True, max_length=1000)
    created_by = StringField(required=True)
    created_at = DateTimeField(default=utcnow)
    revoked_at = DateTimeField()

    meta = {"db_alias": ALIAS, "collection": "invitations", "indexes": [("city", "talk_id")]}


class GuestRequest(TenantDocument):
    """A guest's wish to join through an invitation: name and address stay here, server-side;
    the mailed links carry only this document's id (signed). Removed by the retention pass
    once its links have expired."""

    talk_id = StringField(required=True)
    invitation_id = StringField(required=True)
    name = StringField(required=True, max_length=80)
    email = StringField(required=True, max_length=254)
    privacy_version = IntField(min_value=0)  # the notice the guest agreed to (at created_at)
    created_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "guest_requests",
        "indexes": [("city", "created_at")],
    }


class EndedGuestLink(TenantDocument):
    """A guest request whose registration was cancelled: its links no longer work. ``id`` is
    the request's id; inserting it is the cancellation (atomic on FerretDB too)."""

    id = StringField(primary_key=True)
    at = DateTimeField(default=utcnow)

    meta = {"db_alias": ALIAS, "collection": "ended_guest_links", "indexes": [("city", "at")]}


class HostSummary(TenantDocument):
    """The summary mail of one host on one day (Europe/Berlin), with what it told: per
    upcoming talk the registration ids then confirmed (``c``) and waiting (``w``) and whether
    the talk was full (``f``). The next summary compares against it; no names are kept."""

    host_id = StringField(required=True)
    day = StringField(required=True, max_length=10)  # YYYY-MM-DD
    seen = DictField()  # talk id -> {"c": [registration ids], "w": [...], "f": bool}
    at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "host_summaries",
        "indexes": [
            {"fields": ("city", "host_id", "day"), "unique": True},
            ("city", "at"),
        ],
    }


class Reminder(TenantDocument):
    """The reminder the day before a talk, once per person and talk. ``person_key`` is a hash
    of ``Registration.person`` (a guest's address is not copied here)."""

    talk_id = StringField(required=True)
    person_key = StringField(required=True, max_length=64)
    account_id = StringField()  # None for a guest
    at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "reminders",
        "indexes": [{"fields": ("city", "talk_id", "person_key"), "unique": True}],
    }


class DocumentationDraft(TenantDocument):
    talk_id = StringField(required=True)
    # The draft as the host typed it, as JSON text: form keys may contain anything.
    content = StringField(required=True, max_length=100_000)
    saved_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "documentation_drafts",
        "indexes": [{"fields": ("city", "talk_id"), "unique": True}],
    }


class Documentation(TenantDocument):
    talk_id = StringField(required=True)
    values = DictField(required=True)
    tags = ListField(StringField(max_length=32))
    submitted_by = StringField(required=True)
    submitted_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "documentations",
        "indexes": [{"fields": ("city", "talk_id"), "unique": True}],
    }


class Idea(TenantDocument):
    title = StringField(required=True, max_length=120)
    description = StringField(required=True, max_length=4000)
    category = StringField(required=True, max_length=40)
    district = StringField(max_length=80)
    needs = StringField(max_length=2000, default="")
    extra = DictField()  # values of the city's plugin fields for the project_idea form
    talk_id = StringField()  # the documented talk it came from, if any
    proposed_by = StringField(required=True)
    status = StringField(required=True, choices=IDEA_STATUSES, default="proposed")
    status_reason = StringField(max_length=1000)
    status_changed_at = DateTimeField()
    hidden = BooleanField(default=False)
    hidden_reason = StringField(max_length=1000)
    created_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "ideas",
        "indexes": [("city", "created_at"), ("city", "talk_id")],
    }


class IdeaSupport(TenantDocument):
    """A support or an "Ich mache mit" of one person for one idea (inserted once)."""

    idea_id = StringField(required=True)
    kind = StringField(required=True, choices=SUPPORT_KINDS)
    account_id = StringField(required=True)
    at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "idea_supports",
        "indexes": [{"fields": ("city", "idea_id", "kind", "account_id"), "unique": True}],
    }


class Report(TenantDocument):
    """A person's report of a topic or an idea for moderation (once per person and target)."""

    target = StringField(required=True, max_length=100)  # "topic:<id>" or "idea:<id>"
    account_id = StringField(required=True)
    reason = StringField(required=True, max_length=1000)
    at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "reports",
        "indexes": [{"fields": ("city", "target", "account_id"), "unique": True}],
    }


# Follow and notifications (docs/notifications.md). A person's follows and news span cities,
# so these are keyed by account (every query names the account or the followed thing; each
# still carries ``city``): plain documents, not tenant documents.
FOLLOW_KINDS = ("idea", "talk", "topic", "city", "scenario")


class Follow(Document):
    """One person following one thing. ``active`` false: the person stopped, and an automatic
    follow (supporting, helping, hosting, commenting) does not start it again."""

    account_id = StringField(required=True)
    city = StringField(required=True)
    target_kind = StringField(required=True, choices=FOLLOW_KINDS)
    target_id = StringField(required=True, max_length=100)  # the city's slug for a city
    active = BooleanField(default=True)
    automatic = BooleanField(default=False)
    at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "follows",
        "indexes": [
            {"fields": ("account_id", "city", "target_kind", "target_id"), "unique": True},
            ("city", "target_kind", "target_id"),
        ],
    }


COMMENT_TARGETS = ("idea", "topic", "scenario", "talk")


class Comment(TenantDocument):
    """A comment on an idea, a topic, a published scenario or a documented talk; a reply names
    its ``parent_id`` (one level only). Hidden by a moderator with a reason shown in place."""

    target_kind = StringField(required=True, choices=COMMENT_TARGETS)
    target_id = StringField(required=True, max_length=64)
    parent_id = StringField(max_length=64)
    author_id = StringField()  # None once the account is deleted
    author_name = StringField(max_length=80)
    body = StringField(max_length=2000, default="")
    created_at = DateTimeField(default=utcnow)
    edited_at = DateTimeField()
    hidden = BooleanField(default=False)
    hidden_reason = StringField(max_length=1000)
    hidden_by = StringField()
    removed = BooleanField(default=False)  # the author deleted the account

    meta = {
        "db_alias": ALIAS,
        "collection": "comments",
        "indexes": [
            ("city", "target_kind", "target_id", "created_at"),
            ("city", "author_id", "created_at"),
        ],
    }


class OrganisationSupport(TenantDocument):
    """A support or an "Ich mache mit" given in an organisation's name: once per organisation
    (``organisation_key``, services/dialogue/organisations.py), whichever member gave it."""

    idea_id = StringField(required=True)
    kind = StringField(required=True, choices=SUPPORT_KINDS)
    organisation_key = StringField(required=True, max_length=64)
    organisation_name = StringField(required=True, max_length=200)
    organisation_kind = StringField(required=True, max_length=20)
    # Named to the city in a working group it confirmed; else only on the giver's account.
    confirmed = BooleanField(default=False)
    given_by = StringField()  # the member's account id; removed when that account is deleted
    at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "organisation_supports",
        "indexes": [
            {"fields": ("city", "idea_id", "kind", "organisation_key"), "unique": True},
            ("city", "given_by"),
        ],
    }


class OrganisationReview(TenantDocument):
    """What the city's admins decided about one organisation acting in the city's name
    (``organisation_key``): confirmed it ("von der Stadt bestätigt"), or hid it with a reason
    (its supports stop counting and show nowhere, until an admin shows it again). Who decided
    is in the city's audit log, not here."""

    organisation_key = StringField(required=True, max_length=64)
    organisation_name = StringField(required=True, max_length=200)
    organisation_kind = StringField(required=True, max_length=20)
    confirmed = BooleanField(default=False)
    confirmed_at = DateTimeField()
    # The accounts that had acted in its name when the city confirmed it: the confirmation
    # vouches for them, not for whoever names an organisation of that name later.
    confirmed_members = ListField(StringField())
    hidden = BooleanField(default=False)
    hidden_reason = StringField(max_length=2000)
    hidden_at = DateTimeField()
    # How many times it was hidden or shown: the next change claims ``<city>:<key>:<n+1>`` in
    # ``organisation_review_claims`` first, so a double click changes it (and its counts) once.
    changes = IntField(default=0)

    meta = {
        "db_alias": ALIAS,
        "collection": "organisation_reviews",
        "indexes": [{"fields": ("city", "organisation_key"), "unique": True}],
    }


class Notification(Document):
    """One piece of news for one person, made from one fact: the unique key on fact id and
    recipient makes a fact delivered twice one notification."""

    account_id = StringField(required=True)
    fact_id = StringField(required=True, max_length=100)
    city = StringField(required=True)
    kind = StringField(required=True, max_length=40, choices=tuple(NEWS_TEXTS))
    target_kind = StringField(required=True, max_length=20)
    target_id = StringField(required=True, max_length=100)
    title = StringField(max_length=500)
    detail = StringField(max_length=500)
    at = DateTimeField(default=utcnow)
    read_at = DateTimeField()
    mailed_at = DateTimeField()

    meta = {
        "db_alias": ALIAS,
        "collection": "notifications",
        "indexes": [
            {"fields": ("fact_id", "account_id"), "unique": True},
            ("account_id", "read_at"),
            ("mailed_at", "account_id"),
            "at",  # the retention pass (services/dialogue/retention.py)
        ],
    }


class NotificationMail(Document):
    """One notification mail (immediate or digest) of one person for one period: inserted
    before it is handed to the mailer, so a second run or process sends nothing."""

    account_id = StringField(required=True)
    period = StringField(required=True, max_length=40)
    count = IntField(default=0)
    at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "notification_mails",
        "indexes": [{"fields": ("account_id", "period"), "unique": True}],
    }


MODELS = (
    Topic,
    Talk,
    Registration,
    Seat,
    Announcement,
    Invitation,
    GuestRequest,
    EndedGuestLink,
    HostSummary,
    Reminder,
    DocumentationDraft,
    Documentation,
    Idea,
    IdeaSupport,
    Report,
    Follow,
    Notification,
    NotificationMail,
    Comment,
    OrganisationSupport,
    OrganisationReview,
)

# The token index of the public talks, ideas and topics (services/kit/search_index.py).
SearchEntry = search_entry_document(ALIAS, __name__)
MODELS = (*MODELS, SearchEntry)
