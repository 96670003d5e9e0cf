"""Closing events: an organiser creates, changes, publishes and cancels them; everyone lists
the published ones."""

from __future__ import annotations

from typing import Any

from services.events import mails
from services.events.handlers.base import ORGANISERS, PREPARING, EventsBase, _aware, _iso, _now
from services.events.models import ClosingEvent
from services.events.schemas import CancelSchema, ClosingEventSchema
from services.kit.errors import Conflict
from services.kit.rpc import rpc
from services.kit.schemas import load


class ClosingEventHandlers(EventsBase):
    """Create, change, publish, cancel and list closing events."""

    @rpc
    def create_closing_event(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        self._organiser(city)
        values = load(ClosingEventSchema(), data)
        self.city_state.require_phase(city, *PREPARING)
        event = ClosingEvent(city=city, created_by=self.caller.user_id)
        self._apply(event, values)
        event.save()
        return self._event_view(event, organiser=True)

    @rpc
    def update_closing_event(
        self, city: str, event_id: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        self._organiser(city)
        event = self._event(city, event_id)
        values = load(ClosingEventSchema(), data)
        self.city_state.require_phase(city, *PREPARING)
        if event.status == "cancelled":
            raise Conflict(
                "The closing event is cancelled.", {"status": ["The closing event is cancelled."]}
            )
        highest = max(self._seats(event).values(), default=0)
        if values["capacity"] < highest:
            message = "Places up to number {highest} are taken; the capacity cannot be lower."
            raise Conflict(
                message.format(highest=highest), {"capacity": [message.format(highest=highest)]}
            )
        before = self._event_view(event, organiser=True)
        self._apply(event, values)
        event.updated_at = _now()
        event.save()
        # Compared as stored: a time sent with another offset or more precision than the
        # database keeps is the same time, not a change.
        event.reload()
        after = self._event_view(event, organiser=True)
        compared = ("title", "starts_at", "ends_at", "venue", "partners", "agenda", "accessibility")
        changed = sorted(
            [key for key in compared if before[key] != after[key]]
            + (["capacity"] if before["registration"]["capacity"] != event.capacity else [])
        )
        if event.status == "published" and changed:
            self.outbox.add(
                "closing_event",
                "changed",
                {
                    "event_id": str(event.id),
                    "changed": changed,
                    "starts_at": after["starts_at"],
                    "ends_at": after["ends_at"],
                    "capacity": event.capacity,
                },
                city=city,
                subject=str(event.id),
                public=True,
            )
            if {"starts_at", "venue"} & set(changed):
                self._mail_registrants(
                    event,
                    *mails.changed(
                        event.title, _aware(event.starts_at), event.venue.name, self._link(event)
                    ),
                )
            if "capacity" in changed:
                self._fill(event)  # more places: the waiting list moves up
        return self._event_view(event, organiser=True)

    @rpc
    def publish_closing_event(self, city: str, event_id: str) -> dict[str, Any]:
        self._organiser(city)
        event = self._event(city, event_id)
        self.city_state.require_phase(city, *PREPARING)
        if event.status == "cancelled":
            raise Conflict(
                "The closing event is cancelled.", {"status": ["The closing event is cancelled."]}
            )
        if event.status == "draft":
            event.status = "published"
            event.published_at = _now()
            event.save()
            self.outbox.add(
                "closing_event",
                "published",
                {
                    "event_id": str(event.id),
                    "title": event.title,
                    "starts_at": _iso(event.starts_at),
                    "ends_at": _iso(event.ends_at),
                    "district": event.venue.district or None,
                    "capacity": event.capacity,
                    "partners": len(event.partners),
                },
                city=city,
                subject=str(event.id),
                public=True,
            )
        return self._event_view(event, organiser=True)

    @rpc
    def cancel_closing_event(
        self, city: str, event_id: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        self._organiser(city)
        event = self._event(city, event_id)
        reason = load(CancelSchema(), data)["reason"]
        if event.status != "cancelled":
            was_published = event.status == "published"
            event.status = "cancelled"
            event.cancel_reason = reason
            event.updated_at = _now()
            event.save()
            if was_published:
                self.outbox.add(
                    "closing_event",
                    "cancelled",
                    {"event_id": str(event.id)},
                    city=city,
                    subject=str(event.id),
                    public=True,
                )
                self._mail_registrants(
                    event,
                    *mails.cancelled(
                        event.title, _aware(event.starts_at), reason, self._link(event)
                    ),
                )
        return self._event_view(event, organiser=True)

    @rpc
    def list_closing_events(self, city: str) -> list[dict[str, Any]]:
        self.city_state.state(city)
        organiser = self.caller.has_role(city, *ORGANISERS) if self.caller.user_id else False
        events = ClosingEvent.scoped(city).order_by("starts_at")
        return [self._event_view(e, organiser) for e in events if organiser or e.status != "draft"]

    @rpc
    def closing_event(self, city: str, event_id: str) -> dict[str, Any]:
        self.city_state.state(city)
        event = self._event(city, event_id)
        return self._event_view(event, self.caller.has_role(city, *ORGANISERS))
