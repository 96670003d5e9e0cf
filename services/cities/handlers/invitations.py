"""Accepting an invitation link: a city-admin invitation (mailed when a city is created) or a
working-group invitation. A link is bound to the address it was sent to and works once."""

from __future__ import annotations

from typing import Any

from mongoengine.errors import NotUniqueError

from services.cities.handlers.base import (
    INVITE_ADMIN,
    INVITE_MEMBER,
    INVITE_ROLE,
    CitiesBase,
    _now,
)
from services.cities.models import City, Membership, UsedInvitation
from services.cities.schemas import AcceptInvitationSchema
from services.kit.errors import Conflict, Forbidden, Invalid, NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load

ALREADY_USED = "This invitation link has already been used."
OTHER_ADDRESS = "This invitation was sent to another e-mail address."
NOT_VERIFIED = "Confirm your e-mail address before you accept the invitation."


class InvitationHandlers(CitiesBase):
    def _read_invitation(self, token: str) -> tuple[str, dict[str, Any]]:
        for purpose in (INVITE_MEMBER, INVITE_ADMIN, INVITE_ROLE):
            try:
                return purpose, self.tokens.read(purpose, token, required=("c", "e"))
            except Invalid as exc:
                if exc.message == "The link has expired.":
                    raise
        raise Invalid("The link is invalid.", {"token": ["The link is invalid."]})

    def _use_once(self, city: City, purpose: str, jti: str, user_id: str) -> UsedInvitation:
        # The insert is the single-use check: atomic on FerretDB too, unlike an update.
        try:
            return UsedInvitation(
                city=city.id, id=f"{purpose}:{jti}", purpose=purpose, account_id=user_id
            ).save(force_insert=True)
        except NotUniqueError as exc:
            raise Conflict(ALREADY_USED, {"token": [ALREADY_USED]}) from exc

    @rpc
    def accept_invitation(self, data: dict[str, Any]) -> dict[str, Any]:
        user_id = self.caller.require_authenticated()
        token = load(AcceptInvitationSchema(), data)["token"]
        purpose, claims = self._read_invitation(token)
        account = self.identity.account_summary(user_id)
        # Bound to the invited address: only the account that verified that address may accept.
        if account["email"].lower() != claims["e"]:
            raise Forbidden(OTHER_ADDRESS, {"token": [OTHER_ADDRESS]})
        if not account.get("verified"):
            raise Forbidden(NOT_VERIFIED, {"token": [NOT_VERIFIED]})
        city = self._city(claims["c"])
        self._require_active(city)
        member = None
        if purpose == INVITE_MEMBER:
            member = Membership.scoped(city.id, id=claims.get("m")).first()
            if member is None:
                raise NotFound("The invitation was withdrawn.")
        used = self._use_once(city, purpose, claims["j"], user_id)
        try:
            if member is None:
                # A role invitation names its role and who invited (the audit log's actor).
                role = claims.get("r", "city_admin") if purpose == INVITE_ROLE else "city_admin"
                self.identity.assign_role(user_id, city.id, role, claims.get("b") or "invitation")
                return {"city": city.id, "role": role}
            self._join(member, user_id)
        except Exception:
            used.delete()  # the role was not granted: the link stays usable
            raise
        return {"city": city.id, "role": "working_group_member", "group_id": member.group_id}

    @rpc
    def invitation_info(self, data: dict[str, Any]) -> dict[str, Any]:
        """What an invitation link is for (the invitation page names the city and the role
        before anyone signs in); the token is the secret, so no sign-in is needed."""
        token = load(AcceptInvitationSchema(), data)["token"]
        purpose, claims = self._read_invitation(token)
        city = self._city(claims["c"])
        if purpose == INVITE_MEMBER:
            role = "working_group_member"
        else:
            role = claims.get("r", "city_admin") if purpose == INVITE_ROLE else "city_admin"
        return {"city": city.id, "city_name": city.name, "role": role, "status": city.status}

    def _join(self, member: Membership, user_id: str) -> None:
        if member.status == "joined":
            return
        member.status = "joined"
        member.account_id = user_id
        member.joined_at = _now()
        member.save()
        self.identity.assign_role(user_id, member.city, "working_group_member", member.invited_by)
        self.outbox.add(
            "working_group",
            "member_joined",
            {"slug": member.city, "group_id": member.group_id, "kind": member.kind},
            city=member.city,
            subject=member.group_id,
            public=True,
        )
