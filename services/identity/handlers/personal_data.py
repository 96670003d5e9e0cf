"""A person's own data: export it (the kit's ``personal_data_export``, see ``privacy.py``), or
delete the account (anonymised, the id stays; the other services clean up on the fact)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from argon2.exceptions import InvalidHashError, VerificationError
from mongoengine import Document

from services.identity import mails
from services.identity.handlers.base import IdentityBase, _hasher
from services.identity.models import Account, Consent, LoginFailure, Session
from services.identity.privacy import PERSONAL_DATA
from services.identity.schemas import DeleteAccountSchema
from services.kit.errors import Forbidden
from services.kit.personal_data import PersonalDataMixin
from services.kit.rpc import rpc
from services.kit.schemas import load


class PersonalDataHandlers(IdentityBase, PersonalDataMixin):
    PERSONAL_DATA = PERSONAL_DATA
    SERVICE_LABEL = "Konto und Anmeldung"

    def personal_data_details(self, model: type[Document], doc: Document) -> dict[str, Any]:
        if not isinstance(doc, Account):
            return {}
        # Roles without who granted them: that is someone else's id.
        return {
            "roles": [
                {"city": g.city, "role": g.role, "granted_at": g.granted_at} for g in doc.roles
            ],
            "organisations": [
                {"name": o.name, "kind": o.kind, "city": o.city} for o in doc.organisations
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
        Consent.objects(account_id=account.id).delete()  # no account, no processing to agree to
        LoginFailure.objects(key=self._address_key(account.email)).delete()
        # Mails not sent yet would keep the address and name (sent ones keep neither).
        self.mail.collection.delete_many({"to": account.email, "sent_at": None})
        # The last mail, queued from the real address before it is forgotten below: what the
        # deletion does here and, on the fact, in every other service.
        self.mail.send(account.email, *mails.account_deleted(account.display_name))
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
