"""Documents of the cities service (database ``<prefix>_cities``).

Contended facts are inserted documents with unique keys, never counters updated in place
(FerretDB updates are read-then-write): a cohort place is a ``CohortSeat`` with ``_id``
``"<year>:<n>"``, a completed step a ``StepCompletion``, a counted public fact a ``SeenFact``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from mongoengine import (
    BinaryField,
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    EmailField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
)

from services.cities.legal import KINDS
from services.cities.phases import ORGANISATION_KINDS, PHASES, WORKING_PHASES
from services.kit.tenancy import SLUG_PATTERN, TenantDocument

ALIAS = "cities"
LEGAL_KINDS = tuple(KINDS)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Contact(EmbeddedDocument):
    name = StringField(required=True, max_length=120)
    email = EmailField(required=True)
    phone = StringField(max_length=40)


class Window(EmbeddedDocument):
    start = DateTimeField()
    end = DateTimeField()


class City(Document):
    """The tenant itself: ``id`` is the slug. Global (operators list all cities)."""

    id = StringField(primary_key=True, regex=SLUG_PATTERN)
    name = StringField(required=True, max_length=120)
    state = StringField(required=True)
    population = IntField(min_value=1)
    mayor = StringField(max_length=120)
    contact = EmbeddedDocumentField(Contact, required=True)
    cohort_year = IntField(required=True)
    languages = ListField(StringField(max_length=8), default=lambda: ["de"])
    hosts = ListField(StringField(max_length=253))
    phase = StringField(required=True, choices=PHASES, default="kickoff")
    schedule = DictField(EmbeddedDocumentField(Window))  # phase -> planned window
    status = StringField(choices=("active", "archived"), default="active")
    created_by = StringField()
    created_at = DateTimeField(default=utcnow)
    archived_at = DateTimeField()

    meta = {"db_alias": ALIAS, "collection": "cities", "indexes": ["cohort_year", "hosts"]}


class CohortSeat(Document):
    """One of the ten places of a cohort year; inserting it is the atomic claim."""

    id = StringField(primary_key=True)  # "<year>:<01..10>"
    year = IntField(required=True)
    city = StringField(required=True)
    claimed_at = DateTimeField(default=utcnow)

    meta = {"db_alias": ALIAS, "collection": "cohort_seats", "indexes": ["year"]}


class Transition(TenantDocument):
    from_phase = StringField(required=True, choices=PHASES)
    to_phase = StringField(required=True, choices=PHASES)
    by = StringField(required=True)
    at = DateTimeField(default=utcnow)
    reason = StringField(max_length=2000)
    override = StringField(max_length=2000)

    meta = {"db_alias": ALIAS, "collection": "transitions", "indexes": [("city", "at")]}


class StepCompletion(TenantDocument):
    phase = StringField(required=True, choices=WORKING_PHASES)
    step_id = StringField(required=True, max_length=120)
    done_by = StringField(required=True)
    done_at = DateTimeField(default=utcnow)
    note = StringField(max_length=2000)

    meta = {
        "db_alias": ALIAS,
        "collection": "step_completions",
        "indexes": [{"fields": ("city", "phase", "step_id"), "unique": True}],
    }


class WorkingGroup(TenantDocument):
    name = StringField(required=True, max_length=120)
    description = StringField(max_length=2000)
    created_by = StringField(required=True)
    created_at = DateTimeField(default=utcnow)

    meta = {"db_alias": ALIAS, "collection": "working_groups", "indexes": [("city", "name")]}


class Membership(TenantDocument):
    """One person in one working group; invited by e-mail, joined when they accept."""

    group_id = StringField(required=True)
    email = EmailField(required=True)
    organisation = StringField(required=True, max_length=200)
    kind = StringField(required=True, choices=ORGANISATION_KINDS)
    role = StringField(required=True, choices=("lead", "member"))
    status = StringField(required=True, choices=("invited", "joined"), default="invited")
    account_id = StringField()
    invited_by = StringField(required=True)
    invited_at = DateTimeField(default=utcnow)
    joined_at = DateTimeField()

    meta = {
        "db_alias": ALIAS,
        "collection": "memberships",
        "indexes": [{"fields": ("city", "group_id", "email"), "unique": True}],
    }


class UsedInvitation(TenantDocument):
    """An accepted invitation link (city admin or working group): single use.

    ``id`` is ``"<purpose>:<token id>"``; the insert fails on the primary key for a second use,
    which is atomic even on FerretDB (a conditional update would not be).
    """

    id = StringField(primary_key=True)
    purpose = StringField(required=True)
    account_id = StringField(required=True)
    used_at = DateTimeField(default=utcnow)

    meta = {"db_alias": ALIAS, "collection": "used_invitations", "indexes": [("city", "used_at")]}


class PluginEnablement(TenantDocument):
    plugin = StringField(required=True, max_length=100)
    config = DictField()
    enabled_by = StringField(required=True)
    enabled_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "plugin_enablements",
        "indexes": [{"fields": ("city", "plugin"), "unique": True}],
    }


class AuditEntry(TenantDocument):
    """One administrative act in a city: the city's audit log (it began as the plugin log).

    Written by this service for its own acts (phases, schedule, plugins, steps, invitations)
    and from the internal facts of the others (role grants, moderation, publishing). The
    actor's display name is kept with the entry, read from identity when the act is recorded,
    so the log names people without asking identity on every read. ``id`` is ``fact:<event
    id>`` for an entry from a fact (a redelivery inserts nothing) and random otherwise.
    """

    id = StringField(primary_key=True)
    act = StringField(required=True, max_length=60)  # e.g. "phase.changed", "role.granted"
    by = StringField(required=True)  # the actor's account id
    by_name = StringField(max_length=80)  # the actor's display name when the act was recorded
    at = DateTimeField(default=utcnow)
    reason = StringField(max_length=2000)
    # What the act was about: phase codes, plugin, role, a title, the person concerned.
    detail = DictField()

    meta = {"db_alias": ALIAS, "collection": "audit_log", "indexes": [("city", "-at")]}


class SeenFact(TenantDocument):
    """A public fact counted once for the city's tallies (unique per event and key); ``day``
    the UTC day it was counted on (services/cities/tally_days.py), none on older rows; their
    sealed totals are ``tally_models.TallyTotal``."""

    key = StringField(required=True, max_length=200)
    event_id = StringField(required=True)
    at = DateTimeField(default=utcnow)
    day = IntField()

    meta = {
        "db_alias": ALIAS,
        "collection": "seen_facts",
        "indexes": [{"fields": ("city", "key", "event_id"), "unique": True}, ("city", "day")],
    }


class BarrierReport(Document):
    """A barrier someone reported ("Barriere melden"), for a city or the whole platform.

    ``id`` is the reference ("BF-2026-000123"); inserting it is the atomic claim of the number
    (FerretDB's updates are not atomic, so there is no counter: a concurrent report that took
    the same number makes the insert fail and the next number is tried).
    """

    id = StringField(primary_key=True)
    year = IntField(required=True)
    number = IntField(required=True)
    city = StringField(required=True, max_length=64)  # a slug, or PLATFORM
    page = StringField(required=True, max_length=500)
    description = StringField(required=True, max_length=5000)
    email = EmailField()  # the reporter's address for an answer: personal data, optional
    account_id = StringField()  # set when the reporter was signed in
    request_key = StringField(max_length=64)  # the gateway's request: a redelivery is no copy
    created_at = DateTimeField(default=utcnow)
    answered = BooleanField(default=False)
    answered_at = DateTimeField()
    answered_by = StringField()
    answer_note = StringField(max_length=2000)

    meta = {
        "db_alias": ALIAS,
        "collection": "barrier_reports",
        "indexes": [
            ("city", "created_at"),
            {"fields": ("year", "number"), "unique": True},
            "account_id",
        ],
    }


class SignVideo(Document):
    """A sign-language (DGS) video of a city or of the platform (``city`` PLATFORM).

    The bytes are ``SignVideoPart`` documents found by ``_id`` (the only field FerretDB
    indexes), so a range of the file is read with lookups, never a scan; see
    docs/accessibility.md for why not GridFS. ``current`` marks the one that is shown.
    """

    id = StringField(primary_key=True)  # random, also the prefix of its parts' ids
    city = StringField(required=True, max_length=64)
    content_type = StringField(required=True, choices=("video/mp4", "video/webm"))
    filename = StringField(required=True, max_length=200)
    size = IntField(required=True, min_value=1)
    duration_ms = IntField(required=True, min_value=0)
    parts = IntField(required=True, min_value=1)
    current = BooleanField(default=False)
    uploaded_by = StringField(required=True)
    uploaded_at = DateTimeField(default=utcnow)

    meta = {"db_alias": ALIAS, "collection": "sign_videos", "indexes": [("city", "current")]}


class SignVideoPart(Document):
    """One part of a video's bytes: ``_id`` "<video id>:<n>" (n from 0, five digits)."""

    id = StringField(primary_key=True)
    city = StringField(required=True, max_length=64)  # so a purge of the city finds it
    data = BinaryField(required=True)

    meta = {"db_alias": ALIAS, "collection": "sign_video_parts"}


