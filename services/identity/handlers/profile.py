"""A signed-in person changes their own account (Mein Bereich): the display name, the e-mail
address (it takes effect only when the link mailed to the new address is opened) and the
password (the current one is asked for; every other session ends)."""

from __future__ import annotations

from typing import Any

from argon2.exceptions import InvalidHashError, VerificationError

from services.identity import mails
from services.identity.handlers.base import IdentityBase, _dump, _hasher
from services.identity.models import Account, Session
from services.identity.schemas import (
    DisplayNameSchema,
    EmailChangeSchema,
    PasswordChangeSchema,
    TokenSchema,
)
from services.identity.tokens import (
    CHANGE_EMAIL,
    fingerprint,
    issue_email_change,
    read_email_change,
    session_key,
)
from services.kit.errors import Conflict, Forbidden, Invalid
from services.kit.rpc import rpc
from services.kit.schemas import load

WRONG_PASSWORD = "The password is wrong."
SAME_EMAIL = "This is already your e-mail address."
EMAIL_TAKEN = "This e-mail address already belongs to another account."


class ProfileHandlers(IdentityBase):
    def _check_password(self, account: Account, password: str, field: str) -> None:
        try:
            _hasher.verify(account.password_hash or "", password)
        except (VerificationError, InvalidHashError) as exc:
            raise Forbidden(WRONG_PASSWORD, {field: [WRONG_PASSWORD]}) from exc

    @rpc
    def change_display_name(self, data: dict[str, Any]) -> dict[str, Any]:
        account = self._account(self.caller.require_authenticated())
        name = load(DisplayNameSchema(), data)["display_name"].strip()
        if name != account.display_name:
            account.display_name = name
            account.save()
            # Services with a copy of the name on upcoming talks and registrations ask for the
            # new one: the fact carries only the id (no personal data in events).
            self.outbox.add("account", "renamed", {"account_id": account.id}, subject=account.id)
        return _dump(account)

    @rpc
    def request_email_change(self, data: dict[str, Any]) -> dict[str, Any]:
        """Mails a confirmation link to the new address (and a notice to the current one).
        An address that belongs to another account gets no mail and the same answer."""
        account = self._account(self.caller.require_authenticated())
        values = load(EmailChangeSchema(), data)
        self._check_password(account, values["password"], "password")
        new = values["email"].strip().lower()
        if new == account.email:
            raise Invalid(SAME_EMAIL, {"email": [SAME_EMAIL]})
        if Account.objects(email=new).first() is None:
            token = issue_email_change(self.signer, account.id, account.email, new)
            link = self._link("/konto/email-bestaetigen", token)
            self.mail.send(new, *mails.email_change(account.display_name, link, token))
            self.mail.send(account.email, *mails.email_change_requested(account.display_name))
        return {"sent": True}

    @rpc
    def confirm_email_change(self, data: dict[str, Any]) -> dict[str, Any]:
        claims = read_email_change(self.signer, load(TokenSchema(), data)["token"])
        account = self._account(claims.account_id)
        if claims.fingerprint != fingerprint(account.email):
            message = "The link has already been used."
            raise Invalid(message, {"token": [message]})
        # Checked, not left to the unique index: FerretDB reports no violation on an update.
        if Account.objects(email=claims.new_email, id__ne=account.id).first() is not None:
            raise Conflict(EMAIL_TAKEN, {"email": [EMAIL_TAKEN]})
        self._consume(CHANGE_EMAIL, claims.jti)
        old = account.email
        account.email = claims.new_email
        account.save()
        self._account_changed(account.id, "email")  # the caller context carries the address
        self.mail.send(old, *mails.email_changed(account.display_name))
        return _dump(account)

    @rpc
    def change_password(self, data: dict[str, Any], current_token: str = "") -> dict[str, Any]:
        """The current password proves it is the person; every session but the one asking
        (``current_token``) ends, so whoever knew the old password is signed out."""
        account = self._account(self.caller.require_authenticated())
        values = load(PasswordChangeSchema(), data)
        self._check_password(account, values["current_password"], "current_password")
        account.password_hash = _hasher.hash(values["new_password"])
        account.save()
        keep = session_key(current_token) if current_token else None
        ended = Session.objects(account_id=account.id, id__ne=keep).delete()
        if ended:
            self._sessions_ended(account.id, "password_changed")
        self.mail.send(account.email, *mails.password_changed(account.display_name))
        return {"changed": True, "ended_sessions": ended}
