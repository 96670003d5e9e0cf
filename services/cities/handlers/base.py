"""What every cities handler shares: the service's dependencies (declared here as
annotations, provided by ``CitiesService``), the role tuples, the invitation purposes, and the
city helpers and view."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from mongoengine.errors import NotUniqueError

from services.cities.models import (
    AuditEntry,
    City,
    CityDistricts,
    NewsletterIssue,
    PluginEnablement,
    Transition,
)
from services.cities.newsletter import render as render_newsletter
from services.cities.phases import PHASE_TITLES
from services.cities.tally_reads import read_tallies
from services.kit.config import Settings
from services.kit.context import Caller
from services.kit.errors import Conflict, NotFound
from services.kit.mail import Mailer
from services.kit.outbox import Outbox
from services.kit.tokens import SignedTokens

log = logging.getLogger(__name__)

SERVICE = "cities"
ADMIN = ("city_admin",)
PARTNERS = ("city_admin", "partner")
INVITE_ADMIN = "invite-city-admin"
INVITE_MEMBER = "invite-working-group"
INVITE_ROLE = "invite-role"  # a role in a city, granted by a city admin by e-mail
# Roles a city admin grants on the roles page (citizen and working-group member come by
# themselves: registration, a working-group invitation).
GRANTABLE_ROLES = ("city_admin", "partner", "facilitator")


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _now() -> datetime:
    return datetime.now(UTC)


def issue_view(issue: NewsletterIssue, with_body: bool = True) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": str(issue.id),
        "city": issue.city,
        "title": issue.title,
        "status": issue.status,
        "created_at": _iso(issue.created_at),
        "updated_at": _iso(issue.updated_at),
        "sent_at": _iso(issue.sent_at),
        "recipients": issue.recipients or 0,
    }
    if with_body:
        view["body"] = issue.body
        view["html"] = render_newsletter(issue.body)
    return view


class CitiesBase:
    """Base of the handler mixins. The dependencies are nameko DependencyProviders on
    ``CitiesService``; here they are only annotated, so that each mixin reads typed. A helper
    that more than one handler module calls is defined here; no handler calls into another
    handler module."""

    outbox: Outbox
    mail: Mailer
    caller: Caller
    identity: Any  # RpcProxy("identity"): account_summary, assign_role
    settings: Settings
    tokens: SignedTokens  # invitation links (INVITE_ADMIN, INVITE_MEMBER, INVITE_ROLE)

    def _city(self, slug: str) -> City:
        city = City.objects(id=slug).first() if isinstance(slug, str) else None
        if city is None:
            raise NotFound("City not found.")
        return city

    @staticmethod
    def _district_names(slug: str) -> list[str]:
        """The city's district names in the file's order ([] while none were uploaded)."""
        stored = CityDistricts.objects(id=slug).only("names").first()
        return list(stored.names) if stored else []

    def _require(self, slug: str, roles: tuple[str, ...], active_only: bool = True) -> City:
        # Who may act is checked before what state the city is in: an admin of another city
        # learns nothing about this one beyond "forbidden".
        self.caller.require_authenticated()
        city = self._city(slug)
        self.caller.require_role(slug, *roles)
        if active_only:
            self._require_active(city)
        return city

    @staticmethod
    def _require_active(city: City) -> None:
        if city.status != "active":
            raise Conflict("The city is archived.", {"city": ["The city is archived."]})

    def _changed(self, city: City, tallies_only: bool = False) -> None:
        """Tell every service to drop its cached state of this city (internal fact).

        ``tallies_only``: only the counted facts moved (every registration, support, … does
        that): a ``city.counted`` instead. The services' cached state holds no tallies, so
        they do not even receive it (they listen to ``city.changed`` only); the gateway, which
        hears every fact of this service, empties its public pages for the new counts."""
        action = "counted" if tallies_only else "changed"
        self.outbox.add("city", action, {"slug": city.id}, city=city.id, subject=city.id)

    def _record_phase_change(
        self, city: City, previous: str, reason: str | None, override: str | None = None
    ) -> None:
        """The phase history's entry and the public fact of one move (already saved)."""
        Transition(
            city=city.id,
            from_phase=previous,
            to_phase=city.phase,
            by=self.caller.user_id,
            reason=reason,
            override=override,
        ).save()
        detail = {"from": previous, "to": city.phase}
        if override:
            detail["override"] = override
        self._audit(city.id, "phase.changed", detail, reason)
        self.outbox.add(
            "phase",
            "changed",
            {"slug": city.id, "from": previous, "to": city.phase},
            city=city.id,
            subject=city.id,
            public=True,
        )

    def _mark_archived(self, city: City) -> None:
        """Phase ``archived`` and status ``archived`` go together, however a city got there
        (a city admin's last phase step or an operator's archive), and ``city.archived`` is
        told once."""
        if city.status == "archived":
            return
        city.status = "archived"
        city.archived_at = _now()
        city.save()
        self.outbox.add(
            "city", "archived", {"slug": city.id}, city=city.id, subject=city.id, public=True
        )

    def _display_name(self, account_id: str | None) -> str | None:
        """The name identity shows for an account, or None (no account, identity away)."""
        if not account_id:
            return None
        try:
            return str(self.identity.account_summary(account_id)["display_name"])
        except Exception:  # noqa: BLE001 - the act is done; its entry keeps the id at least
            log.warning("no display name for the audit log", extra={"account": account_id})
            return None

    def _audit(
        self,
        slug: str,
        act: str,
        detail: dict[str, Any] | None = None,
        reason: str | None = None,
        by: str | None = None,
        key: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """One entry of the city's audit log (``act`` e.g. "phase.changed"); ``by`` defaults
        to the caller, ``key`` (a fact's id) makes a repeated delivery insert nothing."""
        actor = by or self.caller.user_id or ""
        entry = AuditEntry(
            id=f"fact:{key}" if key else uuid.uuid4().hex,
            city=slug,
            act=act,
            by=actor,
            by_name=self._display_name(actor),
            reason=(reason or "").strip()[:2000] or None,
            detail={k: v for k, v in (detail or {}).items() if v is not None},
            at=at or _now(),
        )
        try:
            entry.save(force_insert=True)
        except NotUniqueError:
            pass  # the same fact again: recorded once

    def _link(self, token: str) -> str:
        return f"{self.settings.public_base_url}/einladung?token={token}"

    def _enabled(self, slug: str) -> dict[str, dict[str, Any]]:
        return {e.plugin: dict(e.config) for e in PluginEnablement.scoped(slug)}

    def _tallies(self, city: City) -> dict[str, int]:
        return read_tallies(city.id, city.created_at)

    def _issue(self, slug: str, issue_id: Any) -> NewsletterIssue:
        try:
            oid = ObjectId(issue_id) if isinstance(issue_id, str) else None
        except InvalidId:
            oid = None
        issue = NewsletterIssue.scoped(slug, id=oid).first() if oid else None
        if issue is None:
            raise NotFound("Newsletter issue not found.")
        return issue

    def _forget_subscriber(self, account_id: str) -> None:
        """A deleted account's newsletter subscriptions go (handlers/newsletter.py)."""
        raise NotImplementedError

    def _link_subscriptions(self, account_id: str) -> None:
        """Subscriptions of the account's address join it (handlers/newsletter.py)."""
        raise NotImplementedError

    def _forget_reporter(self, account_id: str) -> None:
        """A deleted account's barrier reports lose the person (handlers/barrier_reports.py)."""
        raise NotImplementedError

    def _city_view(self, city: City) -> dict[str, Any]:
        return {
            "slug": city.id,
            "name": city.name,
            "state": city.state,
            "population": city.population,
            "mayor": city.mayor,
            "contact": {
                "name": city.contact.name,
                "email": city.contact.email,
                "phone": city.contact.phone,
            },
            "cohort_year": city.cohort_year,
            "languages": list(city.languages),
            "hosts": list(city.hosts),
            "phase": city.phase,
            "phase_title": {"de": PHASE_TITLES[city.phase][0], "en": PHASE_TITLES[city.phase][1]},
            "status": city.status,
            "schedule": {
                phase: {"start": _iso(w.start), "end": _iso(w.end)}
                for phase, w in (city.schedule or {}).items()
            },
            "created_at": _iso(city.created_at),
        }
