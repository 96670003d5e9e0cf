"""What a person reads of their follows and news (Mein Bereich, the header's count, the API):
what they follow, their notifications a page at a time with German words, the unread count,
marking read. Only one's own: every query starts with the caller's account id.
(docs/notifications.md; the follows and the notifications are made by ``follows.py``.)"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from services.dialogue.handlers.base import DialogueBase, _iso, _now, _oid
from services.dialogue.models import Follow, Idea, Notification, Talk, Topic
from services.dialogue.news import TARGET_WORDS, news_text, target_path
from services.dialogue.schemas import NotificationPageSchema
from services.kit.errors import DomainError, NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load

LIST_LIMIT = 50  # Mein Bereich: the newest 50
TITLED = {"idea": Idea, "talk": Talk, "topic": Topic}


def _kind_words(target_kind: str) -> str:
    return TARGET_WORDS.get(target_kind, "Beitrag")


class NotificationListHandlers(DialogueBase):
    @rpc
    def my_follows(self) -> dict[str, Any]:
        """What the signed-in person follows, newest first, with titles and German words."""
        user_id = self.caller.require_authenticated()
        rows = list(Follow.objects(account_id=user_id, active=True).order_by("-at"))
        titles = self._titles({(f.city, f.target_kind, f.target_id) for f in rows})
        items = [
            {
                "city": f.city,
                "target_kind": f.target_kind,
                "target_text": _kind_words(f.target_kind),
                "target_id": f.target_id,
                "title": titles.get((f.city, f.target_kind, f.target_id), ""),
                "path": target_path(f.city, f.target_kind, f.target_id),
                "automatic": bool(f.automatic),
                "since": _iso(f.at),
            }
            for f in rows
        ]
        return {"items": items, "total": len(items)}

    def _titles(self, things: set[tuple[str, str, str]]) -> dict[tuple[str, str, str], str]:
        """Titles of followed things: one query per city and kind; a city by its name."""
        wanted: dict[tuple[str, str], list[str]] = defaultdict(list)
        for city, kind, target_id in things:
            if kind in TITLED and _oid(target_id):
                wanted[(city, kind)].append(target_id)
        titles = {}
        for (city, kind), ids in wanted.items():
            for doc in TITLED[kind].scoped(city, id__in=ids):
                # A thing hidden by a moderator keeps its title out of sight here too.
                hidden = getattr(doc, "hidden", False)
                titles[(city, kind, str(doc.id))] = "" if hidden else doc.title or ""
        for city in {c for c, kind, _ in things if kind == "city"}:
            try:
                titles[(city, "city", city)] = self._state(city).get("name") or city
            except DomainError:  # a city no longer there: its slug
                titles[(city, "city", city)] = city
        return titles

    @rpc
    def my_notifications(self, paging: dict[str, Any] | None = None) -> dict[str, Any]:
        """The signed-in person's notifications, newest first, a page at a time (the first
        50 without ``paging``), how many there are and how many are unread."""
        user_id = self.caller.require_authenticated()
        values = load(NotificationPageSchema(), paging or {"per_page": LIST_LIMIT})
        page, per_page = values["page"], values["per_page"]
        mine = Notification.objects(account_id=user_id)
        total = mine.count()
        rows = mine.order_by("-at", "-id").skip((page - 1) * per_page).limit(per_page)
        items = [
            {
                "id": str(n.id),
                "city": n.city,
                "kind": n.kind,
                "text": news_text(n.kind),
                "target_text": _kind_words(n.target_kind),
                "title": n.title,
                "detail": n.detail,
                "target_kind": n.target_kind,
                "path": target_path(n.city, n.target_kind, n.target_id),
                "at": _iso(n.at),
                "read": n.read_at is not None,
            }
            for n in rows
        ]
        return {
            "items": items,
            "unread": self._unread(user_id),
            "total": total,
            "page": page,
            "per_page": per_page,
            "pages": max(1, -(-total // per_page)),
        }

    def _unread(self, user_id: str) -> int:
        return Notification.objects(account_id=user_id, read_at=None).count()

    @rpc
    def unread_notifications(self) -> int:
        """The header's count: one count on an index (account, read_at)."""
        user_id = self.caller.user_id
        return self._unread(user_id) if user_id else 0

    @rpc
    def mark_notifications_read(self, notification_id: str | None = None) -> dict[str, int]:
        """Mark one notification (by id) or all of them read."""
        user_id = self.caller.require_authenticated()
        query: dict[str, Any] = {"account_id": user_id, "read_at": None}
        if notification_id is not None:
            mine = (
                _oid(notification_id)
                and Notification.objects(account_id=user_id, id=notification_id).first()
            )
            if not mine:  # unknown, or someone else's: the same answer
                message = "Notification not found."
                raise NotFound(message, {"notification_id": [message]})
            query["id"] = notification_id
        Notification.objects(**query).update(set__read_at=_now())
        return {"unread": self._unread(user_id)}
