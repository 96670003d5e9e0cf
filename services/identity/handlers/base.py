"""What every identity handler shares: the service's dependencies (declared here as
annotations, provided by ``IdentityService``), the password hasher, the account view and the
account, link, one-time-token and lockout-key helpers."""

from __future__ import annotations

from typing import Any

from mongoengine.errors import NotUniqueError

from services.identity.lockout import LockoutPolicy, address_key
from services.identity.models import Account, Consent, UsedToken
from services.identity.passwords import password_hasher
from services.identity.schemas import AccountOut
from services.identity.tokens import TokenSigner
from services.kit.config import Settings
from services.kit.consent import notice_version_shown
from services.kit.context import Caller
from services.kit.errors import Invalid, NotFound
from services.kit.mail import Mailer
from services.kit.mail_choices import DEFAULT_NOTIFICATION_MAIL
from services.kit.outbox import Outbox

_hasher = password_hasher()


def _dump(account: Account) -> dict[str, Any]:
    return AccountOut().dump(
        {
            "id": account.id,
            "email": account.email,
            "display_name": account.display_name,
            "locale": account.locale,
            "mail_off": list(account.mail_off or ()),
            "notification_mail": account.notification_mail or DEFAULT_NOTIFICATION_MAIL,
            "verified": account.verified_at is not None,
            "operator": account.operator,
            "roles": [{"city": g.city, "role": g.role} for g in account.roles],
            "organisations": [
                {"name": o.name, "kind": o.kind, "city": o.city} for o in account.organisations
            ],
            "created_at": account.created_at,
        }
    )


# What ``account_summary`` answers, read alone (an account holds its roles, organisations, …).
SUMMARY_FIELDS = (
    "id",
    "email",
    "display_name",
    "verified_at",
    "locale",
    "mail_off",
    "notification_mail",
)


def summary_of(account: Account) -> dict[str, Any]:
    """What other services need to name and mail an account (``account_summary``; for the
    signed-in caller it also rides in the caller context, see ``authenticate``)."""
    return {
        "id": account.id,
        "email": account.email,
        "display_name": account.display_name,
        "verified": account.verified_at is not None,
        "locale": account.locale,
        # Reminders and summaries the person switched off (services/kit/mail_choices.py).
        "mail_off": list(account.mail_off or ()),
        "notification_mail": account.notification_mail or DEFAULT_NOTIFICATION_MAIL,
    }


class IdentityBase:
    """Base of the handler mixins. The dependencies are nameko DependencyProviders on
    ``IdentityService``; here they are only annotated, so that each mixin reads typed. A helper
    that more than one handler module calls is defined here; no handler calls into another
    handler module."""

    outbox: Outbox
    mail: Mailer
    caller: Caller
    settings: Settings
    signer: TokenSigner  # verification and password-reset links
    lockout: LockoutPolicy
    cities: Any  # RpcProxy("cities"): legal_versions (the privacy notice's current version)

    def _account(self, account_id: str, fields: tuple[str, ...] = ()) -> Account:
        """The account (not deleted); ``fields``: only those are read (the rest stay unset)."""
        query = Account.objects(id=account_id, deleted_at=None)
        account = (query.only(*fields) if fields else query).first()
        if account is None:
            raise NotFound("Account not found.")
        return account

    def _sessions_ended(self, account_id: str, reason: str) -> None:
        """Gateways keep verified tokens for a minute (their token cache): this fact makes them
        forget the account's, so an ended session stops working everywhere at once."""
        self.outbox.add(
            "session", "ended", {"account_id": account_id, "reason": reason}, subject=account_id
        )

    def _account_changed(self, account_id: str, what: str) -> None:
        """What the caller context carries changed (address, mail choices, roles): the
        gateways' cached callers of this account go (see ``_sessions_ended``)."""
        self.outbox.add(
            "account", "changed", {"account_id": account_id, "what": what}, subject=account_id
        )

    def _link(self, path: str, token: str) -> str:
        return f"{self.settings.public_base_url}{path}?token={token}"

    def _consume(self, purpose: str, jti: str) -> None:
        try:
            UsedToken(id=f"{purpose}:{jti}", purpose=purpose).save(force_insert=True)
        except NotUniqueError as exc:
            message = "The link has already been used."
            raise Invalid(message, {"token": [message]}) from exc

    def _address_key(self, email: str) -> str:
        return address_key(self.settings.secret_key, email)

    def _privacy_version(self, shown: int | None) -> int:
        """The notice version a person was shown: as they say (never a future one), or the
        current one when they do not say (an API client that read the current notice)."""
        return notice_version_shown(shown, int(self.cities.legal_versions()["privacy"]))

    def _record_consent(self, account_id: str, version: int, context: str) -> None:
        # One record per person, version and context: a repeated request adds nothing.
        try:
            Consent(
                id=f"{account_id}:privacy:{version}:{context}",
                account_id=account_id,
                document="privacy",
                version=version,
                context=context,
            ).save(force_insert=True)
        except NotUniqueError:
            pass
