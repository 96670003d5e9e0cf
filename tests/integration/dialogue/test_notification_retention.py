"""Notifications are not kept for ever (docs/notifications.md): against the real database, a
read notification older than 90 days goes, an unread one stays until it is a year old, recent
ones stay whatever their state; the mail claims of the deleted ones and digest period keys
older than a year go with them. Operators only (``stadtdialog notifications forget``)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId
from click.testing import CliRunner

from gateway.cli import main

pytestmark = pytest.mark.integration


def _forget(api, token: str) -> int:
    env = {"STADTDIALOG_URL": api.base, "STADTDIALOG_TOKEN": token}
    result = CliRunner().invoke(main, ["notifications", "forget"], env=env)
    assert result.exit_code == 0, result.output
    found = re.match(r"(\d+) Benachrichtigungen gelöscht", result.output)
    assert found, result.output
    return int(found.group(1))


def test_old_notifications_are_deleted_after_their_retention(api, operator, platform) -> None:
    db = platform.infra.database("dialogue")
    person = api.verified_login()
    now = datetime.now(UTC)
    ages = {  # name: (days old, read)
        "fresh_read": (5, True),
        "read_89": (89, True),
        "read_91": (91, True),
        "unread_200": (200, False),
        "unread_366": (366, False),
        "read_400": (400, True),
    }
    ids = {}
    for name, (days, read) in ages.items():
        made = now - timedelta(days=days)
        ids[name] = ObjectId()
        db["notifications"].insert_one(
            {"_id": ids[name], "account_id": person["id"], "fact_id": uuid.uuid4().hex,
             "city": "retention", "kind": "idea_status", "target_kind": "idea",
             "target_id": str(ObjectId()), "title": name, "detail": "", "at": made,
             "read_at": made + timedelta(hours=1) if read else None, "mailed_at": made}
        )  # fmt: skip
        db["notification_claims"].insert_one({"_id": str(ids[name])})
    periods = {"d:old": now - timedelta(days=400), "d:new": now - timedelta(days=3)}
    for key, at in periods.items():
        db["notification_mails"].insert_one(
            {"account_id": person["id"], "period": key, "count": 1, "at": at}
        )

    refused = api.post("/operations/notification-retention", token=person["token"])
    assert refused.status_code == 403  # operators only
    assert db["notifications"].count_documents({"account_id": person["id"]}) == len(ages)

    assert _forget(api, operator["token"]) >= 3
    left = {n["title"] for n in db["notifications"].find({"account_id": person["id"]})}
    assert left == {"fresh_read", "read_89", "unread_200"}
    claims = {c["_id"] for c in db["notification_claims"].find({"_id": {"$in": [
        str(i) for i in ids.values()]}})}  # fmt: skip
    assert claims == {str(ids[n]) for n in left}
    kept = {m["period"] for m in db["notification_mails"].find({"account_id": person["id"]})}
    assert kept == {"d:new"}
    # What is left is what the person sees; a second pass deletes nothing more of it.
    listed = api.get("/me/notifications", token=person["token"]).json()
    assert {i["title"] for i in listed["items"]} == left
    _forget(api, operator["token"])
    assert db["notifications"].count_documents({"account_id": person["id"]}) == 3
