"""Accounts come into being: registration, the verification mail (sent again on request) and
the verification of the e-mail address, which also makes configured operators."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from typing import Any

from mongoengine.errors import NotUniqueError

from services.identity import mails
from services.identity.handlers.base import IdentityBase, _dump, _hasher
from services.identity.models import Account
from services.identity.schemas import EmailSchema, RegisterSchema, TokenSchema
from services.identity.tokens import RESET, VERIFY
from services.kit.rpc import rpc
from services.kit.schemas import load


def _operator_emails() -> set[str]:
    raw = os.environ.get("STADTDIALOG_OPERATOR_EMAILS", "")
    return {e.strip().lower() for e in raw.split(",") if e.strip()}


class RegistrationHandlers(IdentityBase):
    def _send_verification(self, account: Account) -> None:
        token = self.signer.issue(VERIFY, account.id)
        subject, body = mails.verification(
            account.display_name, self._link("/konto/bestaetigen", token), token
        )
        self.mail.send(account.email, subject, body)

    def _send_already_registered(self, account: Account) -> None:
        reset = self.signer.issue(RESET, account.id, account.password_hash)
        verify = None
        if account.verified_at is None:
            verify = self._link("/konto/bestaetigen", self.signer.issue(VERIFY, account.id))
        subject, body = mails.already_registered(
            account.display_name, self._link("/konto/passwort-neu", reset), verify
        )
        self.mail.send(account.email, subject, body)

    @rpc
    def register(self, data: dict[str, Any]) -> dict[str, Any]:
        """The same answer whether or not the address has an account (no enumeration): a new
        account's view, or for a known address an unsaved look-alike with a random id; the
        mail tells the owner of the address which case it was."""
        values = load(RegisterSchema(), data)
        privacy_version = self._privacy_version(values["privacy_version"])
        email = values["email"].strip().lower()
        account = Account(
            id=str(uuid.uuid4()),
            email=email,
            display_name=values["display_name"].strip(),
            # Hashed in both cases, so the answer takes as long for a known address.
            password_hash=_hasher.hash(values["password"]),
            locale=values["locale"],
            created_at=datetime.now(UTC),
        )
        existing = Account.objects(email=email).first()
        if existing is None:
            try:
                account.save(force_insert=True)
            except NotUniqueError:  # a concurrent registration won the unique index
                existing = Account.objects(email=email).first()
        if existing is not None:
            self._send_already_registered(existing)
            return _dump(account)
        self._record_consent(account.id, privacy_version, "registration")
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
