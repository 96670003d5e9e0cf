"""Topics: deep-dive topics taken in from the scenarios service, citizens' own topics, reports."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from mongoengine.errors import NotUniqueError

from services.dialogue.handlers.base import MODERATORS, SERVICE, DialogueBase, _now, _oid
from services.dialogue.models import Comment, Idea, Report, Topic
from services.dialogue.rules import TABLE_TALK, kind_to_create, prepare_days
from services.dialogue.schemas import ReasonSchema, TopicSchema
from services.kit.consumer import idempotent
from services.kit.errors import NotFound, PhaseClosed
from services.kit.messaging import event_handler
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.kit.tenancy import is_slug

TOPIC_PUBLISHED = "stadtdialog.scenarios.topic.published.v1"
TOPIC_WITHDRAWN = "stadtdialog.scenarios.topic.withdrawn.v1"
# The hidden reason of a deep-dive topic the scenario workshop withdrew: only such a topic is
# shown again when it is published again (a moderator's hiding stays).
WITHDRAWN = "Von der Szenario-Werkstatt zurückgezogen."


class TopicHandlers(DialogueBase):
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
        # One id across services: the copy takes the scenarios topic's id, so the topic_id in
        # talk facts is the one integrators saw in scenarios.topic.published.
        same_id = {"id": ObjectId(data["topic_id"])} if ObjectId.is_valid(data["topic_id"]) else {}
        try:
            Topic(city=city, key=key, source="deep_dive", **same_id, **fields).save(
                force_insert=True
            )
        except NotUniqueError:
            Topic.scoped(city, key=key).update_one(**{f"set__{k}": v for k, v in fields.items()})
            # published again after a withdrawal: citizens see it again
            Topic.scoped(city, key=key, hidden=True, hidden_reason=WITHDRAWN).update_one(
                set__hidden=False, set__hidden_reason=None
            )

    @event_handler("scenarios", TOPIC_WITHDRAWN, requeue_on_error=True)
    @idempotent(SERVICE)
    def on_topic_withdrawn(self, envelope: dict[str, Any]) -> None:
        """A withdrawn deep-dive topic is hidden from citizens; talks on it keep it."""
        city, data = envelope.get("city"), envelope.get("data") or {}
        if not (isinstance(city, str) and is_slug(city)) or not data.get("topic_id"):
            return
        Topic.scoped(city, key=f"deep_dive:{data['topic_id']}", hidden=False).update_one(
            set__hidden=True, set__hidden_reason=WITHDRAWN
        )

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
            self._record_admin_act(city, "topic.hidden", topic_id, topic.title, reason)
        return self._topic_view(topic, True)

    @rpc
    def report(self, city: str, target: str, target_id: str, data: dict[str, Any]) -> dict:
        """Anyone signed in may report a topic, an idea or a comment once (moderators count)."""
        user_id = self.caller.require_authenticated()
        self._state(city)
        reason = load(ReasonSchema(), data)["reason"]
        model = {"topic": Topic, "idea": Idea, "comment": Comment}.get(target)
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
