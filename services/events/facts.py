"""Which public facts the results count, and how: each kept fact folds into a city's state.

The events service keeps every relevant public fact once (``ResultFact``, unique per event id);
``fold`` replays them in time order, so a redelivered fact counts once, facts may arrive out of
order, and an improved projection re-reads history instead of migrating counters (which
FerretDB could not update atomically). The figures drawn from the state are in ``results.py``.

Which facts count, and how (``HANDLERS``):

* talks — ``dialogue.talk.created`` / ``.cancelled`` / ``.documented``: planned talks, cancelled
  talks, talks held (documented at least once), documentations, participants (of each talk's
  latest documentation), scenario-phase conversations;
* topics — deep-dive topics published (``scenarios.topic.published``), citizens' own topics
  (``dialogue.topic.proposed`` / ``.hidden``), and the topic of each documented talk (the
  dialogue service's topic id; titles come from the dialogue service, see ``results.Titles``);
* ideas — ``dialogue.idea.proposed`` (category, district), ``.status_changed``, ``.hidden``;
  supports (``.supported`` / ``.unsupported``) and helpers who signed up ("Ich mache mit":
  ``.volunteered`` / ``.unvolunteered``); organisations backing an idea in their name
  (``.organisation_supported`` / ``.organisation_withdrawn``, ``as`` support or helper; the
  dialogue service lets each organisation give each once); an organisation the city hid
  subtracts each of its supports (``.organisation_hidden``) until shown (``.organisation_shown``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

UNKNOWN = "unknown"


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
class IdeaState:
    title: str | None = None
    category: str = UNKNOWN
    district: str = UNKNOWN
    status: str = "proposed"
    proposed: bool = False
    hidden: bool = False
    supports: int = 0
    helpers: int = 0
    organisations: int = 0  # organisations supporting it
    organisation_helpers: int = 0  # organisations taking part ("Ich mache mit")


@dataclass
class TalkState:
    kind: str = "table_talk"
    created: bool = False
    cancelled: bool = False
    documentations: int = 0
    participants: int = 0
    topic_id: str | None = None


@dataclass
class FoldState:
    talks: dict[str, TalkState] = field(default_factory=dict)
    ideas: dict[str, IdeaState] = field(default_factory=dict)
    deep_dive: dict[str, str | None] = field(default_factory=dict)  # scenarios id -> title
    own_topics: dict[str, bool] = field(default_factory=dict)  # dialogue id -> hidden
    counted: int = 0
    last_at: str | None = None

    def talk(self, talk_id: str) -> TalkState:
        return self.talks.setdefault(talk_id, TalkState())

    def idea(self, idea_id: str) -> IdeaState:
        return self.ideas.setdefault(idea_id, IdeaState())


def _talk_created(state: FoldState, fact: Fact) -> None:
    if talk_id := fact.ref("talk_id"):
        talk = state.talk(talk_id)
        talk.created = True
        talk.kind = fact.text("kind", talk.kind) or talk.kind
        talk.topic_id = fact.text("topic_id", talk.topic_id)


def _talk_cancelled(state: FoldState, fact: Fact) -> None:
    if talk_id := fact.ref("talk_id"):
        state.talk(talk_id).cancelled = True


def _talk_documented(state: FoldState, fact: Fact) -> None:
    if talk_id := fact.ref("talk_id"):
        talk = state.talk(talk_id)
        talk.documentations += 1
        talk.participants = fact.number("participants")  # the latest documentation counts
        talk.topic_id = fact.text("topic_id", talk.topic_id)
        talk.kind = fact.text("kind", talk.kind) or talk.kind


def _topic_published(state: FoldState, fact: Fact) -> None:
    if topic_id := fact.ref("topic_id"):
        state.deep_dive[topic_id] = fact.text("title", state.deep_dive.get(topic_id))


def _own_topic(hidden: bool) -> Callable[[FoldState, Fact], None]:
    def apply(state: FoldState, fact: Fact) -> None:
        topic_id = fact.ref("topic_id")
        # Once hidden, a topic stays hidden (a redelivered proposal does not unhide it).
        if topic_id and (hidden or topic_id not in state.own_topics):
            state.own_topics[topic_id] = hidden

    return apply


def _idea_proposed(state: FoldState, fact: Fact) -> None:
    if idea_id := fact.ref("idea_id"):
        idea = state.idea(idea_id)
        idea.proposed = True
        idea.title = fact.text("title", idea.title)
        idea.category = fact.text("category", idea.category) or UNKNOWN
        idea.district = fact.text("district", idea.district) or UNKNOWN


def _idea_status(state: FoldState, fact: Fact) -> None:
    if idea_id := fact.ref("idea_id"):
        status = fact.text("to") or fact.text("status")
        if status:
            state.idea(idea_id).status = status


def _idea_visibility(hidden: bool) -> Callable[[FoldState, Fact], None]:
    def apply(state: FoldState, fact: Fact) -> None:
        if idea_id := fact.ref("idea_id"):
            state.idea(idea_id).hidden = hidden

    return apply


def _idea_counter(name: str, step: int) -> Callable[[FoldState, Fact], None]:
    def apply(state: FoldState, fact: Fact) -> None:
        if idea_id := fact.ref("idea_id"):
            idea = state.idea(idea_id)
            setattr(idea, name, max(getattr(idea, name) + step, 0))

    return apply


def _organisation(step: int) -> Callable[[FoldState, Fact], None]:
    def apply(state: FoldState, fact: Fact) -> None:
        name = "organisation_helpers" if fact.text("as") == "helper" else "organisations"
        _idea_counter(name, step)(state, fact)

    return apply


HANDLERS: dict[str, Callable[[FoldState, Fact], None]] = {
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
    "stadtdialog.dialogue.idea.organisation_supported.v1": _organisation(+1),
    "stadtdialog.dialogue.idea.organisation_withdrawn.v1": _organisation(-1),
    # The city hid an organisation (each of its supports subtracts) or showed it again.
    "stadtdialog.dialogue.idea.organisation_hidden.v1": _organisation(-1),
    "stadtdialog.dialogue.idea.organisation_shown.v1": _organisation(+1),
}
COUNTED_TYPES = frozenset(HANDLERS)


def counts(fact_type: str) -> bool:
    """Whether the read model keeps facts of this type."""
    return fact_type in COUNTED_TYPES


def fold(facts: Iterable[Fact]) -> FoldState:
    state = FoldState()
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


def fact_from_row(event_id: str, fact_type: str, time: str, subject: str | None, data: str) -> Fact:
    return Fact(
        event_id=event_id, type=fact_type, time=time, subject=subject, data=json.loads(data)
    )
