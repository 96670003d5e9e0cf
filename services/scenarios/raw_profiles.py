"""Raw scenarios of a run: clusters of the best bundles, each with a profile that is itself one
of its bundles (pure).

The profile (``characteristic``) of a raw scenario names one projection per key factor: those
of the cluster's strongest bundle — the member with the best rank in the bundle search (highest
consistency sum; ties as the engine ranks them). Why not the majority per key factor (the
engine's ``RawScenario.characteristic``, kept here as ``majority``): a majority over all members,
weak ones included, can combine projections that no member bundle combines — even a pair the
raters called inconsistent — and it leaves a key factor out when no projection reaches the
threshold. The strongest bundle is consistent by construction, names every key factor, and the
profile of a one-bundle cluster is that bundle. The shares per key factor stay in the result,
so a reader still sees how firmly the cluster holds each projection.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from services.scenarios.engine import clustering

PROFILE_RULE = "strongest"  # named in the result, so a page can say which rule made a profile


def raw_scenarios(
    bundles: np.ndarray,
    labels: Sequence[int] | np.ndarray,
    projections: Sequence[Sequence[str]],
    *,
    theta: float = 0.5,
    distances: np.ndarray | None = None,
) -> list[dict[str, Any]]:
    """One raw scenario per cluster label. ``bundles``: rows of projection indices ranked best
    first (as ``consistency.search_bundles`` returns them); ``labels``: cluster 1..K per bundle.
    Members, medoid and strongest bundle are given as bundle ranks (1 = best)."""
    items = np.atleast_2d(np.asarray(bundles, dtype=np.int64))
    found = clustering.raw_scenarios(
        items, np.asarray(labels), projections, theta=theta, distances=distances
    )
    out = []
    for p in found:
        strongest = min(p.members)  # rows are ranked best first
        out.append(
            {
                "cluster": p.cluster,
                "size": len(p.members),
                "members": [m + 1 for m in p.members],
                "medoid": p.medoid + 1,
                "strongest": strongest + 1,
                "rule": PROFILE_RULE,
                "characteristic": [
                    names[int(v)] for names, v in zip(projections, items[strongest], strict=True)
                ],
                "majority": p.characteristic,
                "shares": p.shares,
            }
        )
    return out
