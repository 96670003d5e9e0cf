"""iCalendar (.ics) files of table talks (pure: icalendar only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from icalendar import Calendar, Event

PRODID = "-//Stadtdialog//Tischgespraeche//DE"


def talk_event(talk: dict[str, Any], base_url: str, cancelled: bool = False) -> Event:
    """The talk as a VEVENT. ``talk`` is the service's talk view: with place details for a
    participant's file, without them (district only) for the city's public feed."""
    event = Event()
    # Stable UID: a changed talk replaces the entry in the guest's calendar.
    event.add("uid", f"talk-{talk['id']}@stadtdialog")
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", datetime.fromisoformat(talk["starts_at"]))
    event.add("dtend", datetime.fromisoformat(talk["ends_at"]))
    event.add("summary", f"Tischgespräch: {talk['title']}")
    url = f"{base_url}/stadt/{talk['city']}/tischgespraeche/{talk['id']}"
    description = [talk.get("description") or "", talk.get("link") or "", url]
    event.add("description", "\n\n".join(part for part in description if part))
    place = ", ".join(p for p in (talk.get("address"), talk.get("district")) if p)
    if place or talk.get("link"):
        event.add("location", place or talk["link"])
    event.add("url", url)
    event.add("sequence", int(talk.get("sequence") or 0))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def talk_ics(talk: dict[str, Any], base_url: str, cancelled: bool = False) -> bytes:
    """One VEVENT for the talk; a cancelled talk is sent with STATUS:CANCELLED and METHOD
    CANCEL so calendars remove it. ``talk`` is the service's talk view with place details."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(talk_event(talk, base_url, cancelled))
    return calendar.to_ical()
