"""The results of a city's dialogue, computed from the public facts of the other services.

The events service keeps every relevant public fact once (``ResultFact``, unique per event id)
and computes the results from them on request: a pure fold over the facts in time order. So a
redelivered fact counts once, facts may arrive out of order, and an improved projection
re-reads history instead of migrating counters (which FerretDB could not update atomically).

Which facts count, and how (``HANDLERS``):

* talks — ``dialogue.talk.created`` / ``.cancelled`` / ``.documented``: planned talks, cancelled
  talks, talks held (documented at least once), documentations, participants (of each talk's
  latest documentation), scenario-phase conversations;
* topics — deep-dive topics published (``scenarios.topic.published``), citizens' own topics
  (``dialogue.topic.proposed`` / ``.hidden``), and the topic of each documented talk (the
  dialogue service's topic id; titles come from the dialogue service, see ``titles``);
* ideas — ``dialogue.idea.proposed`` (category, district), ``.status_changed``, ``.hidden``;
  supports (``.supported`` / ``.unsupported``) and helpers who signed up ("Ich mache mit":
  ``.volunteered`` / ``.unvolunteered``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

IDEA_STATUSES = ("proposed", "in_discussion", "in_progress", "realised", "not_pursued")
UNKNOWN = "unknown"
TOP_IDEAS = 10


@dataclass(frozen=True)
class Fact:
    event_id: str
    type: str
    time: str
    subject: str | None
    data: dict[str, Any]

    @classmethod
    def from_envelope(cls, envelope: dict[str, Any]) -> Fact:
        return cls(
            event_id=str(envelope["id"]),
            type=str(envelope["type"]),
            time=str(envelope.get("time") or ""),
            subject=envelope.get("subject"),
            data=dict(envelope.get("data") or {}),
        )

    def text(self, key: str, default: str | None = None) -> str | None:
        value = self.data.get(key)
        return value if isinstance(value, str) and value else default

    def number(self, key: str) -> int:
        value = self.data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return 0
        return max(int(value), 0)

    def ref(self, key: str) -> str | None:
        """The id of what the fact is about: ``data[key]``, else the envelope's subject."""
        return self.text(key) or self.subject


@dataclass
class _Idea:
    title: str | None = None
    category: str = UNKNOWN
    district: str = UNKNOWN
    status: str = "proposed"
    proposed: bool = False
    hidden: bool = False
    supports: int = 0
    helpers: int = 0


@dataclass
class _Talk:
    kind: str = "table_talk"
    created: bool = False
    cancelled: bool = False
    documentations: int = 0
    participants: int = 0
    topic_id: str | None = None


@dataclass
class _State:
    talks: dict[str, _Talk] = field(default_factory=dict)
    ideas: dict[str, _Idea] = field(default_factory=dict)
    deep_dive: dict[str, str | None] = field(default_factory=dict)  # scenarios id -> title
    own_topics: dict[str, bool] = field(default_factory=dict)  # dialogue id -> hidden
    counted: int = 0
    last_at: str | None = None

    def talk(self, talk_id: str) -> _Talk:
        return self.talks.setdefault(talk_id, _Talk())

    def idea(self, idea_id: str) -> _Idea:
        return self.ideas.setdefault(idea_id, _Idea())


def _talk_created(state: _State, fact: Fact) -> None:
    if talk_id := fact.ref("talk_id"):
        talk = state.talk(talk_id)
        talk.created = True
        talk.kind = fact.text("kind", talk.kind) or talk.kind
        talk.topic_id = fact.text("topic_id", talk.topic_id)


def _talk_cancelled(state: _State, fact: Fact) -> None:
    if talk_id := fact.ref("talk_id"):
        state.talk(talk_id).cancelled = True


def _talk_documented(state: _State, fact: Fact) -> None:
    if talk_id := fact.ref("talk_id"):
        talk = state.talk(talk_id)
        talk.documentations += 1
        talk.participants = fact.number("participants")  # the latest documentation counts
        talk.topic_id = fact.text("topic_id", talk.topic_id)
        talk.kind = fact.text("kind", talk.kind) or talk.kind


def _topic_published(state: _State, fact: Fact) -> None:
    if topic_id := fact.ref("topic_id"):
        state.deep_dive[topic_id] = fact.text("title", state.deep_dive.get(topic_id))


