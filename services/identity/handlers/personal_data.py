"""A person's own data: export it, or delete the account (anonymised, the id stays)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from argon2.exceptions import InvalidHashError, VerificationError

from services.identity.handlers.base import IdentityBase, _dump, _hasher
from services.identity.models import LoginFailure, Session
from services.identity.schemas import DeleteAccountSchema
from services.kit.errors import Forbidden
from services.kit.rpc import rpc
from services.kit.schemas import load


class PersonalDataHandlers(IdentityBase):
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
