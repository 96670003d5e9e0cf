"""A signed-in talk page asks the dialogue service once: the talk, the person's registration,
whether they follow the talk and their unread count for the header come in one answer."""

from __future__ import annotations

import re
from collections import Counter

import requests
from dialogue_support import create_talk, table_talk_city

from services.kit.testbed_metrics import gateway_calls
from services.kit.testing import wait_until


def _dialogue_calls(platform) -> Counter:  # noqa: ANN001
    """The gateway's calls to the dialogue service, counted before each answer (exact at once,
    where the service's own count trails its reply)."""
    return gateway_calls(platform, "dialogue")


def _signed_in_session(api, person: dict) -> requests.Session:  # noqa: ANN001
    session = requests.Session()
    page = session.get(f"{api.base}/anmelden", timeout=5)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"email": person["email"], "password": person["password"], "csrf_token": token}
    assert session.post(f"{api.base}/anmelden", data=form, timeout=10).status_code == 200
    return session


def test_the_talk_page_shows_follow_and_unread_from_one_call(api, cities, platform) -> None:  # noqa: ANN001
    made = table_talk_city(api, cities, platform)
    slug, admin = made["slug"], made["admin"]
    host, citizen = api.verified_login(), api.verified_login()
    talk = create_talk(api, slug, host, made["topic"]["id"])
    idea = api.post(
        f"/cities/{slug}/ideas",
        {"title": "Bank am Teich", "description": "Zum Ausruhen.", "category": "culture"},
        token=host["token"],
    ).json()
    mine = f"/me/follows/{slug}"
    assert api.put(f"{mine}/idea/{idea['id']}", {}, token=citizen["token"]).status_code == 200
    assert api.put(f"{mine}/talk/{talk['id']}", {}, token=citizen["token"]).status_code == 200
    moved = api.post(
        f"/cities/{slug}/ideas/{idea['id']}/status",
        {"status": "in_discussion", "reason": "Im Ortsbeirat."},
        token=admin["token"],
    )
    assert moved.status_code == 200, moved.text
    unread = "/me/notifications/unread"
    wait_until(lambda: api.get(unread, token=citizen["token"]).json()["unread"] == 1, 30, "news")

    session = _signed_in_session(api, citizen)
    before = _dialogue_calls(platform)
    page = session.get(f"{api.base}/stadt/{slug}/tischgespraeche/{talk['id']}", timeout=10)
    after = _dialogue_calls(platform)
    assert page.status_code == 200
    assert "Nicht mehr folgen" in page.text  # the follow button knows the talk is followed
    assert "Neuigkeiten, 1 ungelesen" in page.text  # the header's count
    asked = after - before
    assert asked["get_talk"] == 1
    assert asked["following"] == 0 and asked["unread_notifications"] == 0, asked

    # Not following any more: the same page, still from the one answer.
    assert api.delete(f"{mine}/talk/{talk['id']}", token=citizen["token"]).status_code == 200
    page = session.get(f"{api.base}/stadt/{slug}/tischgespraeche/{talk['id']}", timeout=10)
    assert "Gespräch folgen" in page.text and "Nicht mehr folgen" not in page.text
