"""The facilitator's own assessment criteria: added, renamed and removed (with the ratings
given on them) beside the base criteria and the plugins'."""

from __future__ import annotations

from typing import Any

from services.kit.errors import Conflict
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.scenarios.handlers.base import FACILITATOR, ScenariosBase
from services.scenarios.models import Assessment, AssessmentCriterion, Project
from services.scenarios.schemas import CriterionSchema, CriterionUpdateSchema

PHASES = ("scenarios", "transfer")  # prepared before the transfer, changed during it
MAX_OWN = 10


def criterion_key(criterion: AssessmentCriterion) -> str:
    """The criterion's id among the others and in assessments (no dot, no ``$``)."""
    return f"c-{criterion.id}"


def own_criterion(c: AssessmentCriterion) -> dict[str, Any]:
    """As the criteria list shows it: the title in both languages (the facilitator's own)."""
    return {
        "id": criterion_key(c),
        "title_de": c.title,
        "title_en": c.title,
        "description_de": c.description or None,
        "description_en": c.description or None,
        "source": "project",
        "required": False,
    }


class CriterionHandlers(ScenariosBase):
    """Own criteria of the city's project (facilitators)."""

    def _own(self, city: str, criterion_id: str) -> AssessmentCriterion:
        ident = criterion_id[2:] if criterion_id.startswith("c-") else criterion_id
        return self._get(AssessmentCriterion, city, ident, "Criterion not found.")

    def _refuse_same_title(
        self, city: str, project: Project, title: str, own: str | None = None
    ) -> None:
        wanted = " ".join(title.split()).casefold()
        for c in self._criteria(city):
            if c["id"] != own and " ".join(c["title_de"].split()).casefold() == wanted:
                message = "A criterion with this name already exists."
                raise Conflict(message, {"title": [message]})

    def _criteria(self, city: str) -> list[dict[str, Any]]:
        raise NotImplementedError  # assessments.py

    @rpc
    def create_criterion(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user = self._require(city, FACILITATOR, *PHASES)
        project = self._project(city)
        values = load(CriterionSchema(), data)
        self._refuse_same_title(city, project, values["title"])
        if AssessmentCriterion.scoped(city, project_id=str(project.id)).count() >= MAX_OWN:
            message = f"A project has at most {MAX_OWN} own criteria."
            raise Conflict(message, {"title": [message]})
        made = AssessmentCriterion(
            city=city, project_id=str(project.id), created_by=user, **values
        ).save()
        return own_criterion(made)

    @rpc
    def update_criterion(self, city: str, criterion_id: str, data: dict[str, Any]) -> dict:
        self._require(city, FACILITATOR, *PHASES)
        project = self._project(city)
        criterion = self._own(city, criterion_id)
        values = load(CriterionUpdateSchema(), data)
        if "title" in values:
            self._refuse_same_title(city, project, values["title"], criterion_key(criterion))
        for key, value in values.items():
            setattr(criterion, key, value)
        criterion.save()
        return own_criterion(criterion)

    def _rated_on(self, city: str, key: str) -> list[Assessment]:
        return [a for a in Assessment.scoped(city) if key in (a.ratings or {})]

    @rpc
    def criterion_dependents(self, city: str, criterion_id: str) -> dict[str, Any]:
        self._require(city, FACILITATOR)
        criterion = self._own(city, criterion_id)
        return {
            "criterion": own_criterion(criterion),
            "ratings": len(self._rated_on(city, criterion_key(criterion))),
        }

    @rpc
    def delete_criterion(self, city: str, criterion_id: str) -> dict[str, Any]:
        """The criterion goes with the values given on it (the rest of each assessment stays)."""
        self._require(city, FACILITATOR, *PHASES)
        criterion = self._own(city, criterion_id)
        key = criterion_key(criterion)
        rated = self._rated_on(city, key)
        for assessment in rated:
            ratings = dict(assessment.ratings)
            ratings.pop(key, None)
            assessment.ratings = ratings
            assessment.save()
        criterion.delete()
        return {"id": key, "deleted": True, "removed": {"ratings": len(rated)}}
