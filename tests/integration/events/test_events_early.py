"""A closing event announced while the table talks still run, with registration opening on a
date the city sets; next steps kept up to date by city admins after archiving."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests
from events_support import advance_to_closing, advance_to_table_talks, event_body

from services.kit.testing import wait_until

pytestmark = pytest.mark.integration


def test_announced_during_the_table_talks_registration_opens_later(api, cities, platform) -> None:
    made = cities.create()
    slug, token = made["slug"], made["admin"]["token"]
    advance_to_table_talks(api, platform, made)
    opens = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    bad = event_body(registration_opens_at=(datetime.now(UTC) + timedelta(days=60)).isoformat())
    refused = api.post(f"/cities/{slug}/closing-events", bad, token=token)
    assert refused.status_code == 422, refused.text
    field = refused.json()["error"]["fields"]["registration_opens_at"]
    assert "vor dem Beginn" in field["de"][0]

    body = event_body(registration_opens_at=opens.isoformat())
    created = api.post(f"/cities/{slug}/closing-events", body, token=token)
    assert created.status_code == 201, created.text
    event = created.json()
    path = f"/cities/{slug}/closing-events/{event['id']}"
    assert api.post(f"{path}/publish", token=token).ok
    shown = api.get(path).json()
    assert shown["status"] == "published"
    assert shown["registration"]["opens_later"] and not shown["registration"]["open"]
    page = requests.get(f"{api.base}/stadt/{slug}/abschluss/{event['id']}", timeout=30).text
    assert "Die Anmeldung öffnet am" in page

    person = api.verified_login()
    early = api.post(f"{path}/registrations", {}, token=person["token"])
    assert early.status_code == 409 and "event" in early.json()["error"]["fields"]

    # The city opens registration now: the same person gets in.
    now = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    changed = api.put(path, event_body(registration_opens_at=now), token=token)
    assert changed.status_code == 200, changed.text
    joined = api.post(f"{path}/registrations", {}, token=person["token"])
    assert joined.status_code == 201, joined.text
    assert joined.json()["status"] == "confirmed"


def test_next_steps_after_archiving_by_city_admins(api, cities, platform) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    advance_to_closing(api, platform, made)
    partner = cities.person_with_role(slug, "partner", admin)
    platform.publish_fact("dialogue", "idea", "proposed", {"idea_id": "i7"}, slug)
    wait_until(lambda: api.get(f"/cities/{slug}/next-steps").json()["ideas"], 30, "idea known")
    step = {"what": "Machbarkeitsstudie", "owner_organisation": "Tiefbauamt"}
    added = api.post(f"/cities/{slug}/ideas/i7/next-steps", step, token=partner["token"])
    assert added.status_code == 201, added.text
    archived = api.post(f"/cities/{slug}/phase", {"to": "archived"}, token=admin["token"])
    assert archived.status_code == 200, archived.text

    step_path = api.url(f"/cities/{slug}/ideas/i7/next-steps/{added.json()['id']}")

    def change(person: dict, status: str) -> requests.Response:
        headers = {"Authorization": f"Bearer {person['token']}"}
        return requests.patch(step_path, json={"status": status}, headers=headers, timeout=30)

    # Once the events service knows of the archiving, partners may no longer change steps.
    wait_until(lambda: change(partner, "dropped").status_code == 403, 30, "partner refused")
    by_admin = change(admin, "done")
    assert by_admin.status_code == 200, by_admin.text
    steps = api.get(f"/cities/{slug}/next-steps").json()
    assert [s["status"] for i in steps["ideas"] for s in i["next_steps"]] == ["done"]
