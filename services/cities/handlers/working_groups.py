"""Working groups of a city: create, list, invite members (accepting an invitation is in
``invitations.py``)."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from mongoengine.errors import NotUniqueError

from services.cities import mails
from services.cities.handlers.base import (
    ADMIN,
    INVITE_MEMBER,
    PARTNERS,
    CitiesBase,
    _iso,
)
from services.cities.models import Membership, WorkingGroup
from services.cities.phases import all_kinds_represented, composition
from services.cities.schemas import InvitationSchema, WorkingGroupSchema
from services.kit.errors import Conflict, Forbidden, NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load


class WorkingGroupHandlers(CitiesBase):
    def _group(self, slug: str, group_id: str) -> WorkingGroup:
        group = WorkingGroup.scoped(slug, id=group_id).first() if _is_object_id(group_id) else None
        if group is None:
            raise NotFound("Working group not found.")
        return group

    def _group_view(self, group: WorkingGroup, with_members: bool) -> dict[str, Any]:
        members = list(Membership.scoped(group.city, group_id=str(group.id)))
        view = {
            "id": str(group.id),
            "name": group.name,
            "description": group.description,
            "composition": composition([m.kind for m in members if m.status == "joined"]),
            "formed": all_kinds_represented([m.kind for m in members if m.status == "joined"]),
        }
        if with_members:
            view["members"] = [
                {
                    "id": str(m.id),
                    "email": m.email,
                    "organisation": m.organisation,
                    "kind": m.kind,
                    "role": m.role,
                    "status": m.status,
                    "invited_at": _iso(m.invited_at),
                    "joined_at": _iso(m.joined_at),
                }
                for m in members
            ]
        return view

    def _may_see_members(self, slug: str, group_id: str) -> bool:
        if self.caller.has_role(slug, *PARTNERS):
            return True
        if not self.caller.user_id:
            return False
        return (
            Membership.scoped(
                slug, group_id=group_id, account_id=self.caller.user_id, status="joined"
            ).first()
            is not None
        )

    @rpc
    def create_working_group(self, slug: str, data: dict[str, Any]) -> dict[str, Any]:
        self._require(slug, ADMIN)
        values = load(WorkingGroupSchema(), data)
        group = WorkingGroup(city=slug, created_by=self.caller.user_id, **values).save()
        self.outbox.add(
            "working_group",
            "created",
            {"slug": slug, "name": group.name},
            city=slug,
            subject=str(group.id),
            public=True,
        )
        return self._group_view(group, with_members=True)

    @rpc
    def list_working_groups(self, slug: str) -> list[dict[str, Any]]:
        self._city(slug)
        return [
            self._group_view(g, with_members=self._may_see_members(slug, str(g.id)))
            for g in WorkingGroup.scoped(slug).order_by("name")
        ]

    @rpc
    def working_group(self, slug: str, group_id: str) -> dict[str, Any]:
        self._city(slug)
        group = self._group(slug, group_id)
        return self._group_view(group, with_members=self._may_see_members(slug, group_id))

    @rpc
    def invite_member(self, slug: str, group_id: str, data: dict[str, Any]) -> dict[str, Any]:
        self.caller.require_authenticated()
        city = self._city(slug)
        group = self._group(slug, group_id)
        is_lead = (
            Membership.scoped(
                slug,
                group_id=group_id,
                account_id=self.caller.user_id,
                role="lead",
                status="joined",
            ).first()
            is not None
        )
        if not (self.caller.has_role(slug, *ADMIN) or is_lead):
            raise Forbidden()
        self._require_active(city)
        values = load(InvitationSchema(), data)
        email = values["email"].lower()
        try:
            member = Membership(
                city=slug,
                group_id=group_id,
                invited_by=self.caller.user_id,
                **{**values, "email": email},
            ).save(force_insert=True)
        except NotUniqueError as exc:
            message = "This person is already invited to this working group."
            raise Conflict(message, {"email": [message]}) from exc
        token = self.tokens.sign(INVITE_MEMBER, {"c": slug, "m": str(member.id), "e": email})
        self.mail.send(
            email, *mails.working_group_invitation(city.name, group.name, self._link(token))
        )
        return self._group_view(group, with_members=True)

    @rpc
    def member_organisations(self, slug: str, account_id: str) -> list[dict[str, Any]]:
        """The organisations a person joined this city's working groups for: the city (an
        admin, or a group lead an admin invited) named them, the person accepted. For the
        platform's services: the dialogue service counts these as confirmed organisations."""
        self.caller.require_service()
        return [
            {"name": m.organisation, "kind": m.kind, "city": slug}
            for m in Membership.scoped(slug, account_id=account_id, status="joined")
        ]


def _is_object_id(value: Any) -> bool:
    return isinstance(value, str) and ObjectId.is_valid(value)
