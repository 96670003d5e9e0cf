"""Versions of the rating matrices: every save of a rater's matrix is kept (who, when); a
facilitator lists them and restores one, which saves it again as a new version. A rater may
withdraw their own matrix altogether: it stops counting, its versions stay restorable."""

from __future__ import annotations

from typing import Any

from services.kit.errors import NotFound
from services.kit.rpc import rpc
from services.scenarios import views
from services.scenarios.handlers.base import EDITORS, FACILITATOR, ScenariosBase, _invalid
from services.scenarios.models import (
    RATING_KINDS,
    ConsistencyRating,
    CrossImpactRating,
    InfluenceRating,
    RatingVersion,
)

# kind → the rating document and the name of its list of row/column ids
_MODELS: dict[str, tuple[type, str]] = {
    "influence": (InfluenceRating, "factor_ids"),
    "consistency": (ConsistencyRating, "projection_ids"),
    "cross_impact": (CrossImpactRating, "projection_ids"),
}
# kind → the rater's own matrix as the rating page shows it (its "progress" counts the cells)
_MINE = {
    "influence": "my_influence_rating",
    "consistency": "my_consistency_rating",
    "cross_impact": "my_cross_impact_rating",
}
LISTED = 200  # the newest versions shown; older ones stay stored


class VersionHandlers(ScenariosBase):
    """List and restore versions of the influence, consistency and cross-impact matrices."""

    @staticmethod
    def _kind(kind: str) -> str:
        if kind not in RATING_KINDS:
            raise _invalid("kind", "Unknown kind of matrix.")
        return kind

    @rpc
    def rating_versions(self, city: str, kind: str) -> list[dict[str, Any]]:
        self._require(city, FACILITATOR)
        project = self._project(city)
        query = RatingVersion.scoped(
            city, project_id=str(project.id), kind=self._kind(kind)
        ).order_by("-at", "-id")
        versions = list(query.limit(LISTED))
        names = self._names(sorted({v.rater for v in versions} | {v.by for v in versions}))
        return [
            {
                "id": str(v.id),
                "kind": v.kind,
                "rater": v.rater,
                "rater_name": names.get(v.rater),
                "by": v.by,
                "by_name": names.get(v.by),
                "at": views.iso(v.at),
                "judged": sum(1 for x in v.values if x is not None),
                "size": len(v.ids),
                "restored_from": v.restored_from,
            }
            for v in versions
        ]

    @rpc
    def restore_rating_version(self, city: str, version_id: str) -> dict[str, Any]:
        """The rater's matrix becomes the version's again; the restore is a new version (by
        the facilitator), so nothing is lost and the restore itself can be undone."""
        user = self._require(city, FACILITATOR, "scenarios")
        project = self._project(city)
        version = self._get(RatingVersion, city, version_id, "Version not found.")
        if version.project_id != str(project.id):
            raise _invalid("version_id", "Not a version of this project.")
        model, ids_field = _MODELS[version.kind]
        self._store_rating(
            model,
            city,
            str(project.id),
            version.rater,
            by=user,
            restored_from=str(version.id),
            **{ids_field: list(version.ids), "values": list(version.values)},
        )
        return self.rating_versions(city, version.kind)[0]

    def _my_rating(self, city: str, kind: str) -> tuple[Any, dict[str, Any]]:
        """The caller's own rating document of ``kind`` and how many cells of it count now
        (as the matrix page shows them); NotFound when they have none."""
        user = self.caller.require_authenticated()
        project = self._project(city)
        model, _ids = _MODELS[self._kind(kind)]
        rating = model.scoped(city, project_id=str(project.id), rater=user).first()
        if rating is None:
            raise NotFound("You have no ratings in this matrix.")
        progress = getattr(self, _MINE[kind])(city)["progress"]
        return rating, {"kind": kind, "judged": progress["judged"], "total": progress["total"]}

    @rpc
    def my_rating_summary(self, city: str, kind: str) -> dict[str, Any]:
        """What withdrawing the caller's matrix would take away (for the confirmation)."""
        self._require(city, EDITORS)
        return self._my_rating(city, kind)[1]

    @rpc
    def withdraw_rating(self, city: str, kind: str) -> dict[str, Any]:
        """The caller's whole matrix of ``kind`` stops counting (while ratings may change).
        Its saved versions stay, the last one being this very state, so a facilitator can
        restore it; the facilitator's settled values are theirs and stay too."""
        self._require(city, EDITORS, "scenarios")
        rating, summary = self._my_rating(city, kind)
        project_id = rating.project_id
        rating.delete()
        # internal: which matrix lost a rater (no one's identity; the count for the checklist)
        self.outbox.add(
            "rating",
            "withdrawn",
            {"project_id": project_id, "kind": kind, "cells": summary["judged"]},
            city=city,
            subject=project_id,
        )
        return summary