def _own_topic(hidden: bool) -> Callable[[_State, Fact], None]:
    def apply(state: _State, fact: Fact) -> None:
        topic_id = fact.ref("topic_id")
        # Once hidden, a topic stays hidden (a redelivered proposal does not unhide it).
        if topic_id and (hidden or topic_id not in state.own_topics):
            state.own_topics[topic_id] = hidden

    return apply


def _idea_proposed(state: _State, fact: Fact) -> None:
    if idea_id := fact.ref("idea_id"):
        idea = state.idea(idea_id)
        idea.proposed = True
        idea.title = fact.text("title", idea.title)
        idea.category = fact.text("category", idea.category) or UNKNOWN
        idea.district = fact.text("district", idea.district) or UNKNOWN


def _idea_status(state: _State, fact: Fact) -> None:
    if idea_id := fact.ref("idea_id"):
        status = fact.text("to") or fact.text("status")
        if status:
            state.idea(idea_id).status = status


def _idea_visibility(hidden: bool) -> Callable[[_State, Fact], None]:
    def apply(state: _State, fact: Fact) -> None:
        if idea_id := fact.ref("idea_id"):
            state.idea(idea_id).hidden = hidden

    return apply


def _idea_counter(name: str, step: int) -> Callable[[_State, Fact], None]:
    def apply(state: _State, fact: Fact) -> None:
        if idea_id := fact.ref("idea_id"):
            idea = state.idea(idea_id)
            setattr(idea, name, max(getattr(idea, name) + step, 0))

    return apply


HANDLERS: dict[str, Callable[[_State, Fact], None]] = {
    "stadtdialog.dialogue.talk.created.v1": _talk_created,
    "stadtdialog.dialogue.talk.cancelled.v1": _talk_cancelled,
    "stadtdialog.dialogue.talk.documented.v1": _talk_documented,
    "stadtdialog.scenarios.topic.published.v1": _topic_published,
    "stadtdialog.dialogue.topic.proposed.v1": _own_topic(False),
    "stadtdialog.dialogue.topic.hidden.v1": _own_topic(True),
    "stadtdialog.dialogue.idea.proposed.v1": _idea_proposed,
    "stadtdialog.dialogue.idea.status_changed.v1": _idea_status,
    "stadtdialog.dialogue.idea.hidden.v1": _idea_visibility(True),
    "stadtdialog.dialogue.idea.supported.v1": _idea_counter("supports", +1),
    "stadtdialog.dialogue.idea.unsupported.v1": _idea_counter("supports", -1),
    "stadtdialog.dialogue.idea.volunteered.v1": _idea_counter("helpers", +1),
    "stadtdialog.dialogue.idea.unvolunteered.v1": _idea_counter("helpers", -1),
}
COUNTED_TYPES = frozenset(HANDLERS)


def counts(fact_type: str) -> bool:
    """Whether the read model keeps facts of this type."""
    return fact_type in COUNTED_TYPES


def fold(facts: Iterable[Fact]) -> _State:
    state = _State()
    seen: set[str] = set()
    for fact in sorted(facts, key=lambda f: (f.time, f.event_id)):
        handler = HANDLERS.get(fact.type)
        if handler is None or fact.event_id in seen:
            continue
        seen.add(fact.event_id)
        handler(state, fact)
        state.counted += 1
        state.last_at = fact.time
    return state


@dataclass(frozen=True)
class Titles:
    """Display titles the facts do not carry, asked from the dialogue service (may be empty)."""

    topics: dict[str, str] = field(default_factory=dict)
    ideas: dict[str, str] = field(default_factory=dict)


