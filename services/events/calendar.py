"""iCalendar entries of closing events (pure: icalendar only): the file attached to the
registrants' mails and the entry of the city's and the person's feeds share one builder, so a
calendar that has both keeps one entry (same UID)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from icalendar import Calendar, Event

PRODID = "-//Stadtdialog//Abschluss//DE"


def event_url(base_url: str, city: str, event_id: str) -> str:
    return f"{base_url.rstrip('/')}/stadt/{city}/abschluss/{event_id}"


def closing_event_entry(event: dict[str, Any], base_url: str) -> Event:
    """The closing event (the service's view) as a VEVENT."""
    entry = Event()
    entry.add("uid", f"closing-{event['id']}@stadtdialog")
    entry.add("dtstamp", datetime.now(UTC))
    entry.add("dtstart", datetime.fromisoformat(event["starts_at"]))
    entry.add("dtend", datetime.fromisoformat(event["ends_at"]))
    entry.add("summary", f"Abschlussveranstaltung: {event['title']}")
    url = event_url(base_url, event["city"], event["id"])
    entry.add("description", "\n\n".join(p for p in (event.get("description") or "", url) if p))
    venue = event.get("venue") or {}
    place = ", ".join(p for p in (venue.get("name"), venue.get("address")) if p)
    if place or venue.get("online_url"):
        entry.add("location", place or venue["online_url"])
    entry.add("url", url)
    cancelled = event.get("status") == "cancelled"
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return entry


def closing_event_ics(event: dict[str, Any], base_url: str) -> bytes:
    """One VEVENT as a file for a mail; a cancelled event goes with METHOD CANCEL so calendars
    remove the entry."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if event.get("status") == "cancelled" else "PUBLISH")
    calendar.add_component(closing_event_entry(event, base_url))
    return calendar.to_ical()
