"""Comments on ideas, topics, published scenarios and documented talks: one level of replies,
a short edit window, reports (``topics.report``), hiding with a reason shown in place, limits
per person. Public facts carry ids only, never who wrote what."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from services.dialogue import mails
from services.dialogue.handlers.base import MODERATORS, DialogueBase, _aware, _iso, _now, _oid
from services.dialogue.models import COMMENT_TARGETS, Comment, Documentation, Idea, Report, Topic
from services.dialogue.schemas import CommentEditSchema, CommentSchema, ReasonSchema
from services.kit.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from services.kit.rpc import rpc
from services.kit.schemas import load

EDIT_MINUTES = 15  # the pages say so next to the edit link
PER_MINUTE = 5
PER_DAY = 50
TOO_FAST = "Too many comments in a short time: wait a minute."
TOO_MANY = "Too many comments today: at most 50 a day."
NO_REPLY_TO_REPLY = "A reply cannot be answered; answer the comment above it."
EDIT_OVER = "A comment can be changed only in the first 15 minutes."
TARGET_MISSING = "Nothing to comment on with this id in this city."


class CommentHandlers(DialogueBase):
    scenarios: Any  # RPC proxy of the scenarios service (published scenarios)

    def _check_target(self, city: str, kind: str, target_id: str) -> None:
        """The thing exists, is public and can be commented on (scenarios: published)."""
        found = False
        if kind in COMMENT_TARGETS and _oid(target_id):
            if kind == "idea":
                found = Idea.scoped(city, id=target_id, hidden=False).first() is not None
            elif kind == "topic":
                found = Topic.scoped(city, id=target_id, hidden=False).first() is not None
            elif kind == "talk":  # its documentation is the public summary
                found = Documentation.scoped(city, talk_id=target_id).first() is not None
            else:
                try:
                    scenario = self.scenarios.get_scenario(city, target_id)
                except NotFound:
                    scenario = None
                found = bool(scenario and scenario.get("status") == "published")
        if not found:
            raise NotFound(TARGET_MISSING)

    def _comment(self, city: str, comment_id: str) -> Comment:
        self._state(city)
        comment = Comment.scoped(city, id=comment_id).first() if _oid(comment_id) else None
        if comment is None:
            raise NotFound("Comment not found.")
        return comment

    def _check_limits(self, city: str, user_id: str) -> None:
        now = _now()
        mine = Comment.scoped(city, author_id=user_id)
        if mine.filter(created_at__gte=now - timedelta(minutes=1)).count() >= PER_MINUTE:
            raise RateLimited(TOO_FAST)
        if mine.filter(created_at__gte=now - timedelta(days=1)).count() >= PER_DAY:
            raise RateLimited(TOO_MANY)

    def _fact(self, comment: Comment, action: str) -> None:
        data = {
            "comment_id": str(comment.id),
            "target_kind": comment.target_kind,
            "target_id": comment.target_id,
            "parent_id": comment.parent_id,
        }
        self.outbox.add(
            "comment", action, data, city=comment.city, subject=str(comment.id), public=True
        )

    def _comment_view(self, comment: Comment, moderator: bool, reports: dict[str, int]) -> dict:
        mine = bool(self.caller.user_id and comment.author_id == self.caller.user_id)
        open_edit = _now() - _aware(comment.created_at) < timedelta(minutes=EDIT_MINUTES)
        view: dict[str, Any] = {
            "id": str(comment.id),
            "parent_id": comment.parent_id,
            "author_name": comment.author_name or "—",
            "body": comment.body,
            "created_at": _iso(comment.created_at),
            "edited_at": _iso(comment.edited_at),
            "hidden": comment.hidden,
            "removed": comment.removed,
            "mine": mine,
            "editable": mine and open_edit and not comment.hidden,
        }
        if comment.hidden:
            view["hidden_reason"] = comment.hidden_reason
            if not moderator:
                view["body"] = ""  # the reason stands in its place
        if comment.removed:
            view["body"] = ""
        if moderator:
            view["reports"] = reports.get(str(comment.id), 0)
        return view

    @rpc
    def list_comments(self, city: str, target_kind: str, target_id: str) -> list[dict[str, Any]]:
        """The comments on one thing, oldest first, each with its replies."""
        self._state(city)
        if target_kind not in COMMENT_TARGETS or not _oid(target_id):
            raise NotFound(TARGET_MISSING)
        moderator = self.caller.has_role(city, *MODERATORS)
        rows = list(
            Comment.scoped(city, target_kind=target_kind, target_id=target_id).order_by(
                "created_at"
            )
        )
        reports: dict[str, int] = {}
        if moderator and rows:  # an $in of known keys (FerretDB has no prefix regex)
            for report in Report.scoped(city, target__in=[f"comment:{c.id}" for c in rows]):
                key = report.target.partition(":")[2]
                reports[key] = reports.get(key, 0) + 1
        views = [self._comment_view(c, moderator, reports) for c in rows]
        top = [dict(v, replies=[]) for v in views if not v["parent_id"]]
        by_id = {v["id"]: v for v in top}
        for view in views:
            if view["parent_id"] in by_id:
                by_id[view["parent_id"]]["replies"].append(view)
        return top

    @rpc
    def reported_comments(self, city: str) -> list[dict[str, Any]]:
        """Moderators: the reported comments, most reported first, each with where it stands."""
        self.caller.require_role(city, *MODERATORS)
        self._state(city)
        reasons: dict[str, list[str]] = {}
        for report in Report.scoped(city).order_by("at"):
            kind, _, comment_id = report.target.partition(":")
            if kind == "comment" and _oid(comment_id):
                reasons.setdefault(comment_id, []).append(report.reason)
        found = Comment.scoped(city, id__in=list(reasons)) if reasons else []
        views = []
        for comment in found:
            counts = {str(comment.id): len(reasons[str(comment.id)])}
            view = self._comment_view(comment, True, counts)
            view.update(
                target_kind=comment.target_kind,
                target_id=comment.target_id,
                reasons=reasons[str(comment.id)],
            )
            views.append(view)
        return sorted(views, key=lambda v: (v["hidden"], -v["reports"]))

    @rpc
    def post_comment(
        self, city: str, target_kind: str, target_id: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        user_id = self.caller.require_authenticated()
        self._state(city)
        values = load(CommentSchema(), data)
        self._check_target(city, target_kind, target_id)
        parent_id = values["parent_id"]
        if parent_id:
            parent = self._comment(city, parent_id)
            if (parent.target_kind, parent.target_id) != (target_kind, target_id):
                raise NotFound("Comment not found.")
            if parent.parent_id:
                raise Invalid(NO_REPLY_TO_REPLY, {"parent_id": [NO_REPLY_TO_REPLY]})
        self._check_limits(city, user_id)
        account = self._account(user_id) or {}
        comment = Comment(
            city=city,
            target_kind=target_kind,
            target_id=target_id,
            parent_id=parent_id,
            author_id=user_id,
            author_name=str(account.get("display_name") or "—")[:80],
            body=values["body"],
        ).save()
        self._fact(comment, "posted")
        return self._comment_view(comment, False, {})

    @rpc
    def edit_comment(self, city: str, comment_id: str, data: dict[str, Any]) -> dict[str, Any]:
        user_id = self.caller.require_authenticated()
        values = load(CommentEditSchema(), data)
        comment = self._comment(city, comment_id)
        if comment.author_id != user_id:
            raise Forbidden("Only the author may change a comment.")
        if comment.hidden or _now() - _aware(comment.created_at) >= timedelta(minutes=EDIT_MINUTES):
            raise Conflict(EDIT_OVER, {"body": [EDIT_OVER]})
        if comment.body != values["body"]:
            comment.body, comment.edited_at = values["body"], _now()
            comment.save()
            self._fact(comment, "edited")
        return self._comment_view(comment, False, {})

    @rpc
    def hide_comment(self, city: str, comment_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """A moderator hides a comment; the reason shows in its place and the author is told."""
        self.caller.require_role(city, *MODERATORS)
        reason = load(ReasonSchema(), data)["reason"]
        comment = self._comment(city, comment_id)
        if not comment.hidden:
            comment.hidden, comment.hidden_reason = True, reason
            comment.hidden_by = self.caller.user_id
            comment.save()
            self._fact(comment, "hidden")
            self._record_admin_act(city, "comment.hidden", comment_id, comment.body[:80], reason)
            self._tell_author(comment)
        return self._comment_view(comment, True, {})

    def _tell_author(self, comment: Comment) -> None:
        account = self._account(comment.author_id) if comment.author_id else None
        if not account or not account.get("email"):
            return
        path = {"idea": "ideen", "topic": "themen", "scenario": "szenarien"}.get(
            comment.target_kind, "tischgespraeche"
        )
        url = f"{self.settings.public_base_url}/stadt/{comment.city}/{path}/{comment.target_id}"
        name = str(account.get("display_name") or "")
        self.mail.send(account["email"], *mails.comment_hidden(name, comment.body, url, comment))

    def _forget_comments(self, cities: list[str], account_id: str) -> None:
        """A deleted account's comments lose their text and name; replies to them stay."""
        Comment.across_cities(cities, author_id=account_id).update(
            set__body="", set__author_id=None, set__author_name=None, set__removed=True
        )

    def _comment_cities(self) -> list[str]:
        return [c for c in self.db["comments"].distinct("city") if isinstance(c, str) and c]
