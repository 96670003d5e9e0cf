"""Follow an idea, a talk, a topic or a whole city; the notifications made from facts.

A person follows by hand, or automatically by supporting or helping an idea, hosting a talk
or commenting; an automatic follow never overrides a stop. One consumer turns facts into
notifications (``_notify``): the news of a fact goes to the followers of what it is about
(and of its city, except comments), never to the person who acted (the internal
``news.noted`` fact carries the actor; a comment's author is read from our own comments),
and the unique key on fact id and recipient makes a fact delivered twice one notification.
Mails are sent by ``handlers/notification_mails.py``, what a person reads of their follows
and news by ``handlers/notification_lists.py``; the rules are in ``news.py``.
"""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from mongoengine.errors import NotUniqueError

from services.dialogue.handlers.base import SERVICE, DialogueBase, _now, _oid
from services.dialogue.handlers.topics import TOPIC_PUBLISHED
from services.dialogue.models import FOLLOW_KINDS, Follow, Idea, Notification, Talk, Topic
from services.dialogue.news import recipients
from services.kit.consumer import idempotent
from services.kit.errors import Invalid, NotFound
from services.kit.messaging import event_handler
from services.kit.rpc import rpc
from services.kit.tenancy import is_slug

NEWS_NOTED = "stadtdialog.dialogue.news.noted.v1"
STEP_NEWS = "stadtdialog.events.news.noted.v1"  # a next step of an idea done
COMMENT_POSTED = "stadtdialog.dialogue.comment.posted.v1"
# News that followers of the whole city get too (comments only reach the thing's followers).
CITY_WIDE = ("idea_status", "next_step_done", "talk_cancelled", "topic_published")
NOTHING_TO_FOLLOW = "Nothing to follow with this id in this city."


