"""The results of a city's dialogue (and of a cohort), computed from the public facts of the
other services.

The results are computed on request from the kept facts: ``facts.fold`` replays them into a
state (which facts count, and how, is told there); this module draws the figures from it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from services.events.facts import Fact, IdeaState, TalkState, fold

# ``Fact`` is the input of every function here, so callers take it from here too.
__all__ = ["Fact", "Titles", "city_results", "cohort_results", "visible_ideas"]

IDEA_STATUSES = ("proposed", "in_discussion", "in_progress", "realised", "not_pursued")
TOP_IDEAS = 10


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
    topic_talks: dict[str, list[TalkState]] = {}
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
            "organisations": sum(i.organisations for i in ideas.values()),
            "organisation_helpers": sum(i.organisation_helpers for i in ideas.values()),
            "most_supported": [
                _idea_row(idea_id, idea, titles) for idea_id, idea in ranked[:TOP_IDEAS]
            ],
        },
        "facts": {"counted": state.counted, "last_at": state.last_at},
    }


def _idea_row(idea_id: str, idea: IdeaState, titles: Titles) -> dict[str, Any]:
    return {
        "idea_id": idea_id,
        "title": idea.title or titles.ideas.get(idea_id),
        "category": idea.category,
        "district": idea.district,
        "status": idea.status,
        "supports": idea.supports,
        "helpers": idea.helpers,
        "organisations": idea.organisations,
        "organisation_helpers": idea.organisation_helpers,
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
                "organisations": results["ideas"].get("organisations", 0),
            }
            for city, results in sorted(per_city.items())
        ],
    }
