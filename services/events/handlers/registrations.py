"""Registrations for a closing event: a seat while places are free, the waiting list after,
promotions told once (seat-keeping: ``services.kit.seating``)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from mongoengine.errors import NotUniqueError

from services.events import mails
from services.events.handlers.base import PREPARING, EventsBase, _aware, _iso
from services.events.models import ClosingEvent, Notice, Registration, Seat
from services.events.schemas import RegistrationSchema
from services.kit.account_summaries import account_summary
from services.kit.errors import Conflict, NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.kit.seat_documents import record_once, record_promotion
from services.kit.seat_store import DocumentSeats
from services.kit.seating import waiting_position
from services.kit.settle_lease import lease_beside
from services.kit.settle_turns import SettleOutcome, SettleTurns


def _seats_of(event: ClosingEvent) -> DocumentSeats:
    """The kit's seat store bound to this closing event's documents (the capacity as read by
    this request starts the settle; it reads it again after each claim)."""
    return DocumentSeats(
        ClosingEvent, Seat, Registration, "event_id", event.city, str(event.id), event.capacity
    )


# Per process the fills of one closing event take turns, and across processes one at a time
# holds the event's lease (services/kit/settle_turns.py, settle_lease.py).
SETTLE_TURNS = SettleTurns(lease=lease_beside(Seat).hold, service="events")


class RegistrationHandlers(EventsBase):
    """Register, look up, cancel; the organisers' list."""

    def _fill(
        self, event: ClosingEvent, held: dict[int, str] | None = None, own: str | None = None
    ) -> SettleOutcome:
        """Seat waiting registrations in arrival order while places are free, and tell whom this
        call seated that they moved up.

        The kit's seat-keeping does the seating (``services.kit.seating.settle``): each claim is
        an insert against two unique indexes (number; registration), so concurrent fillers can
        never exceed the capacity nor seat anyone twice. Fills of one event take turns in this
        process, and one that began after ``own`` was written serves it
        (``services.kit.settle_turns``). ``held`` receives the seats as the settle last read
        them (seat number -> registration id).
        """
        outcome = SETTLE_TURNS.settle(f"{event.city}/{event.id}", _seats_of(event), own)
        if held is not None:
            held.update(outcome.held)
        for seated in outcome.seated:
            self._announce_promotion(event, seated.registration_id)
        return outcome

    def _announce_promotion(self, event: ClosingEvent, registration_id: str) -> None:
        """Tell a seated registration that was told "waiting list" that it moved up (once)."""
        if not record_promotion(Notice, event.city, registration_id, event_id=str(event.id)):
            return
        self.outbox.add(
            "registration",
            "promoted",
            {"event_id": str(event.id), "registration_id": registration_id},
            city=event.city,
            subject=str(event.id),
            public=True,
        )
        registration = Registration.scoped(event.city, id=registration_id).first()
        if registration is not None:
            self._mail_status(event, registration, "promoted")

    def _mail_status(
        self,
        event: ClosingEvent,
        registration: Registration,
        status: str,
        position: int | None = None,
    ) -> None:
        summary = self._summary(registration.account_id)
        if summary is None:
            return
        venue = event.venue.name
        subject, body = mails.registration(
            status, event.title, _aware(event.starts_at), venue, self._link(event), position
        )
        # A place means a calendar entry; the waiting list gets none yet.
        attachments = self._calendar_file(event) if status != "waitlisted" else None
        self.mail.send(summary["email"], subject, body, attachments)

    def _summary(self, account_id: str) -> dict[str, Any] | None:
        """Identity's summary of an account (services.kit.account_summaries): the registering
        person's own from the caller context, no call to identity."""
        return account_summary(self, account_id)

    def _status(
        self,
        event: ClosingEvent,
        registration: Registration,
        seats: dict[str, int] | None = None,
        arrivals: Mapping[str, int] | None = None,
    ) -> dict[str, Any]:
        """Confirmed or waiting with position; ``seats`` (registration id -> number) and
        ``arrivals`` (registration id -> arrival) as just read, else read here."""
        registration_id = str(registration.id)
        if event.status == "cancelled":  # the event's cancellation ends every registration
            return {"registration_id": registration_id, "status": "cancelled", "position": None}
        if seats is None:
            seats = self._seats(event)
        if registration_id in seats:
            return {"registration_id": registration_id, "status": "confirmed", "position": None}
        if arrivals is None:
            queue = [(r.arrival, str(r.id)) for r in self._queue(event)]
        else:
            queue = [(arrival, r) for r, arrival in arrivals.items()]
        try:
            position: int | None = waiting_position(queue, set(seats), registration_id)
        except KeyError:  # cancelled in the meantime
            position = None
        return {"registration_id": registration_id, "status": "waitlisted", "position": position}

    @rpc
    def register(self, city: str, event_id: str, data: dict[str, Any]) -> dict[str, Any]:
        user_id = self.caller.require_authenticated()
        values = load(RegistrationSchema(), data)
        event = self._event(city, event_id)
        self.city_state.require_phase(city, *PREPARING)
        existing = Registration.scoped(city, event_id=event_id, account_id=user_id).first()
        if existing is not None:
            return self._status(event, existing)  # a retried request: the same answer
        if not self._registration_open(event):
            message = "Registration for this closing event is closed."
            raise Conflict(message, {"event": [message]})
        summary = self._summary(user_id)
        if summary is None:
            raise NotFound("Account not found.")
        try:
            registration = Registration(
                city=city,
                event_id=event_id,
                account_id=user_id,
                display_name=summary["display_name"][:80],
                needs=values["needs"],
                arrival=time.time_ns(),
            ).save(force_insert=True)
        except NotUniqueError:
            registration = Registration.scoped(city, event_id=event_id, account_id=user_id).first()
            return self._status(event, registration)
        outcome = self._fill(event, own=str(registration.id))
        seats = {r: n for n, r in outcome.held.items()}
        status = self._status(event, registration, seats, outcome.arrivals)
        entered = Notice(
            city=city,
            registration_id=str(registration.id),
            event_id=event_id,
            kind="entered",
            value=status["status"],
        )
        if not record_once(entered):
            return status
        if status["status"] == "waitlisted":
            self.outbox.add(
                "registration",
                "waitlisted",
                {
                    "event_id": event_id,
                    "registration_id": str(registration.id),
                    "position": status["position"],
                },
                city=city,
                subject=event_id,
                public=True,
            )
        else:
            self.outbox.add(
                "registration",
                "confirmed",
                {"event_id": event_id, "registration_id": str(registration.id)},
                city=city,
                subject=event_id,
                public=True,
            )
        self._mail_status(event, registration, status["status"], status["position"])
        if status["status"] == "waitlisted":
            # A place freed between our fill and our notice: the promotion is ours to tell.
            seats = self._seats(event)
            if str(registration.id) in seats:
                self._announce_promotion(event, str(registration.id))
            status = self._status(event, registration, seats)
        return status

    @rpc
    def my_registration(self, city: str, event_id: str) -> dict[str, Any]:
        user_id = self.caller.require_authenticated()
        event = self._event(city, event_id)
        registration = Registration.scoped(city, event_id=event_id, account_id=user_id).first()
        if registration is None:
            raise NotFound("You are not registered for this closing event.")
        return self._status(event, registration)

    @rpc
    def cancel_registration(self, city: str, event_id: str) -> dict[str, Any]:
        user_id = self.caller.require_authenticated()
        event = self._event(city, event_id)
        registration = Registration.scoped(city, event_id=event_id, account_id=user_id).first()
        if registration is None:
            return {"cancelled": False}  # nothing (or no longer anything) to cancel
        self._cancel_registration(event, registration)
        return {"cancelled": True}

    def _cancel_registration(self, event: ClosingEvent, registration: Registration) -> None:
        """Free the place (the waiting list moves up) and state it; also on account deletion."""
        city, event_id, registration_id = event.city, str(event.id), str(registration.id)
        was = self._status(event, registration)["status"]
        gone = Registration.scoped(city, id=registration.id).delete()
        Seat.scoped(city, event_id=event_id, registration_id=registration_id).delete()
        Notice.scoped(city, registration_id=registration_id).delete()
        if gone:  # a repeat (redelivered fact, retried request) states nothing twice
            self.outbox.add(
                "registration",
                "cancelled",
                {"event_id": event_id, "registration_id": registration_id, "was": was},
                city=city,
                subject=event_id,
                public=True,
            )
        if event.status == "published":
            self._fill(event)

    @rpc
    def registrations(self, city: str, event_id: str) -> list[dict[str, Any]]:
        """The organisers' list: display names and needs, never e-mail addresses."""
        self._organiser(city)
        event = self._event(city, event_id)
        seats = self._seats(event)
        answer, position = [], 0
        for registration in self._queue(event):
            registration_id = str(registration.id)
            seated = registration_id in seats
            position += 0 if seated else 1
            answer.append(
                {
                    "registration_id": registration_id,
                    "display_name": registration.display_name,
                    "needs": registration.needs,
                    "status": "confirmed" if seated else "waitlisted",
                    "seat": seats.get(registration_id),
                    "position": None if seated else position,
                    "registered_at": _iso(registration.created_at),
                }
            )
        return answer
