"""Observations: what citizens and table talks notice, the intake for factors."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from bson import ObjectId
from mongoengine.errors import NotUniqueError

from services.kit.consumer import idempotent
from services.kit.errors import Invalid
from services.kit.messaging import event_handler
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.scenarios import views
from services.scenarios.handlers.base import FACILITATOR, SERVICE, ScenariosBase, _invalid
from services.scenarios.models import Observation
from services.scenarios.schemas import HideSchema, ObservationSchema, ObservationTriageSchema

log = logging.getLogger(__name__)

DIALOGUE_OBSERVATION = "stadtdialog.dialogue.observation.submitted.v1"
ACCOUNT_DELETED = "stadtdialog.identity.account.deleted.v1"
FORM_OBSERVATION = "observation"  # the plugin form name of the observation


class ObservationHandlers(ScenariosBase):
    """Submit, list, triage and hide observations; take them in from the dialogue service."""

    @rpc
    def submit_observation(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user = self.caller.require_authenticated()
        self.city_state.require_phase(city, "scenarios")
        plugins = self.city_state.plugins(city)
        if not isinstance(data, dict):
            raise Invalid("The request body must be a JSON object.")
        loaded = plugins.load_form(FORM_OBSERVATION, ObservationSchema, data)
        base = set(ObservationSchema._declared_fields)
        factor_id = loaded.get("factor_id")
        if factor_id is not None:
            project = self._project(city)
            if factor_id not in {str(f.id) for f in self._factors(city, project)}:
                raise _invalid("factor_id", "Unknown factor of this project.")
        tags = plugins.form_tags(FORM_OBSERVATION, loaded)
        observation = Observation(
            city=city,
            kind=loaded["kind"],
            text=loaded["text"],
            factor_id=factor_id,
            extra={k: v for k, v in loaded.items() if k not in base},
            tags=tags,
            author=user,
            source="citizen",
        ).save()
        self._observation_received(observation)
        return views.observation(observation, user, False)

    @rpc
    def observation_form(self, city: str) -> dict[str, Any]:
        """The observation form of this city (base and plugin fields) as JSON schema."""
        self.city_state.state(city)
        plugins = self.city_state.plugins(city)
        schema = plugins.form_schema(FORM_OBSERVATION, ObservationSchema)
        return views.form(FORM_OBSERVATION, schema, ObservationSchema)

    def _observation_received(self, observation: Observation) -> None:
        # Public, and therefore without the text (a citizen's words may name people).
        self.outbox.add(
            "observation",
            "received",
            {
                "observation_id": str(observation.id),
                "kind": observation.kind,
                "factor_id": observation.factor_id,
                "source": observation.source,
                "tags": list(observation.tags),
            },
            city=observation.city,
            subject=str(observation.id),
            public=True,
        )

    @rpc
    def list_observations(self, city: str, factor_id: str | None = None) -> list[dict[str, Any]]:
        self.city_state.state(city)
        moderator = self._editor(city)
        filters: dict[str, Any] = {} if moderator else {"hidden": False}
        if factor_id:
            filters["factor_id"] = factor_id
        return [
            views.observation(o, self.caller.user_id, moderator)
            for o in Observation.scoped(city, **filters).order_by("-id")
        ]

    @rpc
    def triage_observation(
        self, city: str, observation_id: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        self._require(city, FACILITATOR, "scenarios")
        observation = self._get(Observation, city, observation_id, "Observation not found.")
        values = load(ObservationTriageSchema(), data)
        if values.get("factor_id") is not None:
            project = self._project(city)
            if values["factor_id"] not in {str(f.id) for f in self._factors(city, project)}:
                raise _invalid("factor_id", "Unknown factor of this project.")
        for key, value in values.items():
            setattr(observation, key, value)
        observation.save()
        return views.observation(observation, self.caller.user_id, True)

    @rpc
    def hide_observation(
        self, city: str, observation_id: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        # Moderation is possible in every phase: an abusive text must go whenever it is seen.
        user = self._require(city, FACILITATOR)
        observation = self._get(Observation, city, observation_id, "Observation not found.")
        values = load(HideSchema(), data)
        observation.hidden, observation.hidden_reason, observation.hidden_by = (
            True,
            values["reason"],
            user,
        )
        observation.save()
        self._record_admin_act(
            city, "observation.hidden", observation_id, observation.text[:80], values["reason"]
        )
        return views.observation(observation, user, True)

    @event_handler("dialogue", DIALOGUE_OBSERVATION, requeue_on_error=True)
    @idempotent(SERVICE)
    def take_dialogue_observation(self, envelope: dict[str, Any]) -> None:
        """Observations and forecasts noted at a table talk join the same intake. The fact's
        id fixes the observation's id, so a repeated fact inserts nothing new; a malformed
        fact is dropped (it would be redelivered forever)."""
        city, data, event_id = envelope.get("city"), envelope.get("data"), envelope.get("id")
        if not city or not event_id or not isinstance(data, dict):
            return
        text, kind = data.get("text"), data.get("kind")
        if kind not in ("observation", "forecast") or not isinstance(text, str) or not text.strip():
            log.warning("dropped malformed observation fact %s", event_id)
            return
        talk_id = data.get("talk_id")
        ident = ObjectId(hashlib.sha256(f"{city}:{event_id}".encode()).hexdigest()[:24])
        observation = Observation(
            id=ident,
            city=city,
            kind=kind,
            text=text.strip()[:2000],
            source="table_talk",
            talk_id=str(talk_id)[:64] if talk_id is not None else None,
        )
        try:
            observation.save(force_insert=True)
        except NotUniqueError:
            return  # taken in before
        self._observation_received(observation)

    @event_handler("identity", ACCOUNT_DELETED, requeue_on_error=True)
    @idempotent(SERVICE)
    def forget_deleted_account(self, envelope: dict[str, Any]) -> None:
        """A deleted person's observations stay (they are the city's record) without author.
        Deliberately across cities: the account is global."""
        account_id = (envelope.get("data") or {}).get("account_id")
        if account_id:
            self.db["observations"].update_many({"author": account_id}, {"$set": {"author": None}})
