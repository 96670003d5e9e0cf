"""The results projection and its exports, on a scripted dialogue (pure: no broker, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.events.results import Fact, Titles, city_results, cohort_results, visible_ideas
from services.kit.events import make_envelope

T0 = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)


class Script:
    """Facts in the order they happened, a minute apart."""

    def __init__(self) -> None:
        self.facts: list[Fact] = []

    def __call__(self, service: str, entity: str, action: str, **data: object) -> Fact:
        envelope = make_envelope(
            service=service,
            entity=entity,
            action=action,
            data=data,
            city="musterstadt",
            now=T0 + timedelta(minutes=len(self.facts)),
        )
        fact = Fact.from_envelope(envelope)
        self.facts.append(fact)
        return fact


def scripted_dialogue() -> list[Fact]:
    say = Script()
    say("scenarios", "topic", "published", topic_id="s1", title="Mobilität")
    say("scenarios", "topic", "published", topic_id="s2", title="Wohnen")
    say("dialogue", "topic", "proposed", topic_id="own1")
    say("dialogue", "topic", "proposed", topic_id="own2")
    say("dialogue", "topic", "hidden", topic_id="own2")
    for talk, topic in (("k1", "d1"), ("k2", "d1"), ("k3", "d2"), ("k4", "d2"), ("k5", "own1")):
        say("dialogue", "talk", "created", talk_id=talk, topic_id=topic, kind="table_talk")
    say("dialogue", "talk", "cancelled", talk_id="k4")
    say(
        "dialogue",
        "talk",
        "documented",
        talk_id="k1",
        topic_id="d1",
        participants=6,
        kind="table_talk",
    )
    say(
        "dialogue",
        "talk",
        "documented",
        talk_id="k2",
        topic_id="d1",
        participants=4,
        kind="table_talk",
    )
    say("dialogue", "talk", "documented", talk_id="k5", topic_id="own1", participants=9)
    say("dialogue", "talk", "created", talk_id="c1", kind="scenario_conversation")
    say(
        "dialogue", "talk", "documented", talk_id="c1", kind="scenario_conversation", participants=3
    )
    ideas = {
        "i1": ("verkehr", "Nord"),
        "i2": ("verkehr", "Süd"),
        "i3": ("kultur", None),
        "i4": ("x", "Nord"),
    }
    for idea, (category, district) in ideas.items():
        say(
            "dialogue",
            "idea",
            "proposed",
            idea_id=idea,
            category=category,
            district=district,
            talk_id="k1",
        )
    for _ in range(3):
        say("dialogue", "idea", "supported", idea_id="i2")
    say("dialogue", "idea", "supported", idea_id="i1")
    say("dialogue", "idea", "supported", idea_id="i1")
    say("dialogue", "idea", "unsupported", idea_id="i1")
    say("dialogue", "idea", "volunteered", idea_id="i1")
    say("dialogue", "idea", "volunteered", idea_id="i3")
    say("dialogue", "idea", "volunteered", idea_id="i3")
    say("dialogue", "idea", "unvolunteered", idea_id="i3")
    say("dialogue", "idea", "status_changed", idea_id="i2", to="in_discussion")
    say("dialogue", "idea", "status_changed", idea_id="i2", to="in_progress")
    say("dialogue", "idea", "status_changed", idea_id="i3", to="not_pursued")
    say("dialogue", "idea", "hidden", idea_id="i4")
    say("dialogue", "registration", "confirmed", talk_id="k1", registration_id="r1")  # not counted
    return say.facts


def test_results_of_a_scripted_dialogue() -> None:
    results = city_results(scripted_dialogue(), Titles(topics={"d1": "Mobilität"}))
    assert results["talks"] == {
        "planned": 5,
        "cancelled": 1,
        "held": 4,
        "documentations": 4,
        "participants": 22,
        "scenario_conversations": 1,
    }
    assert results["topics"]["deep_dive_published"] == 2
    assert results["topics"]["own_proposed"] == 1
    assert results["topics"]["covered"] == 2  # d1 and own1; the conversation had no topic
    assert results["topics"]["items"] == [
        {"topic_id": "d1", "title": "Mobilität", "talks_held": 2, "participants": 10},
        {"topic_id": "own1", "title": None, "talks_held": 1, "participants": 9},
    ]
    ideas = results["ideas"]
    assert ideas["total"] == 3  # i4 is hidden
    assert ideas["by_status"] == {
        "proposed": 1,
        "in_discussion": 0,
        "in_progress": 1,
        "realised": 0,
        "not_pursued": 1,
    }
    assert ideas["by_category"] == {"kultur": 1, "verkehr": 2}
    assert ideas["by_district"] == {"Nord": 1, "Süd": 1, "unknown": 1}
    assert ideas["supports"] == 4 and ideas["helpers"] == 2
    assert [(i["idea_id"], i["supports"], i["helpers"]) for i in ideas["most_supported"]] == [
        ("i2", 3, 0),
        ("i1", 1, 1),
        ("i3", 0, 1),
    ]
    assert ideas["most_supported"][0]["status"] == "in_progress"
    assert results["facts"]["counted"] == len(scripted_dialogue()) - 1


def test_a_fact_delivered_twice_or_out_of_order_counts_once() -> None:
    facts = scripted_dialogue()
    shuffled = list(reversed(facts)) + facts[10:20]
    assert city_results(shuffled) == city_results(facts)


def test_a_redocumented_talk_counts_its_latest_participants() -> None:
    say = Script()
    say("dialogue", "talk", "documented", talk_id="k1", participants=5)
    say("dialogue", "talk", "documented", talk_id="k1", participants=8)
    talks = city_results(say.facts)["talks"]
    assert (talks["held"], talks["documentations"], talks["participants"]) == (1, 2, 8)


def test_odd_data_does_not_break_the_results() -> None:
    say = Script()
    say("dialogue", "talk", "documented", talk_id="k1", participants="viele")
    say("dialogue", "talk", "documented", participants=-3)  # no id: only the subject, None
    say("dialogue", "idea", "supported")
    assert city_results(say.facts)["talks"]["participants"] == 0


def test_visible_ideas_for_the_next_steps_overview() -> None:
    ideas = visible_ideas(scripted_dialogue(), Titles(ideas={"i1": "Radweg am Fluss"}))
    assert sorted(ideas) == ["i1", "i2", "i3"]
    assert ideas["i1"]["title"] == "Radweg am Fluss" and ideas["i2"]["title"] is None


def test_cohort_adds_up_its_cities() -> None:
    one = city_results(scripted_dialogue())
    say = Script()
    say("dialogue", "talk", "documented", talk_id="x", participants=10)
    other = city_results(say.facts)
    cohort = cohort_results({"aachen": one, "bonn": other})
    assert cohort["talks"]["held"] == 5 and cohort["talks"]["participants"] == 32
    assert cohort["ideas"]["by_category"] == {"kultur": 1, "verkehr": 2}
    assert [c["city"] for c in cohort["cities"]] == ["aachen", "bonn"]
    assert cohort["cities"][1]["participants"] == 10
    assert cohort["ideas"]["most_supported"][0]["city"] == "aachen"


def results_document() -> dict:
    return {
        "city": "musterstadt",
        "name": "Musterstadt",
        "generated_at": "2027-12-01T10:00:00+00:00",
        **city_results(scripted_dialogue(), Titles(topics={"d1": "Mobilität"})),
        "closing": {
            "events": 1,
            "capacity": 120,
            "confirmed": 87,
            "waiting": 4,
            "next_steps": {"planned": 2, "in_progress": 1, "done": 0, "dropped": 0},
            "ideas_with_next_steps": 2,
        },
    }
