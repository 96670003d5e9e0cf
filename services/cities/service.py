"""Cities service: city tenants, cohorts, the phase state machine, working groups, plugins."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from bson import ObjectId
from kombu import Queue, binding
from mongoengine.errors import NotUniqueError
from nameko.rpc import RpcProxy

from plugins.hookspecs import TAG_PATTERN
from plugins.manager import default_host
from services.cities import mails
from services.cities.models import (
    MODELS,
    City,
    CohortSeat,
    Contact,
    Membership,
    PluginAudit,
    PluginEnablement,
    SeenFact,
    StepCompletion,
    Transition,
    Window,
    WorkingGroup,
)
from services.cities.phases import (
    DEFAULT_STEPS,
    PHASE_TITLES,
    PHASES,
    TOPICS_PUBLISHED,
    WORKING_PHASES,
    GuardFacts,
    all_kinds_represented,
    check_schedule,
    check_transition,
    composition,
)
from services.cities.schemas import (
    AcceptInvitationSchema,
    AdvanceSchema,
    CityCreateSchema,
    InvitationSchema,
    PluginConfigSchema,
    ScheduleSchema,
    StepDoneSchema,
    WorkingGroupSchema,
)
from services.kit.config import load_settings
from services.kit.consumer import idempotent
from services.kit.context import Caller, CallerProvider
from services.kit.db import ServiceDatabase
from services.kit.errors import Conflict, Forbidden, Invalid, NotFound
from services.kit.events import TYPE_PATTERN
from services.kit.mail import Mailer
from services.kit.messaging import consume, event_handler
from services.kit.operations import OperationsMixin
from services.kit.outbox import Outbox, public_exchange
from services.kit.purge import PurgeMixin
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.kit.tokens import SignedTokens

SERVICE = "cities"
_TAG = re.compile(TAG_PATTERN)
COHORT_SIZE = 10
ADMIN = ("city_admin",)
PARTNERS = ("city_admin", "partner")
INVITE_ADMIN = "invite-city-admin"
INVITE_MEMBER = "invite-working-group"
INVITATION_TTL = 14 * 24 * 3600
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


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _now() -> datetime:
    return datetime.now(UTC)


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


class CitiesService(OperationsMixin, PurgeMixin):
    name = SERVICE

    db = ServiceDatabase(SERVICE, models=MODELS)
    outbox = Outbox(SERVICE)
    mail = Mailer(SERVICE)
    caller: Caller = CallerProvider()
    identity = RpcProxy("identity")

    def __init__(self) -> None:
        self.settings = load_settings()
        self.tokens = SignedTokens(self.settings.secret_key, INVITATION_TTL)

    # ------------------------------------------------------------------ helpers
    def _city(self, slug: str) -> City:
        city = City.objects(id=slug).first() if isinstance(slug, str) else None
        if city is None:
            raise NotFound("City not found.")
        return city

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

    def _changed(self, city: City) -> None:
        """Tell every service to drop its cached state of this city (internal fact)."""
        self.outbox.add("city", "changed", {"slug": city.id}, city=city.id, subject=city.id)

    def _link(self, token: str) -> str:
        return f"{self.settings.public_base_url}/einladung?token={token}"

    def _enabled(self, slug: str) -> dict[str, dict[str, Any]]:
        return {e.plugin: dict(e.config) for e in PluginEnablement.scoped(slug)}

    def _tallies(self, slug: str) -> dict[str, int]:
        rows = SeenFact.scoped(slug).aggregate([{"$group": {"_id": "$key", "n": {"$sum": 1}}}])
        return {row["_id"]: int(row["n"]) for row in rows}

    def _formed_groups(self, slug: str) -> list[str]:
        kinds: dict[str, list[str]] = {}
        for member in Membership.scoped(slug, status="joined"):
            kinds.setdefault(member.group_id, []).append(member.kind)
        return [group for group, ks in kinds.items() if all_kinds_represented(ks)]

    def _steps(self, city: City, phase: str, context: dict[str, Any]) -> list[dict[str, Any]]:
        completions = context["completions"]
        steps: list[dict[str, Any]] = []
        for step in DEFAULT_STEPS[phase]:
            auto: dict[str, Any] | None = None
            if step.rule == "working_group":
                formed = bool(context["formed_groups"])
                auto = {
                    "done": formed,
                    "progress_de": "Alle vier Gruppen sind vertreten."
                    if formed
                    else "Noch nicht alle vier Gruppen sind vertreten.",
                    "progress_en": "All four kinds are represented."
                    if formed
                    else "Not all four kinds are represented yet.",
                }
            elif step.rule == "topics":
                count = context["tallies"].get(TOPICS_PUBLISHED, 0)
                auto = {
                    "done": count >= 1,
                    "progress_de": f"{count} Vertiefungsthemen veröffentlicht",
                    "progress_en": f"{count} deep-dive topics published",
                }
            steps.append(
                self._step_view(
                    phase, step.key, step.title_de, step.title_en, "default", auto, completions
                )
            )
        plugins = context["plugins"]
        statuses = plugins.step_statuses(phase, context["tallies"])
        for step in plugins.phase_steps(phase):
            auto = statuses.get(step["id"])
            steps.append(
                self._step_view(
                    phase,
                    step["id"],
                    step["title_de"],
                    step["title_en"],
                    step["plugin"],
                    auto,
                    completions,
                )
            )
        return steps

    @staticmethod
    def _step_view(
        phase: str,
        step_id: str,
        title_de: str,
        title_en: str,
        source: str,
        auto: dict[str, Any] | None,
        completions: dict[tuple[str, str], StepCompletion],
    ) -> dict[str, Any]:
        record = completions.get((phase, step_id))
        return {
            "id": step_id,
            "title_de": title_de,
            "title_en": title_en,
            "source": source,
            "automatic": auto is not None,
            "done": bool(record) or bool(auto and auto["done"]),
            "progress_de": auto.get("progress_de") if auto else None,
            "progress_en": auto.get("progress_en") if auto else None,
            "done_by": record.done_by if record else None,
            "done_at": _iso(record.done_at) if record else None,
            "note": record.note if record else None,
        }

    def _step_context(self, city: City) -> dict[str, Any]:
        return {
            "completions": {(c.phase, c.step_id): c for c in StepCompletion.scoped(city.id)},
            "formed_groups": self._formed_groups(city.id),
            "tallies": self._tallies(city.id),
            "plugins": default_host().for_city(city.id, self._enabled(city.id)),
        }

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

    # ------------------------------------------------------------------ tenants and cohorts
    @rpc
    def create_city(self, data: dict[str, Any]) -> dict[str, Any]:
        self.caller.require_operator()
        values = load(CityCreateSchema(), data)
        slug, year = values["slug"], values["cohort_year"]
        if City.objects(id=slug).first() is not None:
            raise Conflict("This slug is taken.", {"slug": ["This slug is taken."]})
        seat = self._claim_seat(year, slug)
        city = City(
            id=slug,
            name=values["name"],
            state=values["state"],
            population=values["population"],
            mayor=values["mayor"],
            contact=Contact(**values["contact"]),
            cohort_year=year,
            languages=values["languages"],
            hosts=values["hosts"],
            created_by=self.caller.user_id,
        )
        try:
            city.save(force_insert=True)
        except NotUniqueError as exc:  # a concurrent creation took the slug: give the seat back
            seat.delete()
            raise Conflict("This slug is taken.", {"slug": ["This slug is taken."]}) from exc
        token = self.tokens.sign(INVITE_ADMIN, {"c": slug, "e": values["admin_email"].lower()})
        self.mail.send(values["admin_email"], *mails.admin_invitation(city.name, self._link(token)))
        self.outbox.add(
            "city",
            "created",
            {
                "slug": slug,
                "name": city.name,
                "cohort_year": year,
                "state": city.state,
            },
            city=slug,
            subject=slug,
            public=True,
        )
        return self._city_view(city)

    def _claim_seat(self, year: int, slug: str) -> CohortSeat:
        # Inserting a seat with a unique _id is atomic even on FerretDB: ten seats, ten winners.
        taken = {s.id for s in CohortSeat.objects(year=year)}
        for number in range(1, COHORT_SIZE + 1):
            seat_id = f"{year}:{number:02d}"
            if seat_id in taken:
                continue
            try:
                return CohortSeat(id=seat_id, year=year, city=slug).save(force_insert=True)
            except NotUniqueError:
                continue
        message = "The cohort of this year is full (at most ten cities per year)."
        raise Conflict(message, {"cohort_year": [message]})

    @rpc
    def list_cities(self, include_archived: bool = False) -> list[dict[str, Any]]:
        query = (
            City.objects
            if include_archived and self.caller.operator
            else City.objects(status="active")
        )
        return [self._city_view(c) for c in query.order_by("cohort_year", "name")]

    @rpc
    def get_city(self, slug: str) -> dict[str, Any]:
        return self._city_view(self._city(slug))

    @rpc
    def archive_city(self, slug: str) -> dict[str, Any]:
        self.caller.require_operator()
        city = self._city(slug)
        if city.status != "archived":
            city.status = "archived"
            city.archived_at = _now()
            city.save()
            self.outbox.add(
                "city", "archived", {"slug": slug}, city=slug, subject=slug, public=True
            )
            self._changed(city)
        return self._city_view(city)

    @rpc
    def cohort(self, year: int) -> dict[str, Any]:
        if not isinstance(year, int) or isinstance(year, bool):
            raise Invalid(fields={"year": ["Not a valid integer."]})
        # Only the years a city may join (CitySchema); larger numbers broke the database query.
        if not 2020 <= year <= 9999:
            message = "There is no cohort in this year."
            raise NotFound(message, {"year": [message]})
        cities = City.objects(cohort_year=year).order_by("name")
        seats = CohortSeat.objects(year=year).count()
        return {
            "year": year,
            "places": COHORT_SIZE,
            "free": max(COHORT_SIZE - seats, 0),
            "cities": [
                {"slug": c.id, "name": c.name, "phase": c.phase, "status": c.status} for c in cities
            ],
        }

    @rpc
    def city_state(self, slug: str) -> dict[str, Any]:
        """Internal: what other services need (``services.kit.city_state``)."""
        city = self._city(slug)
        view = self._city_view(city)
        return {
            "slug": city.id,
            "name": city.name,
            "phase": city.phase,
            "status": city.status,
            "schedule": view["schedule"],
            "plugins": self._enabled(slug),
        }

    # ------------------------------------------------------------------ phases
    @rpc
    def set_schedule(self, slug: str, data: dict[str, Any]) -> dict[str, Any]:
        city = self._require(slug, ADMIN)
        values = load(ScheduleSchema(), data)
        merged = {
            phase: {"start": w.start, "end": w.end} for phase, w in (city.schedule or {}).items()
        }
        merged.update(values)
        errors = check_schedule(
            {
                p: {k: v.replace(tzinfo=v.tzinfo or UTC) for k, v in w.items()}
                for p, w in merged.items()
            }
        )
        if errors:
            raise Invalid(fields=errors)
        city.schedule = {phase: Window(**window) for phase, window in merged.items()}
        city.save()
        self._changed(city)
        return self._city_view(city)

    @rpc
    def phases(self, slug: str) -> dict[str, Any]:
        city = self._city(slug)
        context = self._step_context(city)
        current = PHASES.index(city.phase)
        timeline = []
        for index, phase in enumerate(WORKING_PHASES):
            window = (city.schedule or {}).get(phase)
            timeline.append(
                {
                    "phase": phase,
                    "title": {"de": PHASE_TITLES[phase][0], "en": PHASE_TITLES[phase][1]},
                    "status": "done"
                    if index < current
                    else "current"
                    if index == current
                    else "upcoming",
                    "start": _iso(window.start) if window else None,
                    "end": _iso(window.end) if window else None,
                    "steps": self._steps(city, phase, context),
                }
            )
        return {"slug": city.id, "phase": city.phase, "phases": timeline}

    @rpc
    def advance_phase(self, slug: str, data: dict[str, Any]) -> dict[str, Any]:
        city = self._require(slug, ADMIN)
        values = load(AdvanceSchema(), data)
        context = self._step_context(city)
        kickoff_steps = self._steps(city, "kickoff", context)
        window = (city.schedule or {}).get("table_talks")
        facts = GuardFacts(
            working_group_formed=any(
                s["done"] for s in kickoff_steps if s["id"] == "working_group_formed"
            ),
            topics_published=context["tallies"].get(TOPICS_PUBLISHED, 0),
            table_talks_end=(
                window.end.replace(tzinfo=window.end.tzinfo or UTC)
                if window and window.end
                else None
            ),
            now=_now(),
        )
        result = check_transition(city.phase, values["to"], facts, values["override_reason"])
        if not result.allowed:
            if "to" in result.reasons:
                raise Invalid(fields=result.reasons)
            raise Conflict("The phase cannot change yet.", result.reasons)
        previous = city.phase
        city.phase = values["to"]
        city.save()
        Transition(
            city=slug,
            from_phase=previous,
            to_phase=city.phase,
            by=self.caller.user_id,
            reason=values["reason"],
            override=values["override_reason"] if previous == "table_talks" else None,
        ).save()
        self.outbox.add(
            "phase",
            "changed",
            {"slug": slug, "from": previous, "to": city.phase},
            city=slug,
            subject=slug,
            public=True,
        )
        self._changed(city)
        # Plugins react to the working phases; archiving ends the process without notices.
        notices = (
            context["plugins"].phase_changed(previous, city.phase, {"by": self.caller.user_id})
            if city.phase in WORKING_PHASES
            else []
        )
        return {**self._city_view(city), "notices": notices}

    @rpc
    def transitions(self, slug: str) -> list[dict[str, Any]]:
        self._require(slug, PARTNERS, active_only=False)
        return [
            {
                "from": t.from_phase,
                "to": t.to_phase,
                "by": t.by,
                "at": _iso(t.at),
                "reason": t.reason,
                "override": t.override,
            }
            for t in Transition.scoped(slug).order_by("at")
        ]

    @rpc
    def mark_step(
        self, slug: str, phase: str, step_id: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        city = self._require(slug, ADMIN)
        values = load(StepDoneSchema(), data)
        if phase not in WORKING_PHASES:
            raise NotFound("Unknown phase.")
        context = self._step_context(city)
        step = next((s for s in self._steps(city, phase, context) if s["id"] == step_id), None)
        if step is None:
            raise NotFound("Unknown step.")
        if step["automatic"] and not (values["note"] or "").strip():
            # An automatic step marked by hand records why the rule is overruled.
            message = "This step completes by itself; give a note to mark it done by hand."
            raise Invalid(message, {"note": [message]})
        try:
            StepCompletion(
                city=slug,
                phase=phase,
                step_id=step_id,
                done_by=self.caller.user_id,
                note=values["note"],
            ).save(force_insert=True)
        except NotUniqueError:
            pass  # already done: marking twice changes nothing
        else:
            self.outbox.add(
                "step",
                "completed",
                {"slug": slug, "phase": phase, "step": step_id},
                city=slug,
                subject=f"{phase}/{step_id}",
                public=True,
            )
        return self.phases(slug)

    @rpc
    def unmark_step(self, slug: str, phase: str, step_id: str) -> dict[str, Any]:
        self._require(slug, ADMIN)
        StepCompletion.scoped(slug, phase=phase, step_id=step_id).delete()
        return self.phases(slug)

    # ------------------------------------------------------------------ working groups
    def _group(self, slug: str, group_id: str) -> WorkingGroup:
        group = WorkingGroup.scoped(slug, id=group_id).first() if _is_object_id(group_id) else None
        if group is None:
            raise NotFound("Working group not found.")
        return group

    def _group_view(self, group: WorkingGroup, with_members: bool) -> dict[str, Any]:
        members = list(Membership.scoped(group.city, group_id=str(group.id)))
        view = {
            "id": str(group.id),
            "name": group.name,
            "description": group.description,
            "composition": composition([m.kind for m in members if m.status == "joined"]),
            "formed": all_kinds_represented([m.kind for m in members if m.status == "joined"]),
        }
        if with_members:
            view["members"] = [
                {
                    "id": str(m.id),
                    "email": m.email,
                    "organisation": m.organisation,
                    "kind": m.kind,
                    "role": m.role,
                    "status": m.status,
                    "invited_at": _iso(m.invited_at),
                    "joined_at": _iso(m.joined_at),
                }
                for m in members
            ]
        return view

    def _may_see_members(self, slug: str, group_id: str) -> bool:
        if self.caller.has_role(slug, *PARTNERS):
            return True
        if not self.caller.user_id:
            return False
        return (
            Membership.scoped(
                slug, group_id=group_id, account_id=self.caller.user_id, status="joined"
            ).first()
            is not None
        )

    @rpc
    def create_working_group(self, slug: str, data: dict[str, Any]) -> dict[str, Any]:
        self._require(slug, ADMIN)
        values = load(WorkingGroupSchema(), data)
        group = WorkingGroup(city=slug, created_by=self.caller.user_id, **values).save()
        self.outbox.add(
            "working_group",
            "created",
            {"slug": slug, "name": group.name},
            city=slug,
            subject=str(group.id),
            public=True,
        )
        return self._group_view(group, with_members=True)

    @rpc
    def list_working_groups(self, slug: str) -> list[dict[str, Any]]:
        self._city(slug)
        return [
            self._group_view(g, with_members=self._may_see_members(slug, str(g.id)))
            for g in WorkingGroup.scoped(slug).order_by("name")
        ]

    @rpc
    def working_group(self, slug: str, group_id: str) -> dict[str, Any]:
        self._city(slug)
        group = self._group(slug, group_id)
        return self._group_view(group, with_members=self._may_see_members(slug, group_id))

    @rpc
    def invite_member(self, slug: str, group_id: str, data: dict[str, Any]) -> dict[str, Any]:
        self.caller.require_authenticated()
        city = self._city(slug)
        group = self._group(slug, group_id)
        is_lead = (
            Membership.scoped(
                slug,
                group_id=group_id,
                account_id=self.caller.user_id,
                role="lead",
                status="joined",
            ).first()
            is not None
        )
        if not (self.caller.has_role(slug, *ADMIN) or is_lead):
            raise Forbidden()
        self._require_active(city)
        values = load(InvitationSchema(), data)
        email = values["email"].lower()
        try:
            member = Membership(
                city=slug,
                group_id=group_id,
                invited_by=self.caller.user_id,
                **{**values, "email": email},
            ).save(force_insert=True)
        except NotUniqueError as exc:
            message = "This person is already invited to this working group."
            raise Conflict(message, {"email": [message]}) from exc
        token = self.tokens.sign(INVITE_MEMBER, {"c": slug, "m": str(member.id), "e": email})
        self.mail.send(
            email, *mails.working_group_invitation(city.name, group.name, self._link(token))
        )
        return self._group_view(group, with_members=True)

    @rpc
    def accept_invitation(self, data: dict[str, Any]) -> dict[str, Any]:
        user_id = self.caller.require_authenticated()
        token = load(AcceptInvitationSchema(), data)["token"]
        payload = None
        for purpose in (INVITE_MEMBER, INVITE_ADMIN):
            try:
                payload = (purpose, self.tokens.read(purpose, token, required=("c", "e")))
                break
            except Invalid as exc:
                if exc.message == "The link has expired.":
                    raise
        if payload is None:
            raise Invalid("The link is invalid.", {"token": ["The link is invalid."]})
        purpose, claims = payload
        account = self.identity.account_summary(user_id)
        if account["email"].lower() != claims["e"]:
            message = "This invitation was sent to another e-mail address."
            raise Forbidden(message, {"token": [message]})
        city = self._city(claims["c"])
        self._require_active(city)
        if purpose == INVITE_ADMIN:
            self.identity.assign_role(user_id, city.id, "city_admin", "invitation")
            return {"city": city.id, "role": "city_admin"}
        member = Membership.scoped(city.id, id=claims.get("m")).first()
        if member is None:
            raise NotFound("The invitation was withdrawn.")
        if member.status != "joined":
            member.status = "joined"
            member.account_id = user_id
            member.joined_at = _now()
            member.save()
            self.identity.assign_role(user_id, city.id, "working_group_member", member.invited_by)
            self.outbox.add(
                "working_group",
                "member_joined",
                {"slug": city.id, "group_id": member.group_id, "kind": member.kind},
                city=city.id,
                subject=member.group_id,
                public=True,
            )
        return {"city": city.id, "role": "working_group_member", "group_id": member.group_id}

    # ------------------------------------------------------------------ plugins
    @rpc
    def list_plugins(self, slug: str) -> list[dict[str, Any]]:
        self._require(slug, PARTNERS, active_only=False)
        enabled = self._enabled(slug)
        return [
            {**plugin, "enabled": plugin["name"] in enabled, "config": enabled.get(plugin["name"])}
            for plugin in default_host().installed()
        ]

    @rpc
    def enable_plugin(self, slug: str, plugin: str, data: dict[str, Any]) -> dict[str, Any]:
        city = self._require(slug, PARTNERS)
        raw = load(PluginConfigSchema(), data)["config"]
        try:
            config = default_host().validate_config(plugin, raw)
        except Invalid as exc:  # name the fields as the request has them: config.<field>
            raise Invalid(exc.message, {f"config.{k}": v for k, v in exc.fields.items()}) from exc
        existing = PluginEnablement.scoped(slug, plugin=plugin).first()
        if existing is None:
            try:
                PluginEnablement(
                    city=slug, plugin=plugin, config=config, enabled_by=self.caller.user_id
                ).save(force_insert=True)
                action = "enabled"
            except NotUniqueError:
                existing = PluginEnablement.scoped(slug, plugin=plugin).first()
        if existing is not None:
            existing.config = config
            existing.enabled_by = self.caller.user_id
            existing.enabled_at = _now()
            existing.save()
            action = "reconfigured"
        PluginAudit(
            city=slug, plugin=plugin, action=action, config=config, by=self.caller.user_id
        ).save()
        self.outbox.add(
            "plugin",
            action,
            {"slug": slug, "plugin": plugin},
            city=slug,
            subject=plugin,
            public=True,
        )
        self._changed(city)
        return {"plugin": plugin, "enabled": True, "config": config, "action": action}

    @rpc
    def disable_plugin(self, slug: str, plugin: str) -> dict[str, Any]:
        city = self._require(slug, PARTNERS)
        existing = PluginEnablement.scoped(slug, plugin=plugin).first()
        if existing is None:
            raise NotFound("The plugin is not enabled for this city.")
        existing.delete()
        PluginAudit(city=slug, plugin=plugin, action="disabled", by=self.caller.user_id).save()
        self.outbox.add(
            "plugin",
            "disabled",
            {"slug": slug, "plugin": plugin},
            city=slug,
            subject=plugin,
            public=True,
        )
        self._changed(city)
        return {"plugin": plugin, "enabled": False}

    @rpc
    def plugin_audit(self, slug: str) -> list[dict[str, Any]]:
        self._require(slug, PARTNERS, active_only=False)
        return [
            {
                "plugin": a.plugin,
                "action": a.action,
                "config": dict(a.config),
                "by": a.by,
                "at": _iso(a.at),
            }
            for a in PluginAudit.scoped(slug).order_by("at")
        ]

    # ------------------------------------------------------------------ facts of other services
    @consume(TALLY_QUEUE, requeue_on_error=True)
    def count_public_fact(self, envelope: dict[str, Any]) -> None:
        city = envelope.get("city")
        known = City.objects(id=city).first() if city and envelope.get("id") else None
        if known is None:
            return
        counted = False
        # The tags first, the fact's own key last: whoever reads a total that includes this
        # fact also reads its tags (the step rules compare both). A crash in between is
        # redelivered and completes the rest.
        for key in reversed(tally_keys(envelope)):
            try:
                SeenFact(city=city, key=key, event_id=envelope["id"]).save(force_insert=True)
                counted = True
            except NotUniqueError:
                pass  # the same fact delivered again: counted once
        if counted:
            # Step progress and guards read these counts: readers that cached the city's state
            # (the gateway's public pages, the other services) must read it again now.
            self._changed(known)

    @event_handler("identity", ACCOUNT_DELETED, requeue_on_error=True)
    @idempotent(SERVICE)
    def forget_deleted_account(self, envelope: dict[str, Any]) -> None:
        """A deleted person's working-group memberships keep their kind, lose the person."""
        account_id = (envelope.get("data") or {}).get("account_id")
        if not account_id:
            return
        slugs = [c.id for c in City.objects.only("id")]
        for member in Membership.across_cities(slugs, account_id=account_id):
            member.email = f"deleted-{member.id}@invalid.stadtdialog"
            member.organisation = "—"
            member.save()

    @rpc
    def tallies(self, slug: str) -> dict[str, int]:
        self._city(slug)
        return self._tallies(slug)

    @rpc
    def ping(self) -> str:
        City.objects.limit(1).first()
        return "ok"


def _is_object_id(value: Any) -> bool:
    return isinstance(value, str) and ObjectId.is_valid(value)
