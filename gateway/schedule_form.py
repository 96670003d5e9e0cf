"""The phase schedule as a form of dates (pure: no Flask, no I/O).

People plan phases by day, in the cities' local time: a phase runs from the start of its first
day to the end of its last day. The service keeps instants, so a start day becomes 00:00 local
time and an end day 00:00 of the following day (the next phase may begin on that day). Errors
come back in English with the field they belong to (``scenarios.start``), and the gateway shows
them in German like the service's own.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from services.cities.phases import WORKING_PHASES

LOCAL = ZoneInfo("Europe/Berlin")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")  # what a date input sends
_GERMAN = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")  # what a person types without one

NOT_A_DATE = "Enter a date such as 31.05.2027."
BOTH_NEEDED = "Enter both the first and the last day, or neither."
LAST_BEFORE_FIRST = "The last day must not be before the first day."


def parse_day(text: str) -> date | None:
    """``2027-05-31`` or ``31.05.2027`` → a date; None when it is neither."""
    text = (text or "").strip()
    match = _ISO.match(text)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        match = _GERMAN.match(text)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL)


def schedule_body(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The form's days as the service's schedule body, and the errors found before asking it.

    A phase with both fields empty is left as it is; a phase with one of them is an error.
    """
    body: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for phase in WORKING_PHASES:
        raw = {part: (form.get(f"{phase}.{part}") or "").strip() for part in ("start", "end")}
        if not raw["start"] and not raw["end"]:
            continue
        days: dict[str, date] = {}
        for part, text in raw.items():
            if not text:
                errors[f"{phase}.{part}"] = [BOTH_NEEDED]
                continue
            day = parse_day(text)
            if day is None:
                errors[f"{phase}.{part}"] = [NOT_A_DATE]
            else:
                days[part] = day
        if len(days) < 2:
            continue
        if days["end"] < days["start"]:
            errors[f"{phase}.end"] = [LAST_BEFORE_FIRST]
            continue
        body[phase] = {
            "start": _midnight(days["start"]).isoformat(),
            "end": _midnight(days["end"] + timedelta(days=1)).isoformat(),
        }
    return body, errors


def form_days(schedule: dict[str, dict[str, str | None]]) -> dict[str, str]:
    """The service's schedule as the form's values (``YYYY-MM-DD`` for the date inputs)."""
    values: dict[str, str] = {}
    for phase, window in (schedule or {}).items():
        start, end = window.get("start"), window.get("end")
        if start:
            values[f"{phase}.start"] = _local(start).date().isoformat()
        if end:
            # The window ends at the start of the day after its last day.
            values[f"{phase}.end"] = (_local(end) - timedelta(microseconds=1)).date().isoformat()
    return values


def _local(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(LOCAL)


def german_day(value: str | None, last: bool = False) -> str:
    """An instant of the schedule as ``31.05.2027``; ``last``: the day before an end instant."""
    if not value:
        return ""
    moment = _local(value) - (timedelta(microseconds=1) if last else timedelta(0))
    return moment.strftime("%d.%m.%Y")


def page_day(value: str | None, lang: str, last: bool = False) -> str:
    """``german_day`` on a German page; on an English one ``31 May 2027`` (a reader there
    would take ``06.12.`` for June)."""
    if lang == "de" or not value:
        return german_day(value, last)
    moment = _local(value) - (timedelta(microseconds=1) if last else timedelta(0))
    return format_date(moment.date(), "d MMM y", locale=lang)
