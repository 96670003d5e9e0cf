"""Moderation decisions of the dialogue service reach the city's audit log (kept by the cities
service) with the moderator's display name, the reason and the idea's new status."""

from __future__ import annotations

from dialogue_support import table_talk_city

from services.kit.testing import wait_until


def _entry(api, slug: str, token: str, act: str) -> dict | None:
    answer = api.get(f"/cities/{slug}/audit-log", token=token)
    assert answer.status_code == 200, answer.text
    return next((e for e in answer.json()["entries"] if e["act"] == act), None)


def _named(api, person: dict, name: str) -> dict:
    changed = api.put("/me/display-name", {"display_name": name}, token=person["token"])
    assert changed.status_code == 200, changed.text
    return person


def test_moderation_of_ideas_is_logged_with_status_and_reason(api, cities, platform) -> None:
    made = table_talk_city(api, cities, platform)
    slug, admin = made["slug"], _named(api, made["admin"], "Mona Moderation")
    citizen = api.verified_login()
    ideas = f"/cities/{slug}/ideas"
    idea = api.post(
        ideas,
        {"title": "Ein Dorfladen", "description": "Ein Laden für alle.", "category": "economy"},
        token=citizen["token"],
    )
    assert idea.status_code == 201, idea.text
    idea_id = idea.json()["id"]
    moved = api.post(
        f"{ideas}/{idea_id}/status",
        {"status": "in_discussion", "reason": "Im Ortsbeirat"},
        token=admin["token"],
    )
    assert moved.status_code == 200, moved.text
    hidden = api.post(f"{ideas}/{idea_id}/hide", {"reason": "Doppelt"}, token=admin["token"])
    assert hidden.status_code == 200, hidden.text

    status = wait_until(
        lambda: _entry(api, slug, admin["token"], "idea.status_changed"), 30, "status logged"
    )
    assert (status["by_name"], status["reason"]) == ("Mona Moderation", "Im Ortsbeirat")
    assert status["detail"]["status"] == "in_discussion"
    assert status["detail"]["title"] == "Ein Dorfladen"
    hide = wait_until(lambda: _entry(api, slug, admin["token"], "idea.hidden"), 30, "hide logged")
    assert (hide["by_name"], hide["reason"]) == ("Mona Moderation", "Doppelt")
