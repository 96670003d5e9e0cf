"""Talks and registrations over HTTP: waiting list and promotion with their mails, the host's
changes and cancellation mailed to guests, list filters, topics and their moderation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests
from dialogue_support import (
    create_talk,
    dialogue_topic,
    outbox_events,
    publish_topic,
    table_talk_city,
)

from services.kit.outbox import stored_rows
from services.kit.testing import wait_until


def _subjects(platform, email: str, count: int) -> list[str]:
    return [m["Subject"] for m in platform.mail_sink.wait_for(email, count=count)]


def test_waiting_list_promotion_changes_and_cancellation_reach_the_guests(
    api, cities, platform
) -> None:
    city = table_talk_city(api, cities, platform)
    slug = city["slug"]
    host = api.verified_login()
    talk = create_talk(api, slug, host, city["topic"]["id"], capacity=1)
    path = f"/cities/{slug}/talks/{talk['id']}"
    first, second, third = (api.verified_login() for _ in range(3))

    joined = [
        api.post(f"{path}/registrations", token=p["token"]).json() for p in (first, second, third)
    ]
    assert [j["status"] for j in joined] == ["confirmed", "waitlisted", "waitlisted"]
    assert [j["position"] for j in joined] == [None, 1, 2]
    assert "Platz ist sicher" in _subjects(platform, first["email"], 2)[1]
    assert "Warteliste" in _subjects(platform, third["email"], 2)[1]
    mine = api.get(f"{path}/registrations/me", token=third["token"]).json()
    assert mine["status"] == "waitlisted" and mine["position"] == 2

    # People with a confirmed place see where the talk takes place (issue 17: "the private
    # address only for confirmed participants and the host"); the waiting list and the public
    # do not.
    assert api.get(path, token=first["token"]).json()["address"] == "Lindenstraße 5"
    assert api.get(path, token=second["token"]).json()["address"] is None
    assert api.get(path).json()["address"] is None
    assert api.get(path).json()["free_seats"] == 0 and api.get(path).json()["waiting"] == 2

    # The host cannot join their own table; a second join changes nothing.
    own = api.post(f"{path}/registrations", token=host["token"])
    assert own.status_code == 409 and "talk" in own.json()["error"]["fields"]
    assert api.post(f"{path}/registrations", token=first["token"]).json() == joined[0]

    # The confirmed guest cancels: the first on the waiting list moves up and is told so.
    cancelled = api.delete(f"{path}/registrations/me", token=first["token"])
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert api.delete(f"{path}/registrations/me", token=first["token"]).json()["status"] == "none"
    assert (
        api.get(f"{path}/registrations/me", token=second["token"]).json()["status"] == "confirmed"
    )
    promotion = platform.mail_sink.wait_for(second["email"], count=3)[2]
    assert "nachgerückt" in promotion["Subject"]
    assert api.get(path, token=second["token"]).json()["address"] == "Lindenstraße 5"  # moved up
    assert next(promotion.iter_attachments()).get_content_type() == "text/calendar"
    assert api.get(f"{path}/registrations/me", token=third["token"]).json()["position"] == 1
    kinds = [e["type"].split(".")[3] for e in outbox_events(platform, talk["id"])]
    assert kinds.count("promoted") == 1 and kinds.count("cancelled") == 1

    # The host moves the talk: everyone registered hears of it, with the new calendar entry.
    later = datetime.now(UTC) + timedelta(days=8)
    change = {"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=3)).isoformat()}
    changed = requests.patch(
        api.url(path), json=change, headers={"Authorization": f"Bearer {host['token']}"}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["sequence"] == 1
    moved = platform.mail_sink.wait_for(second["email"], count=4)[3]
    assert "geändert" in moved["Subject"] and "Beginn" in moved.get_body(("plain",)).get_content()
    ics = next(moved.iter_attachments()).get_content()
    assert b"SEQUENCE:1" in (ics if isinstance(ics, bytes) else ics.encode())
    platform.mail_sink.wait_for(third["email"], count=3)

    # A capacity above the seats taken promotes the next in line.
    raised = requests.patch(
        api.url(path), json={"capacity": 2}, headers={"Authorization": f"Bearer {host['token']}"}
    )
    assert raised.status_code == 200 and raised.json()["seats_taken"] == 2
    lowered = requests.patch(
        api.url(path), json={"capacity": 1}, headers={"Authorization": f"Bearer {host['token']}"}
    )
    assert lowered.status_code == 409 and "capacity" in lowered.json()["error"]["fields"]
    assert api.get(path).json()["capacity"] == 2

    # Only the host changes the talk.
    other = requests.patch(
        api.url(path), json={"capacity": 5}, headers={"Authorization": f"Bearer {third['token']}"}
    )
    assert other.status_code == 403

    # Cancelled by the host: every guest is mailed, joining is over.
    refused = api.post(f"{path}/cancel", {"reason": ""}, token=host["token"])
    assert refused.status_code == 422 and "reason" in refused.json()["error"]["fields"]
    done = api.post(f"{path}/cancel", {"reason": "Ich bin krank geworden"}, token=host["token"])
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    notice = platform.mail_sink.wait_for(third["email"], count=5)[4]
    assert "abgesagt" in notice["Subject"]
    assert "Ich bin krank" in notice.get_body(("plain",)).get_content()
    late = api.post(f"{path}/registrations", token=first["token"])
    assert late.status_code == 409
    assert talk["id"] not in [t["id"] for t in api.get(f"/cities/{slug}/talks").json()]


def test_lists_filter_by_topic_district_date_and_free_seats(api, cities, platform) -> None:
    city = table_talk_city(api, cities, platform)
    slug, admin = city["slug"], city["admin"]
    second_title = "Klima und Grün"
    publish_topic(platform, slug, second_title)
    green = dialogue_topic(api, slug, second_title)
    host = api.verified_login()
    day = (datetime.now(UTC) + timedelta(days=10)).replace(hour=10, minute=0)
    north = create_talk(api, slug, host, city["topic"]["id"], capacity=1, starts_at=day.isoformat(),
                        ends_at=(day + timedelta(hours=2)).isoformat())  # fmt: skip
    south = create_talk(api, slug, host, green["id"], district="Südstadt",
                        starts_at=(day + timedelta(days=1)).isoformat(),
                        ends_at=(day + timedelta(days=1, hours=2)).isoformat())  # fmt: skip
    online = create_talk(api, slug, host, green["id"], format="online", address=None,
                         district=None, link="https://meet.example.org/gruen",
                         starts_at=(day + timedelta(days=1)).isoformat(),
                         ends_at=(day + timedelta(days=1, hours=1)).isoformat())  # fmt: skip
    guest = api.verified_login()
    assert api.post(f"/cities/{slug}/talks/{north['id']}/registrations", token=guest["token"]).ok

    def ids(query: str) -> set[str]:
        response = api.get(f"/cities/{slug}/talks{query}")
        assert response.status_code == 200, response.text
        return {t["id"] for t in response.json()}

    assert ids("") == {north["id"], south["id"], online["id"]}
    assert ids(f"?topic={green['id']}") == {south["id"], online["id"]}
    assert ids("?district=s%C3%BCdstadt") == {south["id"]}
    assert ids(f"?date={(day + timedelta(days=1)).date().isoformat()}") == {
        south["id"],
        online["id"],
    }
    assert ids("?free=true") == {south["id"], online["id"]}
    assert ids(f"?free=true&date={day.date().isoformat()}") == set()
    bad = api.get(f"/cities/{slug}/talks?date=gestern")
    assert bad.status_code == 422 and "date" in bad.json()["error"]["fields"]
    listed = {t["id"]: t for t in api.get(f"/cities/{slug}/talks").json()}
    assert listed[online["id"]]["link"] is None  # the link only for those registered
    assert listed[north["id"]]["topic_title"] == city["topic"]["title"]

    # A topic from another city's fact never shows here.
    other = cities.create()["slug"]
    publish_topic(platform, other, "Nur woanders")
    dialogue_topic(api, other, "Nur woanders")
    assert "Nur woanders" not in [t["title"] for t in api.get(f"/cities/{slug}/topics").json()]
    del admin


def test_topics_copied_once_and_own_topics_moderated(api, cities, platform) -> None:
    city = table_talk_city(api, cities, platform)
    slug, admin = city["slug"], city["admin"]
    topic_id = "wohnen-2040"
    publish_topic(platform, slug, "Wohnen", topic_id=topic_id)
    dialogue_topic(api, slug, "Wohnen")
    # The same topic again (redelivery or a correction) updates our copy instead of adding one.
    publish_topic(platform, slug, "Wohnen 2040", topic_id=topic_id, guiding_question="Wo?")
    updated = dialogue_topic(api, slug, "Wohnen 2040")
    assert updated["guiding_questions"] == ["Wo?"]
    titles = [t["title"] for t in api.get(f"/cities/{slug}/topics").json()]
    assert "Wohnen" not in titles and titles.count("Wohnen 2040") == 1

    citizen = api.verified_login()
    own = api.post(
        f"/cities/{slug}/topics",
        {"title": "Ein Bolzplatz für die Nordstadt", "guiding_question": "Wo spielen Kinder?"},
        token=citizen["token"],
    )
    assert own.status_code == 201 and own.json()["source"] == "own" and own.json()["mine"]
    assert (
        api.post(f"/cities/{slug}/topics", {"title": "x"}, token=citizen["token"]).status_code
        == 422
    )
    assert api.post(f"/cities/{slug}/topics", {"title": "Ohne Anmeldung"}).status_code == 401
    # Citizens host talks on their own topics.
    talk = create_talk(api, slug, citizen, own.json()["id"])
    assert talk["topic_title"] == "Ein Bolzplatz für die Nordstadt"

    hide = f"/cities/{slug}/topics/{own.json()['id']}/hide"
    assert api.post(hide, {"reason": "Werbung"}, token=citizen["token"]).status_code == 403
    report = f"/cities/{slug}/topics/{own.json()['id']}/report"
    for _ in range(2):
        assert api.post(report, {"reason": "Sieht nach Werbung aus"}, token=citizen["token"]).ok
    reports = api.get(f"/cities/{slug}/reports", token=admin["token"]).json()
    assert reports == [{"target": f"topic:{own.json()['id']}", "count": 1,
                        "reasons": ["Sieht nach Werbung aus"]}]  # fmt: skip
    assert api.get(f"/cities/{slug}/reports", token=citizen["token"]).status_code == 403
    hidden = api.post(hide, {"reason": "Werbung für ein Geschäft"}, token=admin["token"])
    assert hidden.status_code == 200 and hidden.json()["hidden"] is True
    public = [t["id"] for t in api.get(f"/cities/{slug}/topics").json()]
    assert own.json()["id"] not in public
    moderated = {t["id"]: t for t in api.get(f"/cities/{slug}/topics", token=admin["token"]).json()}
    assert moderated[own.json()["id"]]["hidden_reason"] == "Werbung für ein Geschäft"
    refused = api.post(
        f"/cities/{slug}/talks",
        {**_minimal_talk(), "topic_id": own.json()["id"]},
        token=citizen["token"],
    )
    assert refused.status_code == 422 and "topic_id" in refused.json()["error"]["fields"]
    wait_until(
        lambda: any(
            e["type"] == "stadtdialog.dialogue.topic.hidden.v1"
            for e in stored_rows(
                platform.infra.database("dialogue")["outbox"], {"envelope.city": slug}
            )
            for e in [e["envelope"]]
        ),
        5,
        "the topic.hidden fact stored",
    )


def _minimal_talk() -> dict:
    starts = datetime.now(UTC) + timedelta(days=3)
    return {
        "title": "Am Gartenzaun",
        "format": "in_person",
        "address": "Gartenweg 2",
        "district": "Nordstadt",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "capacity": 4,
    }
