"""Versions of the rating matrices: every save of a rater's matrix is kept (who, when); a
facilitator lists them and restores one, which saves it again as a new version."""

from __future__ import annotations

from typing import Any

from services.kit.rpc import rpc
from services.scenarios import views
from services.scenarios.handlers.base import FACILITATOR, ScenariosBase, _invalid
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
