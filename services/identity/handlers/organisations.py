"""The organisations a person names on their account (association, initiative, ...)."""

from __future__ import annotations

from typing import Any

from services.identity.handlers.base import IdentityBase, _dump
from services.identity.models import Organisation
from services.identity.schemas import OrganisationSchema
from services.kit.errors import NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load


class OrganisationHandlers(IdentityBase):
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
    def account_organisations(self, account_id: str) -> list[dict[str, Any]]:
        """The organisations a person names on their account (for the platform's services:
        the dialogue service lets a person support an idea in their name)."""
        self.caller.require_service()
        account = self._account(account_id)
        return [
            {"name": o.name, "kind": o.kind, "city": o.city} for o in account.organisations or ()
        ]
