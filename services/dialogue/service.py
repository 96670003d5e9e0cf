"""Dialogue service: topics, table talks, registrations, invitations, documentation, ideas."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from mongoengine.errors import NotUniqueError
from nameko.rpc import RpcProxy
from nameko.timer import timer

from plugins.manager import default_host
from services.dialogue import mails
from services.dialogue.calendar import talk_ics
from services.dialogue.forms import json_schema
from services.dialogue.mailer import AttachmentMailer
from services.dialogue.models import (
    MODELS,
    Announcement,
    Documentation,
    DocumentationDraft,
    Idea,
    IdeaSupport,
    Invitation,
    Registration,
    Report,
    Seat,
    Talk,
    Topic,
)
from services.dialogue.retention import (
    CHECK_EVERY_SECONDS,
    ended_before,
    forgotten_guest,
    retention_days,
)
from services.dialogue.rules import (
    CONVERSATION,
    TABLE_TALK,
    WORKING_GROUP_ROLES,
    idea_status_errors,
    kind_to_create,
    prepare_days,
    require_join_phase,
    talk_matches,
    time_errors,
)
from services.dialogue.schemas import (
    CancelTalkSchema,
    ConversationDocumentationSchema,
    GuestJoinSchema,
    IdeaBaseSchema,
    IdeaSchema,
    IdeaStatusSchema,
    InvitationCreateSchema,
    JoinSchema,
    ReasonSchema,
    TalkDocumentationSchema,
    TalkFilterSchema,
    TalkSchema,
    TokenSchema,
    TopicSchema,
)
from services.dialogue.seating import settle, waiting_position
from services.dialogue.store import DatabaseSeats
from services.kit.city_state import CityState, CityStateListener
from services.kit.config import load_settings
from services.kit.consumer import idempotent
from services.kit.context import Caller, CallerProvider
from services.kit.db import ServiceDatabase
from services.kit.errors import Conflict, Forbidden, Invalid, NotFound, PhaseClosed
from services.kit.messaging import event_handler
from services.kit.operations import OperationsMixin
from services.kit.outbox import Outbox
from services.kit.purge import PurgeMixin
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.kit.tenancy import is_slug
from services.kit.tokens import SignedTokens

SERVICE = "dialogue"
TOPIC_PUBLISHED = "stadtdialog.scenarios.topic.published.v1"
ACCOUNT_DELETED = "stadtdialog.identity.account.deleted.v1"
FORM = "talk_documentation"
IDEA_FORM = "project_idea"
MODERATORS = ("city_admin", "facilitator")
INVITE = "talk-invitation"
GUEST = "talk-guest"
GUEST_CANCEL = "talk-guest-cancel"
INVITATION_TTL = 120 * 24 * 3600
GUEST_TTL = 3 * 24 * 3600
DELETED_NAME = "Gelöschtes Konto"
# Changes a guest has to hear of.
NOTIFY_FIELDS = ("title", "starts_at", "ends_at", "format", "address", "district", "link")


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _iso(value: datetime | None) -> str | None:
    return _aware(value).astimezone(UTC).isoformat() if value is not None else None


def _oid(value: Any) -> bool:
    return isinstance(value, str) and ObjectId.is_valid(value)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """Loaded form values as stored and compared (dates as ISO text)."""
    return json.loads(json.dumps(values, default=str, sort_keys=True))


class DialogueService(CityStateListener, OperationsMixin, PurgeMixin):
    name = SERVICE

    db = ServiceDatabase(SERVICE, models=MODELS)
    outbox = Outbox(SERVICE)
    mail = AttachmentMailer(SERVICE)
    caller: Caller = CallerProvider()
    city_state = CityState(plugin_host=default_host)
    identity = RpcProxy("identity")

    def __init__(self) -> None:
        self.settings = load_settings()
        self.invitations = SignedTokens(self.settings.secret_key, INVITATION_TTL)
        self.guest_tokens = SignedTokens(self.settings.secret_key, GUEST_TTL)

    # ------------------------------------------------------------------ helpers
    def _state(self, city: str) -> dict[str, Any]:
        if not isinstance(city, str) or not is_slug(city):
            raise NotFound("City not found.")
        return self.city_state.state(city)

    def _talk(self, city: str, talk_id: str) -> Talk:
        self._state(city)
        talk = Talk.scoped(city, id=talk_id).first() if _oid(talk_id) else None
        if talk is None:
            raise NotFound("Talk not found.")
        return talk

    def _topic(self, city: str, topic_id: str) -> Topic | None:
        return Topic.scoped(city, id=topic_id).first() if _oid(topic_id) else None

    def _require_host(self, talk: Talk, *also: str) -> str:
        user_id = self.caller.require_authenticated()
        if talk.host_id != user_id and not (also and self.caller.has_role(talk.city, *also)):
            raise Forbidden("Only the host may do this.")
        return user_id

    def _link(self, path: str, token: str) -> str:
        return f"{self.settings.public_base_url}{path}?token={token}"

    def _account(self, account_id: str) -> dict[str, Any] | None:
        try:
            return self.identity.account_summary(account_id)
        except NotFound:
            return None

    # ------------------------------------------------------------------ views
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
        person = f"account:{user_id}"
        return (
            Registration.scoped(talk.city, talk_id=str(talk.id), person=person).first() is not None
        )

    def _one_talk_view(self, talk: Talk, details: bool | None = None) -> dict[str, Any]:
        taken = Seat.scoped(talk.city, talk_id=str(talk.id)).count()
        registered = Registration.scoped(talk.city, talk_id=str(talk.id)).count()
        view = self._talk_view(talk, taken, registered, details=details)
        view["documented"] = (
            Documentation.scoped(talk.city, talk_id=str(talk.id)).first() is not None
        )
        return view

    def _registration_view(self, reg: Registration) -> dict[str, Any]:
        talk_id = reg.talk_id
        seats = {
            s.registration_id: s.number
            for s in Seat.scoped(reg.city, talk_id=talk_id).only("registration_id", "number")
        }
        number = seats.get(str(reg.id))
        position = None
        if number is None:
            arrivals = [
                (r.arrival, str(r.id))
                for r in Registration.scoped(reg.city, talk_id=talk_id).only("arrival", "id")
            ]
            try:
                position = waiting_position(arrivals, set(seats), str(reg.id))
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

    # ------------------------------------------------------------------ topics
    @event_handler("scenarios", TOPIC_PUBLISHED, requeue_on_error=True)
    @idempotent(SERVICE)
    def on_topic_published(self, envelope: dict[str, Any]) -> None:
        """Keep our own copy of each deep-dive topic (an upsert by the scenarios topic id)."""
        city, data = envelope.get("city"), envelope.get("data") or {}
        if not (isinstance(city, str) and is_slug(city)) or not data.get("topic_id"):
            return
        questions = data.get("guiding_questions") or (
            [data["guiding_question"]] if data.get("guiding_question") else []
        )
        fields = {
            "title": str(data.get("title") or "—")[:200],
            "description": str(data.get("description") or "")[:4000],
            "guiding_questions": [str(q)[:500] for q in questions if q][:20],
        }
        key = f"deep_dive:{data['topic_id']}"
        try:
            Topic(city=city, key=key, source="deep_dive", **fields).save(force_insert=True)
        except NotUniqueError:
            Topic.scoped(city, key=key).update_one(**{f"set__{k}": v for k, v in fields.items()})

    def _topic_view(self, topic: Topic, moderator: bool) -> dict[str, Any]:
        view = {
            "id": str(topic.id),
            "source": topic.source,
            "title": topic.title,
            "description": topic.description,
            "guiding_questions": list(topic.guiding_questions),
            "hidden": topic.hidden,
            "mine": bool(self.caller.user_id and topic.proposed_by == self.caller.user_id),
        }
        if topic.hidden:
            view["hidden_reason"] = topic.hidden_reason
        if moderator:
            view["reports"] = Report.scoped(topic.city, target=f"topic:{topic.id}").count()
        return view

    @rpc
    def list_topics(self, city: str) -> list[dict[str, Any]]:
        self._state(city)
        moderator = self.caller.has_role(city, *MODERATORS)
        query = Topic.scoped(city) if moderator else Topic.scoped(city, hidden=False)
        topics = sorted(query, key=lambda t: (t.source != "deep_dive", t.created_at))
        return [self._topic_view(t, moderator) for t in topics]

    @rpc
    def propose_topic(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        """A citizen's own topic (Herzensangelegenheit): visible at once, moderated after."""
        user_id = self.caller.require_authenticated()
        state = self._state(city)
        values = load(TopicSchema(), data)
        if kind_to_create(state, False, _now(), prepare_days()) != TABLE_TALK:
            raise PhaseClosed()
        topic_id = ObjectId()
        topic = Topic(
            id=topic_id,
            city=city,
            key=f"own:{topic_id}",
            source="own",
            title=values["title"],
            description=values["description"],
            guiding_questions=[values["guiding_question"]] if values["guiding_question"] else [],
            proposed_by=user_id,
        ).save(force_insert=True)
        self.outbox.add(
            "topic",
            "proposed",
            {"topic_id": str(topic.id)},
            city=city,
            subject=str(topic.id),
            public=True,
        )
        return self._topic_view(topic, False)

    @rpc
    def hide_topic(self, city: str, topic_id: str, data: dict[str, Any]) -> dict[str, Any]:
        self.caller.require_role(city, *MODERATORS)
        self._state(city)
        reason = load(ReasonSchema(), data)["reason"]
        topic = self._topic(city, topic_id)
        if topic is None:
            raise NotFound("Topic not found.")
        if not topic.hidden:
            topic.hidden, topic.hidden_reason, topic.hidden_by = True, reason, self.caller.user_id
            topic.save()
            self.outbox.add(
                "topic", "hidden", {"topic_id": topic_id}, city=city, subject=topic_id, public=True
            )
        return self._topic_view(topic, True)

    @rpc
    def report(self, city: str, target: str, target_id: str, data: dict[str, Any]) -> dict:
        """Anyone signed in may report a topic or an idea once; moderators see the count."""
        user_id = self.caller.require_authenticated()
        self._state(city)
        reason = load(ReasonSchema(), data)["reason"]
        model = {"topic": Topic, "idea": Idea}.get(target)
        if model is None or not _oid(target_id) or model.scoped(city, id=target_id).first() is None:
            raise NotFound()
        try:
            Report(
                city=city, target=f"{target}:{target_id}", account_id=user_id, reason=reason
            ).save(force_insert=True)
        except NotUniqueError:
            pass  # reported before: counted once
        return {"reported": True}

    @rpc
    def reports(self, city: str) -> list[dict[str, Any]]:
        self.caller.require_role(city, *MODERATORS)
        self._state(city)
        grouped: dict[str, list[str]] = {}
        for report in Report.scoped(city).order_by("at"):
            grouped.setdefault(report.target, []).append(report.reason)
        return [
            {"target": target, "count": len(reasons), "reasons": reasons}
            for target, reasons in grouped.items()
        ]

    # ------------------------------------------------------------------ talks
    def _check_topic(self, city: str, kind: str, topic_id: str | None) -> None:
        if topic_id is None:
            if kind == TABLE_TALK:
                raise Invalid(fields={"topic_id": ["Missing data for required field."]})
            return
        topic = self._topic(city, topic_id)
        if topic is None or topic.hidden:
            message = "No topic with this id in this city."
            raise Invalid(message, {"topic_id": [message]})

    @rpc
    def create_talk(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user_id = self.caller.require_authenticated()
        state = self._state(city)
        in_group = self.caller.has_role(city, *WORKING_GROUP_ROLES)
        kind = kind_to_create(state, in_group, _now(), prepare_days())
        values = load(TalkSchema(), data)
        errors = time_errors(values["starts_at"], values["ends_at"], _now())
        if errors:
            raise Invalid(fields=errors)
        self._check_topic(city, kind, values["topic_id"])
        account = self._account(user_id) or {}
        talk = Talk(
            city=city,
            kind=kind,
            host_id=user_id,
            host_name=account.get("display_name") or "—",
            **values,
        ).save()
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
        self._state(city)
        wanted = load(TalkFilterSchema(), filters or {})
        seats, regs = self._seat_counts(city)
        topics = {str(t.id): t for t in Topic.scoped(city)}
        found = []
        for talk in Talk.scoped(city, status="scheduled").order_by("starts_at"):
            taken = seats.get(str(talk.id), 0)
            view = self._talk_view(
                talk, taken, regs.get(str(talk.id), 0), details=False, topics=topics
            )
            row = {**view, "starts_at": _aware(talk.starts_at)}
            if talk_matches(row, view["free_seats"], wanted):
                found.append(view)
        return found

    @rpc
    def get_talk(self, city: str, talk_id: str) -> dict[str, Any]:
        return self._one_talk_view(self._talk(city, talk_id))

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
        values = load(TalkSchema(), merged)
        for name in TalkSchema().fields:
            values.setdefault(name, None)
        if "starts_at" in data:
            errors = time_errors(values["starts_at"], values["ends_at"], _now())
            if errors:
                raise Invalid(fields=errors)
        if values["topic_id"] != talk.topic_id:
            self._check_topic(city, talk.kind, values["topic_id"])
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
        if values["capacity"] > old_capacity:
            self._settle(talk, own=None)
        if notify:
            view = self._one_talk_view(talk, details=True)
            ics = talk_ics(view, self.settings.public_base_url)
            for reg in Registration.scoped(city, talk_id=talk_id):
                self._mail_person(reg, lambda name, v=view: mails.changed(v, name, notify), ics)
        return self._one_talk_view(talk, details=True)

    def _check_lowered_capacity(self, talk: Talk, old_capacity: int) -> None:
        """After writing a lower capacity: a seat above it means someone holds it; undo.

        The settler checks the capacity after its insert, we check the seats after our
        write: at least one of us sees the other (see services.dialogue.seating)."""
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
        talk.status, talk.cancel_reason = "cancelled", reason
        talk.sequence = (talk.sequence or 0) + 1
        talk.updated_at = _now()
        talk.save()
        self.outbox.add(
            "talk", "cancelled", {"talk_id": talk_id}, city=city, subject=talk_id, public=True
        )
        view = self._one_talk_view(talk, details=True)
        ics = talk_ics(view, self.settings.public_base_url, cancelled=True)
        for reg in Registration.scoped(city, talk_id=talk_id):
            self._mail_person(reg, lambda name: mails.cancelled(view, name, reason), ics)
        return view

    # ------------------------------------------------------------------ registrations
    def _check_joinable(self, talk: Talk) -> None:
        require_join_phase(self._state(talk.city), talk.kind)
        if talk.status != "scheduled":
            raise Conflict("The talk was cancelled.", {"talk": ["The talk was cancelled."]})
        if _aware(talk.ends_at) <= _now():
            raise Conflict("The talk is over.", {"talk": ["The talk is over."]})

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

    def _register(
        self,
        talk: Talk,
        person: str,
        display_name: str,
        account_id: str | None = None,
        email: str | None = None,
        invitation: str | None = None,
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
            ).save(force_insert=True)
        except NotUniqueError:
            existing = Registration.scoped(talk.city, talk_id=str(talk.id), person=person).first()
            if existing is None:  # cancelled between our insert and this read: try once more
                return self._register(talk, person, display_name, account_id, email, invitation)
            return existing

    def _settle(self, talk: Talk, own: Registration | None) -> None:
        """Hand out free seats in order and tell everyone seated here; then tell ``own``."""
        store = DatabaseSeats(talk.city, str(talk.id))
        for seated in settle(store):
            if own is None or seated.registration_id != str(own.id):
                self._announce(talk, seated.registration_id, seated=True)
        if own is not None:
            self._announce(talk, str(own.id), seated=store.seat_of(str(own.id)) is not None)

    def _announce(self, talk: Talk, registration_id: str, seated: bool) -> None:
        """Publish and mail what happened to a registration, exactly once per fact.

        ``entered`` is decided by whoever inserts it first (the joiner after its own settle,
        or a settler that seated the registration); a seat given after a waiting-list
        notice is a ``promoted``."""
        city = talk.city
        value = "confirmed" if seated else "waitlisted"
        try:
            Announcement(
                city=city,
                registration_id=registration_id,
                talk_id=str(talk.id),
                kind="entered",
                value=value,
            ).save(force_insert=True)
        except NotUniqueError:
            if not seated:
                return
            entered = Announcement.scoped(
                city, registration_id=registration_id, kind="entered"
            ).first()
            if entered is None or entered.value != "waitlisted":
                return
            try:
                Announcement(
                    city=city,
                    registration_id=registration_id,
                    talk_id=str(talk.id),
                    kind="promoted",
                    value="promoted",
                ).save(force_insert=True)
            except NotUniqueError:
                return
            value = "promoted"
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
            self._mail_registration(talk, reg, value)

    def _mail_registration(self, talk: Talk, reg: Registration, value: str) -> None:
        view = self._one_talk_view(talk, details=True)
        if reg.account_id is None:
            token = self.guest_tokens.sign(GUEST_CANCEL, {"c": reg.city, "r": str(reg.id)})
            hint = mails.guest_cancel_hint(self._link("/tischgespraeche/gast-absagen", token))
        else:
            hint = mails.ACCOUNT_CANCEL_HINT
        if value == "waitlisted":
            position = self._registration_view(reg).get("position") or 1
            self._mail_person(reg, lambda name: mails.waitlisted(view, name, position))
            return
        build = mails.confirmed if value == "confirmed" else mails.promoted
        ics = talk_ics(view, self.settings.public_base_url)
        self._mail_person(reg, lambda name: build(view, name, hint), ics)

    def _mail_person(self, reg: Registration, texts: Any, ics: bytes | None = None) -> None:
        """Mail one registered person: a guest at their address, an account at the address
        identity holds (never copied here)."""
        address = reg.email
        if reg.account_id is not None:
            account = self._account(reg.account_id)
            address = account["email"] if account else None
        if not address:
            return
        subject, body = texts(reg.display_name)
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
        person = f"account:{user_id}"
        reg = Registration.scoped(city, talk_id=talk_id, person=person).first()
        if reg is None:
            account = self._account(user_id)
            if account is None:
                raise NotFound("Account not found.")
            reg = self._register(
                talk, person, account["display_name"], account_id=user_id, invitation=invitation
            )
        self._settle(talk, own=reg)
        return self._registration_view(reg)

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

    # ------------------------------------------------------------------ invitations
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

    @rpc
    def request_guest_registration(self, data: dict[str, Any]) -> dict[str, Any]:
        """A person without an account: name and e-mail; the mailed link confirms both."""
        values = load(GuestJoinSchema(), data)
        talk, invitation = self._talk_of_invitation(values["token"])
        self._check_joinable(talk)
        email = values["email"].strip().lower()
        token = self.guest_tokens.sign(
            GUEST,
            {
                "c": talk.city,
                "t": str(talk.id),
                "i": invitation,
                "n": values["name"].strip(),
                "e": email,
            },
        )
        view = self._one_talk_view(talk, details=False)
        link = self._link("/tischgespraeche/gast-bestaetigen", token)
        self.mail.send(email, *mails.guest_verification(view, values["name"].strip(), link))
        return {"sent": True}

    @rpc
    def confirm_guest_registration(self, data: dict[str, Any]) -> dict[str, Any]:
        token = load(TokenSchema(), data)["token"]
        claims = self.guest_tokens.read(GUEST, token, required=("c", "t", "i", "n", "e"))
        talk = self._talk(claims["c"], claims["t"])
        invitation = (
            Invitation.scoped(talk.city, id=claims["i"]).first() if _oid(claims["i"]) else None
        )
        if invitation is None or invitation.revoked_at is not None:
            message = "The invitation was revoked."
            raise Invalid(message, {"token": [message]})
        self._check_joinable(talk)
        reg = self._register(
            talk, f"guest:{claims['e']}", claims["n"], email=claims["e"], invitation=claims["i"]
        )
        self._settle(talk, own=reg)
        return self._registration_view(reg)

    @rpc
    def cancel_guest_registration(self, data: dict[str, Any]) -> dict[str, Any]:
        token = load(TokenSchema(), data)["token"]
        claims = self.guest_tokens.read(GUEST_CANCEL, token, required=("c", "r"))
        reg = (
            Registration.scoped(claims["c"], id=claims["r"]).first() if _oid(claims["r"]) else None
        )
        if reg is None:
            return {"registration_id": claims["r"], "status": "none"}
        return self._cancel(self._talk(reg.city, reg.talk_id), reg)

    # ------------------------------------------------------------------ documentation
    @staticmethod
    def _documentation_base(kind: str) -> type:
        return ConversationDocumentationSchema if kind == CONVERSATION else TalkDocumentationSchema

    @rpc
    def documentation_form(self, city: str, kind: str = TABLE_TALK) -> dict[str, Any]:
        """The documentation form of this city as JSON schema: base fields and plugin fields."""
        self._state(city)
        if kind not in (TABLE_TALK, CONVERSATION):
            raise Invalid(fields={"kind": ["Must be one of: table_talk, scenario_conversation."]})
        plugins = self.city_state.plugins(city)
        schema = plugins.form_schema(FORM, self._documentation_base(kind))
        return {"form": FORM, "kind": kind, "city": city, "schema": json_schema(schema)}

    @rpc
    def save_draft(self, city: str, talk_id: str, data: dict[str, Any]) -> dict[str, Any]:
        talk = self._talk(city, talk_id)
        self._require_host(talk)
        if not isinstance(data, dict):
            raise Invalid("The request body must be a JSON object.")
        content = json.dumps(data, ensure_ascii=False)
        if len(content) > 100_000:
            raise Invalid("The draft is too long.", {"_schema": ["The draft is too long."]})
        draft = DocumentationDraft.scoped(city, talk_id=talk_id).first()
        if draft is None:
            try:
                DocumentationDraft(city=city, talk_id=talk_id, content=content).save(
                    force_insert=True
                )
            except NotUniqueError:
                draft = DocumentationDraft.scoped(city, talk_id=talk_id).first()
        if draft is not None:
            draft.content, draft.saved_at = content, _now()
            draft.save()
        return self.documentation(city, talk_id)

    @rpc
    def documentation(self, city: str, talk_id: str) -> dict[str, Any]:
        """The host sees the draft; everyone sees a submitted documentation."""
        talk = self._talk(city, talk_id)
        submitted = Documentation.scoped(city, talk_id=talk_id).first()
        view: dict[str, Any] = {"talk_id": talk_id, "submitted": None, "draft": None}
        if submitted is not None:
            view["submitted"] = {
                "values": dict(submitted.values),
                "tags": list(submitted.tags),
                "submitted_at": _iso(submitted.submitted_at),
            }
        if self.caller.user_id and self.caller.user_id == talk.host_id:
            draft = DocumentationDraft.scoped(city, talk_id=talk_id).first()
            if draft is not None:
                view["draft"] = {
                    "values": json.loads(draft.content),
                    "saved_at": _iso(draft.saved_at),
                }
        return view

    def _check_insights(self, talk: Talk, values: dict[str, Any]) -> None:
        topic = self._topic(talk.city, talk.topic_id) if talk.topic_id else None
        questions = set(topic.guiding_questions) if topic else set()
        errors = {
            f"insights.{index}.question": ["Not a guiding question of the talk's topic."]
            for index, insight in enumerate(values.get("insights") or [])
            if questions and insight["question"] not in questions
        }
        if errors:
            raise Invalid(fields=errors)

    @rpc
    def submit_documentation(self, city: str, talk_id: str, data: dict[str, Any]) -> dict:
        talk = self._talk(city, talk_id)
        user_id = self._require_host(talk)
        state = self._state(city)
        if state["phase"] == "archived":
            require_join_phase(state, talk.kind)
        if talk.status != "scheduled":
            raise Conflict("The talk was cancelled.", {"talk": ["The talk was cancelled."]})
        if _aware(talk.starts_at) > _now():
            message = "A talk is documented once it has begun."
            raise Conflict(message, {"talk": [message]})
        plugins = self.city_state.plugins(city)
        if not isinstance(data, dict):
            raise Invalid("The request body must be a JSON object.")
        values = plugins.load_form(FORM, self._documentation_base(talk.kind), data)
        self._check_insights(talk, values)
        tags = plugins.form_tags(FORM, values)
        stored = _jsonable(values)
        try:
            Documentation(
                city=city, talk_id=talk_id, values=stored, tags=tags, submitted_by=user_id
            ).save(force_insert=True)
        except NotUniqueError:
            existing = Documentation.scoped(city, talk_id=talk_id).first()
            if existing is not None and _jsonable(dict(existing.values)) == stored:
                return self.documentation(city, talk_id)  # a retried submit: the first stands
            message = "This talk is documented already."
            raise Conflict(message, {"talk": [message]}) from None
        DocumentationDraft.scoped(city, talk_id=talk_id).delete()
        self.outbox.add(
            "talk",
            "documented",
            {
                "talk_id": talk_id,
                "kind": talk.kind,
                "topic_id": talk.topic_id,
                "participants": values["participants"],
                "ideas": len(values.get("ideas") or []),
                "tags": tags,
            },
            city=city,
            subject=talk_id,
            public=True,
        )
        for observation in values.get("observations") or []:
            # For the scenarios service's observation intake: the text, never who said it.
            self.outbox.add(
                "observation",
                "submitted",
                {"talk_id": talk_id, "kind": observation["kind"], "text": observation["text"]},
                city=city,
                subject=talk_id,
                public=True,
            )
        return self.documentation(city, talk_id)

    # ------------------------------------------------------------------ project ideas
    def _idea_base(self, plugins: Any) -> type:
        # With districts configured (ortsteile) the plugin's district choice replaces ours.
        return IdeaBaseSchema if "district" in plugins.form_fields(IDEA_FORM) else IdeaSchema

    @rpc
    def idea_form(self, city: str) -> dict[str, Any]:
        self._state(city)
        plugins = self.city_state.plugins(city)
        schema = plugins.form_schema(IDEA_FORM, self._idea_base(plugins))
        return {"form": IDEA_FORM, "city": city, "schema": json_schema(schema)}

    def _idea(self, city: str, idea_id: str) -> Idea:
        self._state(city)
        idea = Idea.scoped(city, id=idea_id).first() if _oid(idea_id) else None
        if idea is None or (idea.hidden and not self.caller.has_role(city, *MODERATORS)):
            raise NotFound("Idea not found.")
        return idea

    def _idea_view(self, idea: Idea, counts: dict[tuple[str, str], int] | None = None) -> dict:
        idea_id = str(idea.id)
        if counts is None:
            counts = {
                (idea_id, kind): IdeaSupport.scoped(idea.city, idea_id=idea_id, kind=kind).count()
                for kind in ("support", "helper")
            }
        mine: set[str] = set()
        if self.caller.user_id:
            mine = {
                s.kind
                for s in IdeaSupport.scoped(
                    idea.city, idea_id=idea_id, account_id=self.caller.user_id
                )
            }
        view = {
            "id": idea_id,
            "title": idea.title,
            "description": idea.description,
            "category": idea.category,
            "district": idea.district,
            "needs": idea.needs,
            "extra": dict(idea.extra or {}),
            "talk_id": idea.talk_id,
            "status": idea.status,
            "status_reason": idea.status_reason,
            "status_changed_at": _iso(idea.status_changed_at),
            "supporters": counts.get((idea_id, "support"), 0),
            "helpers": counts.get((idea_id, "helper"), 0),
            "i_support": "support" in mine,
            "i_help": "helper" in mine,
            "mine": bool(self.caller.user_id and idea.proposed_by == self.caller.user_id),
            "hidden": idea.hidden,
            "created_at": _iso(idea.created_at),
        }
        if idea.hidden:
            view["hidden_reason"] = idea.hidden_reason
        return view

    @rpc
    def propose_idea(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user_id = self.caller.require_authenticated()
        state = self._state(city)
        if state["phase"] not in ("table_talks", "closing"):
            require_join_phase(state, TABLE_TALK)
        plugins = self.city_state.plugins(city)
        if not isinstance(data, dict):
            raise Invalid("The request body must be a JSON object.")
        base = self._idea_base(plugins)
        values = plugins.load_form(IDEA_FORM, base, data)
        if values.get("talk_id") is not None and (
            not _oid(values["talk_id"])
            or Documentation.scoped(city, talk_id=values["talk_id"]).first() is None
        ):
            message = "No documented talk with this id in this city."
            raise Invalid(message, {"talk_id": [message]})
        own = set(IdeaSchema().fields)
        extra = _jsonable({k: v for k, v in values.items() if k not in own})
        idea = Idea(
            city=city,
            title=values["title"],
            description=values["description"],
            category=values["category"],
            district=values.get("district"),
            needs=values["needs"],
            talk_id=values.get("talk_id"),
            extra=extra,
            proposed_by=user_id,
        ).save()
        self.outbox.add(
            "idea",
            "proposed",
            {
                "idea_id": str(idea.id),
                "category": idea.category,
                "district": idea.district,
                "talk_id": idea.talk_id,
                "tags": plugins.form_tags(IDEA_FORM, values),
            },
            city=city,
            subject=str(idea.id),
            public=True,
        )
        return self._idea_view(idea)

    @rpc
    def list_ideas(self, city: str) -> list[dict[str, Any]]:
        self._state(city)
        moderator = self.caller.has_role(city, *MODERATORS)
        query = Idea.scoped(city) if moderator else Idea.scoped(city, hidden=False)
        counts: dict[tuple[str, str], int] = {}
        for kind in ("support", "helper"):
            rows = IdeaSupport.scoped(city, kind=kind).aggregate(
                [{"$group": {"_id": "$idea_id", "n": {"$sum": 1}}}]
            )
            counts.update({(r["_id"], kind): int(r["n"]) for r in rows})
        return [self._idea_view(i, counts) for i in query.order_by("-created_at")]

    @rpc
    def get_idea(self, city: str, idea_id: str) -> dict[str, Any]:
        return self._idea_view(self._idea(city, idea_id))

    @rpc
    def support_idea(self, city: str, idea_id: str, kind: str = "support") -> dict[str, Any]:
        """Support an idea, or sign up to help ("Ich mache mit"): once per person."""
        user_id = self.caller.require_authenticated()
        if kind not in ("support", "helper"):
            raise NotFound()
        idea = self._idea(city, idea_id)
        if idea.hidden or idea.status == "not_pursued":
            message = "This idea is closed."
            raise Conflict(message, {"idea": [message]})
        try:
            IdeaSupport(city=city, idea_id=idea_id, kind=kind, account_id=user_id).save(
                force_insert=True
            )
        except NotUniqueError:
            pass  # once per person: a second support changes nothing
        else:
            action = "supported" if kind == "support" else "volunteered"
            self.outbox.add(
                "idea", action, {"idea_id": idea_id}, city=city, subject=idea_id, public=True
            )
        return self._idea_view(idea)

    @rpc
    def withdraw_support(self, city: str, idea_id: str, kind: str = "support") -> dict[str, Any]:
        user_id = self.caller.require_authenticated()
        if kind not in ("support", "helper"):
            raise NotFound()
        idea = self._idea(city, idea_id)
        if IdeaSupport.scoped(city, idea_id=idea_id, kind=kind, account_id=user_id).delete():
            action = "unsupported" if kind == "support" else "unvolunteered"
            self.outbox.add(
                "idea", action, {"idea_id": idea_id}, city=city, subject=idea_id, public=True
            )
        return self._idea_view(idea)

    @rpc
    def set_idea_status(self, city: str, idea_id: str, data: dict[str, Any]) -> dict[str, Any]:
        self.caller.require_role(city, "city_admin")
        values = load(IdeaStatusSchema(), data)
        idea = self._idea(city, idea_id)
        errors = idea_status_errors(idea.status, values["status"])
        if errors:
            raise Invalid(fields=errors)
        if idea.status != values["status"]:
            previous = idea.status
            idea.status, idea.status_reason = values["status"], values["reason"]
            idea.status_changed_at = _now()
            idea.save()
            self.outbox.add(
                "idea",
                "status_changed",
                {
                    "idea_id": idea_id,
                    "from": previous,
                    "to": idea.status,
                    "reason": idea.status_reason,
                },
                city=city,
                subject=idea_id,
                public=True,
            )
        return self._idea_view(idea)

    @rpc
    def hide_idea(self, city: str, idea_id: str, data: dict[str, Any]) -> dict[str, Any]:
        self.caller.require_role(city, *MODERATORS)
        reason = load(ReasonSchema(), data)["reason"]
        idea = self._idea(city, idea_id)
        if not idea.hidden:
            idea.hidden, idea.hidden_reason = True, reason
            idea.save()
            self.outbox.add(
                "idea", "hidden", {"idea_id": idea_id}, city=city, subject=idea_id, public=True
            )
        return self._idea_view(idea)

    # ------------------------------------------------------------------ guests' data retention
    @timer(interval=CHECK_EVERY_SECONDS)
    def forget_past_guests(self) -> None:
        self._forget_guests()

    @rpc
    def ops_forget_guests(self) -> dict[str, int]:
        """Operator: apply the guest retention now (what the hourly timer does)."""
        self.caller.require_operator()
        return self._forget_guests()

    def _talk_cities(self) -> list[str]:
        """Every city with talks: the explicit tenant list of a cross-city pass."""
        return [c for c in self.db["talks"].distinct("city") if isinstance(c, str) and c]

    def _forget_guests(self) -> dict[str, int]:
        cutoff = ended_before(_now(), retention_days())
        talks = Talk.across_cities(
            self._talk_cities(), ends_at__lt=cutoff, guests_forgotten__ne=True
        )
        counts = {"talks": 0, "guests": 0}
        for talk in talks:
            for reg in Registration.scoped(talk.city, talk_id=str(talk.id), email__ne=None):
                Registration.scoped(talk.city, id=reg.id).update_one(
                    **{f"set__{k}": v for k, v in forgotten_guest(str(reg.id)).items()}
                )
                counts["guests"] += 1
            Talk.scoped(talk.city, id=talk.id).update_one(set__guests_forgotten=True)
            counts["talks"] += 1
        return counts

    # ------------------------------------------------------------------ facts of other services
    @event_handler("identity", ACCOUNT_DELETED, requeue_on_error=True)
    @idempotent(SERVICE)
    def forget_deleted_account(self, envelope: dict[str, Any]) -> None:
        """A deleted person leaves the tables they had joined; names become anonymous."""
        account_id = (envelope.get("data") or {}).get("account_id")
        if not account_id:
            return
        cities = self._talk_cities()
        if not cities:
            return
        for reg in Registration.across_cities(cities, account_id=account_id):
            talk = Talk.scoped(reg.city, id=reg.talk_id).first()
            if talk is not None:
                self._cancel(talk, reg)
        for talk in Talk.across_cities(cities, host_id=account_id):
            talk.host_name = DELETED_NAME
            talk.save()

    @rpc
    def ping(self) -> str:
        Talk.scoped("_ping").first()
        return "ok"