class LegalVersion(Document):
    """One version of a legal text (``services/cities/legal.py``): the platform's (``city``
    None) or a city's part. Never changed; a change inserts the next version, and the
    ``_id`` ``"<kind>:<city or ->:<version>"`` makes two editors' same number a conflict."""

    id = StringField(primary_key=True)
    kind = StringField(required=True, choices=LEGAL_KINDS)
    city = StringField(regex=SLUG_PATTERN)
    version = IntField(required=True, min_value=1)
    body = StringField(required=True)
    changed_by = StringField(required=True)
    changed_at = DateTimeField(default=utcnow)

    meta = {
        "db_alias": ALIAS,
        "collection": "legal_versions",
        "indexes": [("city", "kind", "-version")],
    }


class CityDistricts(Document):
    """A city's districts (Stadtteile) from its uploaded GeoJSON: one document per city, id the
    slug, replaced by the next upload. ``districts`` is the normalised list of
    ``services.cities.districts.validate_districts`` as compact JSON (one string: FerretDB
    stores deeply nested coordinate arrays slowly, and nothing ever queries inside them)."""

    id = StringField(primary_key=True)  # the city's slug
    city = StringField(required=True, max_length=64)
    names = ListField(StringField(max_length=80))  # in the file's order
    districts = StringField(required=True)
    filename = StringField(max_length=200)
    uploaded_by = StringField(required=True)
    uploaded_at = DateTimeField(default=utcnow)

    meta = {"db_alias": ALIAS, "collection": "city_districts"}


