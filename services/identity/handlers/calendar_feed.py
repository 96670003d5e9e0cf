"""A person's private calendar feed: a secret link that calendar programs subscribe to.

The secret is a session of kind ``calendar`` (stored as its SHA-256 like every session): the
gateway accepts it only at ``/kalender/<secret>.ics`` and reads that person's talks and
registrations with it. One link per person; a new one ends the old, and the person can end it
at any time (a changed password ends it too, like every other session)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from services.identity.handlers.base import IdentityBase
from services.identity.models import CALENDAR, Session
from services.identity.tokens import new_session_token
from services.kit.rpc import rpc

FEED_DAYS = 400  # a year's dialogue and a little more; then Mein Bereich makes a new link


def _iso(moment: datetime) -> str:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


class CalendarFeedHandlers(IdentityBase):
    def _feeds(self) -> list[Session]:
        account_id = self.caller.require_authenticated()
        return list(Session.objects(account_id=account_id, kind=CALENDAR))

    @rpc
    def calendar_feed_state(self) -> dict[str, Any]:
        now = datetime.now(UTC)
        live = [s for s in self._feeds() if s.expires_at.replace(tzinfo=UTC) > now]
        if not live:
            return {"active": False, "created_at": None, "expires_at": None}
        feed = live[0]
        return {
            "active": True,
            "created_at": _iso(feed.created_at),
            "expires_at": _iso(feed.expires_at),
        }

    @rpc
    def create_calendar_feed(self) -> dict[str, Any]:
        """A new secret link (shown once); the person's earlier link stops working."""
        for feed in self._feeds():
            feed.delete()
        token, key = new_session_token()
        expires = datetime.now(UTC) + timedelta(days=FEED_DAYS)
        Session(
            id=key,
            account_id=self.caller.user_id,
            kind=CALENDAR,
            device="Kalender-Abo",
            expires_at=expires,
        ).save(force_insert=True)
        return {"token": token, "expires_at": _iso(expires)}

    @rpc
    def end_calendar_feed(self) -> dict[str, Any]:
        feeds = self._feeds()
        for feed in feeds:
            feed.delete()
        return {"ended": len(feeds)}
