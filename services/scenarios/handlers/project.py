"""The city's scenario project: created once per cohort year, its settings and overview."""

from __future__ import annotations

from typing import Any

from mongoengine.errors import NotUniqueError

from services.kit.errors import Conflict
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.scenarios import views
from services.scenarios.handlers.base import FACILITATOR, PROJECT_CREATORS, ScenariosBase
from services.scenarios.models import (
    ConsistencyRating,
    Factor,
    InfluenceRating,
    Observation,
    Project,
    Run,
    Scenario,
    Topic,
)
from services.scenarios.schemas import ProjectSchema, ProjectUpdateSchema


class ProjectHandlers(ScenariosBase):
    """Create, read and configure the project."""

    @rpc
    def create_project(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user = self._require(city, PROJECT_CREATORS, "kickoff", "scenarios")
        values = load(ProjectSchema(), data)
        year = self.cities.get_city(city)["cohort_year"]
        try:
            project = Project(city=city, cohort_year=year, created_by=user, **values).save(
                force_insert=True
            )
        except NotUniqueError as exc:
            message = "This city already has a scenario project for its cohort year."
            raise Conflict(message, {"cohort_year": [message]}) from exc
        self.outbox.add(
            "project",
            "created",
            {"project_id": str(project.id), "cohort_year": year},
            city=city,
            subject=str(project.id),
            public=True,
        )
        return self.get_project(city)

    @rpc
    def get_project(self, city: str) -> dict[str, Any]:
        phase = self.city_state.state(city)["phase"]
        project = self._project(city)
        pid = str(project.id)
        key, grouped = self._projection_layout(city, project)
        overview = {
            "factors": Factor.scoped(city, project_id=pid).count(),
            "influence_raters": InfluenceRating.scoped(city, project_id=pid).count(),
            "key_factors": len(key),
            "projections": sum(len(v) for v in grouped.values()),
            "consistency_raters": ConsistencyRating.scoped(city, project_id=pid).count(),
            "runs": Run.scoped(city, project_id=pid).count(),
            "scenarios_published": Scenario.scoped(city, status="published").count(),
            "topics_published": Topic.scoped(city, status="published").count(),
            "observations": Observation.scoped(city, hidden=False).count(),
        }
        return {**views.project(project, overview), "phase": phase}

    @rpc
    def update_project(
        self, city: str, data: dict[str, Any], check_only: bool = False
    ) -> dict[str, Any]:
        """``check_only``: refuse as a change would, change nothing (the settings page asks
        before it shows a confirmation, so an error is shown before the question)."""
        self._require(city, FACILITATOR, "kickoff", "scenarios")
        project = self._project(city)
        values = load(ProjectUpdateSchema(), data)
        if check_only:
            return self.get_project(city)
        for key, value in values.items():
            setattr(project, key, value)
        project.save()
        return self.get_project(city)