class NewsletterSubscription(Document):
    """An address that asked for a city's newsletter (double opt-in: ``confirmed_at`` is set
    by the link in the confirmation mail; nothing is sent before). ``_id`` is
    ``"<city>:<address lower-cased>"``, so subscribing twice is the same document. Not a
    tenant document: the links and a person's export find it by reference or address, across
    cities; every list of a city's subscribers filters by ``city`` all the same."""

    id = StringField(primary_key=True)
    city = StringField(required=True, regex=SLUG_PATTERN, max_length=64)
    # What the links carry instead of the address (a signed token is readable, not secret).
    ref = StringField(required=True, max_length=40)
    email = StringField(required=True, max_length=254)
    account_id = StringField()  # set when a signed-in person subscribed their own address
    created_at = DateTimeField(default=utcnow)
    asked_at = DateTimeField(default=utcnow)  # the last confirmation mail (rate limit)
    confirmed_at = DateTimeField()

    meta = {
        "db_alias": ALIAS,
        "collection": "newsletter_subscriptions",
        "indexes": [("city", "confirmed_at"), "ref", "account_id"],
    }


class NewsletterIssue(TenantDocument):
    """One issue of a city's newsletter: a draft until sent, then part of the archive."""

    title = StringField(required=True, max_length=150)
    body = StringField(required=True, max_length=20_000)  # Markdown
    status = StringField(required=True, choices=("draft", "sending", "sent"), default="draft")
    created_by = StringField(required=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    sent_by = StringField()
    sent_at = DateTimeField()
    recipients = IntField(default=0)

    meta = {
        "db_alias": ALIAS,
        "collection": "newsletter_issues",
        "indexes": [("city", "status", "created_at")],
    }


class NewsletterDelivery(TenantDocument):
    """One issue to one subscriber: ``_id`` ``"<issue>:<subscription>"``, inserted for every
    confirmed subscriber when sending starts, ``queued`` once its mail is in the mail outbox
    (``services/cities/handlers/newsletter_sending.py`` says why nobody gets it twice)."""

    id = StringField(primary_key=True)
    issue_id = StringField(required=True)
    subscription_id = StringField(required=True)
    queued = BooleanField(default=False)

    meta = {
        "db_alias": ALIAS,
        "collection": "newsletter_deliveries",
        "indexes": [("city", "issue_id", "queued"), ("city", "subscription_id")],
    }


MODELS = (
    City,
    CohortSeat,
    Transition,
    StepCompletion,
    WorkingGroup,
    Membership,
    UsedInvitation,
    PluginEnablement,
    AuditEntry,
    SeenFact,
    BarrierReport,
    SignVideo,
    SignVideoPart,
    LegalVersion,
    CityDistricts,
    NewsletterSubscription,
    NewsletterIssue,
    NewsletterDelivery,
)
