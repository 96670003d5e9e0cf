"""Guests without an account who join a talk through an invitation link.

The guest's name and address stay in a ``GuestRequest`` document; the mailed confirm and cancel
links carry only the request's id, signed (no personal data in a URL, a log or a browser
history). Cancelling ends both links: an ``EndedGuestLink`` is inserted, and afterwards the
links answer 409 "no longer valid" instead of registering the guest again.
"""

from __future__ import annotations

from typing import Any

from mongoengine.errors import NotUniqueError

from services.dialogue import mails
from services.dialogue.handlers.base import DialogueBase, _oid
from services.dialogue.models import EndedGuestLink, GuestRequest, Invitation, Registration
from services.dialogue.schemas import GuestJoinSchema, TokenSchema
from services.kit.consent import notice_version_shown
from services.kit.errors import Conflict, Invalid
from services.kit.rpc import rpc
from services.kit.schemas import load

GUEST = "talk-guest"
GUEST_CANCEL = "talk-guest-cancel"
GUEST_TTL = 3 * 24 * 3600
LINK_ENDED = "This registration was cancelled; the link is no longer valid."


def _ended() -> Conflict:
    return Conflict(LINK_ENDED, {"token": [LINK_ENDED]})


class GuestHandlers(DialogueBase):
    def _leave_link(self, reg: Registration) -> str:
        """A guest's signed link to leave the talk (or its waiting list): in every mail."""
        claims = {"c": reg.city, "r": str(reg.id), "g": reg.guest_request or str(reg.id)}
        token = self.guest_tokens.sign(GUEST_CANCEL, claims)
        return self._link("/tischgespraeche/gast-absagen", token)

    @rpc
    def request_guest_registration(self, data: dict[str, Any]) -> dict[str, Any]:
        """A person without an account: name and e-mail; the mailed link confirms both."""
        values = load(GuestJoinSchema(), data)
        talk, invitation = self._talk_of_invitation(values["token"])
        self._check_joinable(talk)
        name, email = values["name"].strip(), values["email"].strip().lower()
        version = notice_version_shown(
            values["privacy_version"], int(self.cities.legal_versions()["privacy"])
        )
        request = GuestRequest(
            city=talk.city,
            talk_id=str(talk.id),
            invitation_id=invitation,
            name=name,
            email=email,
            privacy_version=version,
        ).save(force_insert=True)
        token = self.guest_tokens.sign(GUEST, {"c": talk.city, "g": str(request.id)})
        view = self._one_talk_view(talk, details=False)
        link = self._link("/tischgespraeche/gast-bestaetigen", token)
        self.mail.send(email, *mails.guest_verification(view, name, link))
        return {"sent": True}

    @rpc
    def confirm_guest_registration(self, data: dict[str, Any]) -> dict[str, Any]:
        token = load(TokenSchema(), data)["token"]
        claims = self.guest_tokens.read(GUEST, token, required=("c", "g"))
        city, request_id = claims["c"], claims["g"]
        request = GuestRequest.scoped(city, id=request_id).first() if _oid(request_id) else None
        if request is None:  # removed by the retention pass: the link is as good as expired
            raise Invalid("The link has expired.", {"token": ["The link has expired."]})
        if EndedGuestLink.scoped(city, id=request_id).first() is not None:
            raise _ended()
        talk = self._talk(city, request.talk_id)
        invitation = Invitation.scoped(city, id=request.invitation_id).first()
        if invitation is None or invitation.revoked_at is not None:
            message = "The invitation was revoked."
            raise Invalid(message, {"token": [message]})
        self._check_joinable(talk)
        reg = self._register(
            talk,
            f"guest:{request.email}",
            request.name,
            email=request.email,
            invitation=request.invitation_id,
            guest_request=request_id,
        )
        view = self._settle(talk, own=reg)
        assert view is not None
        return view

    @rpc
    def cancel_guest_registration(self, data: dict[str, Any]) -> dict[str, Any]:
        token = load(TokenSchema(), data)["token"]
        claims = self.guest_tokens.read(GUEST_CANCEL, token, required=("c", "r", "g"))
        city, request_id = claims["c"], claims["g"]
        # The insert ends the links once; a second cancel (or a confirm after it) is refused.
        try:
            EndedGuestLink(city=city, id=str(request_id)).save(force_insert=True)
        except NotUniqueError as exc:
            raise _ended() from exc
        reg = Registration.scoped(city, id=claims["r"]).first() if _oid(claims["r"]) else None
        if reg is None:
            return {"registration_id": claims["r"], "status": "none"}
        return self._cancel(self._talk(reg.city, reg.talk_id), reg)
