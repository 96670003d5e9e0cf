"""Raw scenarios: hierarchical clustering of the best bundles by Hamming distance.

The distance between two bundles (or CIB scenarios) is the share of key factors on which they
pick different projections (normalised Hamming; equal to WWI2021G's U/(2A+U) for complete
bundles). Clustering uses SciPy's agglomerative linkage on that exact distance matrix — note
that the open WWI2021G implementation updates its distance matrix incorrectly; do not copy it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

LINKAGES = ("average", "complete", "single", "weighted", "ward")


def hamming_matrix(items: np.ndarray, weights: Sequence[float] | None = None) -> np.ndarray:
    """Pairwise (weighted) normalised Hamming distances between rows of variant indices."""
    x = np.atleast_2d(np.asarray(items, dtype=np.int64))
    n_items, n_f = x.shape
    w = np.ones(n_f) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (n_f,) or (w < 0).any() or w.sum() == 0:
        raise ValueError("one non-negative weight per key factor, not all zero")
    d = np.zeros((n_items, n_items))
    for k in range(n_f):
        d += w[k] * (x[:, k][:, None] != x[:, k][None, :])
    return d / w.sum()


def silhouette(dist: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette width for a precomputed distance matrix (0 for a single cluster)."""
    labels = np.asarray(labels)
    uniq = np.unique(labels)
    n = len(labels)
    if len(uniq) < 2 or len(uniq) >= n:
        return 0.0
    s = np.zeros(n)
    for i in range(n):
        own = labels == labels[i]
        if own.sum() == 1:
            continue  # singleton: silhouette 0 by convention
        a = dist[i, own].sum() / (own.sum() - 1)
        b = min(dist[i, labels == c].mean() for c in uniq if c != labels[i])
        s[i] = 0.0 if max(a, b) == 0 else (b - a) / max(a, b)
    return float(s.mean())


@dataclass
class Clustering:
    labels: np.ndarray  # cluster 1..K per item; cluster 1 holds the first (best-ranked) item
    linkage: np.ndarray  # SciPy linkage matrix (dendrogram data)
    method: str
    silhouette: float
    silhouette_by_k: dict[int, float]
    suggested_k: int
    distances: np.ndarray

    def dendrogram(self) -> list[dict]:
        """Merge steps: clusters a and b (ids < n are items) merge at ``height`` into ``id``."""
        n = self.linkage.shape[0] + 1
        return [
            {"id": n + i, "a": int(r[0]), "b": int(r[1]), "height": float(r[2]), "size": int(r[3])}
            for i, r in enumerate(self.linkage)
        ]


def cut_exact(z: np.ndarray, k: int) -> np.ndarray:
    """Labels of the tree ``z`` cut into exactly ``k`` clusters (clamped to 1..n).

    Why not ``fcluster(z, k, "maxclust")``: it cuts at a height, and when several merges
    share that height (Hamming distances tie often) it can only take all of them or none, so
    it returns fewer than ``k`` clusters. Here the first n − k merges are applied in the
    tree's own order, which gives exactly ``k`` (the linkages used here are monotone, so these
    are the lowest merges)."""
    n = z.shape[0] + 1
    k = max(1, min(int(k), n))
    parent = list(range(2 * n - 1))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for step in range(n - k):
        a, b = int(z[step, 0]), int(z[step, 1])
        parent[root(a)] = n + step
        parent[root(b)] = n + step
    return np.array([root(i) for i in range(n)], dtype=np.int64)


def _relabel(labels: np.ndarray) -> np.ndarray:
    """Number clusters by first appearance so results do not depend on SciPy's ids."""
    mapping: dict[int, int] = {}
    for lab in labels:
        mapping.setdefault(int(lab), len(mapping) + 1)
    return np.array([mapping[int(lab)] for lab in labels], dtype=np.int64)


def cluster_bundles(
    items: np.ndarray,
    *,
    method: str = "average",
    n_clusters: int | None = None,
    height: float | None = None,
    max_k: int = 10,
    weights: Sequence[float] | None = None,
) -> Clustering:
    """Agglomerative clustering of bundles (rows of projection indices, ranked best first).

    Cut by ``n_clusters`` (exactly that many clusters, at most one per bundle) or by
    ``height``; with neither, the number of clusters with the best
    mean silhouette among 2..max_k is used (ties: fewer clusters) — a suggestion to be confirmed
    by the working group. ``ward`` assumes Euclidean distances; on Hamming distances it is a
    heuristic.
    """
    if method not in LINKAGES:
        raise ValueError(f"linkage must be one of {LINKAGES}")
    x = np.atleast_2d(np.asarray(items, dtype=np.int64))
    n = x.shape[0]
    if n < 2:
        raise ValueError("clustering needs at least two bundles")
    dist = hamming_matrix(x, weights)
    z = linkage(squareform(dist, checks=False), method=method)
    sil_by_k: dict[int, float] = {}
    for k in range(2, min(max_k, n - 1) + 1):
        sil_by_k[k] = silhouette(dist, cut_exact(z, k))
    suggested = max(sil_by_k, key=lambda k: (round(sil_by_k[k], 12), -k)) if sil_by_k else 1
    if height is not None:
        raw = fcluster(z, height, criterion="distance")
    else:
        raw = cut_exact(z, n_clusters or suggested)
    labels = _relabel(raw)
    return Clustering(labels, z, method, silhouette(dist, labels), sil_by_k, suggested, dist)


@dataclass
class RawScenario:
    cluster: int
    members: list[int]  # indices into the clustered items
    medoid: int  # member with the smallest total distance to the others (ties: best-ranked)
    shares: list[dict[str, float]]  # per key factor: projection -> share among members
    characteristic: list[str | None]  # per key factor: projection with share >= theta, if any


def raw_scenarios(
    items: np.ndarray,
    labels: np.ndarray,
    projections: Sequence[Sequence[str]],
    *,
    theta: float = 0.5,
    distances: np.ndarray | None = None,
) -> list[RawScenario]:
    """Profile of each cluster: share of every projection per key factor, medoid bundle and the
    characteristic projection (share >= theta; strictly more than half is unambiguous)."""
    x = np.atleast_2d(np.asarray(items, dtype=np.int64))
    dist = hamming_matrix(x) if distances is None else distances
    out = []
    for c in sorted(set(int(v) for v in labels)):
        members = [i for i, v in enumerate(labels) if int(v) == c]
        sub = dist[np.ix_(members, members)]
        medoid = members[int(np.argmin(sub.sum(axis=1)))]  # argmin: first (best-ranked) on ties
        shares, chars = [], []
        for k, names in enumerate(projections):
            counts = np.bincount(x[members, k], minlength=len(names))
            share = counts / len(members)
            shares.append({names[p]: float(share[p]) for p in range(len(names))})
            top = int(np.argmax(share))
            chars.append(names[top] if share[top] >= theta else None)
        out.append(RawScenario(c, members, medoid, shares, chars))
    return out
