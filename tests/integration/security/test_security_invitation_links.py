"""Invitation links (city admin, working group) work once and only for the invited address.

Findings of issue 15: a city-admin link was reusable for its 14 days, so a revoked admin got
the role back by opening the old link; nothing stopped a second use of any invitation link.
"""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.integration


def _roles(api, token: str) -> set[tuple[str, str]]:
    me = api.get("/me", token=token)
    assert me.status_code == 200, me.text
    return {(grant["city"], grant["role"]) for grant in me.json()["roles"]}


def _group(api, slug: str, admin: dict) -> str:
    made = api.post(
        f"/cities/{slug}/working-groups",
        {"name": f"Gruppe {uuid.uuid4().hex[:6]}", "description": "Mobilität"},
        token=admin["token"],
    )
    assert made.status_code == 201, made.text
    return made.json()["id"]


def _invite(api, slug: str, group: str, admin: dict, email: str, count: int = 1) -> str:
    """Invite ``email``; the link of the ``count``-th mail to that address."""
    body = {"email": email, "organisation": "Radentscheid e.V.", "kind": "initiative"}
    invited = api.post(
        f"/cities/{slug}/working-groups/{group}/invitations", body, token=admin["token"]
    )
    assert invited.status_code == 201, invited.text
    return api.mailed_token(email, count=count)


def _assert_used(response) -> None:
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["message"]["de"].startswith("Dieser Einladungslink wurde schon verwendet")
    assert "token" in error["fields"]


def test_city_admin_invitation_link_is_single_use(api, cities) -> None:
    city = cities.create()  # the admin accepted the mailed link once
    admin = city["admin"]
    link = api.mailed_token(admin["email"], count=1)  # the invitation was the first mail
    again = api.post("/invitations/accept", {"token": link}, token=admin["token"])
    _assert_used(again)


def test_revoked_admin_cannot_regain_role_with_old_link(api, cities) -> None:
    city = cities.create()
    slug, first = city["slug"], city["admin"]
    second = cities.person_with_role(slug, "city_admin", first)
    revoke = {"account_id": first["id"], "city": slug, "role": "city_admin"}
    assert api.delete("/roles", revoke, token=second["token"]).status_code == 200
    assert (slug, "city_admin") not in _roles(api, first["token"])

    link = api.mailed_token(first["email"], count=1)
    reopened = api.post("/invitations/accept", {"token": link}, token=first["token"])
    _assert_used(reopened)
    assert (slug, "city_admin") not in _roles(api, first["token"])


def test_working_group_invitation_link_is_single_use(api, cities) -> None:
    city = cities.create()
    group = _group(api, city["slug"], city["admin"])
    member = api.verified_login()
    link = _invite(api, city["slug"], group, city["admin"], member["email"], count=2)
    first = api.post("/invitations/accept", {"token": link}, token=member["token"])
    assert first.status_code == 200, first.text
    _assert_used(api.post("/invitations/accept", {"token": link}, token=member["token"]))


def test_invitation_bound_to_invited_address(api, cities) -> None:
    city = cities.create()
    slug = city["slug"]
    group = _group(api, slug, city["admin"])
    invited_email = f"eingeladen-{uuid.uuid4().hex[:8]}@example.org"
    link = _invite(api, slug, group, city["admin"], invited_email)

    someone_else = api.verified_login()
    refused = api.post("/invitations/accept", {"token": link}, token=someone_else["token"])
    assert refused.status_code == 403, refused.text
    error = refused.json()["error"]
    assert error["fields"]["token"]["de"] == ["Diese Einladung ging an eine andere E-Mail-Adresse."]
    assert (slug, "working_group_member") not in _roles(api, someone_else["token"])

    # The refusal did not use the link up: the invited person still gets in with it.
    invited = api.verified_login_as(invited_email)
    accepted = api.post("/invitations/accept", {"token": link}, token=invited["token"])
    assert accepted.status_code == 200, accepted.text
    assert (slug, "working_group_member") in _roles(api, invited["token"])
