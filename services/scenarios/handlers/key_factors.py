"""Key factors: the facilitator's choice among the factors, guided by the engine's ranking."""

from __future__ import annotations

from typing import Any

from services.kit.errors import Invalid
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.scenarios import views
from services.scenarios.handlers.base import EDITORS, FACILITATOR, ScenariosBase
from services.scenarios.models import KeyFactorDecision
from services.scenarios.schemas import KeyFactorDecisionSchema


class KeyFactorHandlers(ScenariosBase):
    """Read and decide the key factors (a departure from the suggestion needs a reason)."""

    @rpc
    def key_factors(self, city: str) -> dict[str, Any]:
        project = self._project(city)
        decision = self._decision(city, project)
        key = self._key_factors(city, project)
        view: dict[str, Any] = {
            "factors": [{"id": str(f.id), "title": f.title} for f in key],
            "decided_at": views.iso(decision.at) if decision else None,
        }
        if self.caller.has_role(city, *EDITORS) and decision is not None:
            view.update(
                note=decision.note,
                suggestion=list(decision.suggestion),
                ranked_by=decision.ranked_by,
                decided_by=decision.by,
            )
        return view

    @rpc
    def decide_key_factors(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user = self._require(city, FACILITATOR, "scenarios")
        project = self._project(city)
        values = load(KeyFactorDecisionSchema(), data)
        factors = self._factors(city, project)
        known = {str(f.id) for f in factors}
        errors: dict[str, list[str]] = {}
        seen: set[str] = set()
        for i, ident in enumerate(values["factor_ids"]):
            if ident not in known:
                errors[f"factor_ids.{i}"] = ["Unknown factor of this project."]
            elif ident in seen:
                errors[f"factor_ids.{i}"] = ["Listed twice."]
            seen.add(ident)
        if errors:
            raise Invalid(fields=errors)
        ids = [str(f.id) for f in factors]
        overview = self._influence_overview(
            city, project, ids, self._influence_matrices(city, project, ids)
        )
        suggestion = (
            overview.analysis.key_factors(project.key_factor_count, project.rank_by)
            if overview.analysis is not None
            else []
        )
        if set(suggestion) != set(values["factor_ids"]) and not (values["note"] or "").strip():
            # Departing from the engine's ranking is the group's judgement: record why.
            message = "Give a reason when the choice departs from the suggestion."
            raise Invalid(message, {"note": [message]})
        KeyFactorDecision(
            city=city,
            project_id=str(project.id),
            factor_ids=values["factor_ids"],
            suggestion=suggestion,
            ranked_by=project.rank_by,
            note=values["note"],
            by=user,
        ).save()
        self.outbox.add(
            "key_factors",
            "decided",
            {"project_id": str(project.id), "count": len(values["factor_ids"])},
            city=city,
            subject=str(project.id),
            public=True,
        )
        return self.key_factors(city)
