"""Scenarios: what the facilitator writes from a finished run's raw scenarios (or takes over
from a project file, ``handlers/project_file.py``: without a run)."""

from __future__ import annotations

import json
from typing import Any

from services.kit.errors import Conflict, Invalid, NotFound
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.scenarios import plots, views
from services.scenarios.handlers.base import FACILITATOR, ScenariosBase, _invalid, _now, _oid
from services.scenarios.handlers.search import index_scenario
from services.scenarios.models import Assessment, Run, Scenario
from services.scenarios.schemas import HideSchema, ScenarioSchema, ScenarioUpdateSchema

NO_RESULT: dict[str, Any] = {"raw_scenarios": []}


class ScenarioHandlers(ScenariosBase):
    """Write, publish and draw scenarios; drafts exist for editors only. A scenario imported from
    a project file has no run (``_basis``)."""

    def _finished_run(self, city: str, run_id: str, field: str = "run_id") -> tuple[Run, dict]:
        run = Run.scoped(city, id=run_id).first() if _oid(run_id) else None
        if run is None:
            raise _invalid(field, "Unknown run of this city.")
        if run.status != "finished":
            raise Conflict("The run has not finished.", {field: ["The run has not finished."]})
        return run, {"snapshot": json.loads(run.snapshot), "result": json.loads(run.result)}

    @staticmethod
    def _check_projections(snapshot: dict[str, Any], ids: list[str]) -> None:
        factor_of = {p["id"]: kf["id"] for kf in snapshot["key_factors"] for p in kf["projections"]}
        errors: dict[str, list[str]] = {}
        used: set[str] = set()
        for i, ident in enumerate(ids):
            if ident not in factor_of:
                errors[f"projection_ids.{i}"] = ["Unknown projection of this run."]
            elif factor_of[ident] in used:
                errors[f"projection_ids.{i}"] = ["A second projection of the same key factor."]
            else:
                used.add(factor_of[ident])
        if errors:
            raise Invalid(fields=errors)

    def _basis(self, scenario: Scenario) -> dict[str, Any]:
        """What a scenario's projections are read against: its run's frozen inputs and result,
        or — imported from a project file, without a run — the project's key factors and
        projections as they are now, and no raw scenarios (so no profile)."""
        if not scenario.run_id:  # list_projections: handlers/projections.py, same service
            return {"snapshot": self.list_projections(scenario.city), "result": NO_RESULT}
        run = Run.scoped(scenario.city, id=scenario.run_id).first()
        return {"snapshot": json.loads(run.snapshot), "result": json.loads(run.result)}

    def _scenario_view(self, scenario: Scenario, data: dict | None = None) -> dict[str, Any]:
        data = data or self._basis(scenario)
        snapshot, result = data["snapshot"], data["result"]
        raw = next((r for r in result["raw_scenarios"] if r["cluster"] == scenario.cluster), None)
        chosen = set(scenario.projection_ids)
        return {
            "id": str(scenario.id),
            "origin": scenario.origin or "run",
            "run_id": scenario.run_id or None,
            "cluster": scenario.cluster,
            "title": scenario.title,
            "narrative": scenario.narrative,
            "status": scenario.status,
            "projections": [
                {
                    "factor_id": kf["id"],
                    "factor_title": kf["title"],
                    "projection_id": p["id"],
                    "title": p["title"],
                }
                for kf in snapshot["key_factors"]
                for p in kf["projections"]
                if p["id"] in chosen
            ],
            "profile": {
                "size": raw["size"] if raw else 0,
                "shares": raw["shares"] if raw else [],
                "characteristic": raw["characteristic"] if raw else [],
            },
            "created_at": views.iso(scenario.created_at),
            "published_at": views.iso(scenario.published_at),
            "withdrawn_reason": scenario.withdrawn_reason,
            "withdrawn_at": views.iso(scenario.withdrawn_at),
        }

    @rpc
    def create_scenario(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user = self._require(city, FACILITATOR, "scenarios")
        project = self._project(city)
        values = load(ScenarioSchema(), data)
        run, loaded = self._finished_run(city, values["run_id"])
        raw = next(
            (r for r in loaded["result"]["raw_scenarios"] if r["cluster"] == values["cluster"]),
            None,
        )
        if raw is None:
            raise _invalid("cluster", "This run has no raw scenario with this number.")
        ids = values["projection_ids"]
        if ids is None:  # the raw scenario's characteristic projections
            ids = [p for p in raw["characteristic"] if p is not None]
        self._check_projections(loaded["snapshot"], ids)
        scenario = Scenario(
            city=city,
            project_id=str(project.id),
            run_id=str(run.id),
            cluster=values["cluster"],
            title=values["title"],
            narrative=values["narrative"],
            projection_ids=ids,
            created_by=user,
        ).save()
        return self._scenario_view(scenario, loaded)

    def _readable_scenario(self, city: str, scenario_id: str) -> Scenario:
        self.city_state.state(city)
        scenario = self._get(Scenario, city, scenario_id, "Scenario not found.")
        if scenario.status != "published" and not self._editor(city):
            raise NotFound("Scenario not found.")  # drafts do not exist for the public
        return scenario

    @rpc
    def list_scenarios(self, city: str) -> list[dict[str, Any]]:
        self.city_state.state(city)
        query = (
            Scenario.scoped(city)
            if self._editor(city)
            else Scenario.scoped(city, status="published")
        )
        cache: dict[str, dict] = {}
        out = []
        for s in query.order_by("id"):
            if (s.run_id or "") not in cache:
                cache[s.run_id or ""] = self._basis(s)
            out.append(self._scenario_view(s, cache[s.run_id or ""]))
        return out

    @rpc
    def get_scenario(self, city: str, scenario_id: str) -> dict[str, Any]:
        return self._scenario_view(self._readable_scenario(city, scenario_id))

    @rpc
    def update_scenario(self, city: str, scenario_id: str, data: dict[str, Any]) -> dict[str, Any]:
        self._require(city, FACILITATOR, "scenarios")
        scenario = self._get(Scenario, city, scenario_id, "Scenario not found.")
        if scenario.status == "published":
            message = "A published scenario is not changed: withdraw it first."
            raise Conflict(message, {"status": [message]})
        values = load(ScenarioUpdateSchema(), data)
        loaded = self._basis(scenario)
        if "projection_ids" in values:
            self._check_projections(loaded["snapshot"], values["projection_ids"])
        for key, value in values.items():
            setattr(scenario, key, value)
        scenario.updated_at = _now()
        scenario.save()
        return self._scenario_view(scenario, loaded)

    @rpc
    def publish_scenario(self, city: str, scenario_id: str) -> dict[str, Any]:
        """A draft is published in the scenario phase; a withdrawn scenario may be published
        again in transfer too (it was public before)."""
        scenario = self._get(Scenario, city, scenario_id, "Scenario not found.")
        phases = ("scenarios", "transfer") if scenario.status == "withdrawn" else ("scenarios",)
        user = self._require(city, FACILITATOR, *phases)
        if scenario.status != "published":
            scenario.status, scenario.published_by, scenario.published_at = (
                "published",
                user,
                _now(),
            )
            scenario.withdrawn_reason = scenario.withdrawn_by = scenario.withdrawn_at = None
            scenario.save()
            index_scenario(scenario)
            self._record_admin_act(city, "scenario.published", scenario_id, scenario.title)
            self.outbox.add(
                "scenario",
                "published",
                {"scenario_id": scenario_id, "title": scenario.title},
                city=city,
                subject=scenario_id,
                public=True,
            )
        return self._scenario_view(scenario)

    @rpc
    def withdraw_scenario(
        self, city: str, scenario_id: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        """Citizens no longer see it; the reason stays for the working group. The public fact
        carries no reason (it may name people)."""
        user = self._require(city, FACILITATOR, "scenarios", "transfer")
        scenario = self._get(Scenario, city, scenario_id, "Scenario not found.")
        values = load(HideSchema(), data)
        if scenario.status != "published":
            message = "Only a published scenario is withdrawn."
            raise Conflict(message, {"status": [message]})
        scenario.status, scenario.withdrawn_reason = "withdrawn", values["reason"]
        scenario.withdrawn_by, scenario.withdrawn_at = user, _now()
        scenario.save()
        index_scenario(scenario)  # dropped: citizens no longer see it
        self.outbox.add(
            "scenario",
            "withdrawn",
            {"scenario_id": scenario_id},
            city=city,
            subject=scenario_id,
            public=True,
        )
        return self._scenario_view(scenario)

    @rpc
    def delete_scenario(self, city: str, scenario_id: str) -> dict[str, Any]:
        """A draft or withdrawn scenario goes, with the assessments made of it."""
        self._require(city, FACILITATOR, "scenarios", "transfer")
        scenario = self._get(Scenario, city, scenario_id, "Scenario not found.")
        if scenario.status == "published":
            message = "A published scenario is not deleted: withdraw it first."
            raise Conflict(message, {"status": [message]})
        assessments = Assessment.scoped(city, scenario_id=scenario_id)
        removed = {"assessments": assessments.count(), "title": scenario.title}
        assessments.delete()
        scenario.delete()
        return {"id": scenario_id, "deleted": True, "removed": removed}

    @rpc
    def scenario_profile_svg(self, city: str, scenario_id: str) -> str:
        scenario = self._readable_scenario(city, scenario_id)
        basis = self._basis(scenario)
        snapshot = basis["snapshot"]
        view = self._scenario_view(scenario, basis)
        shares = view["profile"]["shares"] or [{} for _ in snapshot["key_factors"]]
        return plots.projection_profile(
            scenario.title, snapshot["key_factors"], shares, scenario.projection_ids
        )

    @rpc
    def published_map_svg(self, city: str) -> str:
        """The scenario map of the run the city's latest published scenario was written from:
        readable by everyone once a scenario is published (the run itself stays the group's)."""
        self.city_state.state(city)
        written = Scenario.scoped(city, status="published", run_id__nin=[None, ""])
        latest = written.order_by("-published_at", "-id").first()
        if latest is None:  # none published yet, or only imported ones (they have no run)
            raise NotFound("Scenario not found.")
        result = json.loads(Run.scoped(city, id=latest.run_id).first().result)
        explained = result["map"]["explained"] if result["map"] else 1.0
        # citizens read it: axes in plain words, not the method's name
        return plots.scenario_map(result["bundles"], result["raw_scenarios"], explained)
