"""Password reset by a mailed one-time link; a reset ends every session and the lockout."""

from __future__ import annotations

from typing import Any

from services.identity import mails
from services.identity.handlers.base import IdentityBase, _hasher
from services.identity.models import Account, LoginFailure, Session
from services.identity.schemas import EmailSchema, PasswordResetSchema
from services.identity.tokens import RESET, fingerprint
from services.kit.errors import Invalid
from services.kit.rpc import rpc
from services.kit.schemas import load


class PasswordResetHandlers(IdentityBase):
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
        ended = Session.objects(account_id=account.id).delete()
        LoginFailure.objects(key=self._address_key(account.email)).delete()  # a reset unlocks
        account.save()
        if ended:
            self._sessions_ended(account.id, "password_reset")
        return {"reset": True}
