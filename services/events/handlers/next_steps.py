"""Next steps: what becomes of each project idea after the closing, kept by the organisers and
shown to everyone."""

from __future__ import annotations

from typing import Any

from services.events.follow_up import status_with_steps
from services.events.handlers.base import FOLLOW_UP, EventsBase, _day, _iso, _now, _object_id
from services.events.models import NextStep
from services.events.results import visible_ideas
from services.events.schemas import NextStepChangeSchema, NextStepSchema
from services.kit.errors import NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load


class NextStepHandlers(EventsBase):
    """Add and change next steps; the public overview."""

    def _step_view(self, step: NextStep) -> dict[str, Any]:
        return {
            "id": str(step.id),
            "idea_id": step.idea_id,
            "what": step.what,
            "owner_organisation": step.owner_organisation,
            "contact_role": step.contact_role,
            "due_date": _iso(_day(step.due_date)),
            "status": step.status,
            "note": step.note,
            "updated_at": _iso(step.updated_at),
        }

    def _known_idea(self, city: str, idea_id: str) -> dict[str, Any]:
        idea = visible_ideas(self._facts(city)).get(idea_id)
        if idea is None:
            raise NotFound("Project idea not found.")
        return idea

    def _require_follow_up(self, city: str) -> None:
        """In the closing phase organisers track next steps; after archiving, for the years
        the ideas take, city admins keep them up to date."""
        state = self.city_state.require_phase(city, *FOLLOW_UP)
        if state["phase"] == "archived":
            self.caller.require_role(city, "city_admin")

    @rpc
    def add_next_step(self, city: str, idea_id: str, data: dict[str, Any]) -> dict[str, Any]:
        self._organiser(city)
        values = load(NextStepSchema(), data)
        self._require_follow_up(city)
        self._known_idea(city, idea_id)
        step = NextStep(city=city, idea_id=idea_id, created_by=self.caller.user_id, **values).save()
        self.outbox.add(
            "next_step",
            "added",
            {
                "idea_id": idea_id,
                "step_id": str(step.id),
                "status": step.status,
                "due_date": _iso(_day(step.due_date)),
            },
            city=city,
            subject=idea_id,
            public=True,
        )
        if step.status == "done":
            self._step_done(city, idea_id, step)
        return self._step_view(step)

    def _step_done(self, city: str, idea_id: str, step: NextStep) -> None:
        """An internal fact with the actor: the dialogue tells the idea's followers
        (docs/notifications.md) and leaves the actor out."""
        self.outbox.add(
            "news",
            "noted",
            {
                "kind": "next_step_done",
                "target_kind": "idea",
                "target_id": idea_id,
                "by": self.caller.user_id,
                "title": "",
                "detail": (step.what or "")[:500],
            },
            city=city,
            subject=idea_id,
        )

    @rpc
    def change_next_step(
        self, city: str, idea_id: str, step_id: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        self._organiser(city)
        values = load(NextStepChangeSchema(), data)
        self._require_follow_up(city)
        step = (
            NextStep.scoped(city, id=step_id, idea_id=idea_id).first()
            if _object_id(step_id)
            else None
        )
        if step is None:
            raise NotFound("Next step not found.")
        changed = sorted(k for k, v in values.items() if _day(getattr(step, k)) != v)
        if changed:
            for key in changed:
                setattr(step, key, values[key])
            step.updated_by = self.caller.user_id
            step.updated_at = _now()
            step.save()
            self.outbox.add(
                "next_step",
                "changed",
                {
                    "idea_id": idea_id,
                    "step_id": step_id,
                    "status": step.status,
                    "due_date": _iso(_day(step.due_date)),
                    "changed": changed,
                },
                city=city,
                subject=idea_id,
                public=True,
            )
            if "status" in changed and step.status == "done":
                self._step_done(city, idea_id, step)
        return self._step_view(step)

    @rpc
    def next_steps(self, city: str) -> dict[str, Any]:
        """The public overview: what became of each project idea of the city."""
        state = self.city_state.state(city)
        ideas = visible_ideas(self._facts(city), self._titles(city))
        steps: dict[str, list[dict[str, Any]]] = {}
        for step in NextStep.scoped(city).order_by("due_date", "created_at"):
            steps.setdefault(step.idea_id, []).append(self._step_view(step))
        overview = [
            {
                "idea_id": idea_id,
                **idea,
                # The steps tell more than the talks' status (services/events/follow_up.py).
                "status": status_with_steps(
                    idea["status"], (s["status"] for s in steps.get(idea_id, []))
                ),
                "status_in_dialogue": idea["status"],
                "next_steps": steps.get(idea_id, []),
            }
            for idea_id, idea in ideas.items()
        ]
        overview.sort(key=lambda i: (-len(i["next_steps"]), -i["supports"], i["idea_id"]))
        return {"city": city, "name": state.get("name"), "ideas": overview}
