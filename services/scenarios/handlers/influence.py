"""Influence ratings: each editor rates how strongly each factor drives each other one."""

from __future__ import annotations

from typing import Any

import numpy as np

from services.kit.errors import Conflict, Invalid
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.scenarios import analysis, matrices, plots, views
from services.scenarios.handlers.base import EDITORS, FACILITATOR, ScenariosBase, _invalid
from services.scenarios.models import InfluenceRating, InfluenceResolution, Project
from services.scenarios.schemas import InfluenceRatingSchema, InfluenceResolutionSchema


class InfluenceHandlers(ScenariosBase):
    """One influence matrix per rater; the facilitator sees the aggregate and its grid, and
    settles a disputed cell with a value of their own."""

    def _influence_matrices(
        self, city: str, project: Project, factor_ids: list[str]
    ) -> dict[str, np.ndarray]:
        out = {}
        for r in InfluenceRating.scoped(city, project_id=str(project.id)).order_by("rater"):
            stored = matrices.unflatten(r.values, len(r.factor_ids))
            out[r.rater] = matrices.align(r.factor_ids, stored, factor_ids)
        return out

    def _influence_resolutions(self, city: str, project: Project) -> list[InfluenceResolution]:
        return list(InfluenceResolution.scoped(city, project_id=str(project.id)).order_by("at"))

    def _influence_overview(
        self,
        city: str,
        project: Project,
        factor_ids: list[str],
        by_rater: dict[str, np.ndarray],
    ) -> analysis.InfluenceOverview:
        resolutions = {(r.a, r.b): r.value for r in self._influence_resolutions(city, project)}
        return analysis.influence_overview(
            factor_ids,
            list(by_rater.values()),
            threshold=project.influence_threshold,
            resolutions=resolutions,
        )

    @rpc
    def my_influence_rating(self, city: str) -> dict[str, Any]:
        user = self._require(city, EDITORS)
        project = self._project(city)
        factor_ids = [str(f.id) for f in self._factors(city, project)]
        mine = self._influence_matrices(city, project, factor_ids).get(user)
        values = mine if mine is not None else np.full((len(factor_ids),) * 2, np.nan)
        return {
            "factor_ids": factor_ids,
            "matrix": matrices.to_json(values),
            "progress": matrices.influence_progress(values),
            "scale": {"min": 0, "max": 3},
        }

    @rpc
    def rate_influence(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user = self._require(city, EDITORS, "scenarios")
        project = self._project(city)
        values = load(InfluenceRatingSchema(), data)
        current = [str(f.id) for f in self._factors(city, project)]
        try:
            checked = matrices.check_influence(values["factor_ids"], values["matrix"], current)
        except matrices.MatrixError as exc:
            raise Invalid(fields=exc.fields) from exc
        self._store_rating(
            InfluenceRating,
            city,
            str(project.id),
            user,
            factor_ids=list(values["factor_ids"]),
            values=matrices.flatten(checked),
        )
        return self.my_influence_rating(city)

    @rpc
    def influence(self, city: str) -> dict[str, Any]:
        self._require(city, FACILITATOR)
        project = self._project(city)
        factors = self._factors(city, project)
        factor_ids = [str(f.id) for f in factors]
        by_rater = self._influence_matrices(city, project, factor_ids)
        overview = self._influence_overview(city, project, factor_ids, by_rater).as_dict(
            project.key_factor_count, project.rank_by
        )
        names = self._names(list(by_rater))
        overview["disputed"] = analysis.with_rater_values(
            overview["disputed"], factor_ids, by_rater, names
        )
        return {
            "factors": [{"id": str(f.id), "title": f.title} for f in factors],
            **overview,
            "rank_by": project.rank_by,
            "raters": [
                {"rater": r, "name": names[r], **matrices.influence_progress(m)}
                for r, m in by_rater.items()
            ],
            "resolutions": [
                {"a": r.a, "b": r.b, "value": r.value, "note": r.note, "at": views.iso(r.at)}
                for r in self._influence_resolutions(city, project)
            ],
        }

    @rpc
    def resolve_influence(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        """The facilitator's value for how strongly factor ``a`` changes factor ``b``: it
        replaces the raters' mean in the analysis and the cell leaves the disputes."""
        user = self._require(city, FACILITATOR, "scenarios")
        project = self._project(city)
        values = load(InfluenceResolutionSchema(), data)
        current = {str(f.id) for f in self._factors(city, project)}
        for field in ("a", "b"):
            if values[field] not in current:
                raise _invalid(field, "Not a factor of this project.")
        if values["a"] == values["b"]:
            raise _invalid("b", "A factor is not rated against itself.")
        a, b = values["a"], values["b"]
        self._store_resolution(InfluenceResolution, city, str(project.id), a, b, user, values)
        return {"a": a, "b": b, "value": values["value"], "note": values["note"]}

    @rpc
    def influence_grid_svg(self, city: str) -> str:
        data = self.influence(city)
        if data["analysis"] is None:
            raise Conflict("No influence ratings yet.")
        titles = {f["id"]: f["title"] for f in data["factors"]}
        rows = [{**f, "title": titles[f["id"]]} for f in data["analysis"]["factors"]]
        threshold = data["analysis"]["threshold"]
        return plots.system_grid(rows, threshold["active"], threshold["passive"])
