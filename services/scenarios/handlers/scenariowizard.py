"""A ScenarioWizard ``.scw`` file taken into a project: its descriptors become the key
factors, its variants their projections, and its judgement matrix the importing facilitator's
cross-impact (CIB) rating, which a run's CIB then uses instead of the consistency ratings.

The file is read by the engine's own reader (``engine/io.py``, the one the command line
``stadtdialog scenarios cib FILE.scw`` uses), in the same descriptor and variant order, so a
run's CIB on the imported project finds what the command line finds.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from services.kit.errors import Conflict
from services.kit.rpc import rpc
from services.scenarios import matrices
from services.scenarios.engine.io import FormatError, parse_scw, scw_labels
from services.scenarios.handlers.base import FACILITATOR, ScenariosBase, _invalid
from services.scenarios.models import (
    CrossImpactRating,
    Factor,
    KeyFactorDecision,
    Projection,
)

MAX_TEXT = 1_000_000
MAX_DESCRIPTORS = 40
MAX_VARIANTS = 12


class ScenarioWizardHandlers(ScenariosBase):
    @rpc
    def import_scenariowizard(self, city: str, data: dict[str, Any]) -> dict[str, Any]:
        """``data``: ``{"filename", "text"}`` (the file decoded as Latin-1, as ScenarioWizard
        writes it). Only into a project without factors: it brings its own."""
        user = self._require(city, FACILITATOR, "scenarios")
        project = self._project(city)
        text = data.get("text") if isinstance(data, dict) else None
        filename = str((data or {}).get("filename") or "")[:300]
        if not isinstance(text, str) or not text.strip():
            raise _invalid("file", "Choose a ScenarioWizard file (.scw).")
        if len(text) > MAX_TEXT:
            raise _invalid("file", "The file is too large for a ScenarioWizard project.")
        try:
            model = parse_scw(text)
        except FormatError as exc:
            raise _invalid("file", "Not a readable ScenarioWizard file (.scw).") from exc
        labels = scw_labels(text)
        if [len(v) for v in labels] != [len(v) for v in model.variants]:
            labels = [list(v) for v in model.variants]
        if len(model.descriptors) > MAX_DESCRIPTORS or max(map(len, labels)) > MAX_VARIANTS:
            raise _invalid(
                "file", "Too many descriptors or variants for a workshop (at most 40 and 12)."
            )
        if Factor.scoped(city, project_id=str(project.id)).first() is not None:
            raise Conflict(
                "The project already has influencing factors: a ScenarioWizard file is "
                "imported into a project without factors."
            )
        pid, note = str(project.id), f"Aus ScenarioWizard übernommen: {filename or 'Datei'}"
        factor_ids, projection_ids = [], []
        for name, variants in zip(model.descriptors, labels, strict=True):
            factor = Factor(
                city=city,
                project_id=pid,
                title=(name or "–")[:200],
                description=note,
                source="working_group",
                created_by=user,
            ).save()
            factor_ids.append(str(factor.id))
            for title in variants:
                made = Projection(
                    city=city,
                    project_id=pid,
                    factor_id=str(factor.id),
                    title=title[:300],
                    created_by=user,
                ).save()
                projection_ids.append(str(made.id))
        KeyFactorDecision(
            city=city, project_id=pid, factor_ids=factor_ids, note=note, by=user
        ).save()
        values = np.asarray(model.matrix, dtype=float).copy()
        own = np.repeat(np.arange(len(labels)), [len(v) for v in labels])
        values[own[:, None] == own[None, :]] = np.nan  # own-descriptor blocks: not judged
        self._store_rating(
            CrossImpactRating,
            city,
            pid,
            user,
            projection_ids=projection_ids,
            values=matrices.flatten(values),
            source=filename,
        )
        return {
            "factors": len(factor_ids),
            "projections": len(projection_ids),
            "filename": filename,
        }
