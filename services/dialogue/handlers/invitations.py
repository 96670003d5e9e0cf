"""Invitations to a talk (guests who join through one without an account: ``guests.py``)."""

from __future__ import annotations

from typing import Any

from bson import ObjectId

from services.dialogue import mails
from services.dialogue.handlers.base import DialogueBase, _iso, _now, _oid
from services.dialogue.models import Invitation, Talk
from services.dialogue.schemas import InvitationCreateSchema, TokenSchema
from services.kit.errors import Conflict, Forbidden, Invalid, NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load

INVITE = "talk-invitation"
INVITATION_TTL = 120 * 24 * 3600


class InvitationHandlers(DialogueBase):
    def _check_invitation(self, talk: Talk, token: str | None) -> str:
        if not token:
            message = "This talk is by invitation only."
            raise Forbidden(message, {"token": [message]})
        claims = self.invitations.read(INVITE, token, required=("c", "t", "i"))
        if claims["c"] != talk.city or claims["t"] != str(talk.id):
            message = "This invitation is for another talk."
            raise Invalid(message, {"token": [message]})
        invitation = (
            Invitation.scoped(talk.city, id=claims["i"]).first() if _oid(claims["i"]) else None
        )
        if invitation is None or invitation.revoked_at is not None:
            message = "The invitation was revoked."
            raise Invalid(message, {"token": [message]})
        return claims["i"]

    def _invitation_view(self, invitation: Invitation) -> dict[str, Any]:
        return {
            "id": str(invitation.id),
            "talk_id": invitation.talk_id,
            "link": self._link("/tischgespraeche/einladung", invitation.token),
            "token": invitation.token,
            "created_at": _iso(invitation.created_at),
            "revoked": invitation.revoked_at is not None,
        }

    @rpc
    def create_invitation(self, city: str, talk_id: str, data: dict[str, Any]) -> dict:
        talk = self._talk(city, talk_id)
        user_id = self._require_host(talk)
        values = load(InvitationCreateSchema(), data or {})
        if talk.status != "scheduled":
            raise Conflict("The talk was cancelled.", {"talk": ["The talk was cancelled."]})
        invitation_id = ObjectId()
        token = self.invitations.sign(INVITE, {"c": city, "t": talk_id, "i": str(invitation_id)})
        invitation = Invitation(
            id=invitation_id, city=city, talk_id=talk_id, created_by=user_id, token=token
        ).save(force_insert=True)
        view = self._invitation_view(invitation)
        if values["email"]:
            talk_view = self._one_talk_view(talk, details=False)
            self.mail.send(
                values["email"], *mails.invitation(talk_view, talk.host_name, view["link"])
            )
        self.outbox.add(
            "invitation",
            "created",
            {"talk_id": talk_id, "invitation_id": view["id"]},
            city=city,
            subject=view["id"],
            public=True,
        )
        return view

    @rpc
    def list_invitations(self, city: str, talk_id: str) -> list[dict[str, Any]]:
        talk = self._talk(city, talk_id)
        self._require_host(talk)
        return [
            self._invitation_view(i)
            for i in Invitation.scoped(city, talk_id=talk_id).order_by("created_at")
        ]

    def _invitation(self, city: str, talk_id: str, invitation_id: str) -> Invitation:
        talk = self._talk(city, talk_id)
        self._require_host(talk)
        invitation = (
            Invitation.scoped(city, talk_id=talk_id, id=invitation_id).first()
            if _oid(invitation_id)
            else None
        )
        if invitation is None:
            raise NotFound("Invitation not found.")
        return invitation

    @rpc
    def invitation(self, city: str, talk_id: str, invitation_id: str) -> dict[str, Any]:
        return self._invitation_view(self._invitation(city, talk_id, invitation_id))

    @rpc
    def revoke_invitation(self, city: str, talk_id: str, invitation_id: str) -> dict[str, Any]:
        invitation = self._invitation(city, talk_id, invitation_id)
        if invitation.revoked_at is None:
            invitation.revoked_at = _now()
            invitation.save()
            self.outbox.add(
                "invitation",
                "revoked",
                {"talk_id": talk_id, "invitation_id": invitation_id},
                city=city,
                subject=invitation_id,
                public=True,
            )
        return self._invitation_view(invitation)

    def _talk_of_invitation(self, token: str) -> tuple[Talk, str]:
        claims = self.invitations.read(INVITE, token, required=("c", "t", "i"))
        talk = self._talk(claims["c"], claims["t"])
        return talk, self._check_invitation(talk, token)

    @rpc
    def open_invitation(self, data: dict[str, Any]) -> dict[str, Any]:
        """What the invitation page shows: the talk (no address until registered)."""
        token = load(TokenSchema(), data)["token"]
        talk, _ = self._talk_of_invitation(token)
        return self._one_talk_view(talk, details=False)
