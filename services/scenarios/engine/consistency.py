"""Consistency analysis after Gausemeier / ScMI: projection bundles from a consistency matrix.

A bundle picks one projection per key factor. Its pairs (one per pair of key factors) are judged
on a consistency scale (default 1-5: 1 total inconsistency, 2 partial inconsistency, 3 neutral,
4 mutual support, 5 strong mutual support). A bundle with any total inconsistency is dropped;
the rest are ranked by consistency sum (desc), partial inconsistencies (asc), plausibility (desc,
when projections carry probabilities) and finally by projection indices (asc) so the order is
total and deterministic.

The search is an exact depth-first branch and bound over key factors (shared/scenario-methods.md
§1.6): forward checking removes projections that clash totally with the partial bundle, and the
bound  S + sum_{free l} max_{q in l, alive} (g[q] + h[q])  — g = value against the assigned
projections, h = best possible values against the key factors after l in the search order — is
admissible, so the top-k (or every bundle above a threshold) is found without ever building the
product space.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ._jit import njit, objmode, progress_callback, report_progress


@dataclass(frozen=True)
class Scale:
    """A consistency scale: its range and which values count as total/partial inconsistency."""

    min: float = 1
    max: float = 5
    total_inconsistency: float = 1
    partial_inconsistency: float | None = 2

    @property
    def neutral(self) -> float:
        return (self.min + self.max) / 2

    @classmethod
    def parse(cls, spec: Mapping | None) -> Scale:
        """Accept ``{min, max, total_inconsistency, partial_inconsistency}`` or a mapping from
        value to meaning (lowest value = total, next = partial), as in the ScenLab toy file."""
        if not spec:
            return cls()
        if "min" in spec or "max" in spec or "total_inconsistency" in spec:
            lo = float(spec.get("min", 1))
            hi = float(spec.get("max", 5))
            total = float(spec.get("total_inconsistency", lo))
            partial = spec.get("partial_inconsistency", total + 1)
            return cls(lo, hi, total, None if partial is None else float(partial))
        values = []
        for key in spec:
            try:
                values.append(float(key))
            except (TypeError, ValueError):
                continue  # e.g. a "note" entry
        if len(values) < 2:
            raise ValueError("a value->meaning scale needs at least two numeric values")
        values.sort()
        return cls(values[0], values[-1], values[0], values[1])

    def to_unit(self, x: np.ndarray | float) -> np.ndarray | float:
        """Map to [0, 1] (ScenLab's internal rescaling), for comparing projects across scales."""
        return (np.asarray(x, dtype=float) - self.min) / (self.max - self.min)


@dataclass(frozen=True)
class ConsistencyModel:
    """Key factors, their projections and the symmetric pairwise consistency values."""

    factors: tuple[str, ...]
    projections: tuple[tuple[str, ...], ...]
    values: np.ndarray  # (P, P) symmetric; own-factor blocks unused (0)
    scale: Scale
    probabilities: np.ndarray | None = None  # (P,) or None

    @property
    def n_projections(self) -> np.ndarray:
        return np.array([len(p) for p in self.projections], dtype=np.int64)

    @property
    def offsets(self) -> np.ndarray:
        m = self.n_projections
        return np.concatenate(([0], np.cumsum(m)[:-1])).astype(np.int64)

    @property
    def factor_of(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.factors)), self.n_projections).astype(np.int64)

    @property
    def n_pairs(self) -> int:
        n = len(self.factors)
        return n * (n - 1) // 2

    @property
    def n_bundles(self) -> int:
        return int(np.prod([len(p) for p in self.projections], dtype=object))

    def projection_names(self, bundle: Sequence[int]) -> list[str]:
        return [self.projections[k][int(i)] for k, i in enumerate(bundle)]

    @classmethod
    def build(
        cls,
        factors: Sequence[str],
        projections: Sequence[Sequence[str]],
        values: np.ndarray,
        scale: Scale | None = None,
        probabilities: Sequence[float] | None = None,
        *,
        asymmetric: str = "error",
    ) -> ConsistencyModel:
        """From a full (P, P) matrix. An asymmetric matrix is symmetrised by ``mean`` or ``min``
        (the cautious choice), or rejected (``error``, the default)."""
        projections_t = tuple(tuple(str(p) for p in ps) for ps in projections)
        if len(factors) != len(projections_t) or any(len(p) < 1 for p in projections_t):
            raise ValueError("every key factor needs at least one projection")
        total = sum(len(p) for p in projections_t)
        v = np.asarray(values, dtype=np.float64)
        if v.shape != (total, total):
            raise ValueError(f"consistency matrix must be {total}x{total}, got {v.shape}")
        scale = scale or Scale()
        fac = np.repeat(np.arange(len(projections_t)), [len(p) for p in projections_t])
        cross = fac[:, None] != fac[None, :]
        if np.isnan(v[cross]).any():
            raise ValueError("consistency matrix has missing pairs")
        if not np.array_equal(v[cross], v.T[cross]):
            if asymmetric == "mean":
                v = (v + v.T) / 2
            elif asymmetric == "min":
                v = np.minimum(v, v.T)
            else:
                raise ValueError("consistency matrix is not symmetric (use asymmetric=mean|min)")
        v = np.where(cross, v, 0.0)
        lo, hi = min(scale.min, scale.max), max(scale.min, scale.max)
        if ((v[cross] < lo) | (v[cross] > hi)).any():
            raise ValueError(f"values outside the scale {scale.min}..{scale.max}")
        vals = v.astype(np.int64) if np.all(v == np.round(v)) else v
        vals.setflags(write=False)
        probs = None
        if probabilities is not None:
            probs = np.asarray(probabilities, dtype=np.float64)
            if probs.shape != (total,) or (probs <= 0).any() or (probs > 1).any():
                raise ValueError("one probability in (0, 1] per projection is required")
        return cls(tuple(str(f) for f in factors), projections_t, vals, scale, probs)

    @classmethod
    def from_pairs(
        cls,
        factors: Sequence[str],
        projections: Sequence[Sequence[str]],
        pairs: Sequence[tuple[str, str, float]],
        scale: Scale | None = None,
        probabilities: Sequence[float] | None = None,
        *,
        missing: str = "error",
        asymmetric: str = "error",
    ) -> ConsistencyModel:
        """From ``(a, b, value)`` judgements naming projections (unique names required, or
        ``"factor:projection"``). A pair given in both directions with different values is an
        asymmetric judgement (see ``build``). Missing pairs are an error, or neutral with
        ``missing="neutral"``."""
        scale = scale or Scale()
        index: dict[str, int] = {}
        ambiguous: set[str] = set()
        pos = 0
        for f, ps in zip(factors, projections, strict=True):
            for p in ps:
                key = str(p)
                if key in index:
                    ambiguous.add(key)
                index[key] = pos
                index[f"{f}:{p}"] = pos
                pos += 1
        total = pos
        v = np.full((total, total), np.nan)

        def lookup(name: str) -> int:
            name = str(name)
            if name in ambiguous:
                raise ValueError(f"projection name {name!r} is ambiguous; use 'factor:projection'")
            if name not in index:
                raise ValueError(f"unknown projection {name!r}")
            return index[name]

        for a, b, value in pairs:
            i, j = lookup(a), lookup(b)
            if not np.isnan(v[i, j]) and v[i, j] != float(value):
                raise ValueError(f"pair {a!r}/{b!r} given twice with different values")
            v[i, j] = float(value)
        # one value per unordered pair is enough; fill the mirror where only one side is given
        mirror = np.isnan(v) & ~np.isnan(v.T)
        v[mirror] = v.T[mirror]
        fac = np.repeat(np.arange(len(projections)), [len(p) for p in projections])
        cross = fac[:, None] != fac[None, :]
        gaps = np.isnan(v) & cross
        if gaps.any():
            if missing == "neutral":
                v[gaps] = scale.neutral
            else:
                i, j = np.argwhere(gaps)[0]
                raise ValueError(
                    f"{int(gaps.sum()) // 2} pair(s) without a value, e.g. projection #{i} / #{j}"
                    " (pass missing='neutral' to treat them as neutral)"
                )
        return cls.build(factors, projections, v, scale, probabilities, asymmetric=asymmetric)


