"""When the host's daily summary and the reminder the day before a talk are due, and what a
summary tells (pure: no I/O; the queries and mails live in ``handlers/notices.py``).

* **Host summary.** At most one mail per host, city and day (Europe/Berlin), sent from
  ``STADTDIALOG_HOST_SUMMARY_HOUR`` o'clock on (default 18), and only when the registrations
  of the host's upcoming talks changed since the last summary: someone joined (with a seat or
  on the waiting list), cancelled, moved up from the waiting list, or the talk became full.
  The last summary stores what it told (registration ids, no names); the next compares.
* **Reminder.** Once per person and talk, when the talk starts within the next 24 hours.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Berlin")
HOUR_ENV = "STADTDIALOG_HOST_SUMMARY_HOUR"
DEFAULT_HOUR = 18
REMINDER_WINDOW = timedelta(hours=24)
CHECK_EVERY_SECONDS = 1800  # the timer; "once" is kept by unique inserts, not by the interval


def summary_hour(environ: Mapping[str, str] = os.environ) -> int:
    """The local hour from which the day's summaries go out (0: any time of the day)."""
    raw = environ.get(HOUR_ENV, "").strip()
    hour = int(raw) if raw else DEFAULT_HOUR
    if not 0 <= hour <= 23:
        raise ValueError(f"{HOUR_ENV} must be 0 to 23, not {hour}")
    return hour


def summary_day(now: datetime) -> str:
    """The local calendar day a summary sent at ``now`` belongs to (its unique key)."""
    return now.astimezone(LOCAL).date().isoformat()


def summary_due(now: datetime, hour: int) -> bool:
    return now.astimezone(LOCAL).hour >= hour


def reminder_due(starts_at: datetime, now: datetime) -> bool:
    return now < starts_at <= now + REMINDER_WINDOW


def person_key(person: str) -> str:
    """What a reminder record keeps of ``Registration.person``: a hash, not the address."""
    return hashlib.sha256(person.encode()).hexdigest()


def seen_now(confirmed: list[str], waiting: list[str], capacity: int) -> dict[str, Any]:
    """A talk's registrations as a summary stores them."""
    return {"c": list(confirmed), "w": list(waiting), "f": len(confirmed) >= capacity}


def talk_changes(before: Mapping[str, Any] | None, now: Mapping[str, Any]) -> dict[str, Any]:
    """What changed on one talk between the last summary (``before``; None: never told) and
    ``now`` (both as ``seen_now`` makes them). Registration ids, in the order of ``now``."""
    before = before or {"c": [], "w": [], "f": False}
    old_c, old_w = set(before.get("c") or ()), set(before.get("w") or ())
    known = old_c | old_w
    current = set(now["c"]) | set(now["w"])
    return {
        "joined": [r for r in now["c"] if r not in known],
        "joined_waiting": [r for r in now["w"] if r not in known],
        "moved_up": [r for r in now["c"] if r in old_w],
        "cancelled": len(known - current),
        "full": bool(now["f"]) and not before.get("f"),
    }


def has_changes(changes: Mapping[str, Any]) -> bool:
    return bool(
        changes["joined"]
        or changes["joined_waiting"]
        or changes["moved_up"]
        or changes["cancelled"]
        or changes["full"]
    )
