"""What every scenarios handler mixin shares: dependencies, roles, helpers, project state.

``ScenariosService`` (``services/scenarios/service.py``) declares the nameko dependencies;
here they are only annotated, so that each mixin type-checks on its own. The methods at the
end are implemented by one mixin and called by another: they are declared here so a reader
of a mixin sees what it relies on. Every mixin comes before ``ScenariosBase`` in the
service's method resolution order, so the real implementation always wins over these stubs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
from bson import ObjectId
from mongoengine.errors import NotUniqueError
from pymongo.database import Database

from services.kit.city_state import CityStateView
from services.kit.context import Caller
from services.kit.errors import Invalid, NotFound
from services.kit.outbox import OutboxWriter
from services.scenarios.analysis import InfluenceOverview
from services.scenarios.models import (
    Factor,
    KeyFactorDecision,
    Observation,
    Project,
    Projection,
    RatingVersion,
)

SERVICE = "scenarios"
EDITORS = ("facilitator", "working_group_member")
FACILITATOR = ("facilitator",)
PROJECT_CREATORS = ("facilitator", "city_admin")
# The rating documents whose saves are kept as versions, by class name.
RATING_KIND = {
    "InfluenceRating": "influence",
    "ConsistencyRating": "consistency",
    "CrossImpactRating": "cross_impact",
}


def _now() -> datetime:
    return datetime.now(UTC)


def _oid(value: Any) -> bool:
    return isinstance(value, str) and ObjectId.is_valid(value)


def _invalid(field: str, message: str) -> Invalid:
    return Invalid(fields={field: [message]})


class ScenariosBase:
    # Dependencies, declared on ScenariosService (service.py).
    db: Database
    outbox: OutboxWriter
    caller: Caller
    city_state: CityStateView
    cities: Any  # RPC proxy of the cities service
    identity: Any  # RPC proxy of the identity service

    # ------------------------------------------------------------------ access
    def _record_admin_act(
        self, city: str, act: str, target_id: str, title: str | None, reason: str | None = None
    ) -> None:
        """A moderation decision or publication for the city's audit log (kept by the cities
        service, which names the actor): an internal fact, written with the change."""
        self.outbox.add(
            "admin_act",
            "recorded",
            {
                "act": act,
                "by": self.caller.user_id,
                "target_id": target_id,
                "title": (title or "")[:500] or None,
                "reason": reason,
            },
            city=city,
            subject=target_id,
        )

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

    # ------------------------------------------------------------------ ratings
    # Shared by influence.py and consistency_ratings.py.
    @staticmethod
    def _store_rating(
        model: type,
        city: str,
        project_id: str,
        rater: str,
        by: str | None = None,
        restored_from: str | None = None,
        **fields: Any,
    ) -> None:
        """One document per rater, replaced whole (inserted first time: the unique index
        settles two concurrent first submissions of one rater). Every save also keeps a
        version of its own (who, when) in ``rating_versions``; ``by`` is who saved it when
        that is not the rater (a facilitator restoring)."""
        existing = model.scoped(city, project_id=project_id, rater=rater).first()
        stored = False
        if existing is None:
            try:
                model(city=city, project_id=project_id, rater=rater, **fields).save(
                    force_insert=True
                )
                stored = True
            except NotUniqueError:
                existing = model.scoped(city, project_id=project_id, rater=rater).first()
        if not stored:
            for key, value in fields.items():
                setattr(existing, key, value)
            existing.updated_at = _now()
            existing.save()
        RatingVersion(
            city=city,
            project_id=project_id,
            kind=RATING_KIND[model.__name__],
            rater=rater,
            ids=list(fields.get("factor_ids") or fields.get("projection_ids") or []),
            values=list(fields["values"]),
            by=by or rater,
            restored_from=restored_from,
        ).save()

    @staticmethod
    def _store_resolution(
        model: type, city: str, project_id: str, a: str, b: str, user: str, values: dict
    ) -> None:
        """The facilitator's value of one disputed cell or pair, replaced when resolved again
        (inserted first time: the unique index settles two concurrent first resolutions)."""
        fields = {"value": values["value"], "note": values["note"], "by": user}
        existing = model.scoped(city, project_id=project_id, a=a, b=b).first()
        if existing is None:
            try:
                model(city=city, project_id=project_id, a=a, b=b, **fields).save(force_insert=True)
                return
            except NotUniqueError:
                existing = model.scoped(city, project_id=project_id, a=a, b=b).first()
        for key, value in fields.items():
            setattr(existing, key, value)
        existing.at = _now()
        existing.save()

    # ------------------------------------------------------------------ cross-aggregate calls
    # influence.py (key_factors.py suggests from the influence ratings)
    def _influence_matrices(
        self, city: str, project: Project, factor_ids: list[str]
    ) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def _influence_overview(
        self,
        city: str,
        project: Project,
        factor_ids: list[str],
        by_rater: dict[str, np.ndarray],
    ) -> InfluenceOverview:
        raise NotImplementedError

    # cross_impacts.py (runs.py snapshots the CIB judgement matrix, when there is one)
    def _cross_impacts(self, city: str, project: Project, order: list[str]) -> np.ndarray | None:
        raise NotImplementedError

    # consistency_ratings.py (runs.py snapshots the aggregated consistency matrix)
    def _consistency_state(self, city: str, project: Project) -> dict[str, Any]:
        raise NotImplementedError