# ----------------------------------------------------------------------------------------------
# several raters


@dataclass
class Aggregate:
    values: np.ndarray  # aggregated (P, P)
    disagreement: np.ndarray  # population std per pair (P, P)
    spread: np.ndarray  # max - min per pair
    n_raters: np.ndarray  # raters who judged the pair


def aggregate_raters(
    matrices: Sequence[np.ndarray], method: str = "median", round_to_scale: bool = True
) -> Aggregate:
    """Combine several raters' matrices (NaN = not judged) into one, with a disagreement
    measure per pair. ``median`` is robust to a single outlier, ``min`` is the cautious choice
    (any rater's total inconsistency stays total), ``mean`` is the plain average. Rounding keeps
    the integer scale so that total/partial inconsistencies stay well defined (halves round
    towards the lower, i.e. more cautious, value)."""
    stack = np.stack([np.asarray(m, dtype=np.float64) for m in matrices])
    if method == "median":
        agg = np.nanmedian(stack, axis=0)
    elif method == "mean":
        agg = np.nanmean(stack, axis=0)
    elif method == "min":
        agg = np.nanmin(stack, axis=0)
    else:
        raise ValueError(f"unknown method {method!r}")
    if round_to_scale:
        agg = np.ceil(agg - 0.5)
    return Aggregate(
        values=agg,
        disagreement=np.nanstd(stack, axis=0),
        spread=np.nanmax(stack, axis=0) - np.nanmin(stack, axis=0),
        n_raters=np.sum(~np.isnan(stack), axis=0),
    )


