"""Several raters' matrices combined with the scenario engine (pure).

Influence: the raters' matrices are averaged per cell (the engine's ``aggregate_raters`` with
``mean``, not rounded: the influence analysis works on fractional sums) and analysed with
``influence.analyse_influence``; its ranking is the key-factor suggestion. Consistency: the
engine's ``aggregate_raters`` with the project's method (median by default, rounded back to
the integer scale so total and partial inconsistencies stay defined), then the facilitator's
resolutions of single pairs replace the aggregate. Disagreement is the engine's per-pair
standard deviation; a pair counts as disputed when raters are two or more scale steps apart.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from services.scenarios.engine import consistency, influence
from services.scenarios.matrices import to_json

DISPUTED_SPREAD = 2  # raters two or more scale steps apart on a pair


def _aggregate(matrices: Sequence[np.ndarray], method: str, round_to_scale: bool):
    # Cells nobody judged are all-NaN slices: NumPy warns and answers NaN, which is what we want.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        return consistency.aggregate_raters(list(matrices), method, round_to_scale=round_to_scale)


@dataclass
class InfluenceOverview:
    factor_ids: list[str]
    values: np.ndarray  # mean per cell, NaN where nobody judged
    disagreement: np.ndarray
    spread: np.ndarray
    n_raters: np.ndarray
    analysis: influence.InfluenceAnalysis | None

    def as_dict(self, top: int, rank_by: str) -> dict:
        analysis = self.analysis.as_dict(top, rank_by) if self.analysis is not None else None
        return {
            "factor_ids": self.factor_ids,
            "matrix": to_json(self.values, 3),
            "disagreement": to_json(self.disagreement, 3),
            "n_raters": self.n_raters.astype(int).tolist(),
            "analysis": analysis,
            "suggestion": analysis["key_factors"] if analysis else [],
            "disputed": disputed_pairs(self.factor_ids, self.spread, self.disagreement, False),
        }


def influence_overview(
    factor_ids: Sequence[str],
    matrices: Sequence[np.ndarray],
    *,
    threshold: str = "mean",
) -> InfluenceOverview:
    """Mean influence matrix of the raters (aligned to ``factor_ids``) and its analysis.

    Cells nobody judged count as 0 (no influence) in the analysis; ``n_raters`` shows where
    that happened. Without any rater there is no analysis."""
    n = len(factor_ids)
    if not matrices or n == 0:
        empty = np.full((n, n), np.nan)
        return InfluenceOverview(list(factor_ids), empty, empty, empty, np.zeros((n, n)), None)
    agg = _aggregate(matrices, "mean", round_to_scale=False)
    analysed = np.nan_to_num(agg.values, nan=0.0)
    analysis = influence.analyse_influence(list(factor_ids), analysed, threshold=threshold)
    return InfluenceOverview(
        list(factor_ids), agg.values, agg.disagreement, agg.spread, agg.n_raters, analysis
    )


@dataclass
class ConsistencyOverview:
    projection_ids: list[str]
    aggregate: np.ndarray  # engine aggregate, NaN where nobody judged
    values: np.ndarray  # aggregate with the facilitator's resolutions applied
    disagreement: np.ndarray
    spread: np.ndarray
    n_raters: np.ndarray
    cross: np.ndarray

    @property
    def open_pairs(self) -> int:
        """Pairs of different key factors that still have no value at all."""
        return int((np.isnan(self.values) & np.triu(self.cross, 1)).sum())

    def as_dict(self) -> dict:
        return {
            "projection_ids": self.projection_ids,
            "matrix": to_json(self.values),
            "aggregate": to_json(self.aggregate),
            "disagreement": to_json(self.disagreement, 3),
            "n_raters": self.n_raters.astype(int).tolist(),
            "open_pairs": self.open_pairs,
            "disputed": disputed_pairs(self.projection_ids, self.spread, self.disagreement, True),
        }


def consistency_overview(
    projection_ids: Sequence[str],
    cross: np.ndarray,
    matrices: Sequence[np.ndarray],
    resolutions: Mapping[tuple[str, str], float],
    *,
    method: str = "median",
) -> ConsistencyOverview:
    """Aggregate of the raters' symmetric matrices (aligned to ``projection_ids``), with the
    facilitator's resolution of a pair replacing the aggregate of that pair."""
    n = len(projection_ids)
    if matrices:
        agg = _aggregate(matrices, method, round_to_scale=True)
        aggregate, disagreement, spread, n_raters = (
            agg.values,
            agg.disagreement,
            agg.spread,
            agg.n_raters,
        )
    else:
        aggregate = np.full((n, n), np.nan)
        disagreement, spread, n_raters = aggregate.copy(), aggregate.copy(), np.zeros((n, n))
    aggregate = np.where(cross, aggregate, np.nan)
    values = aggregate.copy()
    index = {p: k for k, p in enumerate(projection_ids)}
    for (a, b), value in resolutions.items():
        if a in index and b in index and cross[index[a], index[b]]:
            values[index[a], index[b]] = values[index[b], index[a]] = float(value)
    return ConsistencyOverview(
        list(projection_ids), aggregate, values, disagreement, spread, n_raters, cross
    )


def disputed_pairs(
    ids: Sequence[str], spread: np.ndarray, disagreement: np.ndarray, symmetric: bool
) -> list[dict]:
    """Pairs on which raters are at least ``DISPUTED_SPREAD`` steps apart, most disputed
    first (ties: position in the matrix). A symmetric matrix lists each pair once."""
    found = []
    n = len(ids)
    for i in range(n):
        for j in range(i + 1 if symmetric else 0, n):
            if i == j or np.isnan(spread[i, j]) or spread[i, j] < DISPUTED_SPREAD:
                continue
            found.append(
                {
                    "a": ids[i],
                    "b": ids[j],
                    "spread": float(spread[i, j]),
                    "disagreement": round(float(disagreement[i, j]), 3),
                }
            )
    found.sort(key=lambda d: (-d["disagreement"], -d["spread"]))
    return found
