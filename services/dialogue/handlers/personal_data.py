"""Personal data: guests' addresses forgotten after the talk, deleted accounts leave."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from nameko.timer import timer

from services.dialogue.handlers.base import SERVICE, DialogueBase, _now
from services.dialogue.handlers.guests import GUEST_TTL
from services.dialogue.models import EndedGuestLink, GuestRequest, Registration, Talk
from services.dialogue.retention import (
    CHECK_EVERY_SECONDS,
    ended_before,
    forgotten_guest,
    retention_days,
)
from services.kit.consumer import idempotent
from services.kit.messaging import event_handler
from services.kit.rpc import rpc

ACCOUNT_DELETED = "stadtdialog.identity.account.deleted.v1"
DELETED_NAME = "Gelöschtes Konto"


class PersonalDataHandlers(DialogueBase):
    @timer(interval=CHECK_EVERY_SECONDS)
    def forget_past_guests(self) -> None:
        self._forget_guests()

    @rpc
    def ops_forget_guests(self) -> dict[str, int]:
        """Operator: apply the guest retention now (what the hourly timer does)."""
        self.caller.require_operator()
        return self._forget_guests()

    def _talk_cities(self) -> list[str]:
        """Every city with talks: the explicit tenant list of a cross-city pass."""
        return [c for c in self.db["talks"].distinct("city") if isinstance(c, str) and c]

    def _forget_guests(self) -> dict[str, int]:
        cutoff = ended_before(_now(), retention_days())
        talks = Talk.across_cities(
            self._talk_cities(), ends_at__lt=cutoff, guests_forgotten__ne=True
        )
        counts = {"talks": 0, "guests": 0}
        for talk in talks:
            for reg in Registration.scoped(talk.city, talk_id=str(talk.id), email__ne=None):
                Registration.scoped(talk.city, id=reg.id).update_one(
                    **{f"set__{k}": v for k, v in forgotten_guest(str(reg.id)).items()}
                )
                counts["guests"] += 1
            GuestRequest.scoped(talk.city, talk_id=str(talk.id)).delete()
            Talk.scoped(talk.city, id=talk.id).update_one(set__guests_forgotten=True)
            counts["talks"] += 1
        self._forget_guest_requests()
        return counts

    def _forget_guest_requests(self) -> None:
        """Guest requests (name, address) and ended-link marks outlive their links by nothing:
        both go once every link that names them has expired."""
        expired = _now() - timedelta(seconds=GUEST_TTL)
        for city in self._talk_cities():
            GuestRequest.scoped(city, created_at__lt=expired).delete()
            EndedGuestLink.scoped(city, at__lt=expired).delete()

    # ------------------------------------------------------------------ facts of other services
    @event_handler("identity", ACCOUNT_DELETED, requeue_on_error=True)
    @idempotent(SERVICE)
    def forget_deleted_account(self, envelope: dict[str, Any]) -> None:
        """A deleted person leaves the tables they had joined; names become anonymous."""
        account_id = (envelope.get("data") or {}).get("account_id")
        if not account_id:
            return
        cities = self._talk_cities()
        if not cities:
            return
        for reg in Registration.across_cities(cities, account_id=account_id):
            talk = Talk.scoped(reg.city, id=reg.talk_id).first()
            if talk is not None:
                self._cancel(talk, reg)
        for talk in Talk.across_cities(cities, host_id=account_id):
            talk.host_name = DELETED_NAME
            talk.save()
