"""Influence analysis (Vester / Gausemeier) and MICMAC (Godet).

Direct measures on an influence matrix A (0-3, row i = how strongly factor i changes factor j):
active sum AS_i (row sum), passive sum PS_i (column sum), impulse index IMP = AS/PS and
dynamics index DYN = AS*PS, and the system grid (active / reactive / critical / inert) split at
the mean or the median. Indirect measures: MICMAC row/column sums of A^k, normalised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

ROLES = {
    (True, False): "active",  # aktiv: drives the system, little driven
    (False, True): "reactive",  # reaktiv: indicator, driven by others
    (True, True): "critical",  # kritisch: drives and is driven (amplifier)
    (False, False): "inert",  # träge: buffering, weakly linked
}


def impulse_index(active: float, passive: float) -> float:
    """AS/PS. PS = 0 and AS > 0: +inf (a pure driver). Both 0: 0 (an isolated factor has no
    impulse; the open implementations leave this undefined)."""
    if passive == 0:
        return float("inf") if active > 0 else 0.0
    return float(active) / float(passive)


@dataclass
class MicmacResult:
    influence: np.ndarray  # normalised to sum 1 (row sums of A^k / total)
    dependence: np.ndarray  # normalised to sum 1 (column sums of A^k / total)
    power: int  # power reached
    converged: bool  # ranking stable (see micmac)
    method: str  # "power" (fixed k), "stable" or "cesaro" (no stable ranking within max_power)


def _ranking(v: np.ndarray, decimals: int = 9) -> tuple[int, ...]:
    """Descending ranking with ties broken by index (rounded so float noise cannot reorder)."""
    r = np.round(v, decimals)
    return tuple(sorted(range(len(v)), key=lambda i: (-r[i], i)))


def micmac(
    matrix: Sequence[Sequence[float]] | np.ndarray,
    power: int | None = None,
    *,
    max_power: int = 12,
    patience: int = 2,
) -> MicmacResult:
    """Indirect influence/dependence from powers of the direct matrix.

    ``power=k`` returns exactly the normalised row/column sums of A^k (networkx's ``micmac``).
    Without ``power`` the powers are taken until the influence *and* dependence rankings stay the
    same for ``patience`` consecutive powers (Godet: usually after 3-5). Powers are normalised at
    every step (no overflow). If the rankings never settle — e.g. a 3-cycle makes the sums
    oscillate with period 3, so consecutive powers disagree forever — the loop stops at
    ``max_power`` and returns the Cesàro mean of the normalised vectors (which converges for
    periodic sequences), flagged ``converged=False, method="cesaro"``. A nilpotent matrix (no
    cycles) stops at the last non-zero power.
    """
    a = np.asarray(matrix, dtype=np.float64)
    n = a.shape[0]
    if a.shape != (n, n):
        raise ValueError("influence matrix must be square")
    if (a < 0).any():
        raise ValueError("influence values must be >= 0")
    if power is not None and power < 1:
        raise ValueError("power must be >= 1")
    limit = power if power is not None else max_power
    cur = np.eye(n)
    infl_hist: list[np.ndarray] = []
    dep_hist: list[np.ndarray] = []
    stable_for = 0
    k = 0
    while k < limit:
        nxt = cur @ a
        total = nxt.sum()
        if total == 0:  # no paths of this length: the previous power is the last informative
            break
        cur = nxt / total  # normalise every step: entries would grow like rho(A)^k
        k += 1
        infl_hist.append(cur.sum(axis=1))
        dep_hist.append(cur.sum(axis=0))
        if power is None and k > 1:
            same = _ranking(infl_hist[-1]) == _ranking(infl_hist[-2]) and _ranking(
                dep_hist[-1]
            ) == _ranking(dep_hist[-2])
            stable_for = stable_for + 1 if same else 0
            if stable_for >= patience:
                return MicmacResult(infl_hist[-1], dep_hist[-1], k, True, "stable")
    if not infl_hist:
        z = np.zeros(n)
        return MicmacResult(z, z.copy(), 0, True, "power")
    if power is not None:
        return MicmacResult(infl_hist[-1], dep_hist[-1], k, k == power, "power")
    if k < limit:  # nilpotent: paths die out, the last power is final
        return MicmacResult(infl_hist[-1], dep_hist[-1], k, True, "stable")
    return MicmacResult(np.mean(infl_hist, axis=0), np.mean(dep_hist, axis=0), k, False, "cesaro")


@dataclass
class InfluenceAnalysis:
    factors: list[str]
    active: np.ndarray
    passive: np.ndarray
    impulse: np.ndarray  # may contain +inf
    dynamics: np.ndarray
    threshold: str
    active_threshold: float
    passive_threshold: float
    roles: list[str]
    micmac: MicmacResult

    def ranking(self, by: str = "dynamics") -> list[str]:
        """Factors ranked for key-factor selection (descending; ties by the next criteria and
        finally by input order)."""
        crit = {
            "active": (self.active, self.dynamics),
            "impulse": (self.impulse, self.active),
            "dynamics": (self.dynamics, self.active),
            "micmac": (self.micmac.influence, self.active),
        }
        if by not in crit:
            raise ValueError(f"rank by one of {sorted(crit)}")
        first, second = crit[by]
        idx = sorted(range(len(self.factors)), key=lambda i: (-first[i], -second[i], i))
        return [self.factors[i] for i in idx]

    def key_factors(
        self,
        top: int,
        by: str = "dynamics",
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
    ) -> list[str]:
        """Top factors by a criterion with a manual override (the judgement step)."""
        chosen = [f for f in include if f in self.factors]
        for f in self.ranking(by):
            if len(chosen) >= top:
                break
            if f not in chosen and f not in exclude:
                chosen.append(f)
        return chosen

    def as_dict(self, top: int | None = None, by: str = "dynamics") -> dict:
        def num(x: float) -> float | None:
            return None if np.isinf(x) else float(x)  # JSON has no infinity: null = +inf

        return {
            "factors": [
                {
                    "id": f,
                    "active_sum": float(self.active[i]),
                    "passive_sum": float(self.passive[i]),
                    "impulse_index": num(self.impulse[i]),
                    "dynamics_index": float(self.dynamics[i]),
                    "role": self.roles[i],
                    "micmac_influence": float(self.micmac.influence[i]),
                    "micmac_dependence": float(self.micmac.dependence[i]),
                }
                for i, f in enumerate(self.factors)
            ],
            "threshold": {
                "rule": self.threshold,
                "active": float(self.active_threshold),
                "passive": float(self.passive_threshold),
            },
            "micmac": {
                "power": self.micmac.power,
                "converged": self.micmac.converged,
                "method": self.micmac.method,
            },
            "rankings": {
                by_: self.ranking(by_) for by_ in ("active", "impulse", "dynamics", "micmac")
            },
            "key_factors": self.key_factors(top or len(self.factors), by),
        }


def analyse_influence(
    factors: Sequence[str],
    matrix: Sequence[Sequence[float]] | np.ndarray,
    *,
    threshold: str = "mean",
    power: int | None = None,
    max_power: int = 12,
) -> InfluenceAnalysis:
    """Direct and indirect influence measures and the system-grid roles.

    ``threshold="mean"`` splits at mean(AS) = mean(PS) = sum(A)/n (symmetric for both axes);
    ``"median"`` uses the medians of AS and PS (ISM-MICMAC convention). A factor is "high" on an
    axis when strictly above the threshold.
    """
    a = np.asarray(matrix, dtype=np.float64)
    n = len(factors)
    if a.shape != (n, n):
        raise ValueError(f"influence matrix must be {n}x{n}")
    if np.any(np.diag(a) != 0):
        a = a.copy()
        np.fill_diagonal(a, 0)  # a factor does not influence itself
    active = a.sum(axis=1)
    passive = a.sum(axis=0)
    impulse = np.array([impulse_index(x, y) for x, y in zip(active, passive, strict=True)])
    dynamics = active * passive
    if threshold == "mean":
        t_a = t_p = float(a.sum() / n) if n else 0.0
    elif threshold == "median":
        t_a, t_p = float(np.median(active)), float(np.median(passive))
    else:
        raise ValueError("threshold must be 'mean' or 'median'")
    roles = [ROLES[(bool(active[i] > t_a), bool(passive[i] > t_p))] for i in range(n)]
    mm = micmac(a, power, max_power=max_power)
    return InfluenceAnalysis(
        [str(f) for f in factors],
        active,
        passive,
        impulse,
        dynamics,
        threshold,
        t_a,
        t_p,
        roles,
        mm,
    )
