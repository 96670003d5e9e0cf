"""The city's calendar feed (pure): stable UIDs, no private place details, hostile text kept
inside its property."""

from __future__ import annotations

from icalendar import Calendar

from gateway.calendar_feed import city_feed

CITY = {"slug": "musterstadt", "name": "Musterstadt"}
PHASES = [
    {
        "phase": "table_talks",
        "title": {"de": "Tischgespräche", "en": "Table talks"},
        "start": "2027-03-01T00:00:00+01:00",
        "end": "2027-04-30T23:59:00+02:00",
    },
    {"phase": "closing", "title": {"de": "Abschluss", "en": "Closing"}, "start": None, "end": None},
]
TALK = {
    "id": "t1",
    "city": "musterstadt",
    "title": "Wohnen\r\nBCC: alle@example.org",
    "description": "Am Küchentisch",
    "starts_at": "2027-03-10T18:00:00+01:00",
    "ends_at": "2027-03-10T20:00:00+01:00",
    "address": "Lindenstraße 5",
    "district": "Nordstadt",
    "link": None,
    "sequence": 2,
}
EVENT = {
    "id": "e1",
    "city": "musterstadt",
    "title": "Zukunftsfest",
    "description": "",
    "starts_at": "2027-06-01T17:00:00+02:00",
    "ends_at": "2027-06-01T21:00:00+02:00",
    "venue": {"name": "Rathaus", "address": "Markt 1", "online_url": None},
    "status": "published",
}


def _entries(feed: bytes) -> dict[str, dict]:
    calendar = Calendar.from_ical(feed)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_holds_dated_phases_talks_and_published_events_with_stable_uids() -> None:
    drafts = [{**EVENT, "id": "e2", "status": "draft"}]
    feed = city_feed(CITY, PHASES, [TALK], [EVENT, *drafts], "https://beispiel.de")
    entries = _entries(feed)
    assert set(entries) == {
        "phase-musterstadt-table_talks@stadtdialog",  # the closing phase has no dates yet
        "talk-t1@stadtdialog",
        "closing-e1@stadtdialog",
    }
    again = _entries(city_feed(CITY, PHASES, [TALK], [EVENT], "https://beispiel.de"))
    # The same UIDs and contents on the next read (DTSTAMP is the time of reading).
    assert {uid: str(e["summary"]) for uid, e in again.items()} == {
        uid: str(e["summary"]) for uid, e in entries.items()
    }
    assert str(entries["phase-musterstadt-table_talks@stadtdialog"]["summary"]) == (
        "Phase: Tischgespräche"
    )
    assert str(Calendar.from_ical(feed)["x-wr-calname"]) == "Stadtdialog Musterstadt"


def test_a_talk_shows_its_district_never_its_address_and_its_title_stays_one_line() -> None:
    feed = city_feed(CITY, [], [TALK], [], "https://beispiel.de")
    talk = _entries(feed)["talk-t1@stadtdialog"]
    assert str(talk["location"]) == "Nordstadt"
    assert b"Lindenstra" not in feed
    assert int(talk["sequence"]) == 2
    # The line break is escaped inside SUMMARY; no property of its own appears.
    assert str(talk["summary"]).replace("\r", "") == "Tischgespräch: Wohnen\nBCC: alle@example.org"
    assert not any(line.startswith(b"BCC") for line in feed.splitlines())


def test_a_cancelled_event_stays_in_the_feed_as_cancelled() -> None:
    feed = city_feed(CITY, [], [], [{**EVENT, "status": "cancelled"}], "https://beispiel.de")
    assert str(_entries(feed)["closing-e1@stadtdialog"]["status"]) == "CANCELLED"