# ----------------------------------------------------------------------------------------------
# bundle metrics


@dataclass
class BundleScores:
    sum: np.ndarray
    mean: np.ndarray
    total_inconsistencies: np.ndarray
    partial_inconsistencies: np.ndarray
    plausibility: np.ndarray | None


def score_bundles(model: ConsistencyModel, bundles: np.ndarray) -> BundleScores:
    """Metrics of given bundles (rows of local projection indices), straight from the pairs."""
    b = np.atleast_2d(np.asarray(bundles, dtype=np.int64))
    g = b + model.offsets[None, :]
    n = b.shape[1]
    s = np.zeros(b.shape[0], dtype=model.values.dtype)
    ti = np.zeros(b.shape[0], dtype=np.int64)
    pi = np.zeros(b.shape[0], dtype=np.int64)
    for k in range(n):
        for m in range(k + 1, n):
            v = model.values[g[:, k], g[:, m]]
            s += v
            ti += v == model.scale.total_inconsistency
            if model.scale.partial_inconsistency is not None:
                pi += v == model.scale.partial_inconsistency
    plaus = None
    if model.probabilities is not None:
        plaus = np.prod(model.probabilities[g], axis=1)
    mean = s / model.n_pairs if model.n_pairs else s.astype(float)
    return BundleScores(s, mean, ti, pi, plaus)


# ----------------------------------------------------------------------------------------------
# exact branch and bound


def factor_order(model: ConsistencyModel, how: str = "spread") -> np.ndarray:
    """Search order of key factors. ``spread`` puts the factors whose projections differ most in
    their best achievable values first (decisions that move the bound most early), with many
    total inconsistencies as a tie-breaker; ``given`` keeps the file order."""
    n = len(model.factors)
    if how == "given":
        return np.arange(n, dtype=np.int64)
    if how != "spread":
        raise ValueError(f"unknown order {how!r}")
    v = model.values.astype(np.float64)
    off, m = model.offsets, model.n_projections
    score = np.zeros(n)
    conflicts = np.zeros(n)
    for k in range(n):
        rows = v[off[k] : off[k] + m[k]]
        best = np.zeros(m[k])
        for l_ in range(n):
            if l_ != k:
                best += rows[:, off[l_] : off[l_] + m[l_]].max(axis=1)
        score[k] = best.max() - best.min() if m[k] > 1 else 0.0
        conflicts[k] = (rows == model.scale.total_inconsistency).sum()
    return np.array(sorted(range(n), key=lambda k: (-score[k], -conflicts[k], k)), dtype=np.int64)


