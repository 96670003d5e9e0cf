"""Follow and notifications over the JSON API against the real services: follow an idea, a
topic and the city, list them with German words; the admin's status changes become
notifications, listed a page at a time in German (no raw keys), counted unread, marked read
one by one and all at once; unfollowing; refusals as 4xx naming the field in German."""

from __future__ import annotations

import pytest
from bson import ObjectId
from dialogue_support import table_talk_city

from services.kit.testing import wait_until

pytestmark = pytest.mark.integration

IDEA = {"title": "Bücherschrank am Markt", "description": "Zum Tauschen.", "category": "culture"}


def _field_de(response, field: str) -> str:  # noqa: ANN001
    return " ".join(response.json()["error"]["fields"][field]["de"])


def test_follow_and_notifications_over_the_api(api, cities, platform) -> None:
    made = table_talk_city(api, cities, platform)
    slug, admin = made["slug"], made["admin"]
    proposer, follower, other = (api.verified_login() for _ in range(3))
    token = follower["token"]
    # No notification mails for these two: the list is what this test is about, and other
    # tests count the mails a pass sends.
    for person in (proposer, follower):
        quiet = {"host_summary": True, "talk_reminder": True, "notifications": False}
        assert api.put("/me/mail-settings", quiet, token=person["token"]).status_code == 200
    ideas = []
    for n in range(3):
        idea = api.post(
            f"/cities/{slug}/ideas", {**IDEA, "title": f"Idee {n}"}, token=proposer["token"]
        )
        assert idea.status_code == 201, idea.text
        ideas.append(idea.json()["id"])

    # Following: an idea, the topic, the city; listed newest first with German words.
    assert api.get("/me/follows", token=token).json() == {"items": [], "total": 0}
    path = f"/me/follows/{slug}/idea/{ideas[0]}"
    assert api.get(path, token=token).json() == {"following": False}
    assert api.put(path, token=token).json() == {"following": True}
    assert api.put(path, token=token).json() == {"following": True}  # repeating: no change
    assert api.get(path, token=token).json() == {"following": True}
    topic = api.put(f"/me/follows/{slug}/topic/{made['topic']['id']}", token=token)
    assert topic.status_code == 200, topic.text
    assert api.put(f"/me/follows/{slug}", token=token).json() == {"following": True}
    listed = api.get("/me/follows", token=token).json()
    assert listed["total"] == 3
    words = {(i["target_kind"], i["target_text"], i["title"]) for i in listed["items"]}
    assert words == {
        ("idea", "Projektidee", "Idee 0"),
        ("topic", "Thema", made["topic"]["title"]),
        ("city", "Stadt", api.get(f"/cities/{slug}").json()["name"]),
    }
    assert listed["items"][0]["target_kind"] == "city"  # newest first
    first = next(i for i in listed["items"] if i["target_kind"] == "idea")
    assert first["path"] == f"/stadt/{slug}/ideen/{ideas[0]}" and first["automatic"] is False

    # Refusals: 4xx, the field and the reason in German.
    wrong_kind = api.put(f"/me/follows/{slug}/scenario/{ideas[0]}", token=token)
    assert wrong_kind.status_code == 422
    assert "Folgen kann man einer Projektidee" in _field_de(wrong_kind, "target_kind")
    unknown = api.put(f"/me/follows/{slug}/idea/{ObjectId()}", token=token)
    assert unknown.status_code == 404
    assert "nichts zu folgen" in _field_de(unknown, "target_id")
    assert api.put(path).status_code == 401
    assert api.get("/me/follows").status_code == 401
    assert api.get("/me/notifications/unread").status_code == 401
    assert api.put(f"/me/follows/kein-ort-{ObjectId()}", token=token).status_code == 404

    # Three status changes: three notifications for the follower (once each, although she
    # follows both the idea and the city), none for the admin who made them.
    for idea_id in ideas:
        moved = api.post(
            f"/cities/{slug}/ideas/{idea_id}/status",
            {"status": "in_discussion", "reason": "Im Ortsbeirat."},
            token=admin["token"],
        )
        assert moved.status_code == 200, moved.text
    wait_until(
        lambda: api.get("/me/notifications/unread", token=token).json()["unread"] == 3,
        30,
        "three notifications",
    )
    page = api.get("/me/notifications?per_page=2", token=token)
    assert page.status_code == 200, page.text
    body = page.json()
    assert (body["total"], body["pages"], body["page"], body["unread"]) == (3, 2, 1, 3)
    assert len(body["items"]) == 2
    item = body["items"][0]
    assert item["text"] == "Neuer Stand der Projektidee" and item["target_text"] == "Projektidee"
    assert item["detail"] == "jetzt: in Diskussion" and item["title"] in {"Idee 1", "Idee 2"}
    assert "in_discussion" not in page.text
    second = api.get("/me/notifications?page=2&per_page=2", token=token).json()
    assert len(second["items"]) == 1
    seen = {i["id"] for i in body["items"]} | {i["id"] for i in second["items"]}
    assert len(seen) == 3
    assert len(api.get("/me/notifications", token=token).json()["items"]) == 3  # 50 a page
    assert api.get("/me/notifications", token=admin["token"]).json()["total"] == 0

    for query, field in (("per_page=0", "per_page"), ("page=zwei", "page"), ("ab=1", "ab")):
        refused = api.get(f"/me/notifications?{query}", token=token)
        assert refused.status_code == 422, query
        assert _field_de(refused, field), query
    assert "Pflichtfeld" not in refused.text and "Unbekanntes Feld" in refused.text

    # Marking read: one (only one's own), then all.
    one = item["id"]
    assert api.post(f"/me/notifications/{one}/read", token=token).json() == {"unread": 2}
    assert api.post(f"/me/notifications/{one}/read", token=token).json() == {"unread": 2}
    theirs = api.post(f"/me/notifications/{one}/read", token=other["token"])
    assert theirs.status_code == 404
    assert _field_de(theirs, "notification_id") == "Benachrichtigung nicht gefunden."
    assert api.post("/me/notifications/kaputt/read", token=token).status_code == 404
    listed = api.get("/me/notifications", token=token).json()["items"]
    assert [i["read"] for i in listed if i["id"] == one] == [True]
    assert api.post("/me/notifications/read", token=token).json() == {"unread": 0}
    assert api.get("/me/notifications/unread", token=token).json() == {"unread": 0}

    # Unfollowing: the idea and the city go from the list, the topic stays.
    assert api.delete(path, token=token).json() == {"following": False}
    assert api.delete(f"/me/follows/{slug}", token=token).json() == {"following": False}
    assert api.get(f"/me/follows/{slug}", token=token).json() == {"following": False}
    left = api.get("/me/follows", token=token).json()["items"]
    assert [i["target_kind"] for i in left] == ["topic"]
