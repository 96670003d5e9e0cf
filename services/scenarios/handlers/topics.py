"""Deep-dive topics (transfer phase): what the working group hands on to table talks."""

from __future__ import annotations

from typing import Any

from services.kit.errors import Conflict, Invalid, NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.scenarios import views
from services.scenarios.handlers.base import EDITORS, FACILITATOR, ScenariosBase, _now
from services.scenarios.models import Scenario, Topic
from services.scenarios.schemas import HideSchema, TopicSchema, TopicUpdateSchema


class TopicHandlers(ScenariosBase):
    """Write, review and publish deep-dive topics."""

    def _check_topic_links(self, city: str, values: dict[str, Any]) -> None:
        errors: dict[str, list[str]] = {}
        if values.get("scenario_ids"):
            published = {str(s.id) for s in Scenario.scoped(city, status="published").only("id")}
            for i, ident in enumerate(values["scenario_ids"]):
                if ident not in published:
                    errors[f"scenario_ids.{i}"] = ["Not a published scenario of this city."]
        if values.get("factor_ids"):
            project = self._project(city)
            known = {str(f.id) for f in self._factors(city, project)}
            for i, ident in enumerate(values["factor_ids"]):
                if ident not in known:
                    errors[f"factor_ids.{i}"] = ["Unknown factor of this project."]
        if errors:
            raise Invalid(fields=errors)

    @rpc
    def create_topic(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user = self._require(city, EDITORS, "transfer")
        project = self._project(city)
        values = load(TopicSchema(), data)
        self._check_topic_links(city, values)
        topic = Topic(city=city, project_id=str(project.id), created_by=user, **values).save()
        return views.topic(topic)

    @rpc
    def list_topics(self, city: str) -> list[dict[str, Any]]:
        self.city_state.state(city)
        query = Topic.scoped(city) if self._editor(city) else Topic.scoped(city, status="published")
        return [views.topic(t) for t in query.order_by("id")]

    @rpc
    def get_topic(self, city: str, topic_id: str) -> dict[str, Any]:
        self.city_state.state(city)
        topic = self._get(Topic, city, topic_id, "Topic not found.")
        if topic.status != "published" and not self._editor(city):
            raise NotFound("Topic not found.")
        return views.topic(topic)

    @rpc
    def update_topic(self, city: str, topic_id: str, data: dict[str, Any]) -> dict[str, Any]:
        self._require(city, EDITORS, "transfer")
        topic = self._get(Topic, city, topic_id, "Topic not found.")
        if topic.status == "published":
            message = "A published topic is not changed: withdraw it first."
            raise Conflict(message, {"status": [message]})
        values = load(TopicUpdateSchema(), data)
        self._check_topic_links(city, values)
        for key, value in values.items():
            setattr(topic, key, value)
        topic.updated_at = _now()
        topic.save()
        return views.topic(topic)

    @rpc
    def submit_topic(self, city: str, topic_id: str) -> dict[str, Any]:
        user = self._require(city, EDITORS, "transfer")
        topic = self._get(Topic, city, topic_id, "Topic not found.")
        if topic.status == "draft":
            topic.status, topic.submitted_by, topic.submitted_at = "review", user, _now()
            topic.save()
        return views.topic(topic)

    @rpc
    def publish_topic(self, city: str, topic_id: str) -> dict[str, Any]:
        user = self._require(city, FACILITATOR, "transfer")
        topic = self._get(Topic, city, topic_id, "Topic not found.")
        if topic.status == "draft":
            message = "Submit the topic for review before publishing it."
            raise Conflict(message, {"status": [message]})
        if topic.status in ("review", "withdrawn"):
            topic.status, topic.published_by, topic.published_at = "published", user, _now()
            topic.withdrawn_reason = topic.withdrawn_by = topic.withdrawn_at = None
            topic.save()
            self._record_admin_act(city, "topic.published", topic_id, topic.title)
            # Public: the cities service counts it for the phase guard, the dialogue service
            # turns it into a topic for table talks. Written by the working group: no personal
            # data, no author.
            self.outbox.add(
                "topic",
                "published",
                {
                    "topic_id": topic_id,
                    "title": topic.title,
                    "guiding_question": topic.guiding_question,
                    "description": topic.description,
                    # the guiding question first, then the questions suggested for talks
                    "guiding_questions": [topic.guiding_question, *topic.questions],
                },
                city=city,
                subject=topic_id,
                public=True,
            )
        return views.topic(topic)

    @rpc
    def withdraw_topic(self, city: str, topic_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """Citizens no longer see it; the reason stays for the working group (not in the
        public fact). Publishing it again is ``publish_topic``."""
        user = self._require(city, FACILITATOR, "transfer")
        topic = self._get(Topic, city, topic_id, "Topic not found.")
        values = load(HideSchema(), data)
        if topic.status != "published":
            message = "Only a published topic is withdrawn."
            raise Conflict(message, {"status": [message]})
        topic.status, topic.withdrawn_reason = "withdrawn", values["reason"]
        topic.withdrawn_by, topic.withdrawn_at = user, _now()
        topic.save()
        self.outbox.add(
            "topic", "withdrawn", {"topic_id": topic_id}, city=city, subject=topic_id, public=True
        )
        return views.topic(topic)
