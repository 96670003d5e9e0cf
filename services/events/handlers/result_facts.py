"""The results read model: public facts of the dialogue and scenarios services are kept once and
folded into a city's (or a cohort's) results on request."""

from __future__ import annotations

import json
import logging
from typing import Any

import eventlet
from kombu import Queue, binding
from mongoengine.errors import NotUniqueError

from services.events.facts import counts, fact_from_row
from services.events.handlers.base import EventsBase, _iso, _now
from services.events.models import ClosingEvent, NextStep, Registration, ResultFact, Seat
from services.events.results import Titles, city_results, cohort_results
from services.kit.errors import Invalid
from services.kit.messaging import consume
from services.kit.outbox import public_exchange
from services.kit.rpc import rpc
from services.kit.tenancy import is_slug

log = logging.getLogger(__name__)

# How long the results wait for the dialogue service's titles before going on without them.
TITLES_TIMEOUT = 3.0

# The public facts the results read model is built from (``facts.HANDLERS`` picks).
RESULTS_QUEUE = Queue(
    "events.results",
    bindings=[
        binding(public_exchange(), routing_key=f"*.{service}.#")
        for service in ("dialogue", "scenarios")
    ],
    durable=True,
    auto_delete=False,
)


class ResultFactHandlers(EventsBase):
    """Keep public facts; answer a city's and a cohort's results."""

    @consume(RESULTS_QUEUE, requeue_on_error=True)
    def keep_fact(self, envelope: dict[str, Any]) -> None:
        """Keep a public fact for the results, once (unique per city and event id)."""
        city = envelope.get("city") if isinstance(envelope, dict) else None
        if not (isinstance(city, str) and is_slug(city) and envelope.get("id")):
            return
        if not counts(str(envelope.get("type"))):
            return
        try:
            ResultFact(
                city=city,
                event_id=str(envelope["id"]),
                type=str(envelope["type"]),
                time=str(envelope.get("time") or ""),
                subject=envelope.get("subject"),
                data=json.dumps(envelope.get("data") or {}),
            ).save(force_insert=True)
        except NotUniqueError:
            pass  # delivered again: kept once

    def _facts(self, city: str):  # noqa: ANN202 - a generator of facts.Fact
        for row in ResultFact.scoped(city):
            yield fact_from_row(row.event_id, row.type, row.time, row.subject, row.data)

    def _titles(self, city: str) -> Titles:
        """Topic and idea titles (public facts carry ids only): asked, never required."""
        topics, ideas = {}, {}
        try:
            with eventlet.Timeout(TITLES_TIMEOUT):
                topic_call = self.dialogue.list_topics.call_async(city)
                idea_call = self.dialogue.list_ideas.call_async(city)
                topics = {t["id"]: t["title"] for t in topic_call.result()}
                ideas = {i["id"]: i["title"] for i in idea_call.result()}
        except (Exception, eventlet.Timeout) as exc:  # noqa: BLE001 - titles are a courtesy
            log.info("results of %s without titles: %r", city, exc)
        return Titles(topics=topics, ideas=ideas)

    def _closing_numbers(self, city: str) -> dict[str, Any]:
        events = [e for e in ClosingEvent.scoped(city) if e.status == "published"]
        ids = [str(e.id) for e in events]
        confirmed = Seat.scoped(city, event_id__in=ids).count() if ids else 0
        registered = Registration.scoped(city, event_id__in=ids).count() if ids else 0
        steps = {status: 0 for status in ("planned", "in_progress", "done", "dropped")}
        ideas_with_steps: set[str] = set()
        for step in NextStep.scoped(city):
            steps[step.status] += 1
            ideas_with_steps.add(step.idea_id)
        return {
            "events": len(events),
            "capacity": sum(e.capacity for e in events),
            "confirmed": confirmed,
            "waiting": max(registered - confirmed, 0),
            "next_steps": steps,
            "ideas_with_next_steps": len(ideas_with_steps),
        }

    def _city_results(self, city: str, state: dict[str, Any]) -> dict[str, Any]:
        return {
            "city": city,
            "name": state.get("name"),
            "phase": state.get("phase"),
            "generated_at": _iso(_now()),
            **city_results(self._facts(city), self._titles(city)),
            "closing": self._closing_numbers(city),
        }

    @rpc
    def results(self, city: str) -> dict[str, Any]:
        return self._city_results(city, self.city_state.state(city))

    @rpc
    def cohort_results(self, year: int) -> dict[str, Any]:
        if not isinstance(year, int) or isinstance(year, bool):
            raise Invalid(fields={"year": ["Not a valid integer."]})
        cohort = self.cities.cohort(year)
        per_city = {
            c["slug"]: self._city_results(c["slug"], {"name": c["name"], "phase": c["phase"]})
            for c in cohort["cities"]
        }
        return {"year": year, "generated_at": _iso(_now()), **cohort_results(per_city)}
