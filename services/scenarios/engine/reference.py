"""Straightforward full-enumeration references and random test models.

These walk the whole product space in NumPy chunks. They exist to check the branch and bound
(tests: exact search == brute force wherever brute force finishes) and as the baseline in
``bench/scenario_engine.py``. Never use them on real projects: the space grows as prod(V_i).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .cib import CIBModel
from .consistency import ConsistencyModel, Scale

CHUNK = 1 << 18


def _digits(start: int, stop: int, radices: np.ndarray) -> np.ndarray:
    """Mixed-radix digits (first position least significant) of the codes start..stop-1."""
    codes = np.arange(start, stop, dtype=np.int64)
    out = np.empty((codes.shape[0], radices.shape[0]), dtype=np.int64)
    for j, r in enumerate(radices):
        out[:, j] = codes % r
        codes //= r
    return out


def brute_force_cib(model: CIBModel, max_ic: float = 0) -> np.ndarray:
    """All scenarios with IC <= max_ic by scoring every scenario (rows sorted by signature)."""
    nv, off = model.n_variants, model.offsets
    total = model.n_scenarios
    found = []
    for start in range(0, total, CHUNK):
        s = _digits(start, min(total, start + CHUNK), nv)
        bal = np.zeros((s.shape[0], model.matrix.shape[0]), dtype=model.matrix.dtype)
        for j in range(len(nv)):
            bal += model.matrix[off[j] + s[:, j]]
        ic = np.zeros(s.shape[0], dtype=bal.dtype)
        rows = np.arange(s.shape[0])
        for j in range(len(nv)):
            block = bal[:, off[j] : off[j] + nv[j]]
            ic = np.maximum(ic, block.max(axis=1) - block[rows, s[:, j]])
        found.append(s[ic <= max_ic])
    return np.concatenate(found) if found else np.zeros((0, len(nv)), dtype=np.int64)


def brute_force_bundles(
    model: ConsistencyModel,
    top: int | None = None,
    *,
    min_sum: float | None = None,
    max_partial: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Score every bundle; drop total inconsistencies; rank like ``search_bundles``.

    Returns (bundles, sums, partial_inconsistencies) of the top ``top`` (or all >= min_sum).
    Plausibility is not used here (the reference ranks by sum, PI, indices).
    """
    m, off = model.n_projections, model.offsets
    n = len(m)
    total = model.n_bundles
    best_b = np.zeros((0, n), dtype=np.int64)
    best_s = np.zeros(0, dtype=model.values.dtype)
    best_p = np.zeros(0, dtype=np.int64)
    tiv, piv = model.scale.total_inconsistency, model.scale.partial_inconsistency
    for start in range(0, total, CHUNK):
        b = _digits(start, min(total, start + CHUNK), m)
        g = b + off[None, :]
        s = np.zeros(b.shape[0], dtype=model.values.dtype)
        ti = np.zeros(b.shape[0], dtype=np.int64)
        pi = np.zeros(b.shape[0], dtype=np.int64)
        for k in range(n):
            for l_ in range(k + 1, n):
                v = model.values[g[:, k], g[:, l_]]
                s += v
                ti += v == tiv
                if piv is not None:
                    pi += v == piv
        keep = ti == 0
        if max_partial is not None:
            keep &= pi <= max_partial
        if min_sum is not None:
            keep &= s >= min_sum
        b, s, pi = b[keep], s[keep], pi[keep]
        best_b = np.concatenate([best_b, b])
        best_s = np.concatenate([best_s, s])
        best_p = np.concatenate([best_p, pi])
        idx = np.lexsort([best_b[:, j] for j in range(n - 1, -1, -1)] + [best_p, -best_s])
        if top is not None:
            idx = idx[:top]
        best_b, best_s, best_p = best_b[idx], best_s[idx], best_p[idx]
    return best_b, best_s, best_p


# ----------------------------------------------------------------------------------------------
# random models (benchmarks and property tests)


def random_cib_model(
    n_variants: Sequence[int], seed: int, *, density: float = 0.6, scale: int = 3
) -> CIBModel:
    """A random CIB matrix with integer impacts in -scale..scale, ``density`` of them non-zero."""
    rng = np.random.default_rng(seed)
    n = int(sum(n_variants))
    mat = rng.integers(-scale, scale + 1, size=(n, n)) * (rng.random((n, n)) < density)
    return CIBModel.build(
        [f"D{i + 1}" for i in range(len(n_variants))],
        [[f"D{i + 1}.{k + 1}" for k in range(v)] for i, v in enumerate(n_variants)],
        mat,
    )


def random_consistency_model(
    n_projections: Sequence[int],
    seed: int,
    *,
    structured: bool = True,
    themes: int = 3,
    noise: float = 0.8,
    p_total: float = 0.05,
) -> ConsistencyModel:
    """A random 1-5 consistency matrix.

    ``structured`` (realistic): each projection leans towards a few latent scenario themes and
    the judgement of a pair follows how well their themes agree plus rater noise, as in real
    workshops where projections of opposing futures conflict. About ``p_total`` of the pairs
    end up as total inconsistencies (value 1). Otherwise values are i.i.d. with the same
    marginal shares (a harder, unrealistic case without any structure).
    """
    rng = np.random.default_rng(seed)
    total = int(sum(n_projections))
    fac = np.repeat(np.arange(len(n_projections)), n_projections)
    cross = fac[:, None] != fac[None, :]
    if structured:
        lat = rng.normal(size=(total, themes))
        lat /= np.linalg.norm(lat, axis=1, keepdims=True)
        raw = lat @ lat.T + noise * rng.normal(size=(total, total))
        raw = (raw + raw.T) / 2
    else:
        raw = rng.normal(size=(total, total))
        raw = (raw + raw.T) / 2
    vals = raw[cross]
    # share of the scale values in realistic matrices: few 1s and 5s, neutral is most common
    shares = np.array([p_total, 0.15, 0.45, 0.25, 0.10 - p_total + 0.05])
    shares = shares / shares.sum()
    cuts = np.quantile(vals, np.cumsum(shares)[:-1])
    v = np.ones((total, total), dtype=np.int64)
    v[cross] = 1 + np.searchsorted(cuts, vals)
    v = np.where(cross, v, 0)
    v = np.triu(v, 1) + np.triu(v, 1).T
    return ConsistencyModel.build(
        [f"K{i + 1}" for i in range(len(n_projections))],
        [[f"K{i + 1}.{k + 1}" for k in range(m)] for i, m in enumerate(n_projections)],
        v,
        Scale(),
    )
