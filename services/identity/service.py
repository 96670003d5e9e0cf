"""Identity service: accounts, verification, login sessions, roles per city, organisations."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2.exceptions import InvalidHashError, VerificationError
from mongoengine.errors import NotUniqueError

from services.identity import mails
from services.identity.errors import LOCKED_MESSAGE, LoginLocked
from services.identity.lockout import LockoutPolicy, address_key
from services.identity.models import (
    Account,
    LoginFailure,
    Organisation,
    RoleGrant,
    Session,
    UsedToken,
)
from services.identity.passwords import password_hasher
from services.identity.schemas import (
    AccountOut,
    DeleteAccountSchema,
    EmailSchema,
    LoginSchema,
    OrganisationSchema,
    PasswordResetSchema,
    RegisterSchema,
    RoleGrantSchema,
    TokenSchema,
)
from services.identity.tokens import (
    RESET,
    VERIFY,
    TokenSigner,
    fingerprint,
    new_session_token,
    session_key,
)
from services.kit.config import load_settings
from services.kit.context import Caller, CallerProvider
from services.kit.db import ServiceDatabase
from services.kit.errors import Conflict, Forbidden, Invalid, NotFound, Unauthenticated
from services.kit.mail import Mailer
from services.kit.operations import OperationsMixin
from services.kit.outbox import Outbox
from services.kit.purge import PurgeMixin
from services.kit.rpc import rpc
from services.kit.schemas import load

SERVICE = "identity"
_hasher = password_hasher()
# Verifying against a real hash when the account is unknown keeps login timing uniform.
_DUMMY_HASH = _hasher.hash("not-a-real-password-0")


def _dump(account: Account) -> dict[str, Any]:
    return AccountOut().dump(
        {
            "id": account.id,
            "email": account.email,
            "display_name": account.display_name,
            "locale": account.locale,
            "verified": account.verified_at is not None,
            "operator": account.operator,
            "roles": [{"city": g.city, "role": g.role} for g in account.roles],
            "organisations": [
                {"name": o.name, "kind": o.kind, "city": o.city} for o in account.organisations
            ],
            "created_at": account.created_at,
        }
    )


def _operator_emails() -> set[str]:
    raw = os.environ.get("STADTDIALOG_OPERATOR_EMAILS", "")
    return {e.strip().lower() for e in raw.split(",") if e.strip()}


class IdentityService(OperationsMixin, PurgeMixin):
    name = SERVICE

    db = ServiceDatabase(SERVICE, models=(Account, Session, UsedToken, LoginFailure))
    outbox = Outbox(SERVICE)
    mail = Mailer(SERVICE)
    caller: Caller = CallerProvider()

    def __init__(self) -> None:
        self.settings = load_settings()
        self.signer = TokenSigner(self.settings.secret_key, self.settings.token_ttl_seconds)
        self.lockout = LockoutPolicy.from_environment()

    # ------------------------------------------------------------------ helpers
    def _account(self, account_id: str) -> Account:
        account = Account.objects(id=account_id, deleted_at=None).first()
        if account is None:
            raise NotFound("Account not found.")
        return account

    def _link(self, path: str, token: str) -> str:
        return f"{self.settings.public_base_url}{path}?token={token}"

    def _consume(self, purpose: str, jti: str) -> None:
        try:
            UsedToken(id=f"{purpose}:{jti}", purpose=purpose).save(force_insert=True)
        except NotUniqueError as exc:
            message = "The link has already been used."
            raise Invalid(message, {"token": [message]}) from exc

    def _send_verification(self, account: Account) -> None:
        token = self.signer.issue(VERIFY, account.id)
        subject, body = mails.verification(
            account.display_name, self._link("/konto/bestaetigen", token), token
        )
        self.mail.send(account.email, subject, body)

    # ------------------------------------------------------------------ accounts
    def _purge_extra(self, city: str) -> dict[str, int]:
        """A purged city's role grants go with it; the accounts are global and stay."""
        changed = 0
        for account in Account.objects(roles__city=city):
            account.roles = [grant for grant in account.roles if grant.city != city]
            account.save()
            changed += 1
        return {"accounts.roles": changed}

    @rpc
    def register(self, data: dict[str, Any]) -> dict[str, Any]:
        values = load(RegisterSchema(), data)
        email = values["email"].strip().lower()
        if Account.objects(email=email).first() is not None:
            raise Conflict(
                "An account with this e-mail address already exists.",
                {"email": ["An account with this e-mail address already exists."]},
            )
        account = Account(
            id=str(uuid.uuid4()),
            email=email,
            display_name=values["display_name"].strip(),
            password_hash=_hasher.hash(values["password"]),
            locale=values["locale"],
        )
        try:
            account.save(force_insert=True)
        except NotUniqueError as exc:  # a concurrent registration won the unique index
            raise Conflict(
                "An account with this e-mail address already exists.",
                {"email": ["An account with this e-mail address already exists."]},
            ) from exc
        self._send_verification(account)
        self.outbox.add("account", "registered", {"account_id": account.id}, subject=account.id)
        return _dump(account)

    @rpc
    def resend_verification(self, data: dict[str, Any]) -> dict[str, Any]:
        email = load(EmailSchema(), data)["email"].lower()
        account = Account.objects(email=email, deleted_at=None).first()
        # The same answer whether or not the address is known: no account enumeration.
        if account is not None and account.verified_at is None:
            self._send_verification(account)
        return {"sent": True}

    @rpc
    def verify_email(self, data: dict[str, Any]) -> dict[str, Any]:
        token = load(TokenSchema(), data)["token"]
        claims = self.signer.read(VERIFY, token)
        account = self._account(claims.account_id)
        self._consume(VERIFY, claims.jti)
        if account.verified_at is None:
            account.verified_at = datetime.now(UTC)
            if account.email in _operator_emails():
                account.operator = True
            account.save()
            self.outbox.add("account", "verified", {"account_id": account.id}, subject=account.id)
        return _dump(account)

    # ------------------------------------------------------------------ lockout
    def _address_key(self, email: str) -> str:
        return address_key(self.settings.secret_key, email)

    def _refuse_if_locked(self, key: str, now: datetime) -> None:
        recent = LoginFailure.objects(key=key, at__gte=self.lockout.since(now))
        newest = recent.order_by("-at").limit(self.lockout.attempts)
        times = [f.at.replace(tzinfo=UTC) for f in newest]
        seconds = self.lockout.seconds_locked(times, now)
        if seconds:
            raise LoginLocked(LOCKED_MESSAGE, {"email": [LOCKED_MESSAGE]}, seconds)

    def _record_failure(self, key: str, now: datetime) -> None:
        # An inserted document per failure (no counter: FerretDB updates are not atomic);
        # failures older than the window are useless, so each new one sweeps them away.
        LoginFailure(id=str(uuid.uuid4()), key=key, at=now).save(force_insert=True)
        LoginFailure.objects(at__lt=self.lockout.since(now)).delete()

    # ------------------------------------------------------------------ sessions
    @rpc
    def login(self, data: dict[str, Any]) -> dict[str, Any]:
        values = load(LoginSchema(), data)
        email = values["email"].lower()
        key = self._address_key(email)
        now = datetime.now(UTC)
        # Unknown addresses are locked the same way: the lock must not tell who has an account.
        self._refuse_if_locked(key, now)
        account = Account.objects(email=email, deleted_at=None).first()
        try:
            _hasher.verify(account.password_hash if account else _DUMMY_HASH, values["password"])
        except (VerificationError, InvalidHashError) as exc:
            self._record_failure(key, now)
            raise Unauthenticated("E-mail or password is wrong.") from exc
        if account is None:
            self._record_failure(key, now)
            raise Unauthenticated("E-mail or password is wrong.")
        LoginFailure.objects(key=key).delete()  # the right password starts the count afresh
        if account.verified_at is None:
            raise Forbidden(
                "The e-mail address is not verified yet.",
                {"email": ["The e-mail address is not verified yet."]},
            )
        if _hasher.check_needs_rehash(account.password_hash):
            account.password_hash = _hasher.hash(values["password"])
            account.save()
        token, key = new_session_token()
        expires = datetime.now(UTC) + timedelta(seconds=self.settings.session_ttl_seconds)
        Session(id=key, account_id=account.id, expires_at=expires).save(force_insert=True)
        return {"token": token, "expires_at": expires.isoformat(), "account": _dump(account)}

    @rpc
    def logout(self, token: str) -> dict[str, Any]:
        Session.objects(id=session_key(token or "")).delete()
        return {"logged_out": True}

    @rpc
    def authenticate(self, token: str) -> dict[str, Any]:
        """The caller behind a bearer token or page session, as context data for services."""
        session = Session.objects(id=session_key(token or "")).first()
        if session is None or session.expires_at.replace(tzinfo=UTC) < datetime.now(UTC):
            raise Unauthenticated("The token is invalid or expired.")
        account = Account.objects(id=session.account_id, deleted_at=None).first()
        if account is None:
            raise Unauthenticated("The token is invalid or expired.")
        return Caller(
            user_id=account.id, roles=account.roles_by_city(), operator=account.operator
        ).to_context()

    @rpc
    def me(self) -> dict[str, Any]:
        return _dump(self._account(self.caller.require_authenticated()))

    # ------------------------------------------------------------------ password reset
    @rpc
    def request_password_reset(self, data: dict[str, Any]) -> dict[str, Any]:
        email = load(EmailSchema(), data)["email"].lower()
        account = Account.objects(email=email, deleted_at=None).first()
        if account is not None:
            token = self.signer.issue(RESET, account.id, account.password_hash)
            subject, body = mails.password_reset(
                account.display_name, self._link("/konto/passwort-neu", token), token
            )
            self.mail.send(account.email, subject, body)
        return {"sent": True}

    @rpc
    def reset_password(self, data: dict[str, Any]) -> dict[str, Any]:
        values = load(PasswordResetSchema(), data)
        claims = self.signer.read(RESET, values["token"])
        account = self._account(claims.account_id)
        if claims.fingerprint != fingerprint(account.password_hash):
            message = "The link has already been used."
            raise Invalid(message, {"token": [message]})
        self._consume(RESET, claims.jti)
        account.password_hash = _hasher.hash(values["password"])
        # Whoever knew the password a reset replaces must not stay signed in.
        Session.objects(account_id=account.id).delete()
        LoginFailure.objects(key=self._address_key(account.email)).delete()  # a reset unlocks
        account.save()
        return {"reset": True}

    # ------------------------------------------------------------------ my data
    @rpc
    def export_my_data(self) -> dict[str, Any]:
        account = self._account(self.caller.require_authenticated())
        sessions = Session.objects(account_id=account.id)
        return {
            "format": "stadtdialog.identity.export.v1",
            "exported_at": datetime.now(UTC).isoformat(),
            "account": _dump(account),
            "sessions": [
                {"created_at": s.created_at.isoformat(), "expires_at": s.expires_at.isoformat()}
                for s in sessions
            ],
        }

    @rpc
    def delete_account(self, data: dict[str, Any]) -> dict[str, Any]:
        account = self._account(self.caller.require_authenticated())
        values = load(DeleteAccountSchema(), data)
        try:
            _hasher.verify(account.password_hash, values["password"])
        except (VerificationError, InvalidHashError) as exc:
            message = "The password is wrong."
            raise Forbidden(message, {"password": [message]}) from exc
        Session.objects(account_id=account.id).delete()
        LoginFailure.objects(key=self._address_key(account.email)).delete()
        # Mails not sent yet would keep the address and name (sent ones keep neither).
        self.mail.collection.delete_many({"to": account.email, "sent_at": None})
        # Keep the id (contributions elsewhere point at it) and drop everything that names a person.
        account.email = f"deleted-{account.id}@invalid.stadtdialog"
        account.display_name = "Gelöschtes Konto"
        account.password_hash = None
        account.organisations = []
        account.roles = []
        account.deleted_at = datetime.now(UTC)
        account.save()
        # Every service anonymises this person's contributions when it sees this fact.
        self.outbox.add("account", "deleted", {"account_id": account.id}, subject=account.id)
        return {"deleted": True}

    # ------------------------------------------------------------------ roles, organisations
    def _change_role(self, data: dict[str, Any], grant: bool) -> dict[str, Any]:
        values = load(RoleGrantSchema(), data)
        self.caller.require_role(values["city"], "city_admin")
        account = self._account(values["account_id"])
        self._apply_role(account, values["city"], values["role"], grant, self.caller.user_id)
        return _dump(account)

    def _apply_role(self, account: Account, city: str, role: str, grant: bool, by: str) -> None:
        has_role = any(g.city == city and g.role == role for g in account.roles)
        if grant == has_role:
            return  # already as asked: nothing changes, no event
        if grant:
            account.roles.append(RoleGrant(city=city, role=role, granted_by=by))
        else:
            account.roles = [g for g in account.roles if not (g.city == city and g.role == role)]
        account.save()
        self.outbox.add(
            "role",
            "granted" if grant else "revoked",
            {"account_id": account.id, "role": role},
            city=city,
            subject=account.id,
        )

    # Internal: called by services that own the rule behind a role (the cities service grants
    # city_admin to an accepted admin invitation). The gateway exposes neither method.
    @rpc
    def assign_role(self, account_id: str, city: str, role: str, granted_by: str) -> dict[str, Any]:
        account = self._account(account_id)
        load(RoleGrantSchema(), {"account_id": account_id, "city": city, "role": role})
        self._apply_role(account, city, role, True, granted_by)
        return _dump(account)

    @rpc
    def account_summary(self, account_id: str) -> dict[str, Any]:
        account = self._account(account_id)
        return {"id": account.id, "email": account.email, "display_name": account.display_name}

    @rpc
    def grant_role(self, data: dict[str, Any]) -> dict[str, Any]:
        return self._change_role(data, grant=True)

    @rpc
    def revoke_role(self, data: dict[str, Any]) -> dict[str, Any]:
        return self._change_role(data, grant=False)

    @rpc
    def add_organisation(self, data: dict[str, Any]) -> dict[str, Any]:
        account = self._account(self.caller.require_authenticated())
        values = load(OrganisationSchema(), data)
        account.organisations.append(Organisation(**values))
        account.save()
        return _dump(account)

    @rpc
    def remove_organisation(self, index: int) -> dict[str, Any]:
        account = self._account(self.caller.require_authenticated())
        if not isinstance(index, int) or not 0 <= index < len(account.organisations):
            raise NotFound()
        del account.organisations[index]
        account.save()
        return _dump(account)

    @rpc
    def ops_account_id(self, email: str) -> str:
        """Operators: the id of the account with ``email`` (``stadtdialog users grant``)."""
        self.caller.require_operator()
        address = str(email or "").strip().lower()
        account = Account.objects(email=address, deleted_at=None).first() if address else None
        if account is None:
            raise NotFound("Account not found.")
        return account.id

    @rpc
    def ping(self) -> str:
        """Readiness: answers only when the service and its database are up."""
        Account.objects.limit(1).first()
        return "ok"
