"""Phase rules, talk times, idea status moves and list filters (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from marshmallow import ValidationError

from services.dialogue.rules import (
    CONVERSATION,
    ENDED,
    HAS_BEGUN,
    IS_OVER,
    RUNNING,
    START_IN_FUTURE,
    TABLE_TALK,
    UPCOMING,
    idea_status_errors,
    join_errors,
    kind_to_create,
    prepare_days,
    preparing,
    require_join_phase,
    talk_matches,
    time_errors,
    timing,
)
from services.dialogue.schemas import TalkSchema
from services.kit.errors import PhaseClosed

NOW = datetime(2030, 5, 1, 12, tzinfo=UTC)


def state(phase: str, talks_start: datetime | None = None) -> dict:
    schedule = {}
    if talks_start is not None:
        end = talks_start + timedelta(days=40)
        schedule["table_talks"] = {"start": talks_start.isoformat(), "end": end.isoformat()}
    return {"slug": "jena", "phase": phase, "schedule": schedule, "plugins": {}}


def test_table_talks_are_created_in_their_phase() -> None:
    assert kind_to_create(state("table_talks"), False, NOW, 14) == TABLE_TALK
    assert kind_to_create(state("table_talks"), True, NOW, 14) == TABLE_TALK


def test_hosts_prepare_within_the_configured_days_before_the_window() -> None:
    soon = state("transfer", NOW + timedelta(days=10))
    later = state("transfer", NOW + timedelta(days=20))
    assert preparing(soon, NOW, 14) and kind_to_create(soon, False, NOW, 14) == TABLE_TALK
    assert not preparing(later, NOW, 14)
    with pytest.raises(PhaseClosed) as refused:
        kind_to_create(later, False, NOW, 14)
    assert refused.value.fields == {
        "phase": ["The city is in phase Transfer; this needs Table talks."]
    }
    assert kind_to_create(later, False, NOW, 30) == TABLE_TALK
    with pytest.raises(PhaseClosed):  # no planned window: no preparing
        kind_to_create(state("transfer"), False, NOW, 14)


def test_working_groups_host_conversations_in_the_scenario_phase() -> None:
    assert kind_to_create(state("scenarios"), True, NOW, 14) == CONVERSATION
    with pytest.raises(PhaseClosed):
        kind_to_create(state("scenarios"), False, NOW, 14)
    for phase in ("kickoff", "closing", "archived"):
        with pytest.raises(PhaseClosed):
            kind_to_create(state(phase), True, NOW, 14)


def test_joining_follows_the_kind_of_talk() -> None:
    require_join_phase(state("table_talks"), TABLE_TALK)
    require_join_phase(state("scenarios"), CONVERSATION)
    with pytest.raises(PhaseClosed):
        require_join_phase(state("transfer", NOW), TABLE_TALK)  # preparing is for hosts only
    with pytest.raises(PhaseClosed):
        require_join_phase(state("table_talks"), CONVERSATION)


def test_prepare_days_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.delenv("STADTDIALOG_TALK_PREPARE_DAYS", raising=False)
    assert prepare_days() == 14
    monkeypatch.setenv("STADTDIALOG_TALK_PREPARE_DAYS", "3")
    assert prepare_days() == 3


def test_a_talk_starts_in_the_future_and_not_absurdly_far() -> None:
    hour = timedelta(hours=1)
    assert time_errors(NOW + timedelta(minutes=1), NOW + hour, NOW) == {}
    assert time_errors(NOW + timedelta(days=700), NOW + timedelta(days=700) + hour, NOW) == {}
    for start in (NOW, NOW - timedelta(minutes=1), NOW - timedelta(days=2)):
        assert time_errors(start, start + hour, NOW) == {"starts_at": [START_IN_FUTURE]}
    assert "starts_at" in time_errors(NOW + timedelta(days=800), NOW + timedelta(days=801), NOW)


def test_a_talk_is_upcoming_then_running_then_ended() -> None:
    starts, ends = NOW, NOW + timedelta(hours=2)
    assert timing(starts, ends, NOW - timedelta(seconds=1)) == UPCOMING
    assert timing(starts, ends, NOW) == RUNNING  # from the first moment
    assert timing(starts, ends, ends - timedelta(seconds=1)) == RUNNING
    assert timing(starts, ends, ends) == ENDED
    assert timing(starts, ends, ends + timedelta(days=3)) == ENDED


def test_joining_is_open_until_the_talk_begins() -> None:
    starts, ends = NOW, NOW + timedelta(hours=2)
    assert join_errors(starts, ends, NOW - timedelta(seconds=1)) == {}
    assert join_errors(starts, ends, NOW) == {"talk": [HAS_BEGUN]}
    assert join_errors(starts, ends, ends) == {"talk": [IS_OVER]}


def test_the_time_messages_have_german_texts() -> None:
    from services.dialogue.messages_de import GERMAN

    assert GERMAN[START_IN_FUTURE] == "Der Beginn muss in der Zukunft liegen."
    assert GERMAN[HAS_BEGUN].startswith("Das Tischgespräch hat schon begonnen")
    assert GERMAN[IS_OVER]


def _talk(**overrides) -> dict:
    body = {
        "title": "Küchentisch",
        "topic_id": "t1",
        "format": "in_person",
        "address": "Markt 1",
        "district": "Zentrum",
        "starts_at": "2030-05-02T18:00:00+02:00",
        "ends_at": "2030-05-02T20:00:00+02:00",
        "capacity": 8,
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": "2030-05-02T17:00:00+02:00"}, "ends_at"),
        ({"ends_at": "2030-05-04T18:00:00+02:00"}, "ends_at"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 100_000}, "capacity"),
        ({"capacity": "8"}, "capacity"),
        ({"format": "online"}, "link"),
        ({"address": None}, "address"),
        ({"format": "by_pigeon"}, "format"),
        ({"starts_at": "2030-05-02T18:00:00"}, "starts_at"),
        ({"link": "ftp://example.org/x", "format": "hybrid"}, "link"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_talks_name_the_field(overrides: dict, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        TalkSchema().load(_talk(**overrides))
    assert field in error.value.messages


def test_a_good_talk_loads() -> None:
    loaded = TalkSchema().load(_talk(format="hybrid", link="https://meet.example.org/x"))
    assert loaded["capacity"] == 8 and loaded["access"] == "open" and loaded["language"] == "de"


def test_idea_status_moves_forward_or_ends() -> None:
    assert idea_status_errors("proposed", "in_discussion") == {}
    assert idea_status_errors("in_discussion", "in_progress") == {}
    assert idea_status_errors("in_progress", "realised") == {}
    assert idea_status_errors("proposed", "not_pursued") == {}
    assert idea_status_errors("proposed", "proposed") == {}
    assert "status" in idea_status_errors("proposed", "realised")
    assert "status" in idea_status_errors("realised", "in_progress")
    assert "status" in idea_status_errors("not_pursued", "in_discussion")


def test_list_filters() -> None:
    talk = {
        "topic_id": "t1",
        "kind": TABLE_TALK,
        "district": "Nordstadt",
        # 23:30 UTC is already the next day in Germany.
        "starts_at": datetime(2030, 5, 2, 22, 30, tzinfo=UTC),
    }
    assert talk_matches(talk, 3, {})
    assert talk_matches(talk, 3, {"topic": "t1", "district": "nordstadt", "free": True})
    assert not talk_matches(talk, 3, {"topic": "t2"})
    assert not talk_matches(talk, 3, {"district": "Südstadt"})
    assert talk_matches(talk, 3, {"date": date(2030, 5, 3)})
    assert not talk_matches(talk, 3, {"date": date(2030, 5, 2)})
    assert not talk_matches(talk, 0, {"free": True})
    assert talk_matches(talk, 0, {"free": False}) and not talk_matches(talk, 1, {"free": False})
    assert not talk_matches(talk, 3, {"kind": CONVERSATION})
