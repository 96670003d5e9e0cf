"""Realistic rating matrices for the scenarios tests (imported as ``scenarios_support``)."""

from __future__ import annotations

import numpy as np

from services.scenarios.engine.reference import random_consistency_model


def influence_matrix(n: int, seed: int) -> list[list[int | None]]:
    """0–3 with a few strong drivers and many weak links, as working groups rate."""
    rng = np.random.default_rng(seed)
    drive = rng.gamma(2.0, 1.0, size=n)
    raw = drive[:, None] * rng.random((n, n)) * 1.2
    values = np.clip(np.round(raw), 0, 3).astype(int)
    return [[None if i == j else int(values[i, j]) for j in range(n)] for i in range(n)]


def consistency_matrices(sizes: list[int], seed: int, raters: int) -> list[np.ndarray]:
    """A structured 1–5 matrix (scenario themes) and per further rater a variant where about
    one pair in ten is judged one step differently."""
    base = random_consistency_model(sizes, seed=seed).values.astype(float)
    fac = np.repeat(np.arange(len(sizes)), sizes)
    cross = fac[:, None] != fac[None, :]
    out = []
    rng = np.random.default_rng(seed + 1)
    for r in range(raters):
        m = base.copy()
        if r:
            upper = np.triu(cross, 1) & (rng.random(m.shape) < 0.1)
            m[upper] = np.clip(m[upper] + rng.choice([-1, 1], size=upper.sum()), 1, 5)
            m = np.triu(m, 1) + np.triu(m, 1).T
        m[~cross] = np.nan
        out.append(m)
    return out


def as_rows(m: np.ndarray) -> list[list[int | None]]:
    return [[None if np.isnan(v) else int(v) for v in row] for row in m]
