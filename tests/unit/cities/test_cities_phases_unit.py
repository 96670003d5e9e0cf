"""The phase state machine of a city (``services/cities/phases.py``) and the tally keys of a fact.

Pure logic: no broker, no database. ``tally_keys`` lives in ``services/cities/service.py``,
which imports nameko but connects to nothing at import time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.cities.phases import (
    DEFAULT_STEPS,
    ORGANISATION_KINDS,
    PHASE_TITLES,
    PHASES,
    TOPICS_PUBLISHED,
    WORKING_PHASES,
    GuardFacts,
    all_kinds_represented,
    automatic_step,
    check_schedule,
    check_transition,
    composition,
    next_phase,
    published_now,
)
from services.cities.service import tally_keys
from services.kit.i18n import german

NOW = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)


def passing(**overrides) -> GuardFacts:
    """Facts under which every guard lets the city through."""
    values = {
        "working_group_formed": True,
        "topics_published": 1,
        "table_talks_end": NOW - timedelta(days=1),
        "now": NOW,
    }
    values.update(overrides)
    return GuardFacts(**values)


def failing() -> GuardFacts:
    """Facts under which every guard refuses."""
    return GuardFacts(
        working_group_formed=False,
        topics_published=0,
        table_talks_end=NOW + timedelta(days=1),
        now=NOW,
    )


# ------------------------------------------------------------------ order of the phases
def test_phases_run_in_the_documented_order() -> None:
    assert PHASES == ("kickoff", "scenarios", "transfer", "table_talks", "closing", "archived")
    assert PHASES[:-1] == WORKING_PHASES
    assert set(PHASE_TITLES) == set(PHASES)
    assert PHASE_TITLES["table_talks"] == ("Tischgespräche", "Table talks")


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        ("kickoff", "scenarios"),
        ("scenarios", "transfer"),
        ("transfer", "table_talks"),
        ("table_talks", "closing"),
        ("closing", "archived"),
        ("archived", None),
    ],
)
def test_next_phase(current: str, expected: str | None) -> None:
    assert next_phase(current) == expected


def test_next_phase_of_an_unknown_phase_is_an_error() -> None:
    with pytest.raises(ValueError):
        next_phase("holidays")


# ------------------------------------------------------------------ every pair of phases
ALL_PAIRS = [(current, target) for current in PHASES for target in PHASES]


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
def test_only_the_next_phase_is_allowed(current: str, target: str) -> None:
    result = check_transition(current, target, passing())
    if target == next_phase(current):
        assert result.allowed, result.reasons
        assert result.reasons == {}
    else:
        assert not result.allowed
        assert list(result.reasons) == ["to"]
        message = result.reasons["to"][0]
        assert message == f"The next phase after {current} is {next_phase(current)}."
        assert german(message).startswith(f"Die nächste Phase nach {current} ist ")


@pytest.mark.parametrize("current", PHASES)
@pytest.mark.parametrize("target", ["holidays", "", "Kickoff", "archived "])
def test_unknown_target_names_the_field_to(current: str, target: str) -> None:
    result = check_transition(current, target, passing())
    assert not result.allowed
    assert result.reasons == {"to": ["Unknown phase."]}
    assert german("Unknown phase.") == "Unbekannte Phase."


def test_a_wrong_target_is_refused_before_any_guard_is_asked() -> None:
    # Skipping a phase under failing facts names only "to": the guards are not the problem.
    result = check_transition("kickoff", "transfer", failing())
    assert list(result.reasons) == ["to"]


# ------------------------------------------------------------------ the guards
def test_kickoff_needs_a_formed_working_group() -> None:
    refused = check_transition("kickoff", "scenarios", passing(working_group_formed=False))
    assert not refused.allowed
    assert list(refused.reasons) == ["working_group_formed"]
    assert german(refused.reasons["working_group_formed"][0]).startswith("Für den")
    assert check_transition("kickoff", "scenarios", passing()).allowed


def test_table_talks_need_a_published_topic() -> None:
    refused = check_transition("transfer", "table_talks", passing(topics_published=0))
    assert not refused.allowed
    assert list(refused.reasons) == ["topics_published"]
    message = refused.reasons["topics_published"][0]
    assert german(message) != message  # a German text exists
    assert check_transition("transfer", "table_talks", passing(topics_published=1)).allowed
    assert check_transition("transfer", "table_talks", passing(topics_published=7)).allowed


@pytest.mark.parametrize(
    ("end", "override", "allowed"),
    [
        (NOW - timedelta(seconds=1), None, True),  # window ended
        (NOW, None, True),  # ends right now: ended
        (NOW + timedelta(seconds=1), None, False),  # still running
        (None, None, False),  # no window planned: not ended
        (NOW + timedelta(days=3), "", False),  # blank reason is no reason
        (NOW + timedelta(days=3), "   \n\t", False),
        (None, "  ", False),
        (NOW + timedelta(days=3), "Stadtfest vorgezogen", True),  # override with a reason
        (None, "Kein Zeitraum geplant", True),
    ],
)
def test_closing_needs_the_window_ended_or_an_override_with_reason(
    end: datetime | None, override: str | None, allowed: bool
) -> None:
    result = check_transition("table_talks", "closing", passing(table_talks_end=end), override)
    assert result.allowed is allowed
    if allowed:
        assert result.reasons == {}
    else:
        assert list(result.reasons) == ["override_reason"]
        message = result.reasons["override_reason"][0]
        assert german(message) != message


@pytest.mark.parametrize(
    ("current", "target"), [("scenarios", "transfer"), ("closing", "archived")]
)
def test_transitions_without_guards_ignore_failing_facts(current: str, target: str) -> None:
    assert check_transition(current, target, failing()).allowed


@pytest.mark.parametrize(
    ("current", "target", "guard"),
    [
        ("kickoff", "scenarios", "working_group_formed"),
        ("transfer", "table_talks", "topics_published"),
        ("table_talks", "closing", "override_reason"),
    ],
)
def test_each_guard_speaks_only_for_its_own_transition(
    current: str, target: str, guard: str
) -> None:
    result = check_transition(current, target, failing())
    assert not result.allowed
    assert list(result.reasons) == [guard]


def test_an_override_reason_does_not_open_other_guards() -> None:
    reason = "Wir wollen weiter"
    assert not check_transition("kickoff", "scenarios", failing(), reason).allowed
    assert not check_transition("transfer", "table_talks", failing(), reason).allowed


# ------------------------------------------------------------------ schedule windows
def day(n: int) -> datetime:
    return datetime(2030, 1, 1, tzinfo=UTC) + timedelta(days=n)


def window(start: int, end: int) -> dict[str, datetime]:
    return {"start": day(start), "end": day(end)}


def test_a_schedule_in_order_has_no_errors() -> None:
    schedule = {phase: window(30 * i, 30 * i + 20) for i, phase in enumerate(WORKING_PHASES)}
    assert check_schedule(schedule) == {}
    assert check_schedule({}) == {}


def test_adjacent_windows_may_touch() -> None:
    assert check_schedule({"kickoff": window(0, 10), "scenarios": window(10, 20)}) == {}


@pytest.mark.parametrize("phase", WORKING_PHASES)
def test_end_before_or_at_start_names_phase_end(phase: str) -> None:
    backwards = check_schedule({phase: window(10, 5)})
    assert backwards == {f"{phase}.end": ["The end must be after the start."]}
    assert german(backwards[f"{phase}.end"][0]) != backwards[f"{phase}.end"][0]
    empty = check_schedule({phase: window(10, 10)})
    assert list(empty) == [f"{phase}.end"]


def test_overlap_with_the_previous_window_names_phase_start() -> None:
    errors = check_schedule({"kickoff": window(0, 30), "scenarios": window(20, 60)})
    assert errors == {
        "scenarios.start": ["The window must start after the window of the phase before it ends."]
    }
    # No phase code in the German text (it once read "der Phase kickoff").
    assert german(errors["scenarios.start"][0]) == (
        "Der Zeitraum muss nach dem Ende der vorigen Phase beginnen."
    )


def test_missing_phases_are_skipped_and_the_last_planned_window_counts() -> None:
    # scenarios is not planned: transfer is checked against kickoff.
    assert check_schedule({"kickoff": window(0, 30), "transfer": window(40, 50)}) == {}
    errors = check_schedule({"kickoff": window(0, 30), "transfer": window(20, 50)})
    assert errors == {
        "transfer.start": ["The window must start after the window of the phase before it ends."]
    }
    errors = check_schedule(
        {"kickoff": window(0, 30), "scenarios": None, "closing": window(10, 50)}
    )
    assert list(errors) == ["closing.start"]


def test_a_window_without_end_is_not_a_previous_window() -> None:
    schedule = {"kickoff": {"start": day(0)}, "scenarios": window(-10, 5)}
    assert check_schedule(schedule) == {}


def test_several_errors_are_all_named() -> None:
    errors = check_schedule(
        {"kickoff": window(0, 30), "scenarios": window(20, 10), "transfer": window(5, 40)}
    )
    assert set(errors) == {"scenarios.start", "scenarios.end", "transfer.start"}


def test_archived_has_no_window() -> None:
    # Only working phases are read; a stray "archived" key is not checked here (the schema
    # refuses it as an unknown field).
    assert check_schedule({"archived": window(10, 5)}) == {}


# ------------------------------------------------------------------ working-group composition
def test_composition_counts_each_kind_and_ignores_others() -> None:
    kinds = ["association", "association", "foundation", "club", "administration"]
    assert composition(kinds) == {
        "association": 2,
        "initiative": 0,
        "foundation": 1,
        "administration": 1,
    }
    assert composition([]) == dict.fromkeys(ORGANISATION_KINDS, 0)
    assert list(composition([])) == list(ORGANISATION_KINDS)


@pytest.mark.parametrize(
    ("kinds", "formed"),
    [
        ([], False),
        (list(ORGANISATION_KINDS), True),
        (list(ORGANISATION_KINDS) * 2 + ["club"], True),
        (["association", "initiative", "foundation"], False),
        (["association", "initiative", "foundation", "verwaltung"], False),
        (["administration"] * 4, False),
    ],
)
def test_all_kinds_represented(kinds: list[str], formed: bool) -> None:
    assert all_kinds_represented(kinds) is formed


# ------------------------------------------------------------------ default steps
def test_every_working_phase_has_default_steps_with_unique_keys() -> None:
    assert set(DEFAULT_STEPS) == set(WORKING_PHASES)
    for phase, steps in DEFAULT_STEPS.items():
        assert steps, phase
        keys = [step.key for step in steps]
        assert len(keys) == len(set(keys)), phase
        for step in steps:
            # Stored as a step id and used in URLs: no dot (document key), no colon (plugins).
            assert step.key.replace("_", "").isalnum() and step.key.islower(), step.key
            assert step.title_de.strip() and step.title_en.strip()
            assert step.rule in (None, "working_group", "key_factors", "scenarios", "topics")
    all_keys = [step.key for steps in DEFAULT_STEPS.values() for step in steps]
    assert len(all_keys) == len(set(all_keys))


def test_automatic_default_steps() -> None:
    rules = {
        (phase, step.key): step.rule
        for phase, steps in DEFAULT_STEPS.items()
        for step in steps
        if step.rule
    }
    assert rules == {
        ("kickoff", "working_group_formed"): "working_group",
        ("scenarios", "key_factors"): "key_factors",
        ("scenarios", "scenarios_written"): "scenarios",
        ("transfer", "topics_published"): "topics",
    }
    assert TOPICS_PUBLISHED == "scenarios.topic.published"
    for rule in ("key_factors", "scenarios", "topics"):
        assert automatic_step(rule, {})["done"] is False
    assert automatic_step("unknown", {}) is None


def test_scenario_steps_follow_the_workshop_facts() -> None:
    """Key factors chosen once completes its step; scenarios and topics count what is public
    now: a withdrawal takes one back, publishing it again counts it again."""
    assert automatic_step("key_factors", {"scenarios.key_factors.decided": 1})["done"]
    facts = {"scenarios.scenario.published": 2, "scenarios.scenario.withdrawn": 2}
    step = automatic_step("scenarios", facts)
    assert not step["done"] and step["progress_de"] == "0 Szenarien veröffentlicht"
    facts["scenarios.scenario.published"] = 3  # published again
    step = automatic_step("scenarios", facts)
    assert step["done"] and step["progress_de"] == "1 Szenario veröffentlicht"
    assert step["progress_en"] == "1 scenario published"
    facts["scenarios.scenario.published"] = 4
    assert automatic_step("scenarios", facts)["progress_de"] == "2 Szenarien veröffentlicht"
    assert automatic_step("topics", {"scenarios.topic.published": 1})["progress_de"] == (
        "1 Vertiefungsthema veröffentlicht"
    )
    topics = {"scenarios.topic.published": 1, "scenarios.topic.withdrawn": 1}
    assert not automatic_step("topics", topics)["done"]
    assert published_now(topics, "scenarios.topic.published", "scenarios.topic.withdrawn") == 0
    # more withdrawals than publications (facts counted out of order) never go below zero
    assert published_now({"x": 0, "y": 2}, "x", "y") == 0


# ------------------------------------------------------------------ tally keys of a fact
def envelope(type_: object, data: object = None) -> dict:
    return {"id": "e1", "type": type_, "city": "koeln", "data": data}


def test_a_fact_without_tags_counts_under_its_key() -> None:
    assert tally_keys(envelope("stadtdialog.scenarios.topic.published.v1", {"topic_id": "t"})) == [
        "scenarios.topic.published"
    ]
    # The version is not part of the key: v2 of a fact counts with v1.
    assert tally_keys(envelope("stadtdialog.scenarios.topic.published.v2", {})) == [
        "scenarios.topic.published"
    ]


@pytest.mark.parametrize("data", [None, {}, {"tags": None}, {"tags": []}])
def test_no_data_or_empty_tags_give_only_the_key(data: object) -> None:
    assert tally_keys(envelope("stadtdialog.dialogue.talk.documented.v1", data)) == [
        "dialogue.talk.documented"
    ]


def test_each_tag_adds_a_key() -> None:
    keys = tally_keys(
        envelope("stadtdialog.dialogue.talk.documented.v1", {"tags": ["youth", "senior_60-plus"]})
    )
    assert keys == [
        "dialogue.talk.documented",
        "dialogue.talk.documented#youth",
        "dialogue.talk.documented#senior_60-plus",
    ]


def test_bad_tags_are_dropped() -> None:
    tags = ["youth", "Youth", "has space", "a.b", "a#b", "", "x" * 33, "y" * 32, 7, None, ["z"]]
    keys = tally_keys(envelope("stadtdialog.dialogue.talk.documented.v1", {"tags": tags}))
    assert keys == [
        "dialogue.talk.documented",
        "dialogue.talk.documented#youth",
        f"dialogue.talk.documented#{'y' * 32}",
    ]


@pytest.mark.parametrize(
    "type_",
    [
        None,
        "",
        "stadtdialog.dialogue.talk.documented",  # no version
        "other.dialogue.talk.documented.v1",
        "stadtdialog.Dialogue.talk.documented.v1",
        "stadtdialog.dialogue.talk.documented.v1.extra",
        "stadtdialog.dialogue.talk-x.documented.v1",
    ],
)
def test_facts_of_a_bad_type_are_ignored(type_: object) -> None:
    assert tally_keys(envelope(type_, {"tags": ["youth"]})) == []


def test_an_envelope_without_type_is_ignored() -> None:
    assert tally_keys({"id": "e1", "data": {"tags": ["youth"]}}) == []


TALK = "stadtdialog.dialogue.talk.documented.v1"


@pytest.mark.parametrize(
    ("type_", "data", "expected"),
    [
        (7, {"tags": ["youth"]}, []),
        (TALK, {"tags": "youth"}, ["dialogue.talk.documented"]),
        (TALK, {"tags": 5}, ["dialogue.talk.documented"]),
        (TALK, ["youth"], ["dialogue.talk.documented"]),
        (TALK, "youth", ["dialogue.talk.documented"]),
    ],
    ids=["type-int", "tags-string", "tags-int", "data-list", "data-string"],
)
def test_malformed_facts_are_ignored_or_counted_without_tags(
    type_: object, data: object, expected: list[str]
) -> None:
    assert tally_keys(envelope(type_, data)) == expected
