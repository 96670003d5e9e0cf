"""Projections: the possible future states of each key factor."""

from __future__ import annotations

from typing import Any

from mongoengine import Q

from services.kit.errors import Conflict
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.scenarios import views
from services.scenarios.handlers.base import EDITORS, ScenariosBase, _invalid
from services.scenarios.models import (
    ConsistencyRating,
    Factor,
    PairResolution,
    Project,
    Projection,
)
from services.scenarios.schemas import (
    MAX_PROJECTIONS_PER_FACTOR,
    ProjectionSchema,
    ProjectionUpdateSchema,
)


class ProjectionHandlers(ScenariosBase):
    """List, write and delete projections of the key factors."""

    @rpc
    def list_projections(self, city: str) -> dict[str, Any]:
        project = self._project(city)
        key, grouped = self._projection_layout(city, project)
        order, _ = self._projection_order(key, grouped)
        return {
            "key_factors": [
                {
                    "id": str(f.id),
                    "title": f.title,
                    "projections": [views.projection(p) for p in grouped[str(f.id)]],
                }
                for f in key
            ],
            "order": order,
        }

    def _require_key_factor(self, city: str, project: Project, factor_id: str) -> None:
        if factor_id not in {str(f.id) for f in self._factors(city, project)}:
            raise _invalid("factor_id", "Unknown factor of this project.")
        if factor_id not in {str(f.id) for f in self._key_factors(city, project)}:
            raise _invalid("factor_id", "Not a key factor of this project.")

    @rpc
    def create_projection(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user = self._require(city, EDITORS, "scenarios")
        project = self._project(city)
        values = load(ProjectionSchema(), data)
        self._require_key_factor(city, project, values["factor_id"])
        siblings = Projection.scoped(
            city, project_id=str(project.id), factor_id=values["factor_id"]
        )
        if siblings.count() >= MAX_PROJECTIONS_PER_FACTOR:
            message = f"A key factor has at most {MAX_PROJECTIONS_PER_FACTOR} projections."
            raise Conflict(message, {"factor_id": [message]})
        projection = Projection(
            city=city, project_id=str(project.id), created_by=user, **values
        ).save()
        return views.projection(projection)

    @rpc
    def update_projection(
        self, city: str, projection_id: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        self._require(city, EDITORS, "scenarios")
        projection = self._get(Projection, city, projection_id, "Projection not found.")
        values = load(ProjectionUpdateSchema(), data)
        for key, value in values.items():
            setattr(projection, key, value)
        projection.save()
        return views.projection(projection)

    @rpc
    def projection_dependents(self, city: str, projection_id: str) -> dict[str, Any]:
        """What depends on a projection: shown before it is deleted (editors)."""
        self._require(city, EDITORS)
        projection = self._get(Projection, city, projection_id, "Projection not found.")
        pid = projection.project_id
        raters, cells = 0, 0
        for r in ConsistencyRating.scoped(city, project_id=pid):
            if projection_id not in r.projection_ids:
                continue
            n, i = len(r.projection_ids), list(r.projection_ids).index(projection_id)
            judged = sum(1 for j in range(n) if j != i and r.values[i * n + j] is not None)
            if judged:
                raters, cells = raters + 1, cells + judged
        factor = Factor.scoped(city, id=projection.factor_id).first()
        return {
            "projection": {"id": projection_id, "title": projection.title},
            "factor_title": factor.title if factor else None,
            "consistency_raters": raters,
            "consistency_values": cells,
            "resolutions": PairResolution.scoped(city, project_id=pid)
            .filter(Q(a=projection_id) | Q(b=projection_id))
            .count(),
        }

    @rpc
    def delete_projection(self, city: str, projection_id: str) -> dict[str, Any]:
        """Removes the projection and its settled pairs; the ratings keep their cells unused
        (their versions can restore them), finished runs keep their frozen copy."""
        self._require(city, EDITORS, "scenarios")
        gone = self.projection_dependents(city, projection_id)
        projection = self._get(Projection, city, projection_id, "Projection not found.")
        PairResolution.scoped(city, project_id=projection.project_id).filter(
            Q(a=projection_id) | Q(b=projection_id)
        ).delete()
        projection.delete()
        return {"id": projection_id, "deleted": True, "removed": gone}
