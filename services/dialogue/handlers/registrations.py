"""Registrations: join a talk, seats and waiting list, announcements and their mails, cancel."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from mongoengine.errors import NotUniqueError

from services.dialogue import mails
from services.dialogue.calendar import talk_ics
from services.dialogue.handlers.base import DialogueBase, _aware, _iso, _now
from services.dialogue.models import Announcement, Registration, Seat, Talk
from services.dialogue.rules import join_errors, require_join_phase
from services.dialogue.schemas import JoinSchema
from services.dialogue.store import DatabaseSeats
from services.kit.errors import Conflict, NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.kit.seat_documents import record_once, record_promotion
from services.kit.seating import waiting_position
from services.kit.settle_lease import lease_beside
from services.kit.settle_turns import SettleTurns

# Per process the settles of one talk take turns, and across processes one at a time holds
# the talk's lease (services/kit/settle_turns.py, settle_lease.py).
SETTLE_TURNS = SettleTurns(lease=lease_beside(Seat).hold, service="dialogue")


class RegistrationHandlers(DialogueBase):
    def _registration_view(
        self,
        reg: Registration,
        seats: Mapping[int, str] | None = None,
        arrivals: Mapping[str, int] | None = None,
    ) -> dict[str, Any]:
        """Seat or waiting position of ``reg``; ``seats`` (number -> registration id) and
        ``arrivals`` (registration id -> arrival) as a settle just read them, else read here."""
        talk_id = reg.talk_id
        if seats is None:
            seats = {
                s.number: s.registration_id
                for s in Seat.scoped(reg.city, talk_id=talk_id).only("registration_id", "number")
            }
        number = next((n for n, r in seats.items() if r == str(reg.id)), None)
        position = None
        if number is None:
            if arrivals is None:
                # Plain rows: no document built per registration of the talk.
                rows = Registration.scoped(reg.city, talk_id=talk_id).only("arrival", "id")
                arrivals = {str(r["_id"]): r["arrival"] for r in rows.as_pymongo()}
            pairs = [(arrival, r) for r, arrival in arrivals.items()]
            try:
                position = waiting_position(pairs, set(seats.values()), str(reg.id))
            except KeyError:  # cancelled in the meantime
                return {"registration_id": str(reg.id), "talk_id": talk_id, "status": "none"}
        return {
            "registration_id": str(reg.id),
            "talk_id": talk_id,
            "status": "confirmed" if number is not None else "waitlisted",
            "seat": number,
            "position": position,
            "registered_at": _iso(datetime.fromtimestamp(reg.arrival / 1e9, UTC)),
        }

    def _check_joinable(self, talk: Talk) -> None:
        require_join_phase(self._state(talk.city), talk.kind)
        if talk.status != "scheduled":
            raise Conflict("The talk was cancelled.", {"talk": ["The talk was cancelled."]})
        # Until the talk begins (a table of 5–8 is set by then); the pages offer no button later.
        refused = join_errors(_aware(talk.starts_at), _aware(talk.ends_at), _now())
        if refused:
            raise Conflict(refused["talk"][0], refused)

    def _register(
        self,
        talk: Talk,
        person: str,
        display_name: str,
        account_id: str | None = None,
        email: str | None = None,
        invitation: str | None = None,
        guest_request: str | None = None,
    ) -> Registration:
        """Insert the registration (unique per person); a repeat finds the first one."""
        try:
            return Registration(
                city=talk.city,
                talk_id=str(talk.id),
                person=person,
                account_id=account_id,
                display_name=display_name,
                email=email,
                arrival=time.time_ns(),
                via_invitation=invitation,
                guest_request=guest_request,
            ).save(force_insert=True)
        except NotUniqueError:
            existing = Registration.scoped(talk.city, talk_id=str(talk.id), person=person).first()
            if existing is None:  # cancelled between our insert and this read: try once more
                return self._register(
                    talk, person, display_name, account_id, email, invitation, guest_request
                )
            return existing

    def _settle(self, talk: Talk, own: Registration | None) -> dict[str, Any] | None:
        """Hand out free seats in order and tell everyone seated here; then tell ``own`` and
        return its registration view (from the seats the settle read last: no second read)."""
        # The talk was read by this request: its capacity starts the settle, which reads it
        # again after each claim (so a capacity lowered meanwhile is still seen). Settles of
        # one talk take turns in this process; one that began after our write covers it.
        store = DatabaseSeats(talk.city, str(talk.id), capacity=talk.capacity)
        key = f"{talk.city}/{talk.id}"
        outcome = SETTLE_TURNS.settle(key, store, str(own.id) if own is not None else None)
        for seated in outcome.seated:
            if own is not None and seated.registration_id == str(own.id):
                continue
            if seated.registration_id not in outcome.told_by_their_caller:
                self._announce(talk, seated.registration_id, seated=True)
        if own is None:
            return None
        # The settle's own reads tell the seat or the waiting position: no read again.
        view = self._registration_view(own, seats=outcome.held, arrivals=outcome.arrivals)
        if view["status"] != "none":
            seated_own = view["status"] == "confirmed"
            self._announce(talk, str(own.id), seated_own, reg=own, position=view["position"])
        else:
            self._announce(talk, str(own.id), seated=False, reg=own)
        return view

    def _announce(
        self,
        talk: Talk,
        registration_id: str,
        seated: bool,
        reg: Registration | None = None,
        position: int | None = None,
    ) -> None:
        """Publish and mail what happened to a registration, exactly once per fact.

        ``entered`` is decided by whoever inserts it first (the joiner after its own settle,
        or a settler that seated the registration); a seat given after a waiting-list
        notice is a ``promoted``. ``reg`` and ``position`` when the caller has them."""
        city = talk.city
        value = "confirmed" if seated else "waitlisted"
        entered = Announcement(
            city=city,
            registration_id=registration_id,
            talk_id=str(talk.id),
            kind="entered",
            value=value,
        )
        if not record_once(entered):
            if not seated:
                return
            if not record_promotion(Announcement, city, registration_id, talk_id=str(talk.id)):
                return
            value = "promoted"
        if reg is None:
            reg = Registration.scoped(city, id=registration_id).first()
        self.outbox.add(
            "registration",
            value,
            {
                "talk_id": str(talk.id),
                "registration_id": registration_id,
                "guest": bool(reg and reg.account_id is None),
            },
            city=city,
            subject=registration_id,
            public=True,
        )
        if reg is not None:
            self._mail_registration(talk, reg, value, position)

    def _mail_registration(
        self, talk: Talk, reg: Registration, value: str, position: int | None = None
    ) -> None:
        # The mails and the .ics use the talk's own fields, no seat counts and no topic.
        view = self._talk_view(talk, 0, 0, details=True, topics={})
        if reg.account_id is None:
            hint = mails.guest_cancel_hint(self._leave_link(reg))
        else:
            hint = mails.ACCOUNT_CANCEL_HINT
        if value == "waitlisted":
            if position is None:
                position = self._registration_view(reg).get("position")
            place = position or 1
            self._mail_person(reg, lambda name: mails.waitlisted(view, name, place), leave=True)
            return
        build = mails.confirmed if value == "confirmed" else mails.promoted
        ics = talk_ics(view, self.settings.public_base_url)
        self._mail_person(reg, lambda name: build(view, name, hint), ics)

    def _mail_person(
        self, reg: Registration, texts: Any, ics: bytes | None = None, leave: bool = False
    ) -> None:
        """Mail one registered person: a guest at their address, an account at the address
        identity holds (never copied here). ``leave``: a guest's mail ends with the link to
        leave the talk (mails that carry it in their text already pass False)."""
        address = reg.email
        if reg.account_id is not None:
            account = self._account(reg.account_id)
            address = account["email"] if account else None
        if not address:
            return
        subject, body = texts(reg.display_name)
        if leave and reg.account_id is None:
            body = f"{body}\n--\n{mails.leave_footer(self._leave_link(reg))}\n"
        attachments = [("tischgespraech.ics", "text/calendar", ics)] if ics else None
        self.mail.send(address, subject, body, attachments)

    @rpc
    def join_talk(self, city: str, talk_id: str, data: dict[str, Any] | None = None) -> dict:
        user_id = self.caller.require_authenticated()
        values = load(JoinSchema(), data or {})
        talk = self._talk(city, talk_id)
        self._check_joinable(talk)
        invitation = None
        if talk.access == "invitation_only" or values["token"]:
            invitation = self._check_invitation(talk, values["token"])
        if talk.host_id == user_id:
            raise Conflict("You host this talk.", {"talk": ["You host this talk."]})
        # Insert first (a repeat finds its registration through the unique index): no look
        # for an earlier one that would scan the talk's registrations on every join. The
        # account is asked once; the mail below reuses the answer (``_account``).
        account = self._account(user_id)
        if account is None:
            raise NotFound("Account not found.")
        reg = self._register(
            talk,
            f"account:{user_id}",
            account["display_name"],
            account_id=user_id,
            invitation=invitation,
        )
        view = self._settle(talk, own=reg)
        assert view is not None
        return view

    @rpc
    def my_registration(self, city: str, talk_id: str) -> dict[str, Any]:
        user_id = self.caller.require_authenticated()
        talk = self._talk(city, talk_id)
        reg = Registration.scoped(city, talk_id=str(talk.id), person=f"account:{user_id}").first()
        if reg is None:
            return {"registration_id": None, "talk_id": talk_id, "status": "none"}
        return self._registration_view(reg)

    def _cancel(self, talk: Talk, reg: Registration) -> dict[str, Any]:
        # Registration first, seat second: a settler seating it meanwhile sees it gone.
        gone = Registration.scoped(talk.city, id=reg.id).delete()
        Seat.scoped(talk.city, talk_id=str(talk.id), registration_id=str(reg.id)).delete()
        if gone:
            self.outbox.add(
                "registration",
                "cancelled",
                {"talk_id": str(talk.id), "registration_id": str(reg.id)},
                city=talk.city,
                subject=str(reg.id),
                public=True,
            )
        if talk.status == "scheduled":
            self._settle(talk, own=None)
        return {"registration_id": str(reg.id), "talk_id": str(talk.id), "status": "cancelled"}

    @rpc
    def cancel_registration(self, city: str, talk_id: str) -> dict[str, Any]:
        user_id = self.caller.require_authenticated()
        talk = self._talk(city, talk_id)
        reg = Registration.scoped(city, talk_id=talk_id, person=f"account:{user_id}").first()
        if reg is None:  # never registered, or cancelled already: a repeat changes nothing
            return {"registration_id": None, "talk_id": talk_id, "status": "none"}
        return self._cancel(talk, reg)

    @rpc
    def guests(self, city: str, talk_id: str) -> dict[str, Any]:
        """The host's guest list: display names, seats, waiting positions; never addresses."""
        talk = self._talk(city, talk_id)
        self._require_host(talk)
        seats = {s.registration_id: s.number for s in Seat.scoped(city, talk_id=talk_id)}
        confirmed, waiting = [], []
        regs = Registration.scoped(city, talk_id=talk_id).order_by("arrival", "id")
        for reg in regs:
            row = {
                "registration_id": str(reg.id),
                "display_name": reg.display_name,
                "guest": reg.account_id is None,
                "registered_at": _iso(datetime.fromtimestamp(reg.arrival / 1e9, UTC)),
                "arrival": reg.arrival,
            }
            if str(reg.id) in seats:
                confirmed.append({**row, "seat": seats[str(reg.id)]})
            else:
                waiting.append({**row, "position": len(waiting) + 1})
        return {
            "talk_id": talk_id,
            "capacity": talk.capacity,
            "confirmed": sorted(confirmed, key=lambda r: r["seat"]),
            "waiting": waiting,
        }
