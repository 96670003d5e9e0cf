"""Influence factors: what the working group thinks shapes the city's future."""

from __future__ import annotations

from typing import Any

from services.kit.errors import Conflict
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.scenarios import views
from services.scenarios.handlers.base import EDITORS, ScenariosBase, _invalid, _oid
from services.scenarios.models import Factor, Observation
from services.scenarios.schemas import MAX_FACTORS, FactorSchema, FactorUpdateSchema


class FactorHandlers(ScenariosBase):
    """List, write and delete factors (an observation may be a factor's source)."""

    @rpc
    def list_factors(self, city: str) -> list[dict[str, Any]]:
        project = self._project(city)
        counts = self._observation_counts(city)
        key = {str(f.id) for f in self._key_factors(city, project)}
        return [
            views.factor(f, counts.get(str(f.id), 0), str(f.id) in key)
            for f in self._factors(city, project)
        ]

    @rpc
    def create_factor(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user = self._require(city, EDITORS, "scenarios")
        project = self._project(city)
        values = load(FactorSchema(), data)
        observation = None
        if values["observation_id"]:
            ident = values["observation_id"]
            observation = Observation.scoped(city, id=ident).first() if _oid(ident) else None
            if observation is None:
                raise _invalid("observation_id", "Unknown observation.")
            values["source"] = "observation"
        elif values["source"] == "observation":
            raise _invalid("observation_id", "Name the observation this factor comes from.")
        if Factor.scoped(city, project_id=str(project.id)).count() >= MAX_FACTORS:
            # a rater's matrix must fit one request (InfluenceRatingSchema)
            message = f"A project has at most {MAX_FACTORS} factors."
            raise Conflict(message, {"title": [message]})
        factor = Factor(city=city, project_id=str(project.id), created_by=user, **values).save()
        if observation is not None:  # the observation now counts for its factor
            observation.factor_id = str(factor.id)
            observation.save()
        return views.factor(factor, 1 if observation is not None else 0, False)

    @rpc
    def update_factor(self, city: str, factor_id: str, data: dict[str, Any]) -> dict[str, Any]:
        self._require(city, EDITORS, "scenarios")
        project = self._project(city)
        factor = self._get(Factor, city, factor_id, "Factor not found.")
        values = load(FactorUpdateSchema(), data)
        for key, value in values.items():
            setattr(factor, key, value)
        factor.save()
        key = {str(f.id) for f in self._key_factors(city, project)}
        return views.factor(
            factor, self._observation_counts(city).get(str(factor.id), 0), str(factor.id) in key
        )

    @rpc
    def delete_factor(self, city: str, factor_id: str) -> dict[str, Any]:
        self._require(city, EDITORS, "scenarios")
        project = self._project(city)
        factor = self._get(Factor, city, factor_id, "Factor not found.")
        if any(str(f.id) == factor_id for f in self._key_factors(city, project)):
            message = "This factor is a key factor: choose the key factors without it first."
            raise Conflict(message, {"factor_id": [message]})
        factor.delete()
        # Observations linked to it stay, without the link; ratings keep their cells, unused.
        Observation.scoped(city, factor_id=factor_id).update(set__factor_id=None)
        return {"id": factor_id, "deleted": True}
