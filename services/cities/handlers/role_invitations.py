"""A city admin grants a role by e-mail: the person gets an invitation link naming the city
and the role, and has the role once they accept it signed in with that address (the link is
bound to the address and works once, as every invitation: handlers/invitations.py). Revoking
goes straight to identity (``revoke_role``); identity's fact puts it into the audit log."""

from __future__ import annotations

from typing import Any

from services.cities import mails
from services.cities.handlers.base import ADMIN, INVITE_ROLE, CitiesBase
from services.cities.schemas import RoleInvitationSchema
from services.kit.rpc import rpc
from services.kit.schemas import load


class RoleInvitationHandlers(CitiesBase):
    @rpc
    def invite_role(self, slug: str, data: dict[str, Any]) -> dict[str, Any]:
        city = self._require(slug, ADMIN)
        values = load(RoleInvitationSchema(), data)
        email, role = values["email"].lower(), values["role"]
        token = self.tokens.sign(
            INVITE_ROLE, {"c": slug, "e": email, "r": role, "b": self.caller.user_id}
        )
        self.mail.send(email, *mails.role_invitation(city.name, role, self._link(token)))
        self._audit(slug, "role.invited", {"role": role, "email": email}, values["reason"])
        return {"city": slug, "email": email, "role": role, "invited": True}
