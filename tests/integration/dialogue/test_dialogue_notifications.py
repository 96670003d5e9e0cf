"""Follow and notifications against the real broker and database: an idea's new status
becomes one notification per follower (the proposer follows by itself), none for the admin
who changed it; the same fact delivered again — also after the consumer lost its record of
it — makes no second notification; the daily digest goes out once however often the pass
runs, in German with the one-click ``List-Unsubscribe`` header."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from dialogue_support import table_talk_city
from kombu import Connection
from nameko.standalone.rpc import ClusterRpcProxy

from services.kit.context import Caller
from services.kit.outbox import publish_envelope, stored_rows
from services.kit.testing import caller_context, wait_until

pytestmark = pytest.mark.integration

CONSUMER = "services.dialogue.handlers.follows.FollowHandlers.on_news_noted"


def _rpc(platform, caller: Caller) -> ClusterRpcProxy:
    return ClusterRpcProxy(
        {"AMQP_URI": platform.infra.amqp_uri, "serializer": "json"},
        timeout=60,
        context_data=caller_context(caller),
    )


def _as(platform, person: dict, method: str, *args):  # noqa: ANN202
    with _rpc(platform, Caller(user_id=person["id"])) as proxy:
        return getattr(proxy.dialogue, method)(*args)


def _notifications(platform, person: dict) -> dict:
    return _as(platform, person, "my_notifications")


def _digests(platform, email: str) -> list:  # noqa: ANN001
    return [
        m
        for m in platform.mail_sink.messages
        if m["To"] == email and "Zusammenfassung" in m["Subject"]
    ]


def _redeliver(platform, envelope: dict) -> None:
    with Connection(platform.infra.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        publish_envelope(conn.Producer(), envelope, public=False)


def test_status_news_once_per_follower_none_for_the_actor_digest_once(
    api, cities, operator, platform
) -> None:
    made = table_talk_city(api, cities, platform)
    slug, admin = made["slug"], made["admin"]
    proposer, follower = api.verified_login(), api.verified_login()
    idea = api.post(
        f"/cities/{slug}/ideas",
        {"title": "Bücherschrank am Markt", "description": "Zum Tauschen.", "category": "culture"},
        token=proposer["token"],
    )
    assert idea.status_code == 201, idea.text
    idea_id = idea.json()["id"]
    assert _as(platform, follower, "follow", slug, "idea", idea_id, True) == {"following": True}
    assert _as(platform, admin, "follow", slug, "idea", idea_id, True)["following"]

    moved = api.post(
        f"/cities/{slug}/ideas/{idea_id}/status",
        {"status": "in_discussion", "reason": "Im Ortsbeirat."},
        token=admin["token"],
    )
    assert moved.status_code == 200, moved.text
    for person in (follower, proposer):
        wait_until(lambda p=person: _notifications(platform, p)["unread"] == 1, 30, "the news")
    news = _notifications(platform, follower)["items"][0]
    assert (news["kind"], news["title"]) == ("idea_status", "Bücherschrank am Markt")
    assert news["detail"] == "jetzt: in Diskussion"
    assert news["path"] == f"/stadt/{slug}/ideen/{idea_id}"

    # The same fact again: first as the broker redelivers it, then as after a crash between
    # the handler's writes and its record of the fact (the unique key holds then).
    outbox = platform.infra.database("dialogue")["outbox"]
    fact = wait_until(
        lambda: next(
            iter(
                stored_rows(
                    outbox,
                    {
                        "envelope.type": "stadtdialog.dialogue.news.noted.v1",
                        "envelope.subject": idea_id,
                    },
                )
            ),
            None,
        ),
        30,
        "the internal news fact",
    )["envelope"]
    processed = platform.infra.database("dialogue")["processed_events"]
    key = f"{CONSUMER}:{fact['id']}"
    _redeliver(platform, fact)
    processed.delete_one({"_id": key})
    _redeliver(platform, fact)
    wait_until(lambda: processed.find_one({"_id": key}) is not None, 30, "the fact handled again")
    notifications = platform.infra.database("dialogue")["notifications"]
    assert notifications.count_documents({"fact_id": fact["id"]}) == 2  # follower, proposer
    assert _notifications(platform, admin)["unread"] == 0  # the actor is left out
    assert notifications.count_documents({"account_id": admin["id"]}) == 0

    # The daily digest (the testbed sends at any hour), the pass run four times at once.
    def run(_: int) -> int:
        with _rpc(platform, Caller(user_id=operator["id"], operator=True)) as proxy:
            return proxy.dialogue.ops_send_notices()["notifications"]

    # (The minute timer may get there first: then the passes send nothing. Either way, one.)
    with ThreadPoolExecutor(4) as pool:
        assert sum(pool.map(run, range(4))) <= 2  # at most one mail each: follower, proposer
    assert run(0) == 0

    outbox_mail = platform.infra.database("dialogue")["mail_outbox"]
    wait_until(lambda: outbox_mail.count_documents({"to": follower["email"]}) == 0, 30, "mail sent")
    mails = wait_until(
        lambda: _digests(platform, follower["email"]) or None,
        30,
        "the digest in the mail sink",
    )
    assert run(0) == 0
    assert len(_digests(platform, follower["email"])) == len(mails) == 1
    assert len(wait_until(lambda: _digests(platform, proposer["email"]) or None, 30, "")) == 1
    mail = mails[0]
    assert mail["Subject"].startswith("Deine tägliche Zusammenfassung: 1 Neuigkeit")
    body = mail.get_body(("plain",)).get_content()
    assert "Projektidee „Bücherschrank am Markt“" in body and "jetzt: in Diskussion" in body
    assert "in_progress" not in body
    assert (
        mail["List-Unsubscribe"].startswith("<")
        and "/mail/abbestellen?token=" in mail["List-Unsubscribe"]
    )
    assert not [
        m
        for m in platform.mail_sink.messages
        if m["To"] == admin["email"] and "Zusammenfassung" in m["Subject"]
    ]

    # Marked read, the count in the header's RPC drops; the list keeps the news.
    assert _as(platform, follower, "mark_notifications_read", None) == {"unread": 0}
    assert _as(platform, follower, "unread_notifications") == 0
    assert len(_notifications(platform, follower)["items"]) == 1

    # In the personal data export, and gone with the account.
    with _rpc(platform, Caller(user_id=follower["id"])) as proxy:
        export = proxy.dialogue.personal_data_export(follower["id"])
    sections = {s["name"]: s["items"] for s in export["sections"]}
    assert [f["target_id"] for f in sections["follows"]] == [idea_id]
    assert [n["title"] for n in sections["notifications"]] == ["Bücherschrank am Markt"]
    assert len(sections["notification_mails"]) == 1
    deleted = api.delete("/me", {"password": "Tischgespräch-42"}, token=follower["token"])
    assert deleted.status_code in (200, 204), deleted.text
    database = platform.infra.database("dialogue")
    wait_until(
        lambda: all(
            database[name].count_documents({"account_id": follower["id"]}) == 0
            for name in ("follows", "notifications", "notification_mails")
        ),
        30,
        "the follower's follows and news deleted with the account",
    )


def test_a_comment_tells_the_followers_not_its_author_who_follows_from_then_on(
    api, cities, platform
) -> None:
    made = table_talk_city(api, cities, platform)
    slug = made["slug"]
    proposer, commenter = api.verified_login(), api.verified_login()
    idea = api.post(
        f"/cities/{slug}/ideas",
        {
            "title": "Boule-Platz im Park",
            "description": "Für alle Generationen.",
            "category": "social",
        },
        token=proposer["token"],
    )
    assert idea.status_code == 201, idea.text
    idea_id = idea.json()["id"]
    posted = api.post(
        f"/cities/{slug}/comments/idea/{idea_id}",
        {"body": "Gute Idee, ich bringe Kugeln mit."},
        token=commenter["token"],
    )
    assert posted.status_code == 201, posted.text
    wait_until(lambda: _notifications(platform, proposer)["unread"] == 1, 30, "the comment news")
    news = _notifications(platform, proposer)["items"][0]
    assert (news["kind"], news["title"]) == ("comment_posted", "Boule-Platz im Park")
    assert _notifications(platform, commenter)["unread"] == 0  # not for one's own comment
    # The commenter follows the idea now: the proposer's reply reaches them.
    assert _as(platform, commenter, "following", slug, "idea", idea_id)["following"]
    reply = api.post(
        f"/cities/{slug}/comments/idea/{idea_id}",
        {"body": "Danke!", "parent_id": posted.json()["id"]},
        token=proposer["token"],
    )
    assert reply.status_code == 201, reply.text
    wait_until(lambda: _notifications(platform, commenter)["unread"] == 1, 30, "the reply news")
    assert _notifications(platform, proposer)["unread"] == 1  # their own reply: nothing new
