"""Scenarios service: the scenario work of a city's working group, citizens' observations and
the transfer into deep-dive topics.

Roles (per city): facilitators (scenario consultants) lead the work; working-group members
rate, write factors, projections, assessments and topics; anyone signed in submits
observations; everyone reads what is published. Phases: factors, ratings, projections, runs
and scenarios belong to ``scenarios``; assessments and topics to ``transfer``. The numbers
come from the scenario engine (``services/scenarios/engine``), never from code of our own.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime
from typing import Any

import eventlet
import numpy as np
from bson import ObjectId
from mongoengine.errors import NotUniqueError
from nameko.rpc import RpcProxy

from plugins.manager import default_host
from services.kit.city_state import CityState, CityStateListener
from services.kit.consumer import idempotent
from services.kit.context import Caller, CallerProvider
from services.kit.db import ServiceDatabase
from services.kit.errors import Conflict, Invalid, NotFound
from services.kit.messaging import event_handler
from services.kit.operations import OperationsMixin
from services.kit.outbox import Outbox
from services.kit.purge import PurgeMixin
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.scenarios import analysis, compute, matrices, plots, transfer, views
from services.scenarios.models import (
    MODELS,
    Assessment,
    ConsistencyRating,
    Factor,
    InfluenceRating,
    KeyFactorDecision,
    Observation,
    PairResolution,
    Project,
    Projection,
    Run,
    Scenario,
    Topic,
)
from services.scenarios.schemas import (
    MAX_FACTORS,
    MAX_PROJECTIONS_PER_FACTOR,
    AssessmentSchema,
    ConsistencyRatingSchema,
    FactorSchema,
    FactorUpdateSchema,
    HideSchema,
    InfluenceRatingSchema,
    KeyFactorDecisionSchema,
    ObservationSchema,
    ObservationTriageSchema,
    ProjectionSchema,
    ProjectionUpdateSchema,
    ProjectSchema,
    ProjectUpdateSchema,
    ResolutionSchema,
    RunSchema,
    ScenarioSchema,
    ScenarioUpdateSchema,
    TopicSchema,
    TopicUpdateSchema,
)

log = logging.getLogger(__name__)

SERVICE = "scenarios"
EDITORS = ("facilitator", "working_group_member")
FACILITATOR = ("facilitator",)
PROJECT_CREATORS = ("facilitator", "city_admin")
RUN_REQUESTED = "stadtdialog.scenarios.run.requested.v1"
DIALOGUE_OBSERVATION = "stadtdialog.dialogue.observation.submitted.v1"
ACCOUNT_DELETED = "stadtdialog.identity.account.deleted.v1"
FORM_OBSERVATION = "observation"


def _now() -> datetime:
    return datetime.now(UTC)


def _oid(value: Any) -> bool:
    return isinstance(value, str) and ObjectId.is_valid(value)


def _invalid(field: str, message: str) -> Invalid:
    return Invalid(fields={field: [message]})


class ScenariosService(CityStateListener, OperationsMixin, PurgeMixin):
    name = SERVICE

    db = ServiceDatabase(SERVICE, models=MODELS)
    outbox = Outbox(SERVICE)
    caller: Caller = CallerProvider()
    city_state = CityState(plugin_host=default_host)
    cities = RpcProxy("cities")
    identity = RpcProxy("identity")

    # ------------------------------------------------------------------ access
    def _require(self, city: str, roles: tuple[str, ...], *phases: str) -> str:
        """Who first, then the city and its phase: another city's admin learns only 403."""
        user = self.caller.require_authenticated()
        self.caller.require_role(city, *roles)
        if phases:
            self.city_state.require_phase(city, *phases)
        else:
            self.city_state.state(city)  # NotFound for an unknown city
        return user

    def _editor(self, city: str) -> bool:
        return self.caller.has_role(city, *EDITORS)

    def _project(self, city: str) -> Project:
        self.city_state.state(city)
        project = Project.scoped(city).order_by("-cohort_year").first()
        if project is None:
            raise NotFound("There is no scenario project for this city yet.")
        return project

    @staticmethod
    def _get(model: type, city: str, ident: Any, message: str) -> Any:
        doc = model.scoped(city, id=ident).first() if _oid(ident) else None
        if doc is None:
            raise NotFound(message)
        return doc

    # ------------------------------------------------------------------ project state
    def _factors(self, city: str, project: Project) -> list[Factor]:
        return list(Factor.scoped(city, project_id=str(project.id)).order_by("id"))

    def _decision(self, city: str, project: Project) -> KeyFactorDecision | None:
        return (
            KeyFactorDecision.scoped(city, project_id=str(project.id))
            .order_by("-at", "-id")
            .first()
        )

    def _key_factors(self, city: str, project: Project) -> list[Factor]:
        decision = self._decision(city, project)
        if decision is None:
            return []
        by_id = {str(f.id): f for f in self._factors(city, project)}
        return [by_id[i] for i in decision.factor_ids if i in by_id]

    def _projection_layout(
        self, city: str, project: Project
    ) -> tuple[list[Factor], dict[str, list[Projection]]]:
        """Key factors in decision order and their projections in creation order: the order
        of the consistency matrix."""
        key = self._key_factors(city, project)
        grouped: dict[str, list[Projection]] = {str(f.id): [] for f in key}
        for p in Projection.scoped(city, project_id=str(project.id)).order_by("id"):
            if p.factor_id in grouped:
                grouped[p.factor_id].append(p)
        return key, grouped

    @staticmethod
    def _projection_order(
        key: list[Factor], grouped: dict[str, list[Projection]]
    ) -> tuple[list[str], dict[str, str]]:
        ids = [str(p.id) for f in key for p in grouped[str(f.id)]]
        factor_of = {str(p.id): str(f.id) for f in key for p in grouped[str(f.id)]}
        return ids, factor_of

    def _observation_counts(self, city: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for o in Observation.scoped(city, hidden=False, factor_id__ne=None).only("factor_id"):
            counts[o.factor_id] = counts.get(o.factor_id, 0) + 1
        return counts

    def _names(self, account_ids: list[str]) -> dict[str, str | None]:
        names: dict[str, str | None] = {}
        for ident in account_ids:
            try:
                names[ident] = self.identity.account_summary(ident)["display_name"]
            except NotFound:
                names[ident] = None  # a deleted account
        return names

    # ------------------------------------------------------------------ project
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
    def update_project(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        self._require(city, FACILITATOR, "kickoff", "scenarios")
        project = self._project(city)
        values = load(ProjectUpdateSchema(), data)
        for key, value in values.items():
            setattr(project, key, value)
        project.save()
        return self.get_project(city)

    # ------------------------------------------------------------------ factors
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

    # ------------------------------------------------------------------ influence
    def _influence_matrices(
        self, city: str, project: Project, factor_ids: list[str]
    ) -> dict[str, np.ndarray]:
        out = {}
        for r in InfluenceRating.scoped(city, project_id=str(project.id)).order_by("rater"):
            stored = matrices.unflatten(r.values, len(r.factor_ids))
            out[r.rater] = matrices.align(r.factor_ids, stored, factor_ids)
        return out

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

    @staticmethod
    def _store_rating(model: type, city: str, project_id: str, rater: str, **fields: Any) -> None:
        """One document per rater, replaced whole (inserted first time: the unique index
        settles two concurrent first submissions of one rater)."""
        existing = model.scoped(city, project_id=project_id, rater=rater).first()
        if existing is None:
            try:
                model(city=city, project_id=project_id, rater=rater, **fields).save(
                    force_insert=True
                )
                return
            except NotUniqueError:
                existing = model.scoped(city, project_id=project_id, rater=rater).first()
        for key, value in fields.items():
            setattr(existing, key, value)
        existing.updated_at = _now()
        existing.save()

    @rpc
    def influence(self, city: str) -> dict[str, Any]:
        self._require(city, FACILITATOR)
        project = self._project(city)
        factors = self._factors(city, project)
        factor_ids = [str(f.id) for f in factors]
        by_rater = self._influence_matrices(city, project, factor_ids)
        overview = analysis.influence_overview(
            factor_ids, list(by_rater.values()), threshold=project.influence_threshold
        )
        names = self._names(list(by_rater))
        return {
            "factors": [{"id": str(f.id), "title": f.title} for f in factors],
            **overview.as_dict(project.key_factor_count, project.rank_by),
            "rank_by": project.rank_by,
            "raters": [
                {"rater": r, "name": names[r], **matrices.influence_progress(m)}
                for r, m in by_rater.items()
            ],
        }

    @rpc
    def influence_grid_svg(self, city: str) -> str:
        data = self.influence(city)
        if data["analysis"] is None:
            raise Conflict("No influence ratings yet.")
        titles = {f["id"]: f["title"] for f in data["factors"]}
        rows = [{**f, "title": titles[f["id"]]} for f in data["analysis"]["factors"]]
        threshold = data["analysis"]["threshold"]
        return plots.system_grid(rows, threshold["active"], threshold["passive"])

    # ------------------------------------------------------------------ key factors
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
        overview = analysis.influence_overview(
            ids,
            list(self._influence_matrices(city, project, ids).values()),
            threshold=project.influence_threshold,
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

    # ------------------------------------------------------------------ projections
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
    def delete_projection(self, city: str, projection_id: str) -> dict[str, Any]:
        self._require(city, EDITORS, "scenarios")
        projection = self._get(Projection, city, projection_id, "Projection not found.")
        projection.delete()
        return {"id": projection_id, "deleted": True}

    # ------------------------------------------------------------------ consistency
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
        return {
            **state["overview"].as_dict(),
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
        existing = PairResolution.scoped(city, project_id=str(project.id), a=a, b=b).first()
        if existing is None:
            try:
                PairResolution(
                    city=city,
                    project_id=str(project.id),
                    a=a,
                    b=b,
                    value=values["value"],
                    note=values["note"],
                    by=user,
                ).save(force_insert=True)
            except NotUniqueError:
                existing = PairResolution.scoped(city, project_id=str(project.id), a=a, b=b).first()
        if existing is not None:
            existing.value, existing.note, existing.by, existing.at = (
                values["value"],
                values["note"],
                user,
                _now(),
            )
            existing.save()
        return {"a": a, "b": b, "value": values["value"], "note": values["note"]}

    # ------------------------------------------------------------------ runs
    @rpc
    def start_run(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user = self._require(city, FACILITATOR, "scenarios")
        project = self._project(city)
        parameters = compute.Parameters(**load(RunSchema(), data))
        state = self._consistency_state(city, project)
        key_factors = [
            {
                "id": str(f.id),
                "title": f.title,
                "projections": [
                    {"id": str(p.id), "title": p.title, "probability": p.probability}
                    for p in state["grouped"][str(f.id)]
                ],
            }
            for f in state["key"]
        ]
        try:
            snapshot = compute.build_snapshot(key_factors, state["overview"].values, parameters)
        except compute.RunInputError as exc:
            raise Conflict("The run cannot start yet.", exc.fields) from exc
        return self._queue_run(city, str(project.id), snapshot, user, None)

    def _queue_run(
        self, city: str, project_id: str, snapshot: dict[str, Any], user: str, rerun_of: str | None
    ) -> dict[str, Any]:
        run = Run(
            city=city,
            project_id=project_id,
            parameters=snapshot["parameters"],
            snapshot=json.dumps(snapshot, sort_keys=True),
            requested_by=user,
            rerun_of=rerun_of,
        ).save()
        # The computation runs in a worker of this service, started by an internal fact that
        # the outbox delivers at least once (and again after a crash: see compute_run).
        self.outbox.add("run", "requested", {"run_id": str(run.id)}, city=city, subject=str(run.id))
        return views.run(run)

    @rpc
    def rerun(self, city: str, run_id: str) -> dict[str, Any]:
        user = self._require(city, FACILITATOR, "scenarios")
        run = self._get(Run, city, run_id, "Run not found.")
        return self._queue_run(city, run.project_id, json.loads(run.snapshot), user, run_id)

    @rpc
    def list_runs(self, city: str) -> list[dict[str, Any]]:
        self._require(city, EDITORS)
        project = self._project(city)
        return [views.run(r) for r in Run.scoped(city, project_id=str(project.id)).order_by("-id")]

    @rpc
    def get_run(self, city: str, run_id: str) -> dict[str, Any]:
        self._require(city, EDITORS)
        run = self._get(Run, city, run_id, "Run not found.")
        return {
            **views.run(run),
            "snapshot": json.loads(run.snapshot),
            "result": json.loads(run.result) if run.result else None,
        }

    @rpc
    def run_map_svg(self, city: str, run_id: str) -> str:
        run = self.get_run(city, run_id)
        result = run["result"]
        if run["status"] != "finished" or not result["bundles"]:
            raise Conflict("The run has no result yet.")
        explained = result["map"]["explained"] if result["map"] else 1.0
        return plots.scenario_map(result["bundles"], result["raw_scenarios"], explained)

    @event_handler(SERVICE, RUN_REQUESTED, requeue_on_error=True)
    def compute_run(self, envelope: dict[str, Any]) -> None:
        """Compute a queued run. A finished or failed run is left alone (a repeated fact); a
        run found "running" was interrupted by a crash and is computed again from its
        snapshot, which gives the same result."""
        city = envelope.get("city")
        run_id = (envelope.get("data") or {}).get("run_id")
        if not city or not _oid(run_id):
            return
        run = Run.scoped(city, id=run_id).first()
        if run is None or run.status in ("finished", "failed"):
            return
        run.status, run.stage, run.started_at = "running", "started", _now()
        run.save()

        def progress(stage: str, fraction: float) -> None:
            Run.scoped(city, id=run_id).update(set__stage=stage, set__progress=fraction)
            eventlet.sleep(0)  # let other requests of this process through between stages

        try:
            result, timings = compute.compute(json.loads(run.snapshot), progress)
        except Exception as exc:  # noqa: BLE001 - any engine refusal fails this run, not the worker
            log.warning("run %s failed: %s", run_id, exc)
            run.reload()
            run.status, run.error, run.finished_at = "failed", str(exc)[:2000], _now()
            run.save()
            self.outbox.add(
                "run",
                "failed",
                {"run_id": run_id, "project_id": run.project_id},
                city=city,
                subject=run_id,
                public=True,
            )
            return
        run.reload()
        run.result = json.dumps(result, sort_keys=True)
        run.timings = {k: round(v, 6) for k, v in timings.items()}
        run.status, run.stage, run.progress, run.finished_at = "finished", "done", 1.0, _now()
        run.save()
        self.outbox.add(
            "run",
            "finished",
            {
                "run_id": run_id,
                "project_id": run.project_id,
                "bundles": len(result["bundles"]),
                "raw_scenarios": len(result["raw_scenarios"]),
            },
            city=city,
            subject=run_id,
            public=True,
        )

    # ------------------------------------------------------------------ scenarios
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

    def _scenario_view(self, scenario: Scenario, data: dict | None = None) -> dict[str, Any]:
        if data is None:
            run = Run.scoped(scenario.city, id=scenario.run_id).first()
            data = {"snapshot": json.loads(run.snapshot), "result": json.loads(run.result)}
        snapshot, result = data["snapshot"], data["result"]
        raw = next((r for r in result["raw_scenarios"] if r["cluster"] == scenario.cluster), None)
        chosen = set(scenario.projection_ids)
        return {
            "id": str(scenario.id),
            "run_id": scenario.run_id,
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
            if s.run_id not in cache:
                run = Run.scoped(city, id=s.run_id).first()
                cache[s.run_id] = {
                    "snapshot": json.loads(run.snapshot),
                    "result": json.loads(run.result),
                }
            out.append(self._scenario_view(s, cache[s.run_id]))
        return out

    @rpc
    def get_scenario(self, city: str, scenario_id: str) -> dict[str, Any]:
        return self._scenario_view(self._readable_scenario(city, scenario_id))

    @rpc
    def update_scenario(self, city: str, scenario_id: str, data: dict[str, Any]) -> dict[str, Any]:
        self._require(city, FACILITATOR, "scenarios")
        scenario = self._get(Scenario, city, scenario_id, "Scenario not found.")
        if scenario.status == "published":
            raise Conflict("A published scenario is not changed any more.")
        values = load(ScenarioUpdateSchema(), data)
        _, loaded = self._finished_run(city, scenario.run_id)
        if "projection_ids" in values:
            self._check_projections(loaded["snapshot"], values["projection_ids"])
        for key, value in values.items():
            setattr(scenario, key, value)
        scenario.updated_at = _now()
        scenario.save()
        return self._scenario_view(scenario, loaded)

    @rpc
    def publish_scenario(self, city: str, scenario_id: str) -> dict[str, Any]:
        user = self._require(city, FACILITATOR, "scenarios")
        scenario = self._get(Scenario, city, scenario_id, "Scenario not found.")
        if scenario.status != "published":
            scenario.status, scenario.published_by, scenario.published_at = (
                "published",
                user,
                _now(),
            )
            scenario.save()
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
    def scenario_profile_svg(self, city: str, scenario_id: str) -> str:
        scenario = self._readable_scenario(city, scenario_id)
        run = Run.scoped(city, id=scenario.run_id).first()
        snapshot = json.loads(run.snapshot)
        view = self._scenario_view(scenario)
        shares = view["profile"]["shares"] or [{} for _ in snapshot["key_factors"]]
        return plots.projection_profile(
            scenario.title, snapshot["key_factors"], shares, scenario.projection_ids
        )

    @rpc
    def published_map_svg(self, city: str) -> str:
        """The scenario map of the run the city's latest published scenario was written from:
        readable by everyone once a scenario is published (the run itself stays the group's)."""
        self.city_state.state(city)
        latest = Scenario.scoped(city, status="published").order_by("-published_at", "-id").first()
        if latest is None:
            raise NotFound("Scenario not found.")  # none published yet
        result = json.loads(Run.scoped(city, id=latest.run_id).first().result)
        explained = result["map"]["explained"] if result["map"] else 1.0
        return plots.scenario_map(result["bundles"], result["raw_scenarios"], explained)

    # ------------------------------------------------------------------ observations
    @rpc
    def submit_observation(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user = self.caller.require_authenticated()
        self.city_state.require_phase(city, "scenarios")
        plugins = self.city_state.plugins(city)
        if not isinstance(data, dict):
            raise Invalid("The request body must be a JSON object.")
        loaded = plugins.load_form(FORM_OBSERVATION, ObservationSchema, data)
        base = set(ObservationSchema._declared_fields)
        factor_id = loaded.get("factor_id")
        if factor_id is not None:
            project = self._project(city)
            if factor_id not in {str(f.id) for f in self._factors(city, project)}:
                raise _invalid("factor_id", "Unknown factor of this project.")
        tags = plugins.form_tags(FORM_OBSERVATION, loaded)
        observation = Observation(
            city=city,
            kind=loaded["kind"],
            text=loaded["text"],
            factor_id=factor_id,
            extra={k: v for k, v in loaded.items() if k not in base},
            tags=tags,
            author=user,
            source="citizen",
        ).save()
        self._observation_received(observation)
        return views.observation(observation, user, False)

    @rpc
    def observation_form(self, city: str) -> dict[str, Any]:
        """The observation form of this city (base and plugin fields) as JSON schema."""
        self.city_state.state(city)
        plugins = self.city_state.plugins(city)
        schema = plugins.form_schema(FORM_OBSERVATION, ObservationSchema)
        return views.form(FORM_OBSERVATION, schema, ObservationSchema)

    def _observation_received(self, observation: Observation) -> None:
        # Public, and therefore without the text (a citizen's words may name people).
        self.outbox.add(
            "observation",
            "received",
            {
                "observation_id": str(observation.id),
                "kind": observation.kind,
                "factor_id": observation.factor_id,
                "source": observation.source,
                "tags": list(observation.tags),
            },
            city=observation.city,
            subject=str(observation.id),
            public=True,
        )

    @rpc
    def list_observations(self, city: str, factor_id: str | None = None) -> list[dict[str, Any]]:
        self.city_state.state(city)
        moderator = self._editor(city)
        filters: dict[str, Any] = {} if moderator else {"hidden": False}
        if factor_id:
            filters["factor_id"] = factor_id
        return [
            views.observation(o, self.caller.user_id, moderator)
            for o in Observation.scoped(city, **filters).order_by("-id")
        ]

    @rpc
    def triage_observation(
        self, city: str, observation_id: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        self._require(city, FACILITATOR, "scenarios")
        observation = self._get(Observation, city, observation_id, "Observation not found.")
        values = load(ObservationTriageSchema(), data)
        if values.get("factor_id") is not None:
            project = self._project(city)
            if values["factor_id"] not in {str(f.id) for f in self._factors(city, project)}:
                raise _invalid("factor_id", "Unknown factor of this project.")
        for key, value in values.items():
            setattr(observation, key, value)
        observation.save()
        return views.observation(observation, self.caller.user_id, True)

    @rpc
    def hide_observation(
        self, city: str, observation_id: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        # Moderation is possible in every phase: an abusive text must go whenever it is seen.
        user = self._require(city, FACILITATOR)
        observation = self._get(Observation, city, observation_id, "Observation not found.")
        values = load(HideSchema(), data)
        observation.hidden, observation.hidden_reason, observation.hidden_by = (
            True,
            values["reason"],
            user,
        )
        observation.save()
        return views.observation(observation, user, True)

    @event_handler("dialogue", DIALOGUE_OBSERVATION, requeue_on_error=True)
    @idempotent(SERVICE)
    def take_dialogue_observation(self, envelope: dict[str, Any]) -> None:
        """Observations and forecasts noted at a table talk join the same intake. The fact's
        id fixes the observation's id, so a repeated fact inserts nothing new; a malformed
        fact is dropped (it would be redelivered forever)."""
        city, data, event_id = envelope.get("city"), envelope.get("data"), envelope.get("id")
        if not city or not event_id or not isinstance(data, dict):
            return
        text, kind = data.get("text"), data.get("kind")
        if kind not in ("observation", "forecast") or not isinstance(text, str) or not text.strip():
            log.warning("dropped malformed observation fact %s", event_id)
            return
        talk_id = data.get("talk_id")
        ident = ObjectId(hashlib.sha256(f"{city}:{event_id}".encode()).hexdigest()[:24])
        observation = Observation(
            id=ident,
            city=city,
            kind=kind,
            text=text.strip()[:2000],
            source="table_talk",
            talk_id=str(talk_id)[:64] if talk_id is not None else None,
        )
        try:
            observation.save(force_insert=True)
        except NotUniqueError:
            return  # taken in before
        self._observation_received(observation)

    @event_handler("identity", ACCOUNT_DELETED, requeue_on_error=True)
    @idempotent(SERVICE)
    def forget_deleted_account(self, envelope: dict[str, Any]) -> None:
        """A deleted person's observations stay (they are the city's record) without author.
        Deliberately across cities: the account is global."""
        account_id = (envelope.get("data") or {}).get("account_id")
        if account_id:
            self.db["observations"].update_many({"author": account_id}, {"$set": {"author": None}})

    # ------------------------------------------------------------------ transfer
    def _criteria(self, city: str) -> list[dict[str, Any]]:
        return transfer.criteria(self.city_state.plugins(city).assessment_criteria())

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

    # ------------------------------------------------------------------ deep-dive topics
    def _check_topic_links(self, city: str, values: dict[str, Any]) -> None:
        errors: dict[str, list[str]] = {}
        if values.get("scenario_ids"):
            published = {str(s.id) for s in Scenario.scoped(city, status="published").only("id")}
            for i, ident in enumerate(values["scenario_ids"]):
                if ident not in published:
                    errors[f"scenario_ids.{i}"] = ["Not a published scenario of this city."]
        if values.get("factor_ids"):
            project = self._project(city)
            known = {str(f.id) for f in self._factors(city, project)}
            for i, ident in enumerate(values["factor_ids"]):
                if ident not in known:
                    errors[f"factor_ids.{i}"] = ["Unknown factor of this project."]
        if errors:
            raise Invalid(fields=errors)

    @rpc
    def create_topic(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        user = self._require(city, EDITORS, "transfer")
        project = self._project(city)
        values = load(TopicSchema(), data)
        self._check_topic_links(city, values)
        topic = Topic(city=city, project_id=str(project.id), created_by=user, **values).save()
        return views.topic(topic)

    @rpc
    def list_topics(self, city: str) -> list[dict[str, Any]]:
        self.city_state.state(city)
        query = Topic.scoped(city) if self._editor(city) else Topic.scoped(city, status="published")
        return [views.topic(t) for t in query.order_by("id")]

    @rpc
    def get_topic(self, city: str, topic_id: str) -> dict[str, Any]:
        self.city_state.state(city)
        topic = self._get(Topic, city, topic_id, "Topic not found.")
        if topic.status != "published" and not self._editor(city):
            raise NotFound("Topic not found.")
        return views.topic(topic)

    @rpc
    def update_topic(self, city: str, topic_id: str, data: dict[str, Any]) -> dict[str, Any]:
        self._require(city, EDITORS, "transfer")
        topic = self._get(Topic, city, topic_id, "Topic not found.")
        if topic.status == "published":
            raise Conflict("A published topic is not changed any more.")
        values = load(TopicUpdateSchema(), data)
        self._check_topic_links(city, values)
        for key, value in values.items():
            setattr(topic, key, value)
        topic.updated_at = _now()
        topic.save()
        return views.topic(topic)

    @rpc
    def submit_topic(self, city: str, topic_id: str) -> dict[str, Any]:
        user = self._require(city, EDITORS, "transfer")
        topic = self._get(Topic, city, topic_id, "Topic not found.")
        if topic.status == "draft":
            topic.status, topic.submitted_by, topic.submitted_at = "review", user, _now()
            topic.save()
        return views.topic(topic)

    @rpc
    def publish_topic(self, city: str, topic_id: str) -> dict[str, Any]:
        user = self._require(city, FACILITATOR, "transfer")
        topic = self._get(Topic, city, topic_id, "Topic not found.")
        if topic.status == "draft":
            message = "Submit the topic for review before publishing it."
            raise Conflict(message, {"status": [message]})
        if topic.status == "review":
            topic.status, topic.published_by, topic.published_at = "published", user, _now()
            topic.save()
            # Public: the cities service counts it for the phase guard, the dialogue service
            # turns it into a topic for table talks. Written by the working group: no personal
            # data, no author.
            self.outbox.add(
                "topic",
                "published",
                {
                    "topic_id": topic_id,
                    "title": topic.title,
                    "guiding_question": topic.guiding_question,
                    "description": topic.description,
                    # the guiding question first, then the questions suggested for talks
                    "guiding_questions": [topic.guiding_question, *topic.questions],
                },
                city=city,
                subject=topic_id,
                public=True,
            )
        return views.topic(topic)

    # ------------------------------------------------------------------ health
    @rpc
    def ping(self) -> str:
        Project.scoped("_ping").first()
        return "ok"
