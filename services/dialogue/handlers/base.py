"""What every dialogue handler mixin shares: dependencies, constants, helpers, cross-calls.

``DialogueService`` (``services/dialogue/service.py``) declares the nameko dependencies;
here they are only annotated, so that each mixin type-checks on its own. The methods at the
end are implemented by one mixin and called by others: they are declared here so a reader of
a mixin sees what it relies on. Every mixin comes before ``DialogueBase`` in the service's
method resolution order, so the real implementation always wins over these stubs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from pymongo.database import Database

from services.dialogue.models import Registration, Talk, Topic
from services.dialogue.rules import UNKNOWN_DISTRICT, canonical_district
from services.kit.account_summaries import account_summary
from services.kit.city_state import CityStateView
from services.kit.config import Settings
from services.kit.context import Caller
from services.kit.errors import Forbidden, NotFound
from services.kit.mail import MailWriter
from services.kit.outbox import OutboxWriter
from services.kit.tenancy import is_slug
from services.kit.tokens import SignedTokens

SERVICE = "dialogue"
MODERATORS = ("city_admin", "facilitator")


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _iso(value: datetime | None) -> str | None:
    return _aware(value).astimezone(UTC).isoformat() if value is not None else None


def _oid(value: Any) -> bool:
    return isinstance(value, str) and ObjectId.is_valid(value)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """Loaded form values as stored and compared (dates as ISO text)."""
    return json.loads(json.dumps(values, default=str, sort_keys=True))


class DialogueBase:
    # Dependencies, declared on DialogueService (service.py).
    db: Database
    outbox: OutboxWriter
    mail: MailWriter
    caller: Caller
    city_state: CityStateView
    identity: Any  # RPC proxy of the identity service
    # Set in DialogueService.__init__.
    settings: Settings
    invitations: SignedTokens
    guest_tokens: SignedTokens

    def _record_admin_act(
        self,
        city: str,
        act: str,
        target_id: str,
        title: str | None,
        reason: str | None = None,
        status: str | None = None,
    ) -> None:
        """A moderation decision or publication for the city's audit log (kept by the cities
        service, which names the actor): an internal fact, written with the change."""
        self.outbox.add(
            "admin_act",
            "recorded",
            {
                "act": act,
                "by": self.caller.user_id,
                "target_id": target_id,
                "title": (title or "")[:500] or None,
                "reason": reason,
                "status": status,
            },
            city=city,
            subject=target_id,
        )

    def _state(self, city: str) -> dict[str, Any]:
        if not isinstance(city, str) or not is_slug(city):
            raise NotFound("City not found.")
        return self.city_state.state(city)

    def _district_errors(self, city: str, value: str | None) -> dict[str, list[str]]:
        """A district must be one of the city's uploaded districts (when it has any)."""
        names = list(self._state(city).get("districts") or [])
        if value and canonical_district(names, value) is None:
            return {"district": [UNKNOWN_DISTRICT]}
        return {}

    def _district(self, city: str, value: str | None) -> str | None:
        """The city's spelling of a district that passed ``_district_errors``."""
        names = list(self._state(city).get("districts") or [])
        return canonical_district(names, value) or value

    def _talk(self, city: str, talk_id: str) -> Talk:
        self._state(city)
        talk = Talk.scoped(city, id=talk_id).first() if _oid(talk_id) else None
        if talk is None:
            raise NotFound("Talk not found.")
        return talk

    def _topic(self, city: str, topic_id: str) -> Topic | None:
        return Topic.scoped(city, id=topic_id).first() if _oid(topic_id) else None

    def _require_host(self, talk: Talk, *also: str) -> str:
        user_id = self.caller.require_authenticated()
        if talk.host_id != user_id and not (also and self.caller.has_role(talk.city, *also)):
            raise Forbidden("Only the host may do this.")
        return user_id

    def _link(self, path: str, token: str) -> str:
        return f"{self.settings.public_base_url}{path}?token={token}"

    def _account(self, account_id: str) -> dict[str, Any] | None:
        """Identity's summary of an account (services.kit.account_summaries)."""
        return account_summary(self, account_id)

    # ------------------------------------------------------------------ cross-aggregate calls
    # talks.py
    def _one_talk_view(self, talk: Talk, details: bool | None = None) -> dict[str, Any]:
        raise NotImplementedError

    def _cancel_talk(self, talk: Talk, reason: str) -> dict[str, Any]:
        raise NotImplementedError

    def _talk_view(
        self,
        talk: Talk,
        taken: int,
        registered: int,
        details: bool | None = None,
        topics: dict[str, Topic] | None = None,
    ) -> dict[str, Any]:
        raise NotImplementedError

    # registrations.py
    def _check_joinable(self, talk: Talk) -> None:
        raise NotImplementedError

    def _register(
        self,
        talk: Talk,
        person: str,
        display_name: str,
        account_id: str | None = None,
        email: str | None = None,
        invitation: str | None = None,
        guest_request: str | None = None,
    ) -> Registration:
        raise NotImplementedError

    def _settle(self, talk: Talk, own: Registration | None) -> dict[str, Any] | None:
        raise NotImplementedError

    def _cancel(self, talk: Talk, reg: Registration) -> dict[str, Any]:
        raise NotImplementedError

    def _registration_view(
        self, reg: Registration, seats: dict[int, str] | None = None
    ) -> dict[str, Any]:
        raise NotImplementedError

    def _mail_person(
        self,
        reg: Registration,
        texts: Callable[[str], tuple[str, str]],
        ics: bytes | None = None,
        leave: bool = False,
    ) -> None:
        raise NotImplementedError

    # personal_data.py
    def _talk_cities(self) -> list[str]:
        raise NotImplementedError

    # follows.py
    def _note_news(
        self, city: str, kind: str, target_kind: str, target_id: str, title: str, detail: str = ""
    ) -> None:
        raise NotImplementedError

    def _auto_follow(self, city: str, target_kind: str, target_id: str, account_id: Any) -> None:
        raise NotImplementedError

    # notification_mails.py
    def _send_notification_mails(self, now: datetime) -> int:
        raise NotImplementedError

    # notices.py
    def _footer(self, headers: dict[str, str]) -> str:
        raise NotImplementedError

    # guests.py
    def _leave_link(self, reg: Registration) -> str:
        raise NotImplementedError

    # invitations.py
    def _check_invitation(self, talk: Talk, token: str | None) -> str:
        raise NotImplementedError

    def _talk_of_invitation(self, token: str) -> tuple[Talk, str]:
        raise NotImplementedError

    # comments.py
    def _forget_comments(self, cities: list[str], account_id: str) -> None:
        raise NotImplementedError

    def _comment_cities(self) -> list[str]:
        raise NotImplementedError

    # follows.py
    def _is_following(self, user_id: str, city: str, target_kind: str, target_id: str) -> bool:
        raise NotImplementedError

    # notification_lists.py
    def _unread(self, user_id: str) -> int:
        raise NotImplementedError