def city_results(facts: Iterable[Fact], titles: Titles | None = None) -> dict[str, Any]:
    """The numbers of one city (see the module docstring)."""
    titles = titles or Titles()
    state = fold(facts)
    talks = list(state.talks.values())
    held = [t for t in talks if t.documentations]
    topic_talks: dict[str, list[_Talk]] = {}
    for talk in held:
        if talk.topic_id:
            topic_talks.setdefault(talk.topic_id, []).append(talk)
    topics = [
        {
            "topic_id": topic_id,
            "title": titles.topics.get(topic_id),
            "talks_held": len(talks_of),
            "participants": sum(t.participants for t in talks_of),
        }
        for topic_id, talks_of in sorted(topic_talks.items())
    ]
    ideas = {i: idea for i, idea in state.ideas.items() if idea.proposed and not idea.hidden}
    by_status = Counter({status: 0 for status in IDEA_STATUSES})
    by_status.update(idea.status for idea in ideas.values())
    ranked = sorted(ideas.items(), key=lambda item: (-item[1].supports, -item[1].helpers, item[0]))
    return {
        "talks": {
            "planned": sum(1 for t in talks if t.created and not t.cancelled),
            "cancelled": sum(1 for t in talks if t.cancelled),
            "held": len(held),
            "documentations": sum(t.documentations for t in talks),
            "participants": sum(t.participants for t in held),
            "scenario_conversations": sum(1 for t in held if t.kind == "scenario_conversation"),
        },
        "topics": {
            "deep_dive_published": len(state.deep_dive),
            "own_proposed": sum(1 for hidden in state.own_topics.values() if not hidden),
            "covered": len(topics),
            "items": topics,
        },
        "ideas": {
            "total": len(ideas),
            "by_status": dict(by_status),
            "by_category": dict(sorted(Counter(i.category for i in ideas.values()).items())),
            "by_district": dict(sorted(Counter(i.district for i in ideas.values()).items())),
            "supports": sum(i.supports for i in ideas.values()),
            "helpers": sum(i.helpers for i in ideas.values()),
            "most_supported": [
                _idea_row(idea_id, idea, titles) for idea_id, idea in ranked[:TOP_IDEAS]
            ],
        },
        "facts": {"counted": state.counted, "last_at": state.last_at},
    }


def _idea_row(idea_id: str, idea: _Idea, titles: Titles) -> dict[str, Any]:
    return {
        "idea_id": idea_id,
        "title": idea.title or titles.ideas.get(idea_id),
        "category": idea.category,
        "district": idea.district,
        "status": idea.status,
        "supports": idea.supports,
        "helpers": idea.helpers,
    }


def visible_ideas(facts: Iterable[Fact], titles: Titles | None = None) -> dict[str, dict]:
    """Every visible idea of a city with its numbers (the next-steps overview)."""
    titles = titles or Titles()
    state = fold(facts)
    return {
        idea_id: _idea_row(idea_id, idea, titles)
        for idea_id, idea in sorted(state.ideas.items())
        if idea.proposed and not idea.hidden
    }


def _add(total: dict[str, Any], part: dict[str, Any]) -> None:
    for key, value in part.items():
        if isinstance(value, bool) or key in ("items", "most_supported", "last_at"):
            continue
        if isinstance(value, int):
            total[key] = total.get(key, 0) + value
        elif isinstance(value, dict):
            _add(total.setdefault(key, {}), value)


def cohort_results(per_city: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The sum of a cohort's cities, plus each city's headline numbers."""
    total: dict[str, Any] = {}
    for results in per_city.values():
        _add(
            total, {k: results[k] for k in ("talks", "topics", "ideas", "closing") if k in results}
        )
    most_supported = sorted(
        (
            {**idea, "city": city}
            for city, results in per_city.items()
            for idea in results["ideas"]["most_supported"]
        ),
        key=lambda i: (-i["supports"], -i["helpers"], i["city"], i["idea_id"]),
    )[:TOP_IDEAS]
    total.setdefault("ideas", {})["most_supported"] = most_supported
    return {
        **total,
        "cities": [
            {
                "city": city,
                "talks_held": results["talks"]["held"],
                "participants": results["talks"]["participants"],
                "documentations": results["talks"]["documentations"],
                "topics_covered": results["topics"]["covered"],
                "ideas": results["ideas"]["total"],
                "supports": results["ideas"]["supports"],
                "helpers": results["ideas"]["helpers"],
            }
            for city, results in sorted(per_city.items())
        ],
    }


def fact_from_row(event_id: str, fact_type: str, time: str, subject: str | None, data: str) -> Fact:
    return Fact(
        event_id=event_id, type=fact_type, time=time, subject=subject, data=json.loads(data)
    )
