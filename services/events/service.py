"""Events service: closing events with registrations, the results of a city's dialogue, next
steps for project ideas, and the read model behind the results (built from public facts)."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, date, datetime
from typing import Any

import eventlet
from bson import ObjectId
from kombu import Queue, binding
from mongoengine.errors import NotUniqueError
from nameko.rpc import RpcProxy

from services.events import mails
from services.events.models import (
    MODELS,
    Accessibility,
    AgendaItem,
    ClosingEvent,
    NextStep,
    Notice,
    Partner,
    Registration,
    ResultFact,
    Seat,
    Venue,
)
from services.events.results import (
    Titles,
    city_results,
    cohort_results,
    counts,
    fact_from_row,
    visible_ideas,
)
from services.events.schemas import (
    CancelSchema,
    ClosingEventSchema,
    NextStepChangeSchema,
    NextStepSchema,
    RegistrationSchema,
)
from services.kit.city_state import CityState, CityStateListener, CityStateView
from services.kit.context import Caller, CallerProvider
from services.kit.db import ServiceDatabase
from services.kit.errors import Conflict, Invalid, NotFound
from services.kit.mail import Mailer
from services.kit.messaging import consume
from services.kit.operations import OperationsMixin
from services.kit.outbox import Outbox, public_exchange
from services.kit.purge import PurgeMixin
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.kit.tenancy import is_slug

log = logging.getLogger(__name__)

SERVICE = "events"
# How long the results wait for the dialogue service's titles before going on without them.
TITLES_TIMEOUT = 3.0
ORGANISERS = ("city_admin", "partner")
CLOSING = "closing"

# The public facts the results read model is built from (``results.HANDLERS`` picks).
RESULTS_QUEUE = Queue(
    "events.results",
    bindings=[
        binding(public_exchange(), routing_key=f"*.{service}.#")
        for service in ("dialogue", "scenarios")
    ],
    durable=True,
    auto_delete=False,
)


def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
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


class EventsService(CityStateListener, OperationsMixin, PurgeMixin):
    name = SERVICE

    db = ServiceDatabase(SERVICE, models=MODELS)
    outbox = Outbox(SERVICE)
    mail = Mailer(SERVICE)
    caller: Caller = CallerProvider()
    city_state: CityStateView = CityState()
    identity = RpcProxy("identity")
    cities = RpcProxy("cities")
    dialogue = RpcProxy("dialogue")

    # ------------------------------------------------------------------ helpers
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
        seats = self._seats(event)
        registrations = Registration.scoped(event.city, event_id=str(event.id)).count()
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
                "free": max(event.capacity - len(seats), 0),
                "waiting": max(registrations - len(seats), 0),
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
        return event.status == "published" and _now() < _aware(closes)

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
        event.registration_closes_at = values["registration_closes_at"]

    def _mail_registrants(self, event: ClosingEvent, subject: str, body: str) -> None:
        for registration in self._queue(event):
            try:
                summary = self.identity.account_summary(registration.account_id)
            except NotFound:
                continue  # the account was deleted meanwhile: nobody to tell
            self.mail.send(summary["email"], subject, body)

    # ------------------------------------------------------------------ closing events
    @rpc
    def create_closing_event(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        self._organiser(city)
        values = load(ClosingEventSchema(), data)
        self.city_state.require_phase(city, CLOSING)
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
        self.city_state.require_phase(city, CLOSING)
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
                    event, *mails.changed(event.title, _aware(event.starts_at), event.venue.name)
                )
            if "capacity" in changed:
                self._fill(event)  # more places: the waiting list moves up
        return self._event_view(event, organiser=True)

    @rpc
    def publish_closing_event(self, city: str, event_id: str) -> dict[str, Any]:
        self._organiser(city)
        event = self._event(city, event_id)
        self.city_state.require_phase(city, CLOSING)
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
                    event, *mails.cancelled(event.title, _aware(event.starts_at), reason)
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

    # ------------------------------------------------------------------ registrations
    def _fill(self, event: ClosingEvent) -> list[str]:
        """Seat waiting registrations in arrival order while places are free.

        Each claim is an insert against two unique indexes (number; registration), so
        concurrent fillers can never exceed the capacity nor seat anyone twice. Returns the
        registration ids this call seated.
        """
        event_id = str(event.id)
        seats = self._seats(event)
        free = [n for n in range(1, event.capacity + 1) if n not in set(seats.values())]
        seated: list[str] = []
        for registration in self._queue(event):
            if not free:
                break
            registration_id = str(registration.id)
            if registration_id in seats:
                continue
            while free:
                number = free.pop(0)
                try:
                    Seat(
                        city=event.city,
                        event_id=event_id,
                        number=number,
                        registration_id=registration_id,
                    ).save(force_insert=True)
                except NotUniqueError:
                    if Seat.scoped(
                        event.city, event_id=event_id, registration_id=registration_id
                    ).first():
                        break  # another worker seated this registration
                    continue  # the number was taken meanwhile: try the next one
                if Registration.scoped(event.city, id=registration_id).first() is None:
                    # Cancelled while we seated it: give the place back.
                    Seat.scoped(
                        event.city, event_id=event_id, registration_id=registration_id
                    ).delete()
                    free.insert(0, number)
                    break
                seated.append(registration_id)
                break
        for registration_id in seated:
            self._announce_promotion(event, registration_id)
        return seated

    def _announce_promotion(self, event: ClosingEvent, registration_id: str) -> None:
        """Tell a seated registration that was told "waiting list" that it moved up (once)."""
        told = Notice.scoped(event.city, registration_id=registration_id, kind="entered").first()
        if told is None or told.value != "waitlisted":
            return
        try:
            Notice(
                city=event.city,
                registration_id=registration_id,
                event_id=str(event.id),
                kind="promoted",
                value="promoted",
            ).save(force_insert=True)
        except NotUniqueError:
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
        try:
            summary = self.identity.account_summary(registration.account_id)
        except NotFound:
            return
        venue = event.venue.name
        self.mail.send(
            summary["email"],
            *mails.registration(status, event.title, _aware(event.starts_at), venue, position),
        )

    def _status(self, event: ClosingEvent, registration: Registration) -> dict[str, Any]:
        seats = self._seats(event)
        registration_id = str(registration.id)
        if registration_id in seats:
            return {"registration_id": registration_id, "status": "confirmed", "position": None}
        waiting = [str(r.id) for r in self._queue(event) if str(r.id) not in seats]
        position = waiting.index(registration_id) + 1 if registration_id in waiting else None
        return {"registration_id": registration_id, "status": "waitlisted", "position": position}

    @rpc
    def register(self, city: str, event_id: str, data: dict[str, Any]) -> dict[str, Any]:
        user_id = self.caller.require_authenticated()
        values = load(RegistrationSchema(), data)
        event = self._event(city, event_id)
        self.city_state.require_phase(city, CLOSING)
        existing = Registration.scoped(city, event_id=event_id, account_id=user_id).first()
        if existing is not None:
            return self._status(event, existing)  # a retried request: the same answer
        if not self._registration_open(event):
            message = "Registration for this closing event is closed."
            raise Conflict(message, {"event": [message]})
        summary = self.identity.account_summary(user_id)
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
        self._fill(event)
        status = self._status(event, registration)
        try:
            Notice(
                city=city,
                registration_id=str(registration.id),
                event_id=event_id,
                kind="entered",
                value=status["status"],
            ).save(force_insert=True)
        except NotUniqueError:
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
            if str(registration.id) in self._seats(event):
                self._announce_promotion(event, str(registration.id))
            status = self._status(event, registration)
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
        registration_id = str(registration.id)
        was = self._status(event, registration)["status"]
        registration.delete()
        Seat.scoped(city, event_id=event_id, registration_id=registration_id).delete()
        Notice.scoped(city, registration_id=registration_id).delete()
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
        return {"cancelled": True}

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

    # ------------------------------------------------------------------ results
    @consume(RESULTS_QUEUE, requeue_on_error=True)
    def keep_fact(self, envelope: dict[str, Any]) -> None:
        """Keep a public fact for the results, once (unique per city and event id)."""
        city = envelope.get("city") if isinstance(envelope, dict) else None
        if not (isinstance(city, str) and is_slug(city) and envelope.get("id")):
            return
        if not counts(str(envelope.get("type"))):
            return
        try:
            ResultFact(
                city=city,
                event_id=str(envelope["id"]),
                type=str(envelope["type"]),
                time=str(envelope.get("time") or ""),
                subject=envelope.get("subject"),
                data=json.dumps(envelope.get("data") or {}),
            ).save(force_insert=True)
        except NotUniqueError:
            pass  # delivered again: kept once

    def _facts(self, city: str):  # noqa: ANN202 - a generator of results.Fact
        for row in ResultFact.scoped(city):
            yield fact_from_row(row.event_id, row.type, row.time, row.subject, row.data)

    def _titles(self, city: str) -> Titles:
        """Topic and idea titles (public facts carry ids only): asked, never required."""
        topics, ideas = {}, {}
        try:
            with eventlet.Timeout(TITLES_TIMEOUT):
                topic_call = self.dialogue.list_topics.call_async(city)
                idea_call = self.dialogue.list_ideas.call_async(city)
                topics = {t["id"]: t["title"] for t in topic_call.result()}
                ideas = {i["id"]: i["title"] for i in idea_call.result()}
        except (Exception, eventlet.Timeout) as exc:  # noqa: BLE001 - titles are a courtesy
            log.info("results of %s without titles: %r", city, exc)
        return Titles(topics=topics, ideas=ideas)

    def _closing_numbers(self, city: str) -> dict[str, Any]:
        events = [e for e in ClosingEvent.scoped(city) if e.status == "published"]
        ids = [str(e.id) for e in events]
        confirmed = Seat.scoped(city, event_id__in=ids).count() if ids else 0
        registered = Registration.scoped(city, event_id__in=ids).count() if ids else 0
        steps = {status: 0 for status in ("planned", "in_progress", "done", "dropped")}
        ideas_with_steps: set[str] = set()
        for step in NextStep.scoped(city):
            steps[step.status] += 1
            ideas_with_steps.add(step.idea_id)
        return {
            "events": len(events),
            "capacity": sum(e.capacity for e in events),
            "confirmed": confirmed,
            "waiting": max(registered - confirmed, 0),
            "next_steps": steps,
            "ideas_with_next_steps": len(ideas_with_steps),
        }

    def _city_results(self, city: str, state: dict[str, Any]) -> dict[str, Any]:
        return {
            "city": city,
            "name": state.get("name"),
            "phase": state.get("phase"),
            "generated_at": _iso(_now()),
            **city_results(self._facts(city), self._titles(city)),
            "closing": self._closing_numbers(city),
        }

    @rpc
    def results(self, city: str) -> dict[str, Any]:
        return self._city_results(city, self.city_state.state(city))

    @rpc
    def cohort_results(self, year: int) -> dict[str, Any]:
        if not isinstance(year, int) or isinstance(year, bool):
            raise Invalid(fields={"year": ["Not a valid integer."]})
        cohort = self.cities.cohort(year)
        per_city = {
            c["slug"]: self._city_results(c["slug"], {"name": c["name"], "phase": c["phase"]})
            for c in cohort["cities"]
        }
        return {"year": year, "generated_at": _iso(_now()), **cohort_results(per_city)}

    # ------------------------------------------------------------------ next steps
    def _step_view(self, step: NextStep) -> dict[str, Any]:
        return {
            "id": str(step.id),
            "idea_id": step.idea_id,
            "what": step.what,
            "owner_organisation": step.owner_organisation,
            "contact_role": step.contact_role,
            "due_date": _iso(_day(step.due_date)),
            "status": step.status,
            "note": step.note,
            "updated_at": _iso(step.updated_at),
        }

    def _known_idea(self, city: str, idea_id: str) -> dict[str, Any]:
        idea = visible_ideas(self._facts(city)).get(idea_id)
        if idea is None:
            raise NotFound("Project idea not found.")
        return idea

    @rpc
    def add_next_step(self, city: str, idea_id: str, data: dict[str, Any]) -> dict[str, Any]:
        self._organiser(city)
        values = load(NextStepSchema(), data)
        self.city_state.require_phase(city, CLOSING)
        self._known_idea(city, idea_id)
        step = NextStep(city=city, idea_id=idea_id, created_by=self.caller.user_id, **values).save()
        self.outbox.add(
            "next_step",
            "added",
            {
                "idea_id": idea_id,
                "step_id": str(step.id),
                "status": step.status,
                "due_date": _iso(_day(step.due_date)),
            },
            city=city,
            subject=idea_id,
            public=True,
        )
        return self._step_view(step)

    @rpc
    def change_next_step(
        self, city: str, idea_id: str, step_id: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        self._organiser(city)
        values = load(NextStepChangeSchema(), data)
        self.city_state.require_phase(city, CLOSING)
        step = (
            NextStep.scoped(city, id=step_id, idea_id=idea_id).first()
            if _object_id(step_id)
            else None
        )
        if step is None:
            raise NotFound("Next step not found.")
        changed = sorted(k for k, v in values.items() if _day(getattr(step, k)) != v)
        if changed:
            for key in changed:
                setattr(step, key, values[key])
            step.updated_by = self.caller.user_id
            step.updated_at = _now()
            step.save()
            self.outbox.add(
                "next_step",
                "changed",
                {
                    "idea_id": idea_id,
                    "step_id": step_id,
                    "status": step.status,
                    "due_date": _iso(_day(step.due_date)),
                    "changed": changed,
                },
                city=city,
                subject=idea_id,
                public=True,
            )
        return self._step_view(step)

    @rpc
    def next_steps(self, city: str) -> dict[str, Any]:
        """The public overview: what became of each project idea of the city."""
        state = self.city_state.state(city)
        ideas = visible_ideas(self._facts(city), self._titles(city))
        steps: dict[str, list[dict[str, Any]]] = {}
        for step in NextStep.scoped(city).order_by("due_date", "created_at"):
            steps.setdefault(step.idea_id, []).append(self._step_view(step))
        overview = [
            {"idea_id": idea_id, **idea, "next_steps": steps.get(idea_id, [])}
            for idea_id, idea in ideas.items()
        ]
        overview.sort(key=lambda i: (-len(i["next_steps"]), -i["supports"], i["idea_id"]))
        return {"city": city, "name": state.get("name"), "ideas": overview}

    @rpc
    def ping(self) -> str:
        ClosingEvent.scoped("_ping").first()
        return "ok"
