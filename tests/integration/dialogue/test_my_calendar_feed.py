"""A person's private calendar feed: the talks they host and their registrations, with the
address only where they may see it; a new link ends the old one; an ended link is gone."""

from __future__ import annotations

import pytest
import requests
from dialogue_support import create_talk, table_talk_city
from icalendar import Calendar

pytestmark = pytest.mark.integration


def _feed(api, link: str) -> requests.Response:
    return requests.get(f"{api.base}/kalender/{link.split('/kalender/')[1]}", timeout=30)


def _entries(response: requests.Response) -> dict[str, dict]:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/calendar")
    return {str(e["uid"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}


def test_my_private_calendar(api, cities, platform) -> None:
    city = table_talk_city(api, cities, platform)
    slug, topic = city["slug"], city["topic"]["id"]
    host, person, stranger = api.verified_login(), api.verified_login(), api.verified_login()
    small = create_talk(api, slug, host, topic, capacity=1, address="Lindenstraße 5")
    other = create_talk(api, slug, host, topic, title="Ein anderer Abend", address="Ulmenweg 9")
    assert api.post(
        f"/cities/{slug}/talks/{small['id']}/registrations", {}, token=stranger["token"]
    ).ok
    for talk in (small, other):  # the first: full, so a place on the waiting list
        joined = api.post(
            f"/cities/{slug}/talks/{talk['id']}/registrations", {}, token=person["token"]
        )
        assert joined.ok, joined.text  # 201 with a seat, 200 on the waiting list

    made = api.post("/me/calendar-feed", {}, token=person["token"])
    assert made.status_code == 201, made.text
    assert api.get("/me/calendar-feed", token=person["token"]).json()["active"] is True
    entries = _entries(_feed(api, made.json()["link"]))
    confirmed, waiting = (
        entries[f"talk-{other['id']}@stadtdialog"],
        entries[f"talk-{small['id']}@stadtdialog"],
    )
    assert "Ulmenweg 9" in str(confirmed["location"])  # confirmed: the address is theirs to see
    assert str(waiting["status"]) == "TENTATIVE" and str(waiting["summary"]).startswith(
        "Warteliste"
    )
    assert "Lindenstraße" not in str(waiting.get("location", ""))  # not yet: no address

    hosted = _entries(
        _feed(api, api.post("/me/calendar-feed", {}, token=host["token"]).json()["link"])
    )
    assert set(hosted) == {f"talk-{small['id']}@stadtdialog", f"talk-{other['id']}@stadtdialog"}

    # A new link ends the old one; an ended link answers 404 like one that never existed.
    renewed = api.post("/me/calendar-feed", {}, token=person["token"]).json()["link"]
    assert _feed(api, made.json()["link"]).status_code == 404
    assert _feed(api, renewed).status_code == 200
    assert api.delete("/me/calendar-feed", token=person["token"]).json() == {"ended": 1}
    assert _feed(api, renewed).status_code == 404
    assert requests.get(f"{api.base}/kalender/erfunden.ics", timeout=30).status_code == 404
    # The link is no sign-in: as a bearer token it is refused.
    assert api.get("/me", token=renewed.split("/kalender/")[1][:-4]).status_code == 401
