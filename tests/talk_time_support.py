"""Talks in time for tests. A talk is created with a start ahead of now and joined before it
begins (the dialogue service refuses anything else), so a test that needs a running or an
ended talk creates it ahead, lets its guests join, and then moves the stored times — what the
clock would have done by the evening of the talk."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bson import ObjectId


def move_talk(platform, talk_id: str, starts: datetime, hours: float = 2) -> None:  # noqa: ANN001
    """Set the stored start (and the end ``hours`` later) of a talk, past or future."""
    found = platform.infra.database("dialogue")["talks"].update_one(
        {"_id": ObjectId(talk_id)},
        {"$set": {"starts_at": starts, "ends_at": starts + timedelta(hours=hours)}},
    )
    assert found.matched_count == 1, f"no talk {talk_id}"


def begun(platform, talk_id: str, minutes: float = 30, hours: float = 2) -> datetime:  # noqa: ANN001
    """The talk began ``minutes`` ago and lasts ``hours``; returns the start."""
    starts = datetime.now(UTC) - timedelta(minutes=minutes)
    move_talk(platform, talk_id, starts, hours)
    return starts


def ended(platform, talk_id: str, hours_ago: float = 1, hours: float = 2) -> datetime:  # noqa: ANN001
    """The talk ended ``hours_ago`` after lasting ``hours``; returns the start."""
    starts = datetime.now(UTC) - timedelta(hours=hours_ago + hours)
    move_talk(platform, talk_id, starts, hours)
    return starts
