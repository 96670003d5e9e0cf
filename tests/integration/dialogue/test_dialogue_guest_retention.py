"""Guests' names and e-mail addresses leave the dialogue's data 30 days after their talk: the
registration keeps its seat and its place in the counts, the account holders' registrations
and talks that ended more recently stay as they were."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId
from click.testing import CliRunner
from dialogue_support import create_talk, table_talk_city
from guest_support import CONSENT

from gateway.cli import main

pytestmark = pytest.mark.integration


def _guest_joins(api, slug: str, host: dict, talk_id: str) -> str:
    invitation = api.post(f"/cities/{slug}/talks/{talk_id}/invitations", {}, token=host["token"])
    assert invitation.status_code == 201, invitation.text
    token = invitation.json()["link"].split("token=")[1]
    email = f"gast-{uuid.uuid4().hex[:8]}@example.org"
    body = {"token": token, "name": "Erika M.", "email": email, **CONSENT}
    asked = api.post("/talk-invitations/guest", body)
    assert asked.status_code == 202, asked.text
    joined = api.post("/talk-invitations/guest/confirm", {"token": api.mailed_token(email)})
    assert joined.status_code == 200, joined.text
    return email


def _ended_days_ago(platform, talk_id: str, days: int) -> None:
    """Move a talk into the past (a talk cannot be created there)."""
    ends = datetime.now(UTC) - timedelta(days=days)
    platform.infra.database("dialogue")["talks"].update_one(
        {"_id": ObjectId(talk_id)},
        {"$set": {"starts_at": ends - timedelta(hours=2), "ends_at": ends}},
    )


def _forget_guests(api, token: str) -> int:
    """What an operator runs: ``stadtdialog guests forget`` (the hourly timer does the same);
    the number of guests it anonymised."""
    env = {"STADTDIALOG_URL": api.base, "STADTDIALOG_TOKEN": token}
    result = CliRunner().invoke(main, ["guests", "forget"], env=env)
    assert result.exit_code == 0, result.output
    found = re.match(r"(\d+) Gäste in (\d+) Tischgesprächen anonymisiert", result.output)
    assert found, result.output
    return int(found.group(1))


def test_guest_data_is_removed_after_the_retention_period(api, cities, operator, platform) -> None:
    city = table_talk_city(api, cities, platform)
    slug = city["slug"]
    host = api.verified_login()
    member = api.verified_login()
    old, recent = (create_talk(api, slug, host, city["topic"]["id"]) for _ in range(2))
    emails = {}
    for talk in (old, recent):
        emails[talk["id"]] = _guest_joins(api, slug, host, talk["id"])
        path = f"/cities/{slug}/talks/{talk['id']}/registrations"
        assert api.post(path, token=member["token"]).status_code == 200
    _ended_days_ago(platform, old["id"], 31)
    _ended_days_ago(platform, recent["id"], 10)

    refused = api.post("/operations/guest-retention", token=member["token"])
    assert refused.status_code == 403  # operators only

    assert _forget_guests(api, operator["token"]) >= 1

    registrations = platform.infra.database("dialogue")["registrations"]
    rows = {r["talk_id"]: [] for r in registrations.find({"city": slug})}
    for row in registrations.find({"city": slug}):
        rows[row["talk_id"]].append(row)
    old_guest = next(r for r in rows[old["id"]] if r.get("account_id") is None)
    assert old_guest.get("email") is None and old_guest["display_name"] == "Gast"
    assert emails[old["id"]] not in str(rows[old["id"]])
    old_member = next(r for r in rows[old["id"]] if r.get("account_id") == member["id"])
    assert old_member["person"] == f"account:{member['id']}"
    recent_guest = next(r for r in rows[recent["id"]] if r.get("account_id") is None)
    assert recent_guest["email"] == emails[recent["id"]]
    assert recent_guest["display_name"] == "Erika M."

    # The seats and the host's guest list still count the forgotten guest.
    seats = platform.infra.database("dialogue")["seats"]
    assert seats.count_documents({"city": slug, "talk_id": old["id"]}) == 2
    guests = api.get(f"/cities/{slug}/talks/{old['id']}/guests", token=host["token"]).json()
    assert sorted(g["display_name"] for g in guests["confirmed"]) == ["Gast", "Test Person"]

    # Done once: a second pass (the API the command calls) finds nothing more to do.
    again = api.post("/operations/guest-retention", token=operator["token"])
    assert again.status_code == 200 and again.json() == {"talks": 0, "guests": 0}, again.text
