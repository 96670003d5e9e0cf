"""The phase state machine of a city: schedule, phase steps (automatic and marked by hand),
advancing with its guards, and the transition log. The rules themselves are in ``phases.py``."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from mongoengine.errors import NotUniqueError

from plugins.manager import default_host
from services.cities.handlers.base import ADMIN, PARTNERS, CitiesBase, _iso, _now
from services.cities.models import City, Membership, StepCompletion, Transition, Window
from services.cities.phases import (
    DEFAULT_STEPS,
    PHASE_TITLES,
    PHASES,
    TOPICS_PUBLISHED,
    TOPICS_WITHDRAWN,
    WORKING_PHASES,
    GuardFacts,
    all_kinds_represented,
    automatic_step,
    check_schedule,
    check_transition,
    published_now,
)
from services.cities.schemas import AdvanceSchema, ScheduleSchema, StepDoneSchema
from services.kit.errors import Conflict, Invalid, NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load


class PhaseChangeHandlers(CitiesBase):
    # ------------------------------------------------------------------ steps of a phase
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
            elif step.rule is not None:
                auto = automatic_step(step.rule, context["tallies"])
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
            "tallies": self._tallies(city),
            "plugins": default_host().for_city(city.id, self._enabled(city.id)),
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
        self._audit(
            slug,
            "schedule.changed",
            {
                "windows": {
                    phase: {"start": _iso(w.get("start")), "end": _iso(w.get("end"))}
                    for phase, w in values.items()
                }
            },
        )
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
            topics_published=published_now(context["tallies"], TOPICS_PUBLISHED, TOPICS_WITHDRAWN),
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
        override = values["override_reason"] if previous == "table_talks" else None
        self._record_phase_change(city, previous, values["reason"], override)
        if city.phase == "archived":
            self._mark_archived(city)
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
                "by_name": self._display_name(t.by),
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
            self._audit(slug, "step.completed", {"phase": phase, "step": step_id}, values["note"])
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
        if StepCompletion.scoped(slug, phase=phase, step_id=step_id).delete():
            self._audit(slug, "step.reopened", {"phase": phase, "step": step_id})
        return self.phases(slug)
