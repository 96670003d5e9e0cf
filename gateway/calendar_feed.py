"""Subscribable iCalendar feeds (pure: the views the services answer with in, .ics bytes out):
a city's (its phases with dates, its table talks and its closing events) and a person's private
one (the talks they host, their registrations and their closing events).

Every entry has a stable UID, so a calendar that subscribed replaces a changed entry on its
next refresh and drops one that left the feed (a cancelled talk, a withdrawn event). Talks
carry only their district here: the address and the meeting link are for the people who
registered (their own .ics from the talk's page or the confirmation mail)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from icalendar import Calendar, Event

from services.dialogue.calendar import PRODID, talk_event
from services.events.calendar import closing_event_entry

REFRESH = "PT1H"  # how often a subscribed calendar asks again


def private_feed_url(base_url: str, token: str) -> str:
    """Where a person's private feed is read (gateway/pages/my_calendar.py serves it)."""
    return f"{base_url.rstrip('/')}/kalender/{token}.ics"


def _phase(slug: str, phase: dict[str, Any], base_url: str) -> Event | None:
    if not (phase.get("start") and phase.get("end")):
        return None  # a phase without planned dates has no place in a calendar
    entry = Event()
    entry.add("uid", f"phase-{slug}-{phase['phase']}@stadtdialog")
    entry.add("dtstamp", datetime.now(UTC))
    entry.add("dtstart", datetime.fromisoformat(phase["start"]))
    entry.add("dtend", datetime.fromisoformat(phase["end"]))
    entry.add("summary", f"Phase: {phase['title']['de']}")
    entry.add("url", f"{base_url}/stadt/{slug}")
    entry.add("transp", "TRANSPARENT")  # weeks long: never shown as busy
    return entry


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", REFRESH)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    return calendar


def person_feed(
    talks: list[tuple[dict[str, Any], str]],
    closing_events: list[tuple[dict[str, Any], str]],
    base_url: str,
) -> bytes:
    """``talks``: (talk view as the person may see it, their part: ``host``, ``confirmed`` or
    ``waitlisted``); ``closing_events`` likewise (``confirmed`` or ``waitlisted``). A place on a
    waiting list is TENTATIVE, a cancelled talk or event CANCELLED."""
    calendar = _calendar("Stadtdialog – meine Termine")
    for talk, part in talks:
        entry = talk_event(talk, base_url, cancelled=talk.get("status") == "cancelled")
        if part == "waitlisted" and talk.get("status") != "cancelled":
            entry["status"] = "TENTATIVE"
            entry["summary"] = f"Warteliste – {entry['summary']}"
        calendar.add_component(entry)
    for event, part in closing_events:
        entry = closing_event_entry(event, base_url)
        if part == "waitlisted" and event.get("status") != "cancelled":
            entry["status"] = "TENTATIVE"
            entry["summary"] = f"Warteliste – {entry['summary']}"
        calendar.add_component(entry)
    return calendar.to_ical()


def city_feed(
    city: dict[str, Any],
    phases: list[dict[str, Any]],
    talks: list[dict[str, Any]],
    closing_events: list[dict[str, Any]],
    base_url: str,
) -> bytes:
    calendar = _calendar(f"Stadtdialog {city['name']}")
    for phase in phases:
        if (entry := _phase(city["slug"], phase, base_url)) is not None:
            calendar.add_component(entry)
    for talk in talks:
        public = {k: v for k, v in talk.items() if k not in ("address", "link")}
        calendar.add_component(talk_event(public, base_url))
    for event in closing_events:
        if event.get("status") in ("published", "cancelled"):
            calendar.add_component(closing_event_entry(event, base_url))
    return calendar.to_ical()
