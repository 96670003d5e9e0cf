"""Influence factors: what the working group thinks shapes the city's future."""

from __future__ import annotations

from typing import Any

from mongoengine import Q

from services.kit.errors import Conflict, Forbidden
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.scenarios import views
from services.scenarios.handlers.base import EDITORS, FACILITATOR, ScenariosBase, _invalid, _oid
from services.scenarios.models import (
    Factor,
    InfluenceRating,
    InfluenceResolution,
    KeyFactorDecision,
    Observation,
    PairResolution,
    Project,
    Projection,
    Topic,
)
from services.scenarios.schemas import MAX_FACTORS, FactorSchema, FactorUpdateSchema


def _same_name(title: str) -> str:
    """Titles compared without case and runs of spaces: "Verkehr" = "  verkehr"."""
    return " ".join(title.split()).casefold()


class FactorHandlers(ScenariosBase):
    """List, write and delete factors (an observation may be a factor's source)."""

    def _refuse_duplicate(
        self, city: str, project: Project, title: str, own: str | None = None
    ) -> None:
        wanted = _same_name(title)
        for f in self._factors(city, project):
            if str(f.id) != own and _same_name(f.title) == wanted:
                message = "A factor with this name already exists."
                raise Conflict(message, {"title": [message]})

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
        self._refuse_duplicate(city, project, values["title"])
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
        if "title" in values:
            self._refuse_duplicate(city, project, values["title"], own=str(factor.id))
        for key, value in values.items():
            setattr(factor, key, value)
        factor.save()
        key = {str(f.id) for f in self._key_factors(city, project)}
        return views.factor(
            factor, self._observation_counts(city).get(str(factor.id), 0), str(factor.id) in key
        )

    def _factor_dependents(self, city: str, project: Project, factor: Factor) -> dict[str, Any]:
        pid, fid = str(project.id), str(factor.id)
        raters, cells = 0, 0
        for r in InfluenceRating.scoped(city, project_id=pid):
            if fid not in r.factor_ids:
                continue
            n, i = len(r.factor_ids), list(r.factor_ids).index(fid)
            judged = sum(
                1
                for j in range(n)
                for v in (r.values[i * n + j], r.values[j * n + i])
                if j != i and v is not None
            )
            if judged:
                raters, cells = raters + 1, cells + judged
        key = fid in {str(f.id) for f in self._key_factors(city, project)}
        projections = list(Projection.scoped(city, project_id=pid, factor_id=fid))
        return {
            "factor": {"id": fid, "title": factor.title},
            "key_factor": key,
            "influence_raters": raters,
            "influence_values": cells,
            "influence_resolutions": InfluenceResolution.scoped(city, project_id=pid)
            .filter(Q(a=fid) | Q(b=fid))
            .count(),
            "projections": [{"id": str(p.id), "title": p.title} for p in projections],
            "observations": Observation.scoped(city, factor_id=fid).count(),
            "topics": Topic.scoped(city, factor_ids=fid).count(),
        }

    @rpc
    def factor_dependents(self, city: str, factor_id: str) -> dict[str, Any]:
        """What depends on a factor: shown before it is deleted (editors)."""
        self._require(city, EDITORS)
        project = self._project(city)
        factor = self._get(Factor, city, factor_id, "Factor not found.")
        return self._factor_dependents(city, project, factor)

    @rpc
    def delete_factor(self, city: str, factor_id: str) -> dict[str, Any]:
        """Removes the factor, its settled influence cells and, for a key factor, its place
        among the key factors (a new decision without it) and its projections. Ratings keep
        their cells unused (their versions can restore them); observations lose the link."""
        user = self._require(city, EDITORS, "scenarios")
        project = self._project(city)
        factor = self._get(Factor, city, factor_id, "Factor not found.")
        gone = self._factor_dependents(city, project, factor)
        pid = str(project.id)
        if gone["key_factor"]:
            if not self.caller.has_role(city, *FACILITATOR):
                message = "Only the facilitator removes a key factor."
                raise Forbidden(message)
            decision = self._decision(city, project)
            remaining = [i for i in decision.factor_ids if i != factor_id]
            KeyFactorDecision(
                city=city,
                project_id=pid,
                factor_ids=remaining,
                suggestion=list(decision.suggestion),
                ranked_by=decision.ranked_by,
                note=f"Schlüsselfaktor „{factor.title}“ gelöscht.",
                by=user,
            ).save()
            projection_ids = [p["id"] for p in gone["projections"]]
            Projection.scoped(city, project_id=pid, factor_id=factor_id).delete()
            PairResolution.scoped(city, project_id=pid).filter(
                Q(a__in=projection_ids) | Q(b__in=projection_ids)
            ).delete()
            self.outbox.add(
                "key_factors",
                "decided",
                {"project_id": pid, "count": len(remaining)},
                city=city,
                subject=pid,
                public=True,
            )
        InfluenceResolution.scoped(city, project_id=pid).filter(
            Q(a=factor_id) | Q(b=factor_id)
        ).delete()
        factor.delete()
        Observation.scoped(city, factor_id=factor_id).update(set__factor_id=None)
        return {"id": factor_id, "deleted": True, "removed": gone}
