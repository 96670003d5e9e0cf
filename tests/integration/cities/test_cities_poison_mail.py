"""Issue 15: a working-group or city name with a line break must not stop the cities
service's mails (invitations carry both in their subject)."""

from __future__ import annotations

import uuid

import pytest
from cities_support import city_body, fresh_year
from poison_support import POISON, SECONDS, assert_one_line, refused_or_folded

pytestmark = pytest.mark.integration


def _invite(api, slug: str, group_id: str, admin: dict) -> str:
    email = f"wg-{uuid.uuid4().hex[:10]}@example.org"
    body = {"email": email, "organisation": "Bürgerverein e.V.", "kind": "association"}
    invited = api.post(
        f"/cities/{slug}/working-groups/{group_id}/invitations", body, token=admin["token"]
    )
    assert invited.status_code == 201, invited.text
    return email


def test_line_break_in_working_group_name_does_not_stop_other_mail(api, cities) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    path = f"/cities/{slug}/working-groups"
    answer = api.post(path, {"name": POISON[:60]}, token=admin["token"])
    poisoned = None
    if not refused_or_folded(answer.status_code, answer.text):
        poisoned = _invite(api, slug, answer.json()["id"], admin)

    clean = api.post(path, {"name": "Verkehr"}, token=admin["token"])
    assert clean.status_code == 201, clean.text
    invited = _invite(api, slug, clean.json()["id"], admin)
    assert "Verkehr" in api.sink.wait_for(invited, timeout=SECONDS)[0]["Subject"]
    if poisoned is not None:
        mailed = api.sink.wait_for(poisoned, timeout=SECONDS)[0]
        assert_one_line(mailed, "Wie wollen wir Bcc: x@evil.example wohnen?")


def test_line_break_in_city_name_does_not_stop_other_mail(api, operator) -> None:
    def create(name: str):  # noqa: ANN202
        slug = f"stadt-{uuid.uuid4().hex[:8]}"
        body = city_body(slug, fresh_year(), f"admin-{slug}@example.org", name=name)
        return api.post("/cities", body, token=operator["token"]), body["admin_email"]

    answer, poisoned = create(f"Teststadt\r\nBcc: x@evil.example\u2028{uuid.uuid4().hex[:4]}")
    refused = refused_or_folded(answer.status_code, answer.text)
    clean, invited = create("Teststadt Klar")
    assert clean.status_code == 201, clean.text
    assert "Teststadt Klar" in api.sink.wait_for(invited, timeout=SECONDS)[0]["Subject"]
    if not refused:
        assert_one_line(api.sink.wait_for(poisoned, timeout=SECONDS)[0], "Teststadt Bcc:")