class FollowHandlers(DialogueBase):
    # ------------------------------------------------------------------ following
    def _follow_target(self, city: str, kind: str, target_id: str) -> str:
        """The title of a thing one may follow; ``NotFound``/``Invalid`` otherwise."""
        if kind not in FOLLOW_KINDS or kind == "scenario":
            message = "One can follow an idea, a talk, a topic or a city."
            raise Invalid(message, {"target_kind": [message]})
        self._state(city)
        if kind == "city":
            return city
        model = {"idea": Idea, "talk": Talk, "topic": Topic}[kind]
        doc = model.scoped(city, id=target_id).first() if _oid(target_id) else None
        if doc is None or getattr(doc, "hidden", False):
            raise NotFound(NOTHING_TO_FOLLOW, {"target_id": [NOTHING_TO_FOLLOW]})
        return doc.title

    @rpc
    def follow(self, city: str, target_kind: str, target_id: str, on: bool = True) -> dict:
        """Start (``on``) or stop following; repeating either changes nothing."""
        user_id = self.caller.require_authenticated()
        target_id = city if target_kind == "city" else target_id
        key = {"account_id": user_id, "city": city, "target_kind": target_kind}
        # Stopping is always possible, also once the thing was hidden or removed.
        if on or not Follow.objects(**key, target_id=target_id).first():
            self._follow_target(city, target_kind, target_id)
        Follow.objects(**key, target_id=target_id).update_one(
            upsert=True, set__active=bool(on), set__automatic=False, set__at=_now()
        )
        return {"following": bool(on)}

    @rpc
    def following(self, city: str, target_kind: str, target_id: str) -> dict[str, bool]:
        user_id = self.caller.user_id
        if not user_id:
            return {"following": False}
        return {"following": self._is_following(user_id, city, target_kind, target_id)}

    def _is_following(self, user_id: str, city: str, target_kind: str, target_id: str) -> bool:
        row = Follow.objects(
            account_id=user_id, city=city, target_kind=target_kind, target_id=target_id
        ).first()
        return bool(row and row.active)

    def _auto_follow(self, city: str, target_kind: str, target_id: str, account_id: Any) -> None:
        """Supporting, helping, hosting, commenting: follow unless the person stopped."""
        if not account_id:
            return
        try:
            Follow(
                account_id=account_id,
                city=city,
                target_kind=target_kind,
                target_id=target_id,
                automatic=True,
            ).save(force_insert=True)
        except NotUniqueError:
            pass  # followed already, or stopped: a stop stays

    # ------------------------------------------------------------------ the news
    def _note_news(
        self, city: str, kind: str, target_kind: str, target_id: str, title: str, detail: str = ""
    ) -> None:
        """An internal fact with the actor, written with the change: the consumer below makes
        the followers' notifications from it and leaves the actor out."""
        self.outbox.add(
            "news",
            "noted",
            {
                "kind": kind,
                "target_kind": target_kind,
                "target_id": target_id,
                "by": self.caller.user_id,
                "title": (title or "")[:500],
                "detail": (detail or "")[:500],
            },
            city=city,
            subject=target_id,
        )

    def _notify(
        self,
        fact_id: str,
        city: str,
        news: dict[str, Any],
        actor: str | None,
    ) -> int:
        """One notification per follower of the thing (and of the city for city-wide news)."""
        targets = [(news["target_kind"], news["target_id"])]
        if news["kind"] in CITY_WIDE:
            targets.append(("city", city))
        followers = [
            f.account_id
            for kind, target in targets
            for f in Follow.objects(city=city, target_kind=kind, target_id=target, active=True)
        ]
        done = Notification.objects(fact_id=fact_id).distinct("account_id")
        made = 0
        for account_id in recipients(followers, actor, done):
            try:
                Notification(account_id=account_id, fact_id=fact_id, city=city, **news).save(
                    force_insert=True
                )
                made += 1
            except NotUniqueError:
                pass  # the same fact, delivered again: one notification
        return made

    @event_handler(SERVICE, NEWS_NOTED, requeue_on_error=True)
    @idempotent(SERVICE)
    def on_news_noted(self, envelope: dict[str, Any]) -> None:
        self._on_news(envelope)

    def _on_news(self, envelope: dict[str, Any]) -> None:
        """A ``news.noted`` fact (ours or the events service's): it names the actor."""
        city, data = envelope.get("city"), envelope.get("data") or {}
        if not (isinstance(city, str) and is_slug(city)) or not data.get("target_id"):
            return
        news = {k: str(data.get(k) or "") for k in ("kind", "target_kind", "target_id")}
        title = str(data.get("title") or "")[:500]
        title = title or self._title_of(city, news["target_kind"], news["target_id"])
        news.update(title=title, detail=str(data.get("detail") or "")[:500])
        self._notify(envelope["id"], city, news, data.get("by"))

    @event_handler("events", STEP_NEWS, requeue_on_error=True)
    @idempotent(SERVICE)
    def on_step_news(self, envelope: dict[str, Any]) -> None:
        """The events service's news (a next step of an idea done): the same as our own."""
        self._on_news(envelope)

    @event_handler("scenarios", TOPIC_PUBLISHED, requeue_on_error=True)
    @idempotent(SERVICE)
    def on_topic_news(self, envelope: dict[str, Any]) -> None:
        """A topic published: news for those who follow the city."""
        city, data = envelope.get("city"), envelope.get("data") or {}
        if not (isinstance(city, str) and is_slug(city)) or not data.get("topic_id"):
            return
        news = {
            "kind": "topic_published",
            "target_kind": "topic",
            "target_id": str(data["topic_id"]),
            "title": str(data.get("title") or "")[:500],
            "detail": "",
        }
        self._notify(envelope["id"], city, news, None)

    @event_handler(SERVICE, COMMENT_POSTED, requeue_on_error=True)
    @idempotent(SERVICE)
    def on_comment_posted(self, envelope: dict[str, Any]) -> None:
        """A new comment: news for the followers of what it is on; its author follows it from
        now on and gets no news of their own comment. The public fact names no person: the
        author is read from our own ``comments`` collection (docs/notifications.md)."""
        city, data = envelope.get("city"), envelope.get("data") or {}
        kind, target_id = data.get("target_kind"), data.get("target_id")
        if not (isinstance(city, str) and is_slug(city)) or kind not in FOLLOW_KINDS:
            return
        comment_id = data.get("comment_id")
        row = (
            self.db["comments"].find_one({"_id": ObjectId(comment_id), "city": city})
            if _oid(comment_id)
            else None
        )
        author = (row or {}).get("author_id")
        self._auto_follow(city, kind, str(target_id), author)
        news = {
            "kind": "comment_posted",
            "target_kind": kind,
            "target_id": str(target_id),
            "title": self._title_of(city, kind, str(target_id)),
            "detail": "",
        }
        self._notify(envelope["id"], city, news, author)

    def _title_of(self, city: str, kind: str, target_id: str) -> str:
        model = {"idea": Idea, "talk": Talk, "topic": Topic}.get(kind)
        doc = model.scoped(city, id=target_id).first() if model and _oid(target_id) else None
        return (doc.title if doc is not None else "")[:500]
