"""Facts of other services: public facts counted for step rules and guards (tallies), and
account deletions, which anonymise working-group memberships."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from kombu import Queue, binding
from nameko.timer import timer

from plugins.hookspecs import TAG_PATTERN
from services.cities.handlers.base import SERVICE, CitiesBase
from services.cities.models import AuditEntry, City, Membership, SeenFact, utcnow
from services.cities.tally_announcements import PENDING
from services.cities.tally_days import day_of
from services.kit.batches import consume_batch
from services.kit.consumer import idempotent
from services.kit.db import stored_before
from services.kit.events import TYPE_PATTERN
from services.kit.messaging import event_handler
from services.kit.outbox import public_exchange
from services.kit.rpc import rpc

_TAG = re.compile(TAG_PATTERN)
# How soon the gateway hears that a city's counts moved: a crowd of joins shares one fact.
ANNOUNCE_COUNTS_EVERY_SECONDS = 0.5
# Public facts counted together: at most this many per insert, gathered for at most this long
# (services/kit/batches.py; the busier the service, the fuller the lists).
TALLY_BATCH = 100
TALLY_LINGER_SECONDS = 0.02
_KNOWN_CITIES: set[str] = set()
ACCOUNT_DELETED = "stadtdialog.identity.account.deleted.v1"

# Public facts of other services that the cities service counts for step rules and guards.
TALLY_QUEUE = Queue(
    "cities.tallies",
    bindings=[
        binding(public_exchange(), routing_key=f"*.{service}.#")
        for service in ("scenarios", "dialogue", "events")
    ],
    durable=True,
    auto_delete=False,
)


def tally_keys(envelope: dict[str, Any]) -> list[str]:
    """``service.entity.action`` of a fact, and ``…#tag`` for each tag in its data.

    A malformed fact counts without tags, or not at all: it must never make the consumer fail
    (it would be redelivered forever).
    """
    kind = envelope.get("type")
    match = TYPE_PATTERN.match(kind) if isinstance(kind, str) else None
    if not match:
        return []
    key = f"{match['service']}.{match['entity']}.{match['action']}"
    data = envelope.get("data")
    tags = data.get("tags") if isinstance(data, dict) else None
    if not isinstance(tags, list):
        return [key]
    return [key, *(f"{key}#{tag}" for tag in tags if isinstance(tag, str) and _TAG.fullmatch(tag))]


def _seen_row(city: str, key: str, event_id: Any, at: datetime) -> dict[str, Any]:
    """A ``SeenFact`` as stored, checked by the model's own fields: a mongoengine document per
    row cost about 0.1 ms, an eighth of all the CPU the cities service spent on a join. ``day``
    lets a read of the tallies sum the days that are over once (tally_days.py)."""
    for name, value in (("city", city), ("key", key), ("event_id", event_id)):
        SeenFact._fields[name].validate(value)
    return {"city": city, "key": key, "event_id": event_id, "at": at, "day": day_of(at)}


def _insert_new(rows: list[dict[str, Any]]) -> set[str]:
    """Insert ``rows`` in one write, going on past rows stored before (the same fact delivered
    again); the cities of the rows that are new. Any other error is raised."""
    duplicates = stored_before(SeenFact._get_collection(), rows)
    return {row["city"] for i, row in enumerate(rows) if i not in duplicates}


class FactHandlers(CitiesBase):
    @consume_batch(
        TALLY_QUEUE,
        requeue_on_error=True,
        max_messages=TALLY_BATCH,
        linger_seconds=TALLY_LINGER_SECONDS,
    )
    def count_public_fact(self, envelopes: list[Any]) -> None:
        """Counts a list of public facts (services.kit.batches) with two inserts (tags, keys).

        Raises for anything but a fact counted before (code 11000): the kit then handles the
        list again one fact at a time, so that only the fact at fault is set aside.
        """
        facts = [
            e
            for e in envelopes
            if isinstance(e, dict) and isinstance(e.get("city"), str) and e.get("id")
        ]
        # Every public fact of the platform comes here: whether its city exists is read once
        # per process (cities are archived, never deleted, so a known slug stays known).
        unknown = {e["city"] for e in facts} - _KNOWN_CITIES
        if unknown:
            _KNOWN_CITIES.update(c.id for c in City.objects(id__in=list(unknown)).only("id"))
        facts = [e for e in facts if e["city"] in _KNOWN_CITIES]
        # Every tag of the list before any fact's own key: whoever reads a total that includes
        # a fact should also read its tags (the step rules compare both). So two writes, the
        # tags first: an unordered insert (which goes on past a duplicate) promises no order
        # on MongoDB. A crash in between is delivered again and completes the rest.
        # A malformed fact fails the list here (ValidationError), before anything is written.
        at = utcnow()
        tags: list[dict[str, Any]] = []
        own: list[dict[str, Any]] = []
        for fact in facts:
            key, *tagged = tally_keys(fact) or [None]
            if key is not None:
                tags += [_seen_row(fact["city"], k, fact["id"], at) for k in tagged]
                own.append(_seen_row(fact["city"], key, fact["id"], at))
        counted = _insert_new(tags) | _insert_new(own)
        # Step progress and guards read these counts: readers that cached the city's state
        # (the gateway's public pages) must read it again. The other services cache no
        # tallies. Announced once per tick and city, not once per fact (tally_announcements).
        for city in counted:
            PENDING.mark(city)

    @timer(interval=ANNOUNCE_COUNTS_EVERY_SECONDS)
    def announce_counts(self) -> None:
        """One ``city.counted`` per city whose counts moved since the last tick."""
        everything, cities = PENDING.take()
        announced: set[str] = set()
        try:
            if everything:
                cities = cities | {c.id for c in City.objects.only("id")}
            for city in sorted(cities):
                self.outbox.add("city", "counted", {"slug": city}, city=city, subject=city)
                announced.add(city)
        except Exception:
            # The database away: what was not announced is tried again on the next tick.
            PENDING.give_back(everything and not announced, cities - announced)
            raise

    @event_handler("identity", ACCOUNT_DELETED, requeue_on_error=True)
    @idempotent(SERVICE)
    def forget_deleted_account(self, envelope: dict[str, Any]) -> None:
        """A deleted person's working-group memberships keep their kind, lose the person; their
        barrier reports stay without address and account; the audit log loses their name."""
        account_id = (envelope.get("data") or {}).get("account_id")
        if not account_id:
            return
        slugs = [c.id for c in City.objects.only("id")]
        for member in Membership.across_cities(slugs, account_id=account_id):
            member.email = f"deleted-{member.id}@invalid.stadtdialog"
            member.organisation = "—"
            member.save()
        self._forget_reporter(account_id)
        self._forget_subscriber(account_id)
        # The audit log keeps what was done, not who: the name goes, the act stays.
        for entry in AuditEntry.across_cities(slugs, by=account_id):
            entry.by_name = None
            entry.save()
        for entry in AuditEntry.across_cities(slugs, detail__person_id=account_id):
            entry.detail = {**entry.detail, "person": None, "person_id": None}
            entry.save()

    @rpc
    def tallies(self, slug: str) -> dict[str, int]:
        return self._tallies(self._city(slug))
