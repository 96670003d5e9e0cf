"""Scenario map: classical (Torgerson) multidimensional scaling of a distance matrix.

B = -1/2 J D∘D J with J = I - 11ᵀ/N; coordinates X = V Λ^{1/2} from the largest eigenpairs.
Orientation is made deterministic: each axis is flipped so that the first item with a non-zero
coordinate on it (the best-ranked bundle, usually) lies on the positive side. Equal eigenvalues
leave a rotation undetermined in principle; the eigen-solver is deterministic for a given input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class ScenarioMap:
    coordinates: np.ndarray  # (N, dims)
    eigenvalues: np.ndarray  # all eigenvalues of B, descending
    explained: float  # share of the positive eigenvalue mass shown by the map's axes
    stress: float  # Kruskal stress-1 of the map distances against the input distances


def classical_mds(distances: np.ndarray, dims: int = 2, tol: float = 1e-9) -> ScenarioMap:
    d = np.asarray(distances, dtype=np.float64)
    n = d.shape[0]
    if d.shape != (n, n) or not np.allclose(d, d.T):
        raise ValueError("distances must be a symmetric square matrix")
    if n == 0:
        return ScenarioMap(np.zeros((0, dims)), np.zeros(0), 0.0, 0.0)
    j = np.eye(n) - np.ones((n, n)) / n
    b = -0.5 * j @ (d**2) @ j
    vals, vecs = np.linalg.eigh((b + b.T) / 2)
    order = np.argsort(-vals, kind="stable")
    vals, vecs = vals[order], vecs[:, order]
    coords = np.zeros((n, dims))
    for a in range(min(dims, n)):
        if vals[a] > tol:
            coords[:, a] = vecs[:, a] * np.sqrt(vals[a])
    for a in range(dims):  # deterministic sign
        nz = np.nonzero(np.abs(coords[:, a]) > tol)[0]
        if nz.size and coords[nz[0], a] < 0:
            coords[:, a] = -coords[:, a]
    pos = vals[vals > tol]
    explained = float(np.clip(vals[:dims], 0, None).sum() / pos.sum()) if pos.size else 1.0
    md = np.sqrt(((coords[:, None, :] - coords[None, :, :]) ** 2).sum(axis=2))
    denom = (d**2).sum()
    stress = float(np.sqrt(((md - d) ** 2).sum() / denom)) if denom > 0 else 0.0
    return ScenarioMap(coords, vals, explained, stress)
