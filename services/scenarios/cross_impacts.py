"""The cross-impact (CIB) judgement matrix of a workshop and the CIB solution set (pure).

A cross impact says how the projection of the row promotes (+1 … +3) or restricts (−1 … −3)
the projection of the column, 0 = no influence; it is directed (A on B need not equal B on A)
and projections of one key factor are not judged against each other. Raters submit whole
matrices like the other two; the raters' mean per cell is the judgement the run's CIB uses
(not rounded: CIB sums impacts, fractional values are meaningful), with the facilitator's value
replacing a disputed cell. A cell counts as disputed when raters are two or more steps apart,
the same rule as for the influence and consistency matrices (``analysis.disputed_pairs``).

``solution_view`` prepares a run's CIB result for the page: every consistent scenario with its
projections named per key factor, its total impact score (TIS) and inconsistency (IC), and the
bundle rank and raw scenario the consistency analysis gave the same combination, if any.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from services.scenarios import analysis, matrices
from services.scenarios.matrices import Matrix, MatrixError, to_json

SCALE = (-3, -2, -1, 0, 1, 2, 3)
TOP_BUNDLES = 5  # the strongest bundles shown beside the CIB solution set


def check(
    projection_ids: Sequence[str],
    matrix: Matrix,
    current: Sequence[str],
    factor_of: Mapping[str, str],
) -> np.ndarray:
    """A submitted cross-impact matrix over the current projections (any order of ids).

    Returns it as floats with NaN for "not judged" and for the own-key-factor blocks. Values
    outside −3…+3 are refused by the request schema; here: ids, shape, own blocks."""
    errors = matrices._check_ids("projection_ids", projection_ids, current, "projection")
    if errors:
        raise MatrixError(errors)
    n = len(projection_ids)
    errors = matrices._check_shape(matrix, n)
    if errors:
        raise MatrixError(errors)
    values = matrices._as_array(matrix)
    factors = [factor_of[p] for p in projection_ids]
    for i in range(n):
        for j in range(n):
            if factors[i] == factors[j] and not np.isnan(values[i, j]):
                errors[f"matrix.{i}.{j}"] = [
                    "Projections of the same key factor are not rated: leave it empty."
                ]
    if errors:
        raise MatrixError(errors)
    return values


def progress(values: np.ndarray, cross: np.ndarray) -> dict[str, int]:
    """Judged directed cells between projections of different key factors."""
    return {"judged": int((~np.isnan(values) & cross).sum()), "total": int(cross.sum())}


@dataclass
class CrossImpactOverview:
    projection_ids: list[str]
    values: np.ndarray  # mean per cell with resolutions applied, NaN where nobody judged
    disagreement: np.ndarray
    spread: np.ndarray
    n_raters: np.ndarray
    cross: np.ndarray
    resolved: set[tuple[str, str]] = field(default_factory=set)

    @property
    def judged(self) -> bool:
        return bool((~np.isnan(self.values) & self.cross).any())

    def as_dict(self) -> dict[str, Any]:
        return {
            "projection_ids": self.projection_ids,
            "matrix": to_json(self.values, 2),
            "disagreement": to_json(self.disagreement, 3),
            "n_raters": self.n_raters.astype(int).tolist(),
            "open_cells": int((np.isnan(self.values) & self.cross).sum()),
            "disputed": analysis.disputed_pairs(
                self.projection_ids, self.spread, self.disagreement, False, self.resolved
            ),
        }


def overview(
    projection_ids: Sequence[str],
    cross: np.ndarray,
    by_rater: Sequence[np.ndarray],
    resolutions: Mapping[tuple[str, str], float],
) -> CrossImpactOverview:
    """The raters' mean per cell (aligned to ``projection_ids``), the facilitator's value of
    a resolved cell (a, b) replacing it."""
    n = len(projection_ids)
    if by_rater:
        agg = analysis._aggregate(by_rater, "mean", round_to_scale=False)
        mean, disagreement, spread, n_raters = (
            agg.values.copy(),
            agg.disagreement,
            agg.spread,
            agg.n_raters,
        )
    else:
        mean = np.full((n, n), np.nan)
        disagreement, spread, n_raters = mean.copy(), mean.copy(), np.zeros((n, n))
    mean = np.where(cross, mean, np.nan)
    index = {p: k for k, p in enumerate(projection_ids)}
    resolved = set()
    for (a, b), value in resolutions.items():
        if a in index and b in index and cross[index[a], index[b]]:
            mean[index[a], index[b]] = float(value)
            resolved.add((a, b))
    return CrossImpactOverview(
        list(projection_ids), mean, disagreement, spread, n_raters, cross, resolved
    )


def solution_view(result: Mapping[str, Any], snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """A finished run's CIB solution set beside its bundle result, ready for a page.

    ``scenarios``: ``{"number", "projections": [{"factor", "title"}], "tis", "ic",
    "bundle_rank", "cluster"}`` in the engine's order; ``bundle_rank`` is the rank of the same
    combination among the run's best bundles (None: not among them). ``top_bundles``: the
    run's strongest bundles, each marked when CIB finds it consistent too."""
    cib = result.get("cib")
    names = {
        p["id"]: {"factor": kf["title"], "title": p["title"]}
        for kf in snapshot["key_factors"]
        for p in kf["projections"]
    }
    bundles = {frozenset(b["projections"]): b for b in result.get("bundles", [])}
    consistent = {frozenset(s["projections"]) for s in (cib or {}).get("scenarios", [])}
    top = [
        {
            "rank": b["rank"],
            "projections": [names.get(p, {"factor": "?", "title": p}) for p in b["projections"]],
            "mean": b["mean"],
            "cluster": b.get("cluster"),
            "cib": frozenset(b["projections"]) in consistent,
        }
        for b in result.get("bundles", [])[:TOP_BUNDLES]
    ]
    if cib is None:
        return {"computed": False, "scenarios": [], "bundles": len(bundles), "top_bundles": top}
    scenarios = []
    for number, s in enumerate(cib["scenarios"], 1):
        same = bundles.get(frozenset(s["projections"]))
        scenarios.append(
            {
                "number": number,
                "projections": [
                    names.get(p, {"factor": "?", "title": p}) for p in s["projections"]
                ],
                "tis": s["tis"],
                "ic": s["ic"],
                "bundle_rank": same["rank"] if same else None,
                "cluster": same.get("cluster") if same else None,
            }
        )
    return {
        "computed": True,
        "source": cib.get("source", "consistency"),
        "max_ic": cib.get("max_ic", 0),
        "scenarios": scenarios,
        "bundles": len(bundles),
        "among_bundles": sum(s["bundle_rank"] is not None for s in scenarios),
        "top_bundles": top,
    }
