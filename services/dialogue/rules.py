"""Domain rules of the dialogue service (pure: no nameko, no database).

Which phase lets whom host or join which kind of talk, when a talk's times are acceptable,
where a talk stands in time (upcoming, running, ended), and how a project idea's status may
move.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.kit.city_state import require_phase
from services.kit.errors import PhaseClosed

TABLE_TALK = "table_talk"
CONVERSATION = "scenario_conversation"
# Who hosts conversations while the scenarios are being built.
WORKING_GROUP_ROLES = ("working_group_member", "facilitator", "city_admin")
MAX_AHEAD = timedelta(days=2 * 365)
# Dates a person types (the list filter) are dates where the cities are.
LOCAL = ZoneInfo("Europe/Berlin")

IDEA_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "proposed": ("in_discussion", "not_pursued"),
    "in_discussion": ("in_progress", "not_pursued"),
    "in_progress": ("realised", "not_pursued"),
    "realised": (),
    "not_pursued": (),
}


def prepare_days() -> int:
    """How many days before the table-talk window hosts may already create their talks."""
    raw = os.environ.get("STADTDIALOG_TALK_PREPARE_DAYS", "")
    return int(raw) if raw.strip() else 14


def _parse(value: Any) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def preparing(state: dict[str, Any], now: datetime, days: int) -> bool:
    """In transfer, within ``days`` of the planned start of the table-talk window."""
    if state.get("phase") != "transfer":
        return False
    window = (state.get("schedule") or {}).get("table_talks") or {}
    start = _parse(window.get("start"))
    return start is not None and now >= start - timedelta(days=days)


def kind_to_create(state: dict[str, Any], in_working_group: bool, now: datetime, days: int) -> str:
    """The kind of talk the caller may create now, or ``PhaseClosed``.

    Table talks in the table-talk phase (and ``days`` earlier, to prepare); conversations of
    the working groups in the scenario phase.
    """
    phase = state.get("phase")
    if phase == "table_talks" or preparing(state, now, days):
        return TABLE_TALK
    if phase == "scenarios" and in_working_group:
        return CONVERSATION
    require_phase(state, "table_talks")  # raises, naming the phase the city is in
    raise PhaseClosed()  # unreachable: require_phase raised


def require_join_phase(state: dict[str, Any], kind: str) -> None:
    require_phase(state, "scenarios" if kind == CONVERSATION else "table_talks")


# Where a talk stands in time.
UPCOMING, RUNNING, ENDED = "upcoming", "running", "ended"
START_IN_FUTURE = "The start must lie in the future."
HAS_BEGUN = "The talk has begun; joining is no longer possible."
IS_OVER = "The talk is over."


def time_errors(starts: datetime, ends: datetime, now: datetime) -> dict[str, list[str]]:
    """A start a host may choose (creating or moving a talk): ahead of now, so that guests can
    still join, and not absurdly far. That the end follows the start the schema checks."""
    errors: dict[str, list[str]] = {}
    if starts <= now:
        errors["starts_at"] = [START_IN_FUTURE]
    elif starts > now + MAX_AHEAD:
        errors["starts_at"] = ["A talk may start at most two years ahead."]
    return errors


def timing(starts: datetime, ends: datetime, now: datetime) -> str:
    """``upcoming`` before the start, ``running`` from the start until the end, then ``ended``."""
    if now < starts:
        return UPCOMING
    return RUNNING if now < ends else ENDED


def join_errors(starts: datetime, ends: datetime, now: datetime) -> dict[str, list[str]]:
    """Joining (with an account, by invitation, as a guest) is open until the talk begins."""
    state = timing(starts, ends, now)
    if state == UPCOMING:
        return {}
    return {"talk": [HAS_BEGUN if state == RUNNING else IS_OVER]}


def idea_status_errors(current: str, target: str) -> dict[str, list[str]]:
    if target == current:
        return {}
    if target not in IDEA_TRANSITIONS.get(current, ()):
        return {"status": [f"An idea cannot move from {current} to {target}."]}
    return {}


def talk_matches(talk: dict[str, Any], free_seats: int, filters: dict[str, Any]) -> bool:
    """The list filters: topic, district (case-insensitive), date (of the start), free seats;
    ``past`` is applied by the query (see ``services.dialogue.handlers.talks``)."""
    if filters.get("topic") and talk["topic_id"] != filters["topic"]:
        return False
    if filters.get("kind") and talk["kind"] != filters["kind"]:
        return False
    if (
        filters.get("district")
        and (talk.get("district") or "").casefold() != filters["district"].casefold()
    ):
        return False
    if filters.get("date") and talk["starts_at"].astimezone(LOCAL).date() != filters["date"]:
        return False
    if filters.get("free") is True and free_seats <= 0:
        return False
    return not (filters.get("free") is False and free_seats > 0)


UNKNOWN_DISTRICT = "No district with this name in this city: choose one from the list."


def canonical_district(names: list[str], value: str | None) -> str | None:
    """The city's spelling of ``value`` (case and spacing folded), or None when the city has
    no such district. Without districts uploaded any name is kept as typed."""
    if not value or not names:
        return value
    folded = " ".join(value.split()).casefold()
    return next((name for name in names if name.casefold() == folded), None)
