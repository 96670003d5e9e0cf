"""Comments against the real broker and database: post and reply (one level), the short edit
window, limits per person, report and hide with the reason in place and the author mailed,
public facts without personal data, hostile text kept as text."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from bson import ObjectId
from dialogue_support import table_talk_city

from services.kit.context import Caller
from services.kit.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from services.kit.outbox import stored_rows
from services.kit.testbed import caller_context
from services.kit.testing import wait_until

HOSTILE = "Hallo\r\nBcc: boese@example.org <script>alert(1)</script> =SUMME(A1)"


@pytest.fixture(scope="module")
def place(api, cities, platform) -> dict:
    made = table_talk_city(api, cities, platform)
    citizen = api.verified_login()
    idea = api.post(
        f"/cities/{made['slug']}/ideas",
        {"title": "Bänke am Fluss", "description": "Mehr Bänke am Ufer.", "category": "social"},
        token=citizen["token"],
    )
    assert idea.status_code == 201, idea.text
    return {**made, "idea_id": idea.json()["id"]}


def _as(platform, person: dict | None, roles: dict | None = None):
    from nameko.standalone.rpc import ClusterRpcProxy

    caller = Caller(user_id=person["id"], roles=roles or {}) if person else Caller()
    return ClusterRpcProxy(
        {"AMQP_URI": platform.infra.amqp_uri, "serializer": "json"},
        timeout=60,
        context_data=caller_context(caller),
    )


def _facts(platform, comment_id: str) -> list[dict]:
    outbox = platform.infra.database("dialogue")["outbox"]
    return [r["envelope"] for r in stored_rows(outbox, {"envelope.data.comment_id": comment_id})]


def test_comment_reply_edit_report_hide(api, platform, place) -> None:
    slug, idea_id = place["slug"], place["idea_id"]
    anna, ben = api.verified_login(), api.verified_login()
    moderator = place["admin"]
    with _as(platform, anna) as rpc:
        first = rpc.dialogue.post_comment(slug, "idea", idea_id, {"body": HOSTILE})
    assert first["body"] == HOSTILE.replace("\r\n", "\n")  # text (CRLF folded); pages escape it
    assert first["editable"] and first["mine"]
    with _as(platform, ben) as rpc:
        reply = rpc.dialogue.post_comment(
            slug, "idea", idea_id, {"body": "Gute Idee!", "parent_id": first["id"]}
        )
        with pytest.raises(Invalid) as no_deeper:
            rpc.dialogue.post_comment(
                slug, "idea", idea_id, {"body": "Noch tiefer", "parent_id": reply["id"]}
            )
        assert "parent_id" in no_deeper.value.fields
        with pytest.raises(Forbidden):  # only the author edits
            rpc.dialogue.edit_comment(slug, first["id"], {"body": "Fremd"})
        with pytest.raises(NotFound):  # nothing to comment on
            rpc.dialogue.post_comment(slug, "idea", str(ObjectId()), {"body": "Hallo"})
        with pytest.raises(NotFound):  # a talk that was never documented
            rpc.dialogue.post_comment(slug, "talk", str(ObjectId()), {"body": "Hallo"})
        rpc.dialogue.report(slug, "comment", first["id"], {"reason": "Spam mit Skript"})

    with _as(platform, anna) as rpc:
        edited = rpc.dialogue.edit_comment(slug, first["id"], {"body": "Hallo zusammen"})
        assert edited["body"] == "Hallo zusammen" and edited["edited_at"]
        # 15 minutes later the window is closed (the clock moved by setting the time back)
        platform.infra.database("dialogue")["comments"].update_one(
            {"_id": ObjectId(first["id"])},
            {"$set": {"created_at": _minutes_ago(16)}},
        )
        with pytest.raises(Conflict) as closed:
            rpc.dialogue.edit_comment(slug, first["id"], {"body": "Zu spät"})
        assert "body" in closed.value.fields

    listed = _list(platform, None, slug, idea_id)
    assert [c["id"] for c in listed] == [first["id"]]
    assert [r["id"] for r in listed[0]["replies"]] == [reply["id"]]
    assert "reports" not in listed[0]  # the public sees no report counts

    roles = {slug: ["city_admin"]}
    with _as(platform, moderator, roles) as rpc:
        assert rpc.dialogue.list_comments(slug, "idea", idea_id)[0]["reports"] == 1
        queue = rpc.dialogue.reported_comments(slug)
        assert [(c["id"], c["reasons"], c["target_id"]) for c in queue] == [
            (first["id"], ["Spam mit Skript"], idea_id)
        ]
        with pytest.raises(Invalid):
            rpc.dialogue.hide_comment(slug, first["id"], {"reason": ""})
        rpc.dialogue.hide_comment(slug, first["id"], {"reason": "Werbung"})
    with _as(platform, ben) as rpc:
        with pytest.raises(Forbidden):
            rpc.dialogue.reported_comments(slug)
        with pytest.raises(Forbidden):
            rpc.dialogue.hide_comment(slug, reply["id"], {"reason": "Mag ich nicht"})
    shown = _list(platform, None, slug, idea_id)[0]
    assert shown["hidden"] and shown["hidden_reason"] == "Werbung" and shown["body"] == ""

    mail = api.sink.wait_for(anna["email"], count=2)[-1]  # after the verification mail
    assert mail["Subject"].startswith("Dein Kommentar wurde ausgeblendet")
    assert "\n" not in mail["Subject"] and "Werbung" in mail.get_content()

    facts = {f["type"]: f for f in _facts(platform, first["id"])}
    assert set(facts) >= {
        "stadtdialog.dialogue.comment.posted.v1",
        "stadtdialog.dialogue.comment.edited.v1",
        "stadtdialog.dialogue.comment.hidden.v1",
    }
    for fact in facts.values():
        assert fact["data"] == {
            "comment_id": first["id"],
            "target_kind": "idea",
            "target_id": idea_id,
            "parent_id": None,
        }
        text = json.dumps(fact)
        for personal in (anna["id"], anna["email"], "Hallo", "Werbung"):
            assert personal not in text


def test_limits_per_person(api, platform, place) -> None:
    slug, idea_id = place["slug"], place["idea_id"]
    carla = api.verified_login()
    with _as(platform, carla) as rpc:
        for n in range(5):
            rpc.dialogue.post_comment(slug, "idea", idea_id, {"body": f"Punkt {n}"})
        with pytest.raises(RateLimited) as too_fast:
            rpc.dialogue.post_comment(slug, "idea", idea_id, {"body": "Noch einer"})
        assert "Minute" in too_fast.value.message or "minute" in too_fast.value.message
    with _as(platform, None) as rpc:
        from services.kit.errors import Unauthenticated

        with pytest.raises(Unauthenticated):
            rpc.dialogue.post_comment(slug, "idea", idea_id, {"body": "Anonym"})


def test_comments_in_export_and_gone_with_the_account(api, platform, place) -> None:
    slug, idea_id = place["slug"], place["idea_id"]
    dora = api.verified_login()
    with _as(platform, dora) as rpc:
        mine = rpc.dialogue.post_comment(slug, "idea", idea_id, {"body": "Mein Beitrag"})
        export = rpc.dialogue.personal_data_export(dora["id"])
    section = next(s for s in export["sections"] if s["name"] == "comments")
    assert [i["body"] for i in section["items"]] == ["Mein Beitrag"]
    deleted = api.delete("/me", {"password": dora["password"]}, token=dora["token"])
    assert deleted.status_code in (200, 204), deleted.text

    def gone() -> bool:
        comment = next(c for c in _list(platform, None, slug, idea_id) if c["id"] == mine["id"])
        return comment["removed"] and comment["body"] == "" and comment["author_name"] == "—"

    wait_until(gone, 30, "the deleted account's comment emptied")


def _list(platform, person, slug: str, idea_id: str) -> list[dict]:
    with _as(platform, person) as rpc:
        return rpc.dialogue.list_comments(slug, "idea", idea_id)


def _minutes_ago(minutes: int):
    from datetime import UTC, datetime

    return datetime.now(UTC) - timedelta(minutes=minutes)
