"""What a person agreed to: the privacy notice's version at registration (recorded there) and
each later version they took note of after it changed (asked once, after sign-in)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.identity.handlers.base import IdentityBase
from services.identity.models import Consent
from services.identity.schemas import NoticeTakenSchema
from services.kit.rpc import rpc
from services.kit.schemas import load


def _iso(moment: datetime) -> str:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


class ConsentHandlers(IdentityBase):
    @rpc
    def consent_state(self) -> dict[str, Any]:
        """The signed-in person's consents, newest first, and the newest privacy version."""
        account = self._account(self.caller.require_authenticated())
        records = Consent.objects(account_id=account.id).order_by("-at")
        history = [
            {"document": c.document, "version": c.version, "context": c.context, "at": _iso(c.at)}
            for c in records
        ]
        noted = [c["version"] for c in history if c["document"] == "privacy"]
        return {"privacy_version": max(noted) if noted else None, "consents": history}

    @rpc
    def note_privacy_notice(self, data: dict[str, Any]) -> dict[str, Any]:
        """The signed-in person took note of a (changed) version of the privacy notice."""
        account = self._account(self.caller.require_authenticated())
        version = self._privacy_version(load(NoticeTakenSchema(), data)["version"])
        self._record_consent(account.id, version, "notice_update")
        return self.consent_state()
