"""The city's calendar feed through the gateway: phases with dates, table talks without their
address, the same UID after a change, a cancelled talk gone on the next refresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests
from dialogue_support import create_talk, table_talk_city
from icalendar import Calendar

pytestmark = pytest.mark.integration


def _feed(api, slug: str) -> dict[str, dict]:
    response = requests.get(f"{api.base}/stadt/{slug}/kalender.ics", timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]).startswith("Stadtdialog ")
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_a_city_calendar_to_subscribe_to(api, cities, platform) -> None:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
    window = {"start": start.isoformat(), "end": (start + timedelta(days=60)).isoformat()}
    city = table_talk_city(api, cities, platform, schedule={"table_talks": window})
    slug, host = city["slug"], api.verified_login()
    talk = create_talk(api, slug, host, city["topic"]["id"], address="Geheimweg 7")

    entries = _feed(api, slug)
    uid = f"talk-{talk['id']}@stadtdialog"
    assert str(entries[f"phase-{slug}-table_talks@stadtdialog"]["summary"]) == (
        "Phase: Tischgespräche"
    )
    assert str(entries[uid]["location"]) == "Nordstadt"
    assert "Geheimweg" not in requests.get(f"{api.base}/stadt/{slug}/kalender.ics", timeout=30).text

    changed = requests.patch(
        api.url(f"/cities/{slug}/talks/{talk['id']}"),
        json={"title": "Wie wollen wir morgen wohnen?"},
        headers={"Authorization": f"Bearer {host['token']}"},
        timeout=30,
    )
    assert changed.status_code == 200, changed.text
    entries = _feed(api, slug)
    assert str(entries[uid]["summary"]) == "Tischgespräch: Wie wollen wir morgen wohnen?"

    cancel = {"reason": "Ich bin krank."}
    cancelled = api.post(f"/cities/{slug}/talks/{talk['id']}/cancel", cancel, token=host["token"])
    assert cancelled.status_code == 200, cancelled.text
    assert uid not in _feed(api, slug)

    # The city page links the feed.
    page = requests.get(f"{api.base}/stadt/{slug}", timeout=30).text
    assert f"/stadt/{slug}/kalender.ics" in page
    assert requests.get(f"{api.base}/stadt/nirgendwo/kalender.ics", timeout=30).status_code == 404
