"""Cross-impact (CIB) ratings: each editor judges how each projection promotes or restricts the
projections of the other key factors (−3…+3); the facilitator sees the raters' mean, settles
disputed cells, and reads the CIB solution set of the latest run computed with CIB beside its
bundle result. The arithmetic is ``services/scenarios/cross_impacts.py`` (pure)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from services.kit.errors import Invalid
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.scenarios import analysis, cross_impacts, matrices, views
from services.scenarios.handlers.base import EDITORS, FACILITATOR, ScenariosBase, _invalid
from services.scenarios.models import CrossImpactRating, CrossImpactResolution, Project, Run
from services.scenarios.schemas import CrossImpactRatingSchema, CrossImpactResolutionSchema

RECENT_RUNS = 50  # the CIB page looks this far back for a run computed with CIB


class CrossImpactHandlers(ScenariosBase):
    def _cross_impact_matrices(
        self, city: str, project: Project, order: list[str]
    ) -> dict[str, np.ndarray]:
        out = {}
        for r in CrossImpactRating.scoped(city, project_id=str(project.id)).order_by("rater"):
            stored = matrices.unflatten(r.values, len(r.projection_ids))
            out[r.rater] = matrices.align(r.projection_ids, stored, order)
        return out

    def _cross_impact_overview(
        self, city: str, project: Project, order: list[str], factor_of: dict[str, str]
    ) -> tuple[cross_impacts.CrossImpactOverview, dict[str, np.ndarray], list]:
        cross = matrices.cross_mask([factor_of[p] for p in order])
        by_rater = self._cross_impact_matrices(city, project, order)
        resolutions = list(
            CrossImpactResolution.scoped(city, project_id=str(project.id)).order_by("at")
        )
        found = cross_impacts.overview(
            order, cross, list(by_rater.values()), {(r.a, r.b): r.value for r in resolutions}
        )
        return found, by_rater, resolutions

    def _cross_impacts(self, city: str, project: Project, order: list[str]) -> np.ndarray | None:
        """The judgement a run's CIB uses: the raters' mean per cell with the facilitator's
        resolutions (NaN where nobody judged), or None when nobody judged a cell."""
        key, grouped = self._projection_layout(city, project)
        _, factor_of = self._projection_order(key, grouped)
        if any(p not in factor_of for p in order):
            return None
        found, _, _ = self._cross_impact_overview(city, project, order, factor_of)
        return found.values if found.judged else None

    @rpc
    def my_cross_impact_rating(self, city: str) -> dict[str, Any]:
        user = self._require(city, EDITORS)
        project = self._project(city)
        key, grouped = self._projection_layout(city, project)
        order, factor_of = self._projection_order(key, grouped)
        mine = self._cross_impact_matrices(city, project, order).get(user)
        values = mine if mine is not None else np.full((len(order),) * 2, np.nan)
        cross = matrices.cross_mask([factor_of[p] for p in order])
        return {
            "projection_ids": order,
            "matrix": matrices.to_json(values),
            "progress": cross_impacts.progress(values, cross),
            "scale": {"min": -3, "max": 3},
        }

    @rpc
    def rate_cross_impacts(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user = self._require(city, EDITORS, "scenarios")
        project = self._project(city)
        values = load(CrossImpactRatingSchema(), data)
        key, grouped = self._projection_layout(city, project)
        order, factor_of = self._projection_order(key, grouped)
        try:
            checked = cross_impacts.check(
                values["projection_ids"], values["matrix"], order, factor_of
            )
        except matrices.MatrixError as exc:
            raise Invalid(fields=exc.fields) from exc
        self._store_rating(
            CrossImpactRating,
            city,
            str(project.id),
            user,
            projection_ids=list(values["projection_ids"]),
            values=matrices.flatten(checked),
            source=None,
        )
        return self.my_cross_impact_rating(city)

    @rpc
    def cross_impacts(self, city: str) -> dict[str, Any]:
        """The raters' mean, disputed cells with each rater's value, progress per rater."""
        self._require(city, FACILITATOR)
        project = self._project(city)
        key, grouped = self._projection_layout(city, project)
        order, factor_of = self._projection_order(key, grouped)
        found, by_rater, resolutions = self._cross_impact_overview(city, project, order, factor_of)
        names = self._names(list(by_rater))
        view = found.as_dict()
        view["disputed"] = analysis.with_rater_values(view["disputed"], order, by_rater, names)
        return {
            **view,
            "raters": [
                {"rater": r, "name": names[r], **cross_impacts.progress(m, found.cross)}
                for r, m in by_rater.items()
            ],
            "resolutions": [
                {"a": r.a, "b": r.b, "value": r.value, "note": r.note, "at": views.iso(r.at)}
                for r in resolutions
            ],
        }

    @rpc
    def resolve_cross_impact(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        """The facilitator's value for the impact of projection ``a`` on projection ``b``: it
        replaces the raters' mean in CIB and the cell leaves the disputes."""
        user = self._require(city, FACILITATOR, "scenarios")
        project = self._project(city)
        values = load(CrossImpactResolutionSchema(), data)
        key, grouped = self._projection_layout(city, project)
        _, factor_of = self._projection_order(key, grouped)
        for name in ("a", "b"):
            if values[name] not in factor_of:
                raise _invalid(name, "Not a projection of a current key factor.")
        if factor_of[values["a"]] == factor_of[values["b"]]:
            raise _invalid("b", "Projections of the same key factor are not rated.")
        a, b = values["a"], values["b"]
        self._store_resolution(CrossImpactResolution, city, str(project.id), a, b, user, values)
        return {"a": a, "b": b, "value": values["value"], "note": values["note"]}

    @rpc
    def cib_solution(self, city: str) -> dict[str, Any]:
        """The latest run started with CIB (any state) and, when it finished, its solution
        set beside its bundle result; ``run`` is None when no run used CIB yet."""
        self._require(city, EDITORS)
        project = self._project(city)
        runs = list(Run.scoped(city, project_id=str(project.id)).order_by("-id").limit(RECENT_RUNS))
        latest = next((r for r in runs if (r.parameters or {}).get("with_cib")), None)
        if latest is None:
            return {"run": None, "solution": None}
        number = Run.scoped(city, project_id=str(project.id), id__lte=latest.id).count()
        solution = None
        if latest.status == "finished" and latest.result:
            solution = cross_impacts.solution_view(
                json.loads(latest.result), json.loads(latest.snapshot)
            )
        return {"run": views.run(latest, number), "solution": solution}
