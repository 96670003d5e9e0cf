"""Talks in time, through the running platform: a talk starts in the future (created or
moved), is joined only before it begins, shows "läuft gerade" while it runs, leaves the
default lists once it is over ("Vergangene Gespräche" shows it, the latest first), and then
offers its host the documentation on the talk page and in Mein Bereich."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import requests
from dialogue_support import create_talk, table_talk_city, talk_body
from guest_support import CONSENT
from talk_time_support import begun, ended

START_IN_FUTURE = "Der Beginn muss in der Zukunft liegen."


def _page_session(api, person: dict) -> requests.Session:  # noqa: ANN001
    session = requests.Session()
    page = session.get(f"{api.base}/anmelden", timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"email": person["email"], "password": person["password"], "csrf_token": token}
    signed_in = session.post(f"{api.base}/anmelden", data=form, timeout=30)
    assert signed_in.status_code == 200, signed_in.text[:300]
    return session


def _ids(api, slug: str, query: str = "") -> list[str]:  # noqa: ANN001
    listed = api.get(f"/cities/{slug}/talks{query}")
    assert listed.status_code == 200, listed.text
    return [t["id"] for t in listed.json()]


def test_a_start_in_the_past_is_refused_when_created_or_moved(api, cities, platform) -> None:
    city = table_talk_city(api, cities, platform)
    slug, host = city["slug"], api.verified_login()
    topic = city["topic"]["id"]
    for past in (timedelta(minutes=1), timedelta(days=2)):
        starts = datetime.now(UTC) - past
        body = talk_body(topic, starts_at=starts.isoformat(),
                         ends_at=(starts + timedelta(hours=2)).isoformat())  # fmt: skip
        refused = api.post(f"/cities/{slug}/talks", body, token=host["token"])
        assert refused.status_code == 422, refused.text
        reason = refused.json()["error"]["fields"]["starts_at"]
        assert reason["de"] == [START_IN_FUTURE]
        assert reason["en"] == ["The start must lie in the future."]
    # The end after the start (the schema's rule, still in force).
    soon = datetime.now(UTC) + timedelta(days=1)
    backwards = talk_body(topic, starts_at=soon.isoformat(), ends_at=soon.isoformat())
    refused = api.post(f"/cities/{slug}/talks", backwards, token=host["token"])
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"]["ends_at"]["de"] == [
        "Das Ende muss nach dem Beginn liegen."
    ]

    talk = create_talk(api, slug, host, topic)
    path = api.url(f"/cities/{slug}/talks/{talk['id']}")
    auth = {"Authorization": f"Bearer {host['token']}"}
    yesterday = datetime.now(UTC) - timedelta(days=1)
    moved = requests.patch(path, json={"starts_at": yesterday.isoformat(),
                                       "ends_at": (yesterday + timedelta(hours=2)).isoformat()},
                           headers=auth, timeout=30)  # fmt: skip
    assert moved.status_code == 422 and moved.json()["error"]["fields"]["starts_at"]["de"] == [
        START_IN_FUTURE
    ]
    # A running talk keeps its start: its host may still correct the title (the edit form
    # sends every field, the start unchanged).
    begun(platform, talk["id"], minutes=10)
    running = api.get(f"/cities/{slug}/talks/{talk['id']}").json()
    fixed = requests.patch(path, json={"title": "Wie wollen wir wohnen? (Nachtrag)",
                                       "starts_at": running["starts_at"]},
                           headers=auth, timeout=30)  # fmt: skip
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["timing"] == "running"


def test_joining_ends_when_the_talk_begins_and_the_pages_say_so(api, cities, platform) -> None:
    city = table_talk_city(api, cities, platform)
    slug, host, guest, late = city["slug"], *(api.verified_login() for _ in range(3))
    talk = create_talk(api, slug, host, city["topic"]["id"], title="Am Küchentisch")
    talk_path = f"/cities/{slug}/talks/{talk['id']}"
    assert talk["timing"] == "upcoming"
    assert api.post(f"{talk_path}/registrations", token=guest["token"]).status_code == 200
    invitation = api.post(f"{talk_path}/invitations", {}, token=host["token"]).json()

    begun(platform, talk["id"], minutes=15)
    assert api.get(talk_path).json()["timing"] == "running"
    refused = api.post(f"{talk_path}/registrations", token=late["token"])
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["fields"]["talk"]["de"] == [
        "Das Tischgespräch hat schon begonnen; anmelden kann man sich nicht mehr."
    ]
    as_guest = {"token": invitation["token"], "name": "Erika", "email": "erika-spaet@example.org",
                **CONSENT}  # fmt: skip
    guest_refused = api.post("/talk-invitations/guest", as_guest)
    assert guest_refused.status_code == 409 and "talk" in guest_refused.json()["error"]["fields"]

    # A running talk stays in the list, marked; its page offers no join button.
    assert talk["id"] in _ids(api, slug)
    listing = requests.get(f"{api.base}/stadt/{slug}/tischgespraeche", timeout=30).text
    assert "Am Küchentisch" in listing and "läuft gerade" in listing
    page = _page_session(api, late).get(f"{api.base}/stadt/{slug}/tischgespraeche/{talk['id']}")
    assert page.status_code == 200
    assert "läuft gerade" in page.text
    assert "Dieses Gespräch läuft gerade – anmelden kann man sich nicht mehr." in page.text
    assert "Ich bin dabei" not in page.text and "Auf die Warteliste" not in page.text
    english = requests.get(f"{api.base}/stadt/{slug}/tischgespraeche?lang=en", timeout=30).text
    assert "in progress" in english
    # The confirmed guest still sees the seat (and the place), not a refusal.
    mine = _page_session(api, guest).get(f"{api.base}/stadt/{slug}/tischgespraeche/{talk['id']}")
    assert "Du bist dabei – Dein Platz: Nr. 1." in mine.text
    assert "anmelden kann man sich nicht mehr" not in mine.text


def test_ended_talks_leave_the_lists_and_ask_their_host_for_the_documentation(
    api, cities, platform
) -> None:
    city = table_talk_city(api, cities, platform)
    slug, host = city["slug"], api.verified_login()
    topic = city["topic"]["id"]
    upcoming = create_talk(api, slug, host, topic, title="Nächste Woche")
    older = create_talk(api, slug, host, topic, title="Vor drei Tagen")
    newer = create_talk(api, slug, host, topic, title="Gestern Abend")
    ended(platform, older["id"], hours_ago=72)
    ended(platform, newer["id"], hours_ago=20)

    assert _ids(api, slug) == [upcoming["id"]]
    assert _ids(api, slug, "?past=true") == [newer["id"], older["id"]]  # the latest first
    assert {t["timing"] for t in api.get(f"/cities/{slug}/talks?past=true").json()} == {"ended"}
    assert api.get(f"/cities/{slug}/talks?past=vielleicht").status_code == 422

    # The pages: the default list without them, "Vergangene Gespräche" with them.
    anonymous = requests.get(f"{api.base}/stadt/{slug}/tischgespraeche", timeout=30).text
    assert "Nächste Woche" in anonymous and "Gestern Abend" not in anonymous
    assert "Vergangene Gespräche ansehen" in anonymous
    past = requests.get(f"{api.base}/stadt/{slug}/tischgespraeche?past=on", timeout=30).text
    assert "Vergangene Gespräche: 2" in past and "Nächste Woche" not in past
    assert past.index("Gestern Abend") < past.index("Vor drei Tagen")
    city_page = requests.get(f"{api.base}/stadt/{slug}", timeout=30)
    assert city_page.status_code == 200
    # The city's calendar keeps the talks held.
    feed = requests.get(f"{api.base}/stadt/{slug}/kalender.ics", timeout=30).text
    assert (
        f"talk-{older['id']}@stadtdialog" in feed and f"talk-{upcoming['id']}@stadtdialog" in feed
    )

    # The host: a button on the talk page and a link in Mein Bereich, until documented.
    session = _page_session(api, host)
    talk_page = session.get(f"{api.base}/stadt/{slug}/tischgespraeche/{newer['id']}").text
    assert "Dein Gespräch ist vorbei" in talk_page
    documentation = f"/stadt/{slug}/tischgespraeche/{newer['id']}/dokumentation"
    assert f'href="{documentation}"' in talk_page
    area = api.get("/me/area", token=host["token"]).json()["hosted_talks"]
    offered = {t["id"]: t["documentation_path"] for t in area}
    assert offered == {upcoming["id"]: None, older["id"]: offered[older["id"]],
                       newer["id"]: documentation}  # fmt: skip
    assert documentation in session.get(f"{api.base}/konto", timeout=30).text

    body = {"participants": 4, "summary": "Wir haben über den Bus am Abend gesprochen."}
    done = api.post(f"/cities/{slug}/talks/{newer['id']}/documentation", body, token=host["token"])
    assert done.status_code == 200, done.text
    talk_page = session.get(f"{api.base}/stadt/{slug}/tischgespraeche/{newer['id']}").text
    assert (
        "Dein Gespräch ist vorbei" not in talk_page and f'href="{documentation}"' not in talk_page
    )
    area = api.get("/me/area", token=host["token"]).json()["hosted_talks"]
    shown = {t["id"]: t for t in area}
    assert shown[newer["id"]]["documentation_path"] is None
    assert shown[newer["id"]]["status"] == "documented"
