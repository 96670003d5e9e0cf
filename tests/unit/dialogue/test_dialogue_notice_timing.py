"""The pure parts of the host summary and the reminder: when they are due, what a summary
tells, and that the texts are German first with no raw keys."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from services.dialogue import mails
from services.dialogue.notices import (
    has_changes,
    person_key,
    reminder_due,
    seen_now,
    summary_day,
    summary_due,
    summary_hour,
    talk_changes,
)

TALK = {
    "id": "t1",
    "city": "musterstadt",
    "title": "Wie wollen wir wohnen?",
    "starts_at": "2026-12-10T17:00:00+00:00",
    "ends_at": "2026-12-10T19:00:00+00:00",
    "address": "Lindenstraße 5",
    "district": "Nordstadt",
    "link": None,
    "seats_taken": 6,
    "capacity": 6,
    "waiting": 1,
}


def test_the_summary_day_and_hour_are_local_to_berlin() -> None:
    late = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)  # 00:30 on the 6th in Berlin
    assert summary_day(late) == "2026-12-06"
    assert summary_due(datetime(2026, 12, 5, 17, 0, tzinfo=UTC), 18)  # 18:00 local
    assert not summary_due(datetime(2026, 12, 5, 16, 59, tzinfo=UTC), 18)
    assert summary_hour({}) == 18 and summary_hour({"STADTDIALOG_HOST_SUMMARY_HOUR": "0"}) == 0
    with pytest.raises(ValueError):
        summary_hour({"STADTDIALOG_HOST_SUMMARY_HOUR": "24"})


def test_a_reminder_is_due_within_the_day_before_only() -> None:
    now = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    assert reminder_due(now + timedelta(hours=23), now)
    assert reminder_due(now + timedelta(hours=24), now)
    assert not reminder_due(now + timedelta(hours=25), now)
    assert not reminder_due(now - timedelta(minutes=1), now)  # started: too late


def test_changes_since_the_last_summary() -> None:
    before = seen_now(["a", "b"], ["c", "d"], capacity=3)
    now = seen_now(["a", "c", "e"], ["f"], capacity=3)  # b and d left, c moved up
    changes = talk_changes(before, now)
    assert changes == {
        "joined": ["e"],
        "joined_waiting": ["f"],
        "moved_up": ["c"],
        "cancelled": 2,
        "full": True,
    }
    assert has_changes(changes)
    assert not has_changes(talk_changes(now, now))  # nothing new: no mail
    first = talk_changes(None, seen_now(["a"], [], capacity=3))  # never summarised
    assert first["joined"] == ["a"] and not first["full"]
    assert not talk_changes(None, seen_now([], [], capacity=3))["cancelled"]


def test_the_reminder_record_keeps_no_address() -> None:
    key = person_key("guest:erika@example.org")
    assert "erika" not in key and len(key) == 64 and key == person_key("guest:erika@example.org")


def _no_raw_keys(text: str) -> None:
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text  # snake_case words
    assert "{" not in text and "}" not in text


def test_the_texts_are_german_first_and_carry_the_links() -> None:
    changes = talk_changes(seen_now(["a"], [], 6), seen_now(["a", "b"], ["c"], 6))
    item = {"talk": TALK, "changes": changes, "names": {"b": "Ben", "c": "Cem"}, "url": "U"}
    subject, body = mails.host_summary("Hanna", [item], "FOOTER")
    assert body.startswith("Hallo Hanna") and "Neu angemeldet: Ben" in body
    assert "Neu auf der Warteliste: Cem" in body and "FOOTER" in body
    _no_raw_keys(subject + body)
    leave = mails.leave_footer("https://x.example/tischgespraeche/gast-absagen?token=T")
    subject, body = mails.reminder(TALK, "Erika", None, leave, "")
    assert "Lindenstraße 5" in body and "gast-absagen?token=T" in body
    _no_raw_keys(subject + body.replace("gast-absagen?token=T", ""))
    waiting = {**TALK, "address": None}
    _subject, body = mails.reminder(waiting, "Erika", 2, leave, "")
    assert "Platz 2 der Warteliste" in body and "Lindenstraße" not in body
