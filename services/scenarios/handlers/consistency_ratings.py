"""Consistency ratings: how well projections of different key factors fit together."""

from __future__ import annotations

from typing import Any

import numpy as np

from services.kit.errors import Invalid
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.scenarios import analysis, matrices, views
from services.scenarios.handlers.base import EDITORS, FACILITATOR, ScenariosBase, _invalid
from services.scenarios.models import ConsistencyRating, PairResolution, Project
from services.scenarios.schemas import ConsistencyRatingSchema, ResolutionSchema


class ConsistencyRatingHandlers(ScenariosBase):
    """One consistency matrix per rater; the aggregate and the facilitator's pair resolutions."""

    def _consistency_matrices(
        self, city: str, project: Project, order: list[str]
    ) -> dict[str, np.ndarray]:
        out = {}
        for r in ConsistencyRating.scoped(city, project_id=str(project.id)).order_by("rater"):
            stored = matrices.unflatten(r.values, len(r.projection_ids))
            out[r.rater] = matrices.align(r.projection_ids, stored, order)
        return out

    def _consistency_state(self, city: str, project: Project) -> dict[str, Any]:
        key, grouped = self._projection_layout(city, project)
        order, factor_of = self._projection_order(key, grouped)
        cross = matrices.cross_mask([factor_of[p] for p in order])
        by_rater = self._consistency_matrices(city, project, order)
        resolutions = {
            (r.a, r.b): r for r in PairResolution.scoped(city, project_id=str(project.id))
        }
        overview = analysis.consistency_overview(
            order,
            cross,
            list(by_rater.values()),
            {pair: r.value for pair, r in resolutions.items()},
            method=project.aggregation,
        )
        return {
            "key": key,
            "grouped": grouped,
            "order": order,
            "factor_of": factor_of,
            "cross": cross,
            "by_rater": by_rater,
            "resolutions": resolutions,
            "overview": overview,
        }

    @rpc
    def my_consistency_rating(self, city: str) -> dict[str, Any]:
        user = self._require(city, EDITORS)
        project = self._project(city)
        key, grouped = self._projection_layout(city, project)
        order, factor_of = self._projection_order(key, grouped)
        mine = self._consistency_matrices(city, project, order).get(user)
        values = mine if mine is not None else np.full((len(order),) * 2, np.nan)
        cross = matrices.cross_mask([factor_of[p] for p in order])
        return {
            "projection_ids": order,
            "matrix": matrices.to_json(values),
            "progress": matrices.consistency_progress(values, cross),
            "scale": {"min": 1, "max": 5, "total_inconsistency": 1, "partial_inconsistency": 2},
        }

    @rpc
    def rate_consistency(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user = self._require(city, EDITORS, "scenarios")
        project = self._project(city)
        values = load(ConsistencyRatingSchema(), data)
        key, grouped = self._projection_layout(city, project)
        order, factor_of = self._projection_order(key, grouped)
        try:
            checked = matrices.check_consistency(
                values["projection_ids"], values["matrix"], order, factor_of
            )
        except matrices.MatrixError as exc:
            raise Invalid(fields=exc.fields) from exc
        self._store_rating(
            ConsistencyRating,
            city,
            str(project.id),
            user,
            projection_ids=list(values["projection_ids"]),
            values=matrices.flatten(checked),
        )
        return self.my_consistency_rating(city)

    @rpc
    def consistency(self, city: str) -> dict[str, Any]:
        self._require(city, FACILITATOR)
        project = self._project(city)
        state = self._consistency_state(city, project)
        names = self._names(list(state["by_rater"]))
        overview = state["overview"].as_dict()
        overview["disputed"] = analysis.with_rater_values(
            overview["disputed"], state["order"], state["by_rater"], names
        )
        return {
            **overview,
            "method": project.aggregation,
            "raters": [
                {
                    "rater": r,
                    "name": names[r],
                    **matrices.consistency_progress(m, state["cross"]),
                }
                for r, m in state["by_rater"].items()
            ],
            "resolutions": [
                {"a": r.a, "b": r.b, "value": r.value, "note": r.note, "at": views.iso(r.at)}
                for r in state["resolutions"].values()
            ],
        }

    @rpc
    def resolve_pair(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user = self._require(city, FACILITATOR, "scenarios")
        project = self._project(city)
        values = load(ResolutionSchema(), data)
        key, grouped = self._projection_layout(city, project)
        _, factor_of = self._projection_order(key, grouped)
        for field in ("a", "b"):
            if values[field] not in factor_of:
                raise _invalid(field, "Not a projection of a current key factor.")
        if factor_of[values["a"]] == factor_of[values["b"]]:
            raise _invalid("b", "Projections of the same key factor are not rated.")
        a, b = sorted((values["a"], values["b"]))
        self._store_resolution(PairResolution, city, str(project.id), a, b, user, values)
        return {"a": a, "b": b, "value": values["value"], "note": values["note"]}