def _future_bounds(model: ConsistencyModel, order: np.ndarray) -> np.ndarray:
    """h[q] = sum over key factors later in the search order of max_r c(q, r)."""
    v = model.values
    off, m = model.offsets, model.n_projections
    depth = np.empty(len(order), dtype=np.int64)
    depth[order] = np.arange(len(order))
    h = np.zeros(v.shape[0], dtype=v.dtype)
    for k in range(len(order)):
        for l_ in range(len(order)):
            if depth[l_] > depth[k]:
                h[off[k] : off[k] + m[k]] += v[
                    off[k] : off[k] + m[k], off[l_] : off[l_] + m[l_]
                ].max(axis=1)
    return h


@njit
def _better(s1, p1, l1, b1, s2, p2, l2, b2, use_lp):
    """Ranking order: sum desc, partial inconsistencies asc, plausibility desc, indices asc."""
    if s1 != s2:
        return s1 > s2
    if p1 != p2:
        return p1 < p2
    if use_lp and l1 != l2:
        return l1 > l2
    for i in range(b1.shape[0]):
        if b1[i] != b2[i]:
            return b1[i] < b2[i]
    return False


@njit
def _bundle_bnb(
    vals, ti, pi, off, m, order, h, logp, use_lp, k_top, min_sum, max_partial, max_results, report
):
    """Returns (bundles, sums, pis, logps, count, nodes, overflow).

    k_top > 0: exact top-k; k_top <= 0: every bundle with sum >= min_sum (threshold mode).
    """
    n = order.shape[0]
    npj = vals.shape[0]
    mmax = 0
    for f in range(n):
        if m[f] > mmax:
            mmax = m[f]
    g = np.zeros(npj, dtype=vals.dtype)
    tic = np.zeros(npj, dtype=np.int64)
    pic = np.zeros(npj, dtype=np.int64)
    choice = np.full(n, -1, dtype=np.int64)
    cand = np.zeros((n, mmax), dtype=np.int64)
    ncand = np.zeros(n, dtype=np.int64)
    pos = np.full(n, -1, dtype=np.int64)
    applied = np.full(n, -1, dtype=np.int64)
    s_at = np.zeros(n + 1, dtype=vals.dtype)
    p_at = np.zeros(n + 1, dtype=np.int64)
    l_at = np.zeros(n + 1)
    top = k_top > 0
    cap = k_top if top else 256
    out_b = np.empty((cap, n), dtype=np.int64)
    out_s = np.empty(cap, dtype=vals.dtype)
    out_p = np.empty(cap, dtype=np.int64)
    out_l = np.empty(cap)
    count = 0
    worst = -1
    nodes = 0
    frac_w = np.ones(n)
    w = 1.0
    for d in range(n):
        w /= m[order[d]]
        frac_w[d] = w

    level = 0
    # candidates of the first factor, best bound first
    f0 = order[0]
    ncand[0] = 0
    for q in range(off[f0], off[f0] + m[f0]):
        cand[0, ncand[0]] = q
        ncand[0] += 1
    for a in range(1, ncand[0]):  # insertion sort by g + h desc, index asc
        x = cand[0, a]
        b = a - 1
        while b >= 0 and g[cand[0, b]] + h[cand[0, b]] < g[x] + h[x]:
            cand[0, b + 1] = cand[0, b]
            b -= 1
        cand[0, b + 1] = x

    while level >= 0:
        if applied[level] >= 0:  # undo the previous choice at this level
            q = applied[level]
            for t in range(npj):
                g[t] -= vals[q, t]
                tic[t] -= ti[q, t]
                pic[t] -= pi[q, t]
            applied[level] = -1
            choice[order[level]] = -1
        pos[level] += 1
        if pos[level] >= ncand[level]:
            pos[level] = -1
            level -= 1
            continue
        q = cand[level, pos[level]]
        f = order[level]
        s_new = s_at[level] + g[q]
        p_new = p_at[level] + pic[q]
        l_new = l_at[level] + logp[q]
        if p_new > max_partial:
            continue
        for t in range(npj):
            g[t] += vals[q, t]
            tic[t] += ti[q, t]
            pic[t] += pi[q, t]
        applied[level] = q
        choice[f] = q - off[f]
        nodes += 1
        if report and (nodes & 0x3FFFFF) == 0:
            frac = 0.0
            for d in range(level + 1):
                frac += pos[d] * frac_w[d]
            with objmode():
                report_progress(1, nodes, frac)
        if level + 1 == n:
            # complete bundle: total inconsistencies are excluded by construction
            if top:
                if count < cap:
                    out_b[count, :] = choice
                    out_s[count] = s_new
                    out_p[count] = p_new
                    out_l[count] = l_new
                    count += 1
                    if count == cap:
                        worst = 0
                        for i in range(1, count):
                            if _better(
                                out_s[worst],
                                out_p[worst],
                                out_l[worst],
                                out_b[worst],
                                out_s[i],
                                out_p[i],
                                out_l[i],
                                out_b[i],
                                use_lp,
                            ):
                                worst = i
                elif _better(
                    s_new,
                    p_new,
                    l_new,
                    choice,
                    out_s[worst],
                    out_p[worst],
                    out_l[worst],
                    out_b[worst],
                    use_lp,
                ):
                    out_b[worst, :] = choice
                    out_s[worst] = s_new
                    out_p[worst] = p_new
                    out_l[worst] = l_new
                    worst = 0
                    for i in range(1, count):
                        if _better(
                            out_s[worst],
                            out_p[worst],
                            out_l[worst],
                            out_b[worst],
                            out_s[i],
                            out_p[i],
                            out_l[i],
                            out_b[i],
                            use_lp,
                        ):
                            worst = i
            elif s_new >= min_sum:
                if count == cap:
                    if cap >= max_results:
                        return (
                            out_b[:count],
                            out_s[:count],
                            out_p[:count],
                            out_l[:count],
                            count,
                            nodes,
                            True,
                        )
                    cap = min(cap * 2, max_results)
                    nb = np.empty((cap, n), dtype=np.int64)
                    nb[:count] = out_b[:count]
                    out_b = nb
                    ns = np.empty(cap, dtype=vals.dtype)
                    ns[:count] = out_s[:count]
                    out_s = ns
                    npi = np.empty(cap, dtype=np.int64)
                    npi[:count] = out_p[:count]
                    out_p = npi
                    nl = np.empty(cap)
                    nl[:count] = out_l[:count]
                    out_l = nl
                out_b[count, :] = choice
                out_s[count] = s_new
                out_p[count] = p_new
                out_l[count] = l_new
                count += 1
            continue
        # bound over the free key factors
        ub = s_new
        pi_lb = p_new
        dead = False
        for d in range(level + 1, n):
            ff = order[d]
            best = vals[0, 0]
            seen = False
            min_pi = 1 << 40
            for r in range(off[ff], off[ff] + m[ff]):
                if tic[r] == 0:
                    val = g[r] + h[r]
                    if not seen or val > best:
                        best = val
                    seen = True
                    if pic[r] < min_pi:
                        min_pi = pic[r]
            if not seen:  # forward check: this key factor has no compatible projection left
                dead = True
                break
            ub += best
            pi_lb += min_pi
        if dead or pi_lb > max_partial or ub < min_sum:
            continue
        # top-k full: a subtree that cannot beat the current k-th bundle is cut
        if (
            top
            and count == cap
            and (ub < out_s[worst] or (ub == out_s[worst] and pi_lb > out_p[worst]))
        ):
            continue
        s_at[level + 1] = s_new
        p_at[level + 1] = p_new
        l_at[level + 1] = l_new
        level += 1
        ff = order[level]
        ncand[level] = 0
        for r in range(off[ff], off[ff] + m[ff]):
            if tic[r] == 0:
                cand[level, ncand[level]] = r
                ncand[level] += 1
        for a in range(1, ncand[level]):
            x = cand[level, a]
            b = a - 1
            while b >= 0 and g[cand[level, b]] + h[cand[level, b]] < g[x] + h[x]:
                cand[level, b + 1] = cand[level, b]
                b -= 1
            cand[level, b + 1] = x
        pos[level] = -1
        applied[level] = -1
    return out_b[:count], out_s[:count], out_p[:count], out_l[:count], count, nodes, False


