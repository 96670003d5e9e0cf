"""Several raters' matrices combined with the scenario engine (pure).

Influence: the raters' matrices are averaged per cell (the engine's ``aggregate_raters`` with
``mean``, not rounded: the influence analysis works on fractional sums) and analysed with
``influence.analyse_influence``; its ranking is the key-factor suggestion. Consistency: the
engine's ``aggregate_raters`` with the project's method (median by default, rounded back to
the integer scale so total and partial inconsistencies stay defined), then the facilitator's
resolutions of single pairs replace the aggregate. Disagreement is the engine's per-pair
standard deviation; a pair counts as disputed when raters are two or more scale steps apart,
until the facilitator resolves it: a resolved cell (influence) or pair (consistency) takes the
facilitator's value and leaves the list of disputes.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

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
    resolved: set[tuple[str, str]] = field(default_factory=set)

    def as_dict(self, top: int, rank_by: str) -> dict:
        analysis = self.analysis.as_dict(top, rank_by) if self.analysis is not None else None
        return {
            "factor_ids": self.factor_ids,
            "matrix": to_json(self.values, 3),
            "disagreement": to_json(self.disagreement, 3),
            "n_raters": self.n_raters.astype(int).tolist(),
            "analysis": analysis,
            "suggestion": analysis["key_factors"] if analysis else [],
            "disputed": disputed_pairs(
                self.factor_ids, self.spread, self.disagreement, False, self.resolved
            ),
        }


def influence_overview(
    factor_ids: Sequence[str],
    matrices: Sequence[np.ndarray],
    *,
    threshold: str = "mean",
    resolutions: Mapping[tuple[str, str], float] | None = None,
) -> InfluenceOverview:
    """Mean influence matrix of the raters (aligned to ``factor_ids``) and its analysis, with
    the facilitator's value of a resolved cell (source, target) replacing the mean.

    Cells nobody judged count as 0 (no influence) in the analysis; ``n_raters`` shows where
    that happened. Without any rater there is no analysis."""
    n = len(factor_ids)
    if not matrices or n == 0:
        empty = np.full((n, n), np.nan)
        return InfluenceOverview(list(factor_ids), empty, empty, empty, np.zeros((n, n)), None)
    agg = _aggregate(matrices, "mean", round_to_scale=False)
    values = agg.values.copy()
    index = {f: k for k, f in enumerate(factor_ids)}
    resolved = set()
    for (a, b), value in (resolutions or {}).items():
        if a in index and b in index and a != b:
            values[index[a], index[b]] = float(value)
            resolved.add((a, b))
    analysed = np.nan_to_num(values, nan=0.0)
    analysis = influence.analyse_influence(list(factor_ids), analysed, threshold=threshold)
    return InfluenceOverview(
        list(factor_ids), values, agg.disagreement, agg.spread, agg.n_raters, analysis, resolved
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
    resolved: set[tuple[str, str]] = field(default_factory=set)

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
            "disputed": disputed_pairs(
                self.projection_ids, self.spread, self.disagreement, True, self.resolved
            ),
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
    resolved = set()
    for (a, b), value in resolutions.items():
        if a in index and b in index and cross[index[a], index[b]]:
            values[index[a], index[b]] = values[index[b], index[a]] = float(value)
            resolved |= {(a, b), (b, a)}
    return ConsistencyOverview(
        list(projection_ids), aggregate, values, disagreement, spread, n_raters, cross, resolved
    )


def disputed_pairs(
    ids: Sequence[str],
    spread: np.ndarray,
    disagreement: np.ndarray,
    symmetric: bool,
    resolved: set[tuple[str, str]] | frozenset = frozenset(),
) -> list[dict]:
    """Pairs on which raters are at least ``DISPUTED_SPREAD`` steps apart and that the
    facilitator has not resolved, most disputed first (ties: position in the matrix). A
    symmetric matrix lists each pair once."""
    found = []
    n = len(ids)
    for i in range(n):
        for j in range(i + 1 if symmetric else 0, n):
            if i == j or np.isnan(spread[i, j]) or spread[i, j] < DISPUTED_SPREAD:
                continue
            if (ids[i], ids[j]) in resolved:
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


def with_rater_values(
    pairs: list[dict],
    ids: Sequence[str],
    by_rater: Mapping[str, np.ndarray],
    names: Mapping[str, str | None],
) -> list[dict]:
    """Each pair with every rater's own value of it under ``ratings``, side by side (None: not
    judged)."""
    index = {ident: k for k, ident in enumerate(ids)}
    out = []
    for pair in pairs:
        i, j = index[pair["a"]], index[pair["b"]]
        values = [
            {
                "rater": rater,
                "name": names.get(rater),
                "value": None if np.isnan(m[i, j]) else int(m[i, j]),
            }
            for rater, m in by_rater.items()
        ]
        out.append({**pair, "ratings": values})
    return out
