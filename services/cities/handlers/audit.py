"""The city's audit log: every administrative act with its actor's name, time and reason.

This service writes its own acts as they happen (``CitiesBase._audit``: phase changes,
schedule, plugins, steps, role invitations). The acts of other services arrive as internal
facts carrying the actor's account id: role grants and revocations from identity, moderation
decisions and publications (``admin_act.recorded``) from dialogue, scenarios and events. The
fact's id is the entry's id, so a redelivered fact is recorded once.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from services.cities.handlers.base import PARTNERS, CitiesBase, _iso
from services.cities.models import AuditEntry, City
from services.kit.errors import Invalid
from services.kit.messaging import event_handler
from services.kit.rpc import rpc

ROLE_GRANTED = "stadtdialog.identity.role.granted.v1"
ROLE_REVOKED = "stadtdialog.identity.role.revoked.v1"
ADMIN_ACT = "stadtdialog.{}.admin_act.recorded.v1"
# Acts other services may report (anything else in such a fact is ignored).
REPORTED_ACTS = frozenset(
    {
        "topic.hidden",
        "idea.hidden",
        "comment.hidden",
        "idea.status_changed",
        "observation.hidden",
        "topic.published",
        "scenario.published",
        "closing_event.published",
        "organisation.confirmed",
        "organisation.hidden",
        "organisation.shown",
    }
)
PER_PAGE = 25
PHASE_ACTS = ("phase.changed",)


def _fact_time(envelope: dict[str, Any]) -> datetime | None:
    """When the act happened (the fact's ``time``), not when it arrived here."""
    try:
        moment = datetime.fromisoformat(str(envelope.get("time")).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class AuditHandlers(CitiesBase):
    @rpc
    def audit_log(
        self, slug: str, page: int = 1, kind: str | None = None, per_page: int = PER_PAGE
    ) -> dict[str, Any]:
        """A page of the log, newest first; ``kind="phase"`` only the phase history."""
        self._require(slug, PARTNERS, active_only=False)
        if not isinstance(page, int) or isinstance(page, bool) or page < 1:
            raise Invalid(fields={"page": ["Must be greater than or equal to 1."]})
        per_page = min(max(int(per_page), 1), 100)
        query = AuditEntry.scoped(slug, act__in=PHASE_ACTS) if kind == "phase" else None
        query = query if query is not None else AuditEntry.scoped(slug)
        total = query.count()
        # FerretDB's sort reads the whole filtered set anyway; the page is cut here in the query.
        rows = query.order_by("-at", "-id").skip((page - 1) * per_page).limit(per_page)
        return {
            "page": page,
            "pages": max(1, math.ceil(total / per_page)),
            "total": total,
            "entries": [
                {
                    "act": e.act,
                    "by_name": e.by_name,
                    "at": _iso(e.at),
                    "reason": e.reason,
                    # the person's account id stays inside (for forgetting a deleted account)
                    "detail": {k: v for k, v in (e.detail or {}).items() if k != "person_id"},
                }
                for e in rows
            ],
        }

    # ------------------------------------------------------------------ facts of others
    def _role_fact(self, envelope: dict[str, Any], act: str) -> None:
        data, city = envelope.get("data") or {}, envelope.get("city")
        if not (city and envelope.get("id") and City.objects(id=city).first()):
            return
        person = data.get("account_id")
        by = data.get("by") or ""
        self._audit(
            city,
            act,
            # person_id: so a deleted account's name can leave the log (handlers/facts.py)
            {"role": data.get("role"), "person": self._display_name(person), "person_id": person},
            data.get("reason"),
            by=by if by != "invitation" else person,
            key=envelope["id"],
            at=_fact_time(envelope),
        )

    @event_handler("identity", ROLE_GRANTED, requeue_on_error=True)
    def audit_role_granted(self, envelope: dict[str, Any]) -> None:
        self._role_fact(envelope, "role.granted")

    @event_handler("identity", ROLE_REVOKED, requeue_on_error=True)
    def audit_role_revoked(self, envelope: dict[str, Any]) -> None:
        self._role_fact(envelope, "role.revoked")

    def _admin_act(self, envelope: dict[str, Any]) -> None:
        data, city = envelope.get("data") or {}, envelope.get("city")
        if data.get("act") not in REPORTED_ACTS or not data.get("by"):
            return  # malformed: dropped, never redelivered forever
        if not (city and envelope.get("id") and City.objects(id=city).first()):
            return
        self._audit(
            city,
            data["act"],
            {
                "title": data.get("title"),
                "target_id": data.get("target_id"),
                "status": data.get("status"),
            },
            data.get("reason"),
            by=data["by"],
            key=envelope["id"],
            at=_fact_time(envelope),
        )

    @event_handler("dialogue", ADMIN_ACT.format("dialogue"), requeue_on_error=True)
    def audit_dialogue_act(self, envelope: dict[str, Any]) -> None:
        self._admin_act(envelope)

    @event_handler("scenarios", ADMIN_ACT.format("scenarios"), requeue_on_error=True)
    def audit_scenarios_act(self, envelope: dict[str, Any]) -> None:
        self._admin_act(envelope)

    @event_handler("events", ADMIN_ACT.format("events"), requeue_on_error=True)
    def audit_events_act(self, envelope: dict[str, Any]) -> None:
        self._admin_act(envelope)
