"""Assessments (transfer phase): the working group rates published scenarios by criteria."""

from __future__ import annotations

from typing import Any

from mongoengine.errors import NotUniqueError

from services.kit.errors import Conflict, Invalid
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.scenarios import plots, transfer, views
from services.scenarios.handlers.base import EDITORS, ScenariosBase, _now
from services.scenarios.handlers.criteria import own_criterion
from services.scenarios.models import Assessment, AssessmentCriterion, Project, Scenario
from services.scenarios.schemas import AssessmentSchema

# The assessments in aggregate are the working group's until the transfer phase is over; from
# the table talks on they belong to the city's results (report, exports) and everyone reads them.
RESULTS_PUBLIC_FROM = ("table_talks", "closing", "archived")
RESULTS_READERS = (*EDITORS, "city_admin")


class AssessmentHandlers(ScenariosBase):
    """Criteria, assessments and the portfolio they add up to."""

    def _criteria(self, city: str) -> list[dict[str, Any]]:
        """Base criteria, the plugins', then the facilitator's own (criteria.py)."""
        listed = transfer.criteria(self.city_state.plugins(city).assessment_criteria())
        project = Project.scoped(city).order_by("-cohort_year").first()
        if project is not None:
            own = AssessmentCriterion.scoped(city, project_id=str(project.id)).order_by("id")
            listed += [own_criterion(c) for c in own]
        return listed

    @rpc
    def criteria(self, city: str) -> list[dict[str, Any]]:
        self.city_state.state(city)
        return self._criteria(city)

    @rpc
    def assess_scenario(self, city: str, scenario_id: str, data: dict[str, Any]) -> dict[str, Any]:
        user = self._require(city, EDITORS, "transfer")
        scenario = self._get(Scenario, city, scenario_id, "Scenario not found.")
        if scenario.status != "published":
            raise Conflict("Only published scenarios are assessed.")
        values = load(AssessmentSchema(), data)
        known = [c["id"] for c in self._criteria(city)]
        errors = transfer.check_ratings(values["ratings"], known)
        if errors:
            raise Invalid(fields=errors)
        existing = Assessment.scoped(city, scenario_id=scenario_id, rater=user).first()
        if existing is None:
            try:
                existing = Assessment(
                    city=city, scenario_id=scenario_id, rater=user, **values
                ).save(force_insert=True)
            except NotUniqueError:
                existing = Assessment.scoped(city, scenario_id=scenario_id, rater=user).first()
        existing.ratings, existing.comment, existing.updated_at = (
            values["ratings"],
            values["comment"],
            _now(),
        )
        existing.save()
        return {
            "scenario_id": scenario_id,
            "ratings": dict(existing.ratings),
            "comment": existing.comment,
            "updated_at": views.iso(existing.updated_at),
        }

    @rpc
    def portfolio(self, city: str) -> dict[str, Any]:
        self._require(city, EDITORS)
        published = list(Scenario.scoped(city, status="published").order_by("id"))
        ids = [str(s.id) for s in published]
        criteria = self._criteria(city)
        assessments = [
            {"scenario_id": a.scenario_id, "ratings": dict(a.ratings)}
            for a in Assessment.scoped(city, scenario_id__in=ids)
        ]
        return {
            "criteria": criteria,
            "scenarios": transfer.portfolio(
                [{"id": str(s.id), "title": s.title} for s in published],
                assessments,
                [c["id"] for c in criteria],
            ),
        }

    @rpc
    def portfolio_svg(self, city: str) -> str:
        rows = self.portfolio(city)["scenarios"]
        return plots.portfolio_map([{"title": r["title"], **r["position"]} for r in rows])

    @rpc
    def assessment_results(self, city: str) -> dict[str, Any]:
        """The assessments of the published scenarios in aggregate, for the results report and
        the exports: per scenario and criterion how many rated and the mean, the portfolio's
        quadrant and its map. No rater, no single rating, no comment (a minimum or maximum
        would give away one person's rating, so there are none). Public once the city is past
        the transfer phase; before, only the working group, facilitators and admins read it."""
        state = self.city_state.state(city)
        public = state["phase"] in RESULTS_PUBLIC_FROM
        if not public:
            self._require(city, RESULTS_READERS)
        published = list(Scenario.scoped(city, status="published").order_by("id"))
        ids = [str(s.id) for s in published]
        criteria = self._criteria(city)
        rows = transfer.portfolio(
            [{"id": str(s.id), "title": s.title} for s in published],
            (
                {"scenario_id": a.scenario_id, "ratings": dict(a.ratings)}
                for a in Assessment.scoped(city, scenario_id__in=ids)
            ),
            [c["id"] for c in criteria],
        )
        return {
            "public": public,
            "criteria": [{"id": c["id"], "title_de": c["title_de"]} for c in criteria],
            "scenarios": [
                {
                    "scenario_id": r["scenario_id"],
                    "title": r["title"],
                    "raters": r["raters"],
                    "criteria": {
                        key: {"n": summary["n"], "mean": summary["mean"]}
                        for key, summary in r["criteria"].items()
                    },
                    "quadrant": r["quadrant"],
                }
                for r in rows
            ],
            "map_svg": plots.portfolio_map([{"title": r["title"], **r["position"]} for r in rows]),
        }