@dataclass
class BundleResult:
    model: ConsistencyModel
    bundles: np.ndarray  # (K, n) local projection indices, ranked
    sums: np.ndarray
    partial_inconsistencies: np.ndarray
    plausibility: np.ndarray | None  # P(b) = prod of projection probabilities
    p_values: np.ndarray | None  # P(b) / sum over the returned bundles
    nodes: int
    seconds: float

    def __len__(self) -> int:
        return int(self.bundles.shape[0])

    @property
    def means(self) -> np.ndarray:
        # per pair, so the mean stays inside the scale (ScenLab's "per projection" wording
        # contradicts its own claim that the mean stays within the scale limits)
        return self.sums / self.model.n_pairs if self.model.n_pairs else self.sums * 0.0

    def as_dict(self) -> dict:
        rows = []
        for i, b in enumerate(self.bundles):
            row = {
                "projections": self.model.projection_names(b),
                "sum": _num(self.sums[i]),
                "mean": float(self.means[i]),
                "total_inconsistencies": 0,
                "partial_inconsistencies": int(self.partial_inconsistencies[i]),
            }
            if self.plausibility is not None:
                row["plausibility"] = float(self.plausibility[i])
                row["p_value"] = float(self.p_values[i])
            rows.append(row)
        return {"bundles": rows}


