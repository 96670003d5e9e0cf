"""Roles per city: city admins grant and revoke them, services that own the rule behind a
role assign it; a purged city's grants go. Also the account lookups other services and
operators need to name an account."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.identity.handlers.base import SUMMARY_FIELDS, IdentityBase, _dump, summary_of
from services.identity.models import Account, RoleGrant
from services.identity.schemas import RoleGrantSchema
from services.kit.errors import Conflict, NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load


def _aware_iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


OWN_ADMIN_ROLE = "You cannot take your own city admin role; ask another city admin."


class RoleHandlers(IdentityBase):
    def _purge_extra(self, city: str) -> dict[str, int]:
        """A purged city's role grants go with it; the accounts are global and stay."""
        changed = 0
        for account in Account.objects(roles__city=city):
            account.roles = [grant for grant in account.roles if grant.city != city]
            account.save()
            self._account_changed(account.id, "roles")  # signed-in callers lose them at once
            changed += 1
        return {"accounts.roles": changed}

    def _change_role(self, data: dict[str, Any], grant: bool) -> dict[str, Any]:
        values = load(RoleGrantSchema(), data)
        self.caller.require_role(values["city"], "city_admin")
        account = self._account(values["account_id"])
        if not grant and values["role"] == "city_admin" and account.id == self.caller.user_id:
            # A city must not lose its last admin by a slip; another admin can do it.
            raise Conflict(OWN_ADMIN_ROLE, {"account_id": [OWN_ADMIN_ROLE]})
        self._apply_role(
            account, values["city"], values["role"], grant, self.caller.user_id, values["reason"]
        )
        return _dump(account)

    def _apply_role(
        self,
        account: Account,
        city: str,
        role: str,
        grant: bool,
        by: str,
        reason: str | None = None,
    ) -> None:
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
            # Internal: ``by`` and ``reason`` go to the city's audit log (cities service).
            {"account_id": account.id, "role": role, "by": by, "reason": reason},
            city=city,
            subject=account.id,
        )

    # Internal: called by services that own the rule behind a role (the cities service grants
    # city_admin to an accepted admin invitation). The gateway exposes neither method.
    @rpc
    def assign_role(self, account_id: str, city: str, role: str, granted_by: str) -> dict[str, Any]:
        # Only services call this (cities, on an accepted invitation): never a caller's request.
        self.caller.require_service()
        account = self._account(account_id)
        load(RoleGrantSchema(), {"account_id": account_id, "city": city, "role": role})
        self._apply_role(account, city, role, True, granted_by)
        return _dump(account)

    @rpc
    def account_summary(self, account_id: str) -> dict[str, Any]:
        self.caller.require_service()  # an address: for the platform's services only
        # Asked on every join and mail of the other services: only the fields answered.
        return summary_of(self._account(account_id, SUMMARY_FIELDS))

    @rpc
    def grant_role(self, data: dict[str, Any]) -> dict[str, Any]:
        return self._change_role(data, grant=True)

    @rpc
    def revoke_role(self, data: dict[str, Any]) -> dict[str, Any]:
        return self._change_role(data, grant=False)

    @rpc
    def city_roles(self, city: str) -> list[dict[str, Any]]:
        """A city's people with a role in it (the roles page): name, role, since when. For
        the city's admins; no e-mail address (the page names people as they name themselves)."""
        self.caller.require_role(city, "city_admin")
        people = []
        for account in Account.objects(roles__city=city, deleted_at=None):
            for grant in account.roles:
                if grant.city == city:
                    people.append(
                        {
                            "account_id": account.id,
                            "display_name": account.display_name,
                            "role": grant.role,
                            "since": _aware_iso(grant.granted_at),
                        }
                    )
        return sorted(people, key=lambda p: (p["role"], p["display_name"].lower()))

    @rpc
    def ops_account_id(self, email: str) -> str:
        """Operators: the id of the account with ``email`` (``stadtdialog users grant``)."""
        self.caller.require_operator()
        address = str(email or "").strip().lower()
        account = Account.objects(email=address, deleted_at=None).first() if address else None
        if account is None:
            raise NotFound("Account not found.")
        return account.id
