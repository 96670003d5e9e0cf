"""Follow and notifications, the pure rules (services/dialogue/news.py): who gets a piece of
news, when a person's notification mail is due, its unique period and how a digest groups."""

from __future__ import annotations

from datetime import UTC, datetime

from services.dialogue.news import (
    digest_text,
    group,
    mail_due,
    news_text,
    period,
    recipients,
    status_detail,
    target_path,
)

# Monday 7 December 2026, 07:30 UTC = 08:30 in Berlin
MONDAY = datetime(2026, 12, 7, 7, 30, tzinfo=UTC)
TUESDAY_LATE = datetime(2026, 12, 8, 22, 30, tzinfo=UTC)  # 23:30 in Berlin


def test_each_follower_once_never_the_actor_nor_who_has_it_already() -> None:
    followers = ["a", "b", "actor", "a", "c", "", "b"]
    assert recipients(followers, "actor") == ["a", "b", "c"]
    assert recipients(followers, "actor", already=["b"]) == ["a", "c"]
    assert recipients(followers, None) == ["a", "b", "actor", "c"]


def test_immediate_mails_go_on_every_pass_digests_from_their_hour() -> None:
    assert mail_due("immediately", MONDAY, 23)
    assert mail_due("daily", MONDAY, 8) and not mail_due("daily", MONDAY, 9)
    assert mail_due("weekly", MONDAY, 8)
    assert not mail_due("weekly", TUESDAY_LATE, 0)  # weekly: Mondays only
    assert not mail_due("never", MONDAY, 0)


def test_period_keys_one_mail_per_day_or_week_or_news() -> None:
    assert period("daily", MONDAY, "n1") == "d:2026-12-07"
    # Berlin's day, not UTC's: 23:30 local on Tuesday is still Tuesday
    assert period("daily", TUESDAY_LATE, "n1") == "d:2026-12-08"
    assert period("weekly", MONDAY, "n1") == period("weekly", TUESDAY_LATE, "n2") == "w:2026-W50"
    assert period("immediately", MONDAY, "n1") != period("immediately", MONDAY, "n2")


def _news(at: str, target: str, kind: str = "idea_status", title: str = "Radweg") -> dict:
    return {
        "city": "musterstadt",
        "kind": kind,
        "target_kind": "idea",
        "target_id": target,
        "title": title,
        "detail": "",
        "at": at,
    }


def test_digest_groups_by_followed_thing_newest_group_first() -> None:
    items = [
        _news("2026-12-07T08:00", "i1"),
        _news("2026-12-07T09:00", "i2", title="Bank"),
        _news("2026-12-07T10:00", "i1", "comment_posted"),
    ]
    groups = group(items)
    assert [g["target_id"] for g in groups] == ["i1", "i2"]
    assert [n["kind"] for n in groups[0]["news"]] == ["idea_status", "comment_posted"]


def test_digest_text_is_german_with_links_and_no_raw_keys() -> None:
    groups = group([_news("2026-12-07T08:00", "i1") | {"detail": status_detail("in_progress")}])
    subject, body = digest_text("Erika", "daily", groups, "https://x.example", "FUSS")
    assert subject == "Deine tägliche Zusammenfassung: 1 Neuigkeit im Stadtdialog"
    assert "Projektidee „Radweg“" in body and "jetzt: in Umsetzung" in body
    assert "https://x.example/stadt/musterstadt/ideen/i1" in body and body.endswith("FUSS")
    assert "in_progress" not in body and "idea_status" not in body
    assert news_text("unknown") == "Neuigkeit"
    assert target_path("musterstadt", "city", "musterstadt") == "/stadt/musterstadt"
