"""Documentation of a held talk: the form, the host's draft, the submitted record."""

from __future__ import annotations

import json
from typing import Any

from mongoengine.errors import NotUniqueError

from services.dialogue.forms import json_schema
from services.dialogue.handlers.base import DialogueBase, _aware, _iso, _jsonable, _now
from services.dialogue.models import Documentation, DocumentationDraft, Talk
from services.dialogue.rules import CONVERSATION, TABLE_TALK, require_join_phase
from services.dialogue.schemas import ConversationDocumentationSchema, TalkDocumentationSchema
from services.kit.errors import Conflict, Invalid
from services.kit.rpc import rpc

FORM = "talk_documentation"


class DocumentationHandlers(DialogueBase):
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
