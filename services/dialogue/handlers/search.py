"""Search over the city's public talks, ideas and topics (the gateway merges the scenarios').

The index (``SearchEntry``, services/kit/search_index.py) is written by the handlers that
write a talk, an idea or a topic, in the same handler, through the ``index_*`` functions here;
a hidden idea or topic and a cancelled talk are dropped. ``ops_search_reindex`` rebuilds a
city's entries from the documents (for data from before the index, or after a restore).
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from services.dialogue.handlers.base import DialogueBase
from services.dialogue.models import IDEA_STATUSES, Comment, Idea, SearchEntry, Talk, Topic
from services.kit.rpc import rpc
from services.kit.schemas import StrictSchema, load
from services.kit.search_index import SearchIndex
from services.kit.search_terms import MAX_QUERY_CHARS

KINDS = ("talk", "idea", "topic", "comment")  # what this module indexes and reindexes
SEARCH_KINDS = KINDS
INDEX = SearchIndex(SearchEntry)


class SearchFilterSchema(StrictSchema):
    # A longer query is cut, not refused: search_terms reads its first MAX_QUERY_CHARS only.
    q = fields.String(
        load_default="",
        validate=validate.Length(max=MAX_QUERY_CHARS * 10),
        metadata={"verbatim": True},  # control characters are no words: ignored, not refused
    )
    kinds = fields.List(fields.String(validate=validate.OneOf(SEARCH_KINDS)), load_default=list)
    status = fields.String(load_default=None, validate=validate.OneOf(IDEA_STATUSES))


def index_talk(talk: Talk) -> None:
    if talk.status != "scheduled":
        INDEX.drop(talk.city, "talk", str(talk.id))
        return
    INDEX.put(talk.city, "talk", str(talk.id), talk.title, talk.description, talk.district)


def index_idea(idea: Idea) -> None:
    if idea.hidden:
        INDEX.drop(idea.city, "idea", str(idea.id))
        return
    INDEX.put(
        idea.city,
        "idea",
        str(idea.id),
        idea.title,
        idea.description,
        idea.needs,
        idea.district,
        status=idea.status,
    )


def index_topic(topic: Topic) -> None:
    if topic.hidden:
        INDEX.drop(topic.city, "topic", str(topic.id))
        return
    INDEX.put(
        topic.city, "topic", str(topic.id), topic.title, topic.description, *topic.guiding_questions
    )


def index_comment(comment: Comment) -> None:
    """A visible comment is found by its words and leads to its place under what it is about;
    a hidden one, or one whose author deleted the account, is dropped."""
    if comment.hidden or comment.removed or not comment.body:
        INDEX.drop(comment.city, "comment", str(comment.id))
        return
    title = comment.body if len(comment.body) <= 80 else comment.body[:79].rstrip() + "…"
    INDEX.put(
        comment.city,
        "comment",
        str(comment.id),
        title,
        comment.body,
        parent_kind=comment.target_kind,
        parent_id=comment.target_id,
    )


class SearchHandlers(DialogueBase):
    @rpc
    def search(self, city: str, filters: dict[str, Any] | None = None) -> dict[str, Any]:
        """Public talks, ideas and topics of the city holding every word of ``q`` (German
        stems), best first; ``kinds`` and an idea ``status`` narrow it."""
        self._state(city)
        wanted = load(SearchFilterSchema(), filters or {})
        kinds = [k for k in SEARCH_KINDS if k in wanted["kinds"]] or list(SEARCH_KINDS)
        if wanted["status"]:
            kinds = ["idea"]  # a status is an idea's
        return INDEX.search(city, wanted["q"], kinds, wanted["status"])

    @rpc
    def ops_search_reindex(self, city: str) -> dict[str, int]:
        """Rebuild the city's entries of talks, ideas, topics and comments (operators; safe to
        repeat)."""
        city = self._ops_city(city)  # type: ignore[attr-defined] - OperationsMixin
        INDEX.clear(city, KINDS)
        counts = {"talk": 0, "idea": 0, "topic": 0, "comment": 0}
        for talk in Talk.scoped(city, status="scheduled"):
            index_talk(talk)
            counts["talk"] += 1
        for idea in Idea.scoped(city, hidden=False):
            index_idea(idea)
            counts["idea"] += 1
        for topic in Topic.scoped(city, hidden=False):
            index_topic(topic)
            counts["topic"] += 1
        for comment in Comment.scoped(city, hidden=False, removed=False):
            index_comment(comment)
            counts["comment"] += 1
        return counts
