"""Table talks and scenario conversations: create, list, read, change, cancel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.dialogue import mails
from services.dialogue.calendar import talk_ics
from services.dialogue.handlers.base import MODERATORS, DialogueBase, _aware, _iso, _now
from services.dialogue.handlers.search import index_talk
from services.dialogue.models import Documentation, Registration, Seat, Talk, Topic
from services.dialogue.rules import (
    TABLE_TALK,
    WORKING_GROUP_ROLES,
    kind_to_create,
    prepare_days,
    talk_matches,
    time_errors,
    timing,
)
from services.dialogue.schemas import CancelTalkSchema, TalkFilterSchema, TalkSchema
from services.kit.errors import Conflict, Invalid
from services.kit.rpc import rpc
from services.kit.schemas import load

# Changes a guest has to hear of.
NOTIFY_FIELDS = ("title", "starts_at", "ends_at", "format", "address", "district", "link")


class TalkHandlers(DialogueBase):
    def _seat_counts(self, city: str) -> tuple[dict[str, int], dict[str, int]]:
        """Per talk: seats taken and registrations (waiting = registrations - seats)."""
        group = [{"$group": {"_id": "$talk_id", "n": {"$sum": 1}}}]
        seats = {r["_id"]: int(r["n"]) for r in Seat.scoped(city).aggregate(group)}
        regs = {r["_id"]: int(r["n"]) for r in Registration.scoped(city).aggregate(group)}
        return seats, regs

    def _talk_view(
        self,
        talk: Talk,
        taken: int,
        registered: int,
        details: bool | None = None,
        topics: dict[str, Topic] | None = None,
    ) -> dict[str, Any]:
        talk_id = str(talk.id)
        if details is None:
            details = self._may_see_place(talk)
        topic = (topics or {}).get(talk.topic_id) if topics is not None else None
        if topics is None and talk.topic_id:
            topic = self._topic(talk.city, talk.topic_id)
        view = {
            "id": talk_id,
            "city": talk.city,
            "kind": talk.kind,
            "title": talk.title,
            "topic_id": talk.topic_id,
            "topic_title": topic.title if topic else None,
            "description": talk.description,
            "format": talk.format,
            "district": talk.district,
            "address": talk.address if details else None,
            "link": talk.link if details else None,
            "starts_at": _iso(talk.starts_at),
            "ends_at": _iso(talk.ends_at),
            "capacity": talk.capacity,
            "seats_taken": taken,
            "free_seats": max(talk.capacity - taken, 0),
            "waiting": max(registered - taken, 0),
            "access": talk.access,
            "language": talk.language,
            "accessibility": talk.accessibility,
            "host_name": talk.host_name,
            "is_host": self.caller.user_id is not None and talk.host_id == self.caller.user_id,
            "status": talk.status,
            # upcoming / running / ended: pages show "läuft gerade" and offer joining only
            # while upcoming (what ``_check_joinable`` enforces).
            "timing": timing(_aware(talk.starts_at), _aware(talk.ends_at), _now()),
            "cancel_reason": talk.cancel_reason,
            "sequence": talk.sequence,
        }
        return view

    def _may_see_place(self, talk: Talk) -> bool:
        user_id = self.caller.user_id
        if user_id is None:
            return False
        if talk.host_id == user_id or self.caller.has_role(talk.city, *MODERATORS):
            return True
        # Only a confirmed place shows where the talk is: the waiting list sees it once it
        # moves up (the mail then carries the place too).
        person = f"account:{user_id}"
        registration = Registration.scoped(talk.city, talk_id=str(talk.id), person=person).first()
        if registration is None:
            return False
        seat = Seat.scoped(talk.city, talk_id=str(talk.id), registration_id=str(registration.id))
        return seat.first() is not None

    def _one_talk_view(self, talk: Talk, details: bool | None = None) -> dict[str, Any]:
        taken = Seat.scoped(talk.city, talk_id=str(talk.id)).count()
        registered = Registration.scoped(talk.city, talk_id=str(talk.id)).count()
        view = self._talk_view(talk, taken, registered, details=details)
        view["documented"] = (
            Documentation.scoped(talk.city, talk_id=str(talk.id)).first() is not None
        )
        return view

    def _topic_errors(self, city: str, kind: str, topic_id: str | None) -> dict[str, list[str]]:
        if topic_id is None:
            if kind == TABLE_TALK:
                return {"topic_id": ["Missing data for required field."]}
            return {}
        topic = self._topic(city, topic_id)
        if topic is None or topic.hidden:
            return {"topic_id": ["No topic with this id in this city."]}
        return {}

    @staticmethod
    def _time_errors(values: dict[str, Any]) -> dict[str, list[str]]:
        """The time rules on what loaded (nothing to say while a time is missing)."""
        if values.get("starts_at") is None or values.get("ends_at") is None:
            return {}
        return time_errors(values["starts_at"], values["ends_at"], _now())

    @rpc
    def create_talk(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user_id = self.caller.require_authenticated()
        state = self._state(city)
        in_group = self.caller.has_role(city, *WORKING_GROUP_ROLES)
        kind = kind_to_create(state, in_group, _now(), prepare_days())
        # Every error at once: the schema's, the time rules' and the topic's (issue 17).
        values = load(
            TalkSchema(),
            data,
            self._time_errors,
            lambda loaded: self._topic_errors(city, kind, loaded.get("topic_id")),
            lambda loaded: self._district_errors(city, loaded.get("district")),
        )
        values["district"] = self._district(city, values.get("district"))
        account = self._account(user_id) or {}
        talk = Talk(
            city=city,
            kind=kind,
            host_id=user_id,
            host_name=account.get("display_name") or "—",
            **values,
        ).save()
        index_talk(talk)
        self._auto_follow(city, "talk", str(talk.id), user_id)  # hosts hear of changes by others
        self.outbox.add(
            "talk",
            "created",
            {
                "talk_id": str(talk.id),
                "kind": kind,
                "topic_id": talk.topic_id,
                "format": talk.format,
                "district": talk.district,
                "capacity": talk.capacity,
                "access": talk.access,
                "starts_at": _iso(talk.starts_at),
                "ends_at": _iso(talk.ends_at),
            },
            city=city,
            subject=str(talk.id),
            public=True,
        )
        return self._one_talk_view(talk, details=True)

    @rpc
    def list_talks(self, city: str, filters: dict[str, Any] | None = None) -> list[dict]:
        """Talks not yet over (running ones too), soonest first; with ``past`` only the ended
        ones, the latest first."""
        self._state(city)
        wanted = load(TalkFilterSchema(), filters or {})
        seats, regs = self._seat_counts(city)
        topics = {str(t.id): t for t in Topic.scoped(city)}
        found = []
        now = _now()
        if wanted["past"]:
            talks = Talk.scoped(city, status="scheduled", ends_at__lte=now).order_by("-starts_at")
        else:
            talks = Talk.scoped(city, status="scheduled", ends_at__gt=now).order_by("starts_at")
        for talk in talks:
            taken = seats.get(str(talk.id), 0)
            view = self._talk_view(
                talk, taken, regs.get(str(talk.id), 0), details=False, topics=topics
            )
            row = {**view, "starts_at": _aware(talk.starts_at)}
            if talk_matches(row, view["free_seats"], wanted):
                found.append(view)
        return found

    @rpc
    def get_talk(self, city: str, talk_id: str, mine: bool = False) -> dict[str, Any]:
        """The talk; with ``mine`` (the talk page) also what the page shows of the caller:
        the own registration as ``my_registration`` (what ``my_registration`` answers; not for
        the host), whether they follow the talk (``my_following``) and their unread
        notifications for the header (``my_unread``), so a page needs one call, not three."""
        talk = self._talk(city, talk_id)
        user_id = self.caller.user_id
        if not mine or user_id is None:
            return self._one_talk_view(talk)
        if talk.host_id == user_id:
            view = self._one_talk_view(talk)
        else:
            view = self._my_talk_view(talk, user_id)
        view["my_following"] = self._is_following(user_id, city, "talk", talk_id)
        view["my_unread"] = self._unread(user_id)
        return view

    def _my_talk_view(self, talk: Talk, user_id: str) -> dict[str, Any]:
        city, talk_id = talk.city, str(talk.id)
        reg = Registration.scoped(city, talk_id=talk_id, person=f"account:{user_id}").first()
        # The place is shown to the registered and to moderators (as ``_may_see_place``).
        details = reg is not None or self.caller.has_role(city, *MODERATORS)
        view = self._one_talk_view(talk, details=details)
        view["my_registration"] = (
            self._registration_view(reg)
            if reg is not None
            else {"registration_id": None, "talk_id": talk_id, "status": "none"}
        )
        return view

    def _talk_input(self, talk: Talk) -> dict[str, Any]:
        """The stored talk as the create body had it, so an update re-validates the whole."""
        return {
            "title": talk.title,
            "topic_id": talk.topic_id,
            "description": talk.description,
            "format": talk.format,
            "address": talk.address,
            "district": talk.district,
            "link": talk.link,
            "starts_at": _iso(talk.starts_at),
            "ends_at": _iso(talk.ends_at),
            "capacity": talk.capacity,
            "access": talk.access,
            "language": talk.language,
            "accessibility": talk.accessibility,
        }

    @rpc
    def update_talk(self, city: str, talk_id: str, data: dict[str, Any]) -> dict[str, Any]:
        talk = self._talk(city, talk_id)
        self._require_host(talk)
        if talk.status != "scheduled":
            raise Conflict("The talk was cancelled.", {"talk": ["The talk was cancelled."]})
        if not isinstance(data, dict):
            raise Invalid("The request body must be a JSON object.")
        before = self._talk_input(talk)
        merged = {k: v for k, v in {**before, **data}.items() if v is not None}
        values = load(
            TalkSchema(),
            merged,
            # A talk moved must start ahead of now; the start of a running talk may stay as it
            # is (the edit form sends every field).
            lambda loaded: (
                self._time_errors(loaded)
                if loaded.get("starts_at") is not None
                and _iso(loaded["starts_at"]) != before["starts_at"]
                else {}
            ),
            lambda loaded: (
                self._topic_errors(city, talk.kind, loaded.get("topic_id"))
                if loaded.get("topic_id") != talk.topic_id
                else {}
            ),
            # A district chosen before the city's districts were replaced may stay.
            lambda loaded: (
                self._district_errors(city, loaded.get("district"))
                if loaded.get("district") != talk.district
                else {}
            ),
        )
        if values.get("district") != talk.district:
            values["district"] = self._district(city, values.get("district"))
        for name in TalkSchema().fields:
            values.setdefault(name, None)
        old_capacity = talk.capacity
        changed = [
            name
            for name, value in values.items()
            if (_iso(value) if isinstance(value, datetime) else value) != before.get(name)
        ]
        if not changed:
            return self._one_talk_view(talk, details=True)
        notify = [name for name in changed if name in NOTIFY_FIELDS]
        for name in changed:
            setattr(talk, name, values[name])
        talk.updated_at = _now()
        if notify:
            talk.sequence = (talk.sequence or 0) + 1
        talk.save()
        index_talk(talk)
        if values["capacity"] < old_capacity:
            self._check_lowered_capacity(talk, old_capacity)
        self.outbox.add(
            "talk",
            "changed",
            {"talk_id": talk_id, "changed": sorted(changed)},
            city=city,
            subject=talk_id,
            public=True,
        )
        self._note_news(city, "talk_changed", "talk", talk_id, talk.title)
        if values["capacity"] > old_capacity:
            self._settle(talk, own=None)
        if notify:
            view = self._one_talk_view(talk, details=True)
            ics = talk_ics(view, self.settings.public_base_url)
            for reg in Registration.scoped(city, talk_id=talk_id):
                self._mail_person(
                    reg, lambda name, v=view: mails.changed(v, name, notify), ics, leave=True
                )
        return self._one_talk_view(talk, details=True)

    def _check_lowered_capacity(self, talk: Talk, old_capacity: int) -> None:
        """After writing a lower capacity: a seat above it means someone holds it; undo.

        The settler checks the capacity after its insert, we check the seats after our
        write: at least one of us sees the other (see services.kit.seating)."""
        above = Seat.scoped(talk.city, talk_id=str(talk.id), number__gt=talk.capacity).first()
        if above is not None:
            talk.capacity = old_capacity
            talk.save()
            message = "Seats above this capacity are taken; it can only be lowered to free seats."
            raise Conflict(message, {"capacity": [message]})

    @rpc
    def cancel_talk(self, city: str, talk_id: str, data: dict[str, Any]) -> dict[str, Any]:
        talk = self._talk(city, talk_id)
        self._require_host(talk, "city_admin")
        reason = load(CancelTalkSchema(), data)["reason"]
        if talk.status == "cancelled":
            return self._one_talk_view(talk, details=True)
        return self._cancel_talk(talk, reason)

    def _cancel_talk(self, talk: Talk, reason: str) -> dict[str, Any]:
        """Cancel, state it and mail everyone registered (also when the host's account is
        deleted)."""
        city, talk_id = talk.city, str(talk.id)
        talk.status, talk.cancel_reason = "cancelled", reason
        talk.sequence = (talk.sequence or 0) + 1
        talk.updated_at = _now()
        view = self._one_talk_view(talk, details=True)
        ics = talk_ics(view, self.settings.public_base_url, cancelled=True)
        # Mails before the cancellation is stored: a crash in between repeats them on the
        # retry (a request repeated, a fact redelivered) rather than losing them.
        for reg in Registration.scoped(city, talk_id=talk_id):
            self._mail_person(reg, lambda name: mails.cancelled(view, name, reason), ics)
        talk.save()
        index_talk(talk)  # dropped: a cancelled talk is no longer offered
        self.outbox.add(
            "talk", "cancelled", {"talk_id": talk_id}, city=city, subject=talk_id, public=True
        )
        self._note_news(city, "talk_cancelled", "talk", talk_id, talk.title)
        return view
