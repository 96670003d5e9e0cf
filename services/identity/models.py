"""Identity documents. Accounts are global (a person may act in several cities); their roles
are kept per city inside the account so that ``me`` and authentication are one ``_id`` read."""

from __future__ import annotations

from datetime import UTC, datetime

from mongoengine import (
    BooleanField,
    DateTimeField,
    Document,
    EmailField,
    EmbeddedDocument,
    EmbeddedDocumentListField,
    IntField,
    ListField,
    StringField,
)

from services.kit.context import ROLES
from services.kit.mail_choices import DEFAULT_NOTIFICATION_MAIL, MAIL_KINDS, NOTIFICATION_MAIL
from services.kit.tenancy import SLUG_PATTERN

ORGANISATION_KINDS = ("association", "initiative", "foundation", "administration")


def utcnow() -> datetime:
    return datetime.now(UTC)


class RoleGrant(EmbeddedDocument):
    city = StringField(required=True, regex=SLUG_PATTERN)
    role = StringField(required=True, choices=ROLES)
    granted_by = StringField()
    granted_at = DateTimeField(default=utcnow)


class Organisation(EmbeddedDocument):
    name = StringField(required=True, max_length=200)
    kind = StringField(required=True, choices=ORGANISATION_KINDS)
    city = StringField(regex=SLUG_PATTERN)


class Account(Document):
    id = StringField(primary_key=True)
    # Lower-cased on write; the unique index makes a concurrent second registration fail on insert.
    email = EmailField(required=True, unique=True)
    display_name = StringField(required=True, max_length=80)
    password_hash = StringField()
    locale = StringField(default="de", choices=("de", "en"))
    # Mail kinds the person switched off (services/kit/mail_choices.py): reminders, summaries.
    mail_off = ListField(StringField(choices=MAIL_KINDS))
    # How often news of what the person follows is mailed (services/kit/mail_choices.py).
    notification_mail = StringField(default=DEFAULT_NOTIFICATION_MAIL, choices=NOTIFICATION_MAIL)
    verified_at = DateTimeField()
    operator = BooleanField(default=False)
    roles = EmbeddedDocumentListField(RoleGrant)
    organisations = EmbeddedDocumentListField(Organisation)
    created_at = DateTimeField(default=utcnow)
    deleted_at = DateTimeField()

    meta = {"db_alias": "identity", "collection": "accounts", "indexes": ["roles.city"]}

    def roles_by_city(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for grant in self.roles:
            grouped.setdefault(grant.city, []).append(grant.role)
        return grouped


SESSION_KINDS = ("api", "page")  # what a sign-in may ask for
# A private calendar feed's secret is a session of its own kind (made in Mein Bereich, never by
# a sign-in): it reads that person's calendar and nothing else (gateway/pages/my_calendar.py).
CALENDAR = "calendar"


class Session(Document):
    """An API bearer token or a page session; ``id`` is the SHA-256 of the secret token.

    ``kind`` keeps the two apart: a page session's secret (the gateway's cookie holds it) is no
    bearer token for the API, and an API token is no page session."""

    id = StringField(primary_key=True)
    account_id = StringField(required=True)
    kind = StringField(choices=(*SESSION_KINDS, CALENDAR), default="api")
    # A short description of the browser ("Firefox auf Android"), so a person can tell their
    # sessions apart in Mein Bereich; never the full user-agent string.
    device = StringField(max_length=80)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField(required=True)

    meta = {"db_alias": "identity", "collection": "sessions", "indexes": ["account_id"]}


class UsedToken(Document):
    """Single use: consuming a token inserts its id; a second insert fails on the primary key."""

    id = StringField(primary_key=True)
    purpose = StringField(required=True)
    used_at = DateTimeField(default=utcnow)

    meta = {"db_alias": "identity", "collection": "used_tokens"}


class LoginFailure(Document):
    """One wrong password for an address (see ``lockout.py``): inserted, counted, never updated.

    ``key`` is a keyed hash of the address, so the collection holds no readable e-mail.
    """

    id = StringField(primary_key=True)
    key = StringField(required=True)
    at = DateTimeField(required=True)

    meta = {
        "db_alias": "identity",
        "collection": "login_failures",
        "indexes": [("key", "-at")],
    }


CONSENT_DOCUMENTS = ("privacy",)
CONSENT_CONTEXTS = ("registration", "notice_update")


class Consent(Document):
    """A person agreed to (at registration) or took note of (after a change) one version of
    the platform's privacy notice. Inserted, never changed: the history is the record."""

    id = StringField(primary_key=True)  # "<account>:<document>:<version>:<context>"
    account_id = StringField(required=True)
    document = StringField(required=True, choices=CONSENT_DOCUMENTS)
    version = IntField(required=True, min_value=0)
    context = StringField(required=True, choices=CONSENT_CONTEXTS)
    at = DateTimeField(default=utcnow)

    meta = {"db_alias": "identity", "collection": "consents", "indexes": [("account_id", "at")]}
