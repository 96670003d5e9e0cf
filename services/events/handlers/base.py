"""What every events handler shares: the dependencies it reads, the closing event helpers and
the calls that cross aggregates (declared here so each mixin's needs are visible)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from bson import ObjectId
from nameko.rpc import ServiceProxy

from services.events.calendar import closing_event_ics, event_url
from services.events.facts import Fact
from services.events.models import (
    Accessibility,
    AgendaItem,
    ClosingEvent,
    Partner,
    Registration,
    Seat,
    Venue,
)
from services.events.results import Titles
from services.kit.city_state import CityStateView
from services.kit.config import load_settings
from services.kit.context import Caller
from services.kit.errors import NotFound
from services.kit.mail import Attachment, MailWriter
from services.kit.outbox import OutboxWriter

ORGANISERS = ("city_admin", "partner")
CLOSING = "closing"
# Closing events are drafted, announced and open for registration from the table talks on.
PREPARING = ("table_talks", CLOSING)
# Next steps of project ideas are tracked for years: after archiving too (city admins then).
FOLLOW_UP = (CLOSING, "archived")


def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return _aware(value).astimezone(UTC).isoformat()  # one spelling per instant
    return value.isoformat()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _now() -> datetime:
    return datetime.now(UTC)


def _object_id(value: Any) -> bool:
    return isinstance(value, str) and ObjectId.is_valid(value)


def _day(value: Any) -> date | None:
    """Dates come back from the database as datetimes (BSON has no date type)."""
    if isinstance(value, datetime):
        return value.date()
    return value


class EventsBase:
    """The dependencies ``EventsService`` provides (annotations only: the providers live on the
    composed class) and the helpers of more than one aggregate."""

    outbox: OutboxWriter
    mail: MailWriter
    caller: Caller
    city_state: CityStateView
    identity: ServiceProxy
    cities: ServiceProxy
    dialogue: ServiceProxy

    def _record_admin_act(
        self, city: str, act: str, target_id: str, title: str | None, reason: str | None = None
    ) -> None:
        """A moderation decision or publication for the city's audit log (kept by the cities
        service, which names the actor): an internal fact, written with the change."""
        self.outbox.add(
            "admin_act",
            "recorded",
            {
                "act": act,
                "by": self.caller.user_id,
                "target_id": target_id,
                "title": (title or "")[:500] or None,
                "reason": reason,
            },
            city=city,
            subject=target_id,
        )

    def _organiser(self, city: str) -> None:
        self.caller.require_authenticated()
        self.city_state.state(city)  # NotFound for an unknown city
        self.caller.require_role(city, *ORGANISERS)

    def _event(self, city: str, event_id: str) -> ClosingEvent:
        event = ClosingEvent.scoped(city, id=event_id).first() if _object_id(event_id) else None
        if event is None or (
            event.status == "draft" and not self.caller.has_role(city, *ORGANISERS)
        ):
            raise NotFound("Closing event not found.")
        return event

    def _seats(self, event: ClosingEvent) -> dict[str, int]:
        """registration id -> seat number."""
        return {
            s.registration_id: s.number for s in Seat.scoped(event.city, event_id=str(event.id))
        }

    def _queue(self, event: ClosingEvent) -> list[Registration]:
        return list(
            Registration.scoped(event.city, event_id=str(event.id)).order_by("arrival", "id")
        )

    def _event_view(self, event: ClosingEvent, organiser: bool) -> dict[str, Any]:
        registrations = Registration.scoped(event.city, event_id=str(event.id)).count()
        # A cancelled event has no places and nobody waiting: its registrations lapsed.
        seats = self._seats(event) if event.status != "cancelled" else {}
        held = len(seats) if event.status != "cancelled" else registrations
        view = {
            "id": str(event.id),
            "city": event.city,
            "title": event.title,
            "description": event.description,
            "starts_at": _iso(event.starts_at),
            "ends_at": _iso(event.ends_at),
            "venue": {
                "name": event.venue.name,
                "address": event.venue.address or "",
                "district": event.venue.district or "",
                "online_url": event.venue.online_url,
                "directions": event.venue.directions or "",
            },
            "partners": [
                {"name": p.name, "kind": p.kind, "role": p.role or ""} for p in event.partners
            ],
            "agenda": [
                {
                    "time": a.time,
                    "title": a.title,
                    "description": a.description or "",
                    "speakers": a.speakers or "",
                }
                for a in event.agenda
            ],
            "accessibility": {
                "step_free": event.accessibility.step_free,
                "hearing_loop": event.accessibility.hearing_loop,
                "sign_language": event.accessibility.sign_language,
                "easy_language": event.accessibility.easy_language,
                "childcare": event.accessibility.childcare,
                "notes": event.accessibility.notes or "",
            },
            "registration": {
                "capacity": event.capacity,
                "confirmed": len(seats),
                "free": max(event.capacity - held, 0) if event.status != "cancelled" else 0,
                "waiting": max(registrations - held, 0),
                "lapsed": registrations if event.status == "cancelled" else 0,
                "opens_at": _iso(event.registration_opens_at),
                "opens_later": event.registration_opens_at is not None
                and _now() < _aware(event.registration_opens_at),
                "closes_at": _iso(event.registration_closes_at),
                "open": self._registration_open(event),
            },
            "status": event.status,
            "cancel_reason": event.cancel_reason,
            "published_at": _iso(event.published_at),
        }
        if organiser:
            view["created_at"] = _iso(event.created_at)
            view["updated_at"] = _iso(event.updated_at)
        return view

    @staticmethod
    def _registration_open(event: ClosingEvent) -> bool:
        closes = event.registration_closes_at or event.starts_at
        opens = event.registration_opens_at
        now = _now()
        started = opens is None or _aware(opens) <= now
        return event.status == "published" and started and now < _aware(closes)

    @staticmethod
    def _apply(event: ClosingEvent, values: dict[str, Any]) -> None:
        event.title = values["title"]
        event.description = values["description"]
        event.starts_at = values["starts_at"]
        event.ends_at = values["ends_at"]
        event.venue = Venue(**values["venue"])
        event.partners = [Partner(**p) for p in values["partners"]]
        event.agenda = [AgendaItem(**a) for a in values["agenda"]]
        event.accessibility = Accessibility(**values["accessibility"])
        event.capacity = values["capacity"]
        event.registration_opens_at = values["registration_opens_at"]
        event.registration_closes_at = values["registration_closes_at"]

    def _mail_registrants(self, event: ClosingEvent, subject: str, body: str) -> None:
        attachments = self._calendar_file(event)
        for registration in self._queue(event):
            try:
                summary = self.identity.account_summary(registration.account_id)
            except NotFound:
                continue  # the account was deleted meanwhile: nobody to tell
            self.mail.send(summary["email"], subject, body, attachments)

    @staticmethod
    def _link(event: ClosingEvent) -> str:
        """The event's page, for the mails."""
        return event_url(load_settings().public_base_url, event.city, str(event.id))

    @staticmethod
    def _calendar_file(event: ClosingEvent) -> list[Attachment]:
        """The event's .ics for a mail (a cancelled event's removes the entry)."""
        view = {
            "id": str(event.id),
            "city": event.city,
            "title": event.title,
            "description": event.description,
            "starts_at": _iso(event.starts_at),
            "ends_at": _iso(event.ends_at),
            "venue": {
                "name": event.venue.name,
                "address": event.venue.address or "",
                "online_url": event.venue.online_url,
            },
            "status": event.status,
        }
        ics = closing_event_ics(view, load_settings().public_base_url)
        return [("abschlussveranstaltung.ics", "text/calendar", ics)]

    # ------------------------------------------------------------------ across aggregates
    def _fill(self, event: ClosingEvent) -> Any:
        """Seat the waiting list while places are free (``RegistrationHandlers``; returns the
        kit's ``SettleOutcome``)."""
        raise NotImplementedError

    def _cancel_registration(self, event: ClosingEvent, registration: Registration) -> None:
        """Free a registration's place and move the waiting list up (``RegistrationHandlers``)."""
        raise NotImplementedError

    def _status(self, event: ClosingEvent, registration: Registration) -> dict[str, Any]:
        """Confirmed or waitlisted, with the position (``RegistrationHandlers``)."""
        raise NotImplementedError

    def _facts(self, city: str) -> Iterator[Fact]:
        """The kept public facts of a city (``ResultFactHandlers``)."""
        raise NotImplementedError

    def _titles(self, city: str) -> Titles:
        """Topic and idea titles from the dialogue service (``ResultFactHandlers``)."""
        raise NotImplementedError
