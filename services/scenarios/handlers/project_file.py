"""A project workbook taken into a project in one call, all or nothing.

The gateway reads and checks the whole file first (``gateway/project_import.py``); this call
then writes it step by step through the service's own entrypoints, which check every value
again. FerretDB has no multi-document transactions, so the way to all-or-nothing is an undo
log of the simplest kind: the *before-image* of every collection the import touches (only
this project's documents, few since the project has no factors yet) is read first, and if
any step is refused or fails, the documents written since are removed and the before-images
put back. The facts the steps record are held back and only added to the outbox once every
step has succeeded, so a failed import publishes nothing.

Scenarios come in without a run (``origin`` "import", see ``models.Scenario``) and as drafts:
publishing is the facilitator's confirmed act. Own assessment criteria come in too; one with
the name of a criterion the project already has is left out (it is there).
"""

from __future__ import annotations

from typing import Any

from services.kit.errors import Conflict, Invalid
from services.kit.rpc import rpc
from services.kit.schemas import load
from services.scenarios.handlers.base import FACILITATOR, ScenariosBase, _invalid
from services.scenarios.models import (
    AssessmentCriterion,
    ConsistencyRating,
    CrossImpactRating,
    CrossImpactResolution,
    Factor,
    InfluenceRating,
    InfluenceResolution,
    KeyFactorDecision,
    PairResolution,
    Project,
    Projection,
    RatingVersion,
    Scenario,
)
from services.scenarios.schemas import ImportedScenarioSchema

# What an import may write (besides the project's own settings).
TOUCHED = (
    Factor,
    InfluenceRating,
    InfluenceResolution,
    KeyFactorDecision,
    Projection,
    ConsistencyRating,
    PairResolution,
    CrossImpactRating,
    CrossImpactResolution,
    RatingVersion,
    Scenario,
    AssessmentCriterion,
)


class _HeldFacts:
    """Stands in for ``self.outbox`` during an import: the facts wait for its success."""

    def __init__(self) -> None:
        self.facts: list[tuple[tuple, dict]] = []

    def add(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.facts.append((args, kwargs))
        return {}


def before_image(city: str, project: Project) -> dict[type, list[dict]]:
    """Every document of this project the import may change, as stored."""
    pid = str(project.id)
    image = {m: [d.to_mongo().to_dict() for d in m.scoped(city, project_id=pid)] for m in TOUCHED}
    image[Project] = [project.to_mongo().to_dict()]
    return image


def restore(city: str, project: Project, image: dict[type, list[dict]]) -> None:
    """The project as it was: documents written since removed, changed ones put back."""
    pid = str(project.id)
    for model, docs in image.items():
        collection = model._get_collection()
        scope = {"_id": project.id} if model is Project else {"city": city, "project_id": pid}
        kept = [d["_id"] for d in docs]
        collection.delete_many({**scope, "_id": {"$nin": kept}})
        for doc in docs:
            collection.replace_one({"_id": doc["_id"]}, doc, upsert=True)


class ProjectFileHandlers(ScenariosBase):
    @rpc
    def import_project(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        """``data``: ``project`` (settings), ``factors``, ``influence`` (matrix in factor order),
        ``key`` (factor indices), ``projections`` (``factor`` index, title, description,
        probability), ``consistency`` and ``cross_impact`` (matrices in projection order),
        ``scenarios`` (title, narrative, ``projections``: indices into ``projections``) and
        ``criteria`` (title, description) — ``ProjectFile``.
        Into a project without factors only; refused or failed, nothing is left of it."""
        self._require(city, FACILITATOR, "scenarios")
        project = self._project(city)
        if Factor.scoped(city, project_id=str(project.id)).first() is not None:
            message = (
                "The project already has influencing factors: a project file is imported into "
                "a project without factors."
            )
            raise Conflict(message, {"datei_projekt": [message]})
        image = before_image(city, project)
        # The facts were declared where each step adds them (the event catalogue reads those
        # calls); here they are only held back and then handed on unchanged.
        stored_outbox, held = self.outbox, _HeldFacts()
        self.outbox = held
        try:
            made = self._write(city, data)
        except BaseException:
            restore(city, project, image)
            raise
        finally:
            self.outbox = stored_outbox
        for args, kwargs in held.facts:
            stored_outbox.add(*args, **kwargs)
        return made

    @staticmethod
    def _check_indices(data: dict[str, Any]) -> None:
        """Key factors and projections name factors by their place in ``factors``."""
        n = len(data.get("factors") or [])
        if any(not isinstance(k, int) or not 0 <= k < n for k in data.get("key") or []):
            raise _invalid("key", "Not a factor of the file.")
        for p in data.get("projections") or []:
            if (
                not isinstance(p, dict)
                or not isinstance(p.get("factor"), int)
                or not (0 <= p["factor"] < n)
            ):
                raise _invalid("projections", "Not a factor of the file.")

    def _write(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        self._check_indices(data)
        ids = [self.create_factor(city, f)["id"] for f in data.get("factors") or []]
        if data.get("project"):
            self.update_project(city, data["project"])
        influence = data.get("influence") or []
        if any(v is not None for row in influence for v in row):
            self.rate_influence(city, {"factor_ids": ids, "matrix": influence})
        key = data.get("key") or []
        if key:
            chosen = [ids[k] for k in key]
            self.decide_key_factors(city, {"factor_ids": chosen, "note": "Aus der Projektdatei."})
        made = [
            self.create_projection(
                city,
                {
                    "factor_id": ids[p["factor"]],
                    "title": p["title"],
                    "description": p.get("description") or "",
                    "probability": p.get("probability"),
                },
            )["id"]
            for p in data.get("projections") or []
        ]
        consistency = data.get("consistency") or []
        if any(v is not None for row in consistency for v in row):
            self.rate_consistency(city, {"projection_ids": made, "matrix": consistency})
        cross = data.get("cross_impact") or []
        if any(v is not None for row in cross for v in row):
            self.rate_cross_impacts(city, {"projection_ids": made, "matrix": cross})
        known = {" ".join(c["title_de"].split()).casefold() for c in self.criteria(city)}
        for c in data.get("criteria") or []:
            if " ".join(str(c.get("title", "")).split()).casefold() not in known:
                self.create_criterion(city, c)
        scenarios = self._import_scenarios(city, data.get("scenarios") or [], made)
        return {"factor_ids": ids, "projection_ids": made, "scenario_ids": scenarios}

    def _import_scenarios(self, city: str, found: list[Any], made: list[str]) -> list[str]:
        """Drafts without a run; at most one projection per key factor, as a run's scenario."""
        user = self.caller.require_authenticated()
        project = self._project(city)
        factor_of = {p["id"]: kf["id"] for kf in self.list_projections(city)["key_factors"]
                     for p in kf["projections"]}  # fmt: skip
        out = []
        for data in found:
            values = load(ImportedScenarioSchema(), data)
            if any(k >= len(made) for k in values["projections"]):
                raise _invalid("scenarios", "Not a projection of the file.")
            chosen = [made[k] for k in values["projections"]]
            factors = [factor_of.get(p) for p in chosen]
            if None in factors or len(set(factors)) != len(factors):
                message = "A second projection of the same key factor."
                raise Invalid(fields={"scenarios": [message]})
            scenario = Scenario(
                city=city,
                project_id=str(project.id),
                origin="import",
                title=values["title"],
                narrative=values["narrative"],
                projection_ids=chosen,
                created_by=user,
            ).save()
            out.append(str(scenario.id))
        return out
