"""Follow and notifications: pure rules (no nameko, no mongoengine; docs/notifications.md).

What a piece of news says in German, when a person's next notification mail is due (their
choice: immediately, a daily or a weekly digest) and how a digest groups its news.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Berlin")

# Kinds of news, in words a person reads (no raw key on a page or in a mail).
NEWS_TEXTS = {
    "idea_status": "Neuer Stand der Projektidee",
    "next_step_done": "Ein nächster Schritt ist erledigt",
    "talk_changed": "Das Tischgespräch wurde geändert",
    "talk_cancelled": "Das Tischgespräch wurde abgesagt",
    "topic_published": "Ein neues Thema ist veröffentlicht",
    "comment_posted": "Ein neuer Kommentar",
}
IDEA_STATUS_WORDS = {
    "proposed": "vorgeschlagen",
    "in_discussion": "in Diskussion",
    "in_progress": "in Umsetzung",
    "realised": "umgesetzt",
    "not_pursued": "nicht weiterverfolgt",
}
TARGET_WORDS = {
    "idea": "Projektidee",
    "talk": "Tischgespräch",
    "topic": "Thema",
    "city": "Stadt",
    "scenario": "Szenario",
}
# Where the news points to (a path under /stadt/<city>/).
TARGET_PATHS = {
    "idea": "ideen/{id}",
    "talk": "tischgespraeche/{id}",
    "topic": "",
    "city": "",
    "scenario": "szenarien/{id}",
}


def news_text(kind: str) -> str:
    return NEWS_TEXTS.get(kind, "Neuigkeit")


def target_path(city: str, target_kind: str, target_id: str) -> str:
    tail = TARGET_PATHS.get(target_kind, "").format(id=target_id)
    return f"/stadt/{city}/{tail}".rstrip("/")


def status_detail(status: Any) -> str:
    word = IDEA_STATUS_WORDS.get(str(status))
    return f"jetzt: {word}" if word else ""


def recipients(
    followers: Iterable[str], actor: str | None, already: Iterable[str] = ()
) -> list[str]:
    """Who gets one piece of news: each follower once, never the person who acted, nobody
    who has it already (a fact delivered twice)."""
    skip = {actor, *already}
    seen: list[str] = []
    for account in followers:
        if account and account not in skip and account not in seen:
            seen.append(account)
    return seen


def period(choice: str, now: datetime, newest_id: str) -> str:
    """The unique key of the mail ``choice`` sends at ``now``: one per news for an immediate
    mail, one per local day or ISO week for a digest."""
    local = now.astimezone(LOCAL)
    if choice == "daily":
        return f"d:{local.date().isoformat()}"
    if choice == "weekly":
        year, week, _ = local.isocalendar()
        return f"w:{year}-W{week:02d}"
    return f"i:{newest_id}"


def mail_due(choice: str, now: datetime, hour: int) -> bool:
    """Immediate mails go on every pass; the daily digest from ``hour`` (local), the weekly
    one on Mondays from ``hour``. Whether this period's mail went already is the unique key's
    business (``period``), not this rule's."""
    local = now.astimezone(LOCAL)
    if choice == "immediately":
        return True
    if choice == "daily":
        return local.hour >= hour
    if choice == "weekly":
        return local.weekday() == 0 and local.hour >= hour
    return False


def group(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A digest's news grouped by what they are about (city, kind and id of the followed
    thing), the groups in order of their newest news, news oldest first within a group."""
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for item in sorted(items, key=lambda i: str(i["at"])):
        key = (item["city"], item["target_kind"], item["target_id"])
        entry = groups.setdefault(
            key,
            {
                "city": item["city"],
                "target_kind": item["target_kind"],
                "target_id": item["target_id"],
                "title": item.get("title") or "",
                "news": [],
            },
        )
        entry["news"].append(item)
        entry["newest"] = str(item["at"])
        entry["title"] = item.get("title") or entry["title"]
    return sorted(groups.values(), key=lambda g: g["newest"], reverse=True)


def digest_text(
    name: str, choice: str, groups: list[dict[str, Any]], base_url: str, footer: str
) -> tuple[str, str]:
    """Subject and body (German, plain text) of a notification mail."""
    count = sum(len(g["news"]) for g in groups)
    heading = {
        "daily": "Deine tägliche Zusammenfassung",
        "weekly": "Deine wöchentliche Zusammenfassung",
    }.get(choice, "Neuigkeiten")
    subject = f"{heading}: {count} Neuigkeit{'en' if count != 1 else ''} im Stadtdialog"
    lines = [f"Hallo {name},", "", "das ist neu bei dem, dem Du folgst:", ""]
    for g in groups:
        what = TARGET_WORDS.get(g["target_kind"], "")
        lines.append(f"{what} „{g['title']}“" if g["title"] else what)
        for news in g["news"]:
            detail = f" ({news['detail']})" if news.get("detail") else ""
            lines.append(f"  - {news_text(news['kind'])}{detail}")
        lines.append(f"  {base_url}{target_path(g['city'], g['target_kind'], g['target_id'])}")
        lines.append("")
    lines.append("Alle Neuigkeiten findest Du in Mein Bereich.")
    lines.append(footer)
    return subject, "\n".join(lines)
