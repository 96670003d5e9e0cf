"""Input and output schemas of the identity service (also feed the gateway's OpenAPI)."""

from __future__ import annotations

import re

from marshmallow import ValidationError, fields, validate, validates

from services.identity.models import ORGANISATION_KINDS
from services.kit.context import ROLES
from services.kit.mail_choices import DEFAULT_NOTIFICATION_MAIL, NOTIFICATION_MAIL
from services.kit.schemas import StrictSchema
from services.kit.tenancy import SLUG_PATTERN

MIN_PASSWORD = 10
CONSENT_NEEDED = "Agree to the privacy notice to create an account."
CONSENT_DOC = {"description": "Must be true: the person agrees to the privacy notice."}
# Passwords are taken as typed (only lone surrogates refused): a stored hash must keep matching.
VERBATIM = {"verbatim": True}


def _check_password(value: str) -> None:
    # Length is the main defence; letters only or digits only are too easy to guess.
    if not (re.search(r"[^\W\d_]", value) and re.search(r"[\d\W_]", value)):
        raise ValidationError("Password must contain letters and digits or symbols.")


class RegisterSchema(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=MIN_PASSWORD, max=256),
        metadata=VERBATIM,
    )
    locale = fields.String(load_default="de", validate=validate.OneOf(["de", "en"]))
    # GDPR Art. 7: an explicit yes to the privacy notice; without it no account is made.
    privacy_consent = fields.Boolean(
        required=True, error_messages={"required": CONSENT_NEEDED}, metadata=CONSENT_DOC
    )
    # The version of the notice the person was shown (default: the current one).
    privacy_version = fields.Integer(load_default=None, validate=validate.Range(min=0, max=100_000))

    @validates("password")
    def _password(self, value: str, **_: object) -> None:
        _check_password(value)

    @validates("privacy_consent")
    def _consent(self, value: bool, **_: object) -> None:
        if value is not True:
            raise ValidationError(CONSENT_NEEDED)

    @validates("display_name")
    def _display_name(self, value: str, **_: object) -> None:
        if not value.strip():
            raise ValidationError("Missing data for required field.")


class LoginSchema(StrictSchema):
    email = fields.Email(required=True)
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(max=256), metadata=VERBATIM
    )

    @validates("password")
    def _given(self, value: str, **_: object) -> None:
        # An empty password is named with the address in one answer, not a wrong sign-in later.
        if not value:
            raise ValidationError("Missing data for required field.")


class TokenSchema(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class EmailSchema(StrictSchema):
    email = fields.Email(required=True)


class PasswordResetSchema(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=MIN_PASSWORD, max=256),
        metadata=VERBATIM,
    )

    @validates("password")
    def _password(self, value: str, **_: object) -> None:
        _check_password(value)


class DeleteAccountSchema(StrictSchema):
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(max=256), metadata=VERBATIM
    )


class RoleGrantSchema(StrictSchema):
    account_id = fields.String(required=True)
    city = fields.String(required=True, validate=validate.Regexp(SLUG_PATTERN))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    # Why (optional): kept in the city's audit log with the grant or revocation.
    reason = fields.String(load_default=None, validate=validate.Length(max=2000))


class OrganisationSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    city = fields.String(load_default=None, validate=validate.Regexp(SLUG_PATTERN))


class RoleOut(StrictSchema):
    city = fields.String()
    role = fields.String()


class OrganisationOut(StrictSchema):
    name = fields.String()
    kind = fields.String()
    city = fields.String(allow_none=True)


class AccountOut(StrictSchema):
    id = fields.String()
    email = fields.Email()
    display_name = fields.String()
    locale = fields.String()
    verified = fields.Boolean()
    operator = fields.Boolean()
    mail_off = fields.List(fields.String(), metadata={"description": "Mail kinds switched off"})
    notification_mail = fields.String(
        metadata={"description": "How often news of what one follows is mailed"}
    )
    roles = fields.List(fields.Nested(RoleOut))
    organisations = fields.List(fields.Nested(OrganisationOut))
    created_at = fields.DateTime()


class LoginOut(StrictSchema):
    token = fields.String()
    expires_at = fields.DateTime()
    account = fields.Nested(AccountOut)


class NoticeTakenSchema(StrictSchema):
    """A signed-in person took note of a version of the privacy notice."""

    version = fields.Integer(required=True, validate=validate.Range(min=0, max=100_000))


# ---------------------------------------------------------------- my own account (Mein Bereich)
class MailSettingsSchema(StrictSchema):
    """Which of the mails a person may switch off they want: each kind true (wanted) or false."""

    host_summary = fields.Boolean(required=True)
    talk_reminder = fields.Boolean(required=True)
    notifications = fields.Boolean(load_default=True)
    notification_mail = fields.String(
        load_default=DEFAULT_NOTIFICATION_MAIL, validate=validate.OneOf(NOTIFICATION_MAIL)
    )


class MailSettingsOut(StrictSchema):
    mail_off = fields.List(fields.String(), metadata={"description": "Mail kinds switched off"})


class UnsubscribeSchema(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class DisplayNameSchema(StrictSchema):
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=80))

    @validates("display_name")
    def _display_name(self, value: str, **_: object) -> None:
        if not value.strip():
            raise ValidationError("Missing data for required field.")


class EmailChangeSchema(StrictSchema):
    """A new address; it takes effect when the link mailed to it is opened."""

    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(max=256), metadata=VERBATIM
    )


class PasswordChangeSchema(StrictSchema):
    current_password = fields.String(
        required=True, load_only=True, validate=validate.Length(max=256), metadata=VERBATIM
    )
    new_password = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=MIN_PASSWORD, max=256),
        metadata=VERBATIM,
    )

    @validates("new_password")
    def _password(self, value: str, **_: object) -> None:
        _check_password(value)


class SessionEndSchema(StrictSchema):
    session = fields.String(required=True, validate=validate.Length(min=1, max=64))


class SessionOut(StrictSchema):
    id = fields.String(metadata={"description": "A handle to end the session with."})
    kind = fields.String(metadata={"description": "page (a browser) or api (a bearer token)"})
    device = fields.String(allow_none=True)
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    current = fields.Boolean()


class SessionListOut(StrictSchema):
    items = fields.List(fields.Nested(SessionOut))