def _num(x: float | np.generic) -> int | float:
    f = float(x)
    return int(f) if f == int(f) else f


class ResultLimitExceeded(RuntimeError):
    """More bundles above the threshold than the caller allowed."""


def search_bundles(
    model: ConsistencyModel,
    top: int | None = 100,
    *,
    min_sum: float | None = None,
    max_partial: int | None = None,
    order: str | Sequence[int] = "spread",
    max_results: int = 1_000_000,
    progress: Callable[[str, int, float], None] | None = None,
) -> BundleResult:
    """Exact bundle search.

    ``top=k``: the k best bundles without total inconsistency (and with at most ``max_partial``
    partial inconsistencies). ``top=None`` with ``min_sum``: every such bundle whose consistency
    sum is at least ``min_sum`` (threshold mode, guarded by ``max_results``).
    """
    if top is None and min_sum is None:
        raise ValueError("give top=k or a min_sum threshold")
    if top is not None and top < 1:
        raise ValueError("top must be >= 1")
    t0 = time.perf_counter()
    if isinstance(order, str):
        order_arr = factor_order(model, order)
    else:
        order_arr = np.asarray(order, dtype=np.int64)
        if sorted(order_arr.tolist()) != list(range(len(model.factors))):
            raise ValueError("order must be a permutation of the key factors")
    vals = model.values
    fac = model.factor_of
    cross = fac[:, None] != fac[None, :]
    ti = ((vals == model.scale.total_inconsistency) & cross).astype(np.int64)
    if model.scale.partial_inconsistency is None:
        pi = np.zeros_like(ti)
    else:
        pi = ((vals == model.scale.partial_inconsistency) & cross).astype(np.int64)
    h = _future_bounds(model, order_arr)
    use_lp = model.probabilities is not None
    logp = np.log(model.probabilities) if use_lp else np.zeros(vals.shape[0])
    if vals.dtype.kind == "i":
        lo = -(2**62) if min_sum is None else math.ceil(min_sum)
    else:
        lo = -np.inf if min_sum is None else float(min_sum)
    mp = 2**40 if max_partial is None else int(max_partial)
    with progress_callback(progress):
        b, s, p, lp, count, nodes, overflow = _bundle_bnb(
            vals,
            ti,
            pi,
            model.offsets,
            model.n_projections,
            order_arr,
            h,
            logp,
            use_lp,
            0 if top is None else int(top),
            vals.dtype.type(lo),
            mp,
            max_results,
            progress is not None,
        )
    if overflow:
        raise ResultLimitExceeded(f"more than {max_results} bundles reach min_sum={min_sum}")
    b, s, p, lp = b[:count], s[:count], p[:count], lp[:count]
    keys = [b[:, j] for j in range(b.shape[1] - 1, -1, -1)]
    if use_lp:
        keys.append(-lp)
    keys += [p, -s]
    idx = np.lexsort(keys) if count else np.zeros(0, dtype=np.int64)
    b, s, p, lp = b[idx], s[idx], p[idx], lp[idx]
    plaus = pval = None
    if use_lp:
        plaus = np.exp(lp)
        total = plaus.sum()
        pval = plaus / total if total > 0 else plaus
    return BundleResult(model, b, s, p, plaus, pval, int(nodes), time.perf_counter() - t0)
