"""Cross-impact balance analysis (CIB, Weimer-Jehle / ScenarioWizard conventions).

Definitions (see shared/scenario-methods.md §2):

* impact score   theta_j(b|s) = sum_{i != j} C[(i, s_i), (j, b)]  (rows = impacting variant)
* consistent     theta_j(s_j|s) = max_b theta_j(b|s) for every descriptor j (ties allowed)
* IC(s)          max_j [max_b theta_j(b|s) - theta_j(s_j|s)]
* TIS(s)         sum_j theta_j(s_j|s)
* CV(s)          min_j [theta_j(s_j|s) - max_{b != s_j} theta_j(b|s)]  (ScenarioWizard .sl column 3)

The complete set of scenarios with IC <= k is found by an exact depth-first branch and bound that
never materialises the product space; basins of global succession are counted over the full
space with a size guard.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ._jit import njit, objmode, progress_callback, report_progress

FLOAT32_SATURATION = 2**24  # ScenarioWizard stores volume weights as float32


@dataclass(frozen=True)
class CIBModel:
    """Descriptors with variants and the cross-impact matrix (rows = impacting variant)."""

    descriptors: tuple[str, ...]
    variants: tuple[tuple[str, ...], ...]
    matrix: np.ndarray  # (N, N), own-descriptor blocks set to zero

    @classmethod
    def build(
        cls,
        descriptors: Sequence[str],
        variants: Sequence[Sequence[str]],
        matrix: Sequence[Sequence[float]] | np.ndarray,
    ) -> CIBModel:
        variants_t = tuple(tuple(str(v) for v in vs) for vs in variants)
        if len(descriptors) != len(variants_t):
            raise ValueError("one variant list per descriptor is required")
        if any(len(vs) < 1 for vs in variants_t):
            raise ValueError("every descriptor needs at least one variant")
        n = sum(len(vs) for vs in variants_t)
        m = np.asarray(matrix, dtype=np.float64)
        if m.shape != (n, n):
            raise ValueError(f"matrix must be {n}x{n} (variants in order), got {m.shape}")
        if not np.all(np.isfinite(m)):
            raise ValueError("matrix contains non-finite values")
        # Integer judgements are the norm; keep them exact as int64. Fractional (aggregated)
        # matrices stay float64 and run through the same kernels.
        mat = m.astype(np.int64) if np.all(m == np.round(m)) else m
        mat = mat.copy()
        off = 0
        for vs in variants_t:  # own-descriptor blocks carry no meaning in CIB: ignore them
            mat[off : off + len(vs), off : off + len(vs)] = 0
            off += len(vs)
        mat.setflags(write=False)
        return cls(tuple(str(d) for d in descriptors), variants_t, mat)

    @property
    def n_variants(self) -> np.ndarray:
        return np.array([len(v) for v in self.variants], dtype=np.int64)

    @property
    def offsets(self) -> np.ndarray:
        nv = self.n_variants
        return np.concatenate(([0], np.cumsum(nv)[:-1])).astype(np.int64)

    @property
    def n_scenarios(self) -> int:
        return int(np.prod([len(v) for v in self.variants], dtype=object))

    def scenario_from_ids(self, ids: Sequence[str]) -> np.ndarray:
        """Variant indices from variant ids (one per descriptor, in descriptor order)."""
        if len(ids) != len(self.variants):
            raise ValueError("one variant per descriptor is required")
        return np.array([self.variants[j].index(str(v)) for j, v in enumerate(ids)], np.int64)

    def scenario_ids(self, scenario: Sequence[int]) -> list[str]:
        return [self.variants[j][int(v)] for j, v in enumerate(scenario)]


# ----------------------------------------------------------------------------------------------
# scores


def impact_balances(model: CIBModel, scenarios: np.ndarray) -> np.ndarray:
    """Impact balances theta for one scenario (shape (N,)) or many (shape (K, N))."""
    s = np.asarray(scenarios, dtype=np.int64)
    single = s.ndim == 1
    s2 = s.reshape(1, -1) if single else s
    rows = s2 + model.offsets[None, :]
    out = np.zeros((s2.shape[0], model.matrix.shape[0]), dtype=model.matrix.dtype)
    for chunk in range(0, s2.shape[0], 4096):  # bounded temporary memory
        out[chunk : chunk + 4096] = model.matrix[rows[chunk : chunk + 4096]].sum(axis=1)
    return out[0] if single else out


@dataclass
class ScenarioScores:
    balances: np.ndarray  # (K, N)
    tis: np.ndarray  # (K,)
    cv: np.ndarray  # (K,)
    ic: np.ndarray  # (K,)
    descriptor_ic: np.ndarray  # (K, D)


def score_scenarios(model: CIBModel, scenarios: np.ndarray) -> ScenarioScores:
    """TIS, CV, IC and per-descriptor inconsistency for each scenario (rows of ``scenarios``)."""
    s = np.atleast_2d(np.asarray(scenarios, dtype=np.int64))
    k, d = s.shape
    bal = impact_balances(model, s) if k else np.zeros((0, model.matrix.shape[0]))
    off, nv = model.offsets, model.n_variants
    tis = np.zeros(k, dtype=bal.dtype)
    cv = np.full(k, np.inf)
    dic = np.zeros((k, d), dtype=bal.dtype)
    for j in range(d):
        block = bal[:, off[j] : off[j] + nv[j]]
        own = block[np.arange(k), s[:, j]]
        tis += own
        dic[:, j] = block.max(axis=1) - own
        if nv[j] > 1:  # CV needs a rival; one-variant descriptors have none
            rivals = block.astype(np.float64).copy()
            rivals[np.arange(k), s[:, j]] = -np.inf
            cv = np.minimum(cv, own - rivals.max(axis=1))
    cv = np.where(np.isinf(cv), 0, cv)
    ic = dic.max(axis=1) if d else np.zeros(k)
    if np.issubdtype(bal.dtype, np.integer):
        cv = cv.astype(np.int64)
    return ScenarioScores(bal, tis, cv, ic, dic)


# ----------------------------------------------------------------------------------------------
# exact branch and bound


def descriptor_order(model: CIBModel, how: str = "coupling") -> np.ndarray:
    """Search order of descriptors.

    ``coupling`` puts the descriptors whose own balance is most decided by the others (largest
    spread of incoming impacts) and whose rows decide most about the others first, so the
    difference bounds become tight early. ``given`` keeps the file order.
    """
    d = len(model.variants)
    if how == "given":
        return np.arange(d, dtype=np.int64)
    if how != "coupling":
        raise ValueError(f"unknown order {how!r}")
    m = np.abs(model.matrix.astype(np.float64))
    off, nv = model.offsets, model.n_variants
    score = np.zeros(d)
    for j in range(d):
        rows = m[off[j] : off[j] + nv[j], :].sum() / nv[j]
        cols = m[:, off[j] : off[j] + nv[j]].sum() / nv[j]
        score[j] = rows + cols
    # stable, deterministic: strongest coupling first, ties by file order
    return np.array(sorted(range(d), key=lambda j: (-score[j], j)), dtype=np.int64)


def suffix_difference_bounds(model: CIBModel, order: np.ndarray) -> np.ndarray:
    """suf[k, off_j + c, r] = sum over descriptors i at depth >= k of min_a (C[(i,a),(j,r)] -
    C[(i,a),(j,c)]): the least advantage the still-unassigned descriptors can give rival r over
    the chosen c of descriptor j. Minimising the *difference* per source descriptor (one shared
    choice a) is strictly tighter than bounding both columns separately.
    """
    mat = model.matrix
    off, nv = model.offsets, model.n_variants
    d, n = len(nv), mat.shape[0]
    vmax = int(nv.max())
    col_c = np.zeros((n, vmax), dtype=np.int64)
    col_r = np.zeros((n, vmax), dtype=np.int64)
    valid = np.zeros((n, vmax), dtype=bool)
    for j in range(d):
        for c in range(nv[j]):
            for r in range(nv[j]):
                col_c[off[j] + c, r] = off[j] + c
                col_r[off[j] + c, r] = off[j] + r
                valid[off[j] + c, r] = True
    contrib = np.zeros((d, n, vmax), dtype=mat.dtype)
    for i in range(d):
        block = mat[off[i] : off[i] + nv[i], :]  # (nv_i, N)
        diff = block[:, col_r] - block[:, col_c]  # (nv_i, N, vmax)
        contrib[i] = np.where(valid, diff.min(axis=0), 0)
    suf = np.zeros((d + 1, n, vmax), dtype=mat.dtype)
    for k in range(d - 1, -1, -1):
        suf[k] = suf[k + 1] + contrib[order[k]]
    return suf


@njit
def _cib_feasible(p, choice, off, nv, order, suf, margin, k):
    """Can the partial assignment of depths < k still be completed to IC <= margin?

    Only assigned descriptors are tested: an unassigned descriptor can always take the variant
    that ends up maximal in its own balance, so testing it could never cut anything.
    """
    for dd in range(k):
        j = order[dd]
        base = off[j]
        c = choice[j]
        pc = p[base + c]
        for r in range(nv[j]):
            if r != c and p[base + r] - pc + suf[k, base + c, r] > margin:
                return False
    return True


@njit
def _cib_bnb(mat, off, nv, order, suf, margin, fixed, max_results, report):
    """Depth-first branch and bound. Returns (scenarios, count, nodes, overflow)."""
    d = order.shape[0]
    n = mat.shape[0]
    p = np.zeros(n, dtype=mat.dtype)
    choice = np.full(d, -1, dtype=np.int64)
    cap = 64
    out = np.empty((cap, d), dtype=np.int64)
    count = 0
    nodes = 0
    start = fixed.shape[0]
    for dd in range(start):
        j = order[dd]
        choice[j] = fixed[dd]
        for t in range(n):
            p[t] += mat[off[j] + fixed[dd], t]
    if not _cib_feasible(p, choice, off, nv, order, suf, margin, start):
        return out[:0], 0, nodes, False
    if start == d:
        out[0, :] = choice
        return out[:1], 1, nodes, False
    # weight of one branch at each depth (fraction of the leaf space), for progress only
    frac_w = np.ones(d)
    w = 1.0
    for dd in range(start, d):
        w /= nv[order[dd]]
        frac_w[dd] = w
    cur = np.full(d, -1, dtype=np.int64)
    level = start
    while level >= start:
        j = order[level]
        row = off[j]
        if cur[level] >= 0:
            for t in range(n):
                p[t] -= mat[row + cur[level], t]
        cur[level] += 1
        if cur[level] >= nv[j]:
            cur[level] = -1
            choice[j] = -1
            level -= 1
            continue
        v = cur[level]
        for t in range(n):
            p[t] += mat[row + v, t]
        choice[j] = v
        nodes += 1
        if report and (nodes & 0x3FFFFF) == 0:
            frac = 0.0
            for dd in range(start, level + 1):
                frac += cur[dd] * frac_w[dd]
            with objmode():
                report_progress(0, nodes, frac)
        if not _cib_feasible(p, choice, off, nv, order, suf, margin, level + 1):
            continue
        if level + 1 == d:
            if count == cap:
                if cap >= max_results:
                    return out[:count], count, nodes, True
                cap = min(cap * 2, max_results)
                bigger = np.empty((cap, d), dtype=np.int64)
                bigger[:count] = out[:count]
                out = bigger
            out[count, :] = choice
            count += 1
            continue
        level += 1
    return out[:count], count, nodes, False


@dataclass
class CIBResult:
    """Scenarios with IC <= max_ic, sorted by TIS descending (ties: variant indices ascending)."""

    model: CIBModel
    max_ic: float
    scenarios: np.ndarray  # (K, D) variant indices
    tis: np.ndarray
    cv: np.ndarray
    ic: np.ndarray
    nodes: int
    seconds: float
    order: np.ndarray = field(repr=False)

    def __len__(self) -> int:
        return int(self.scenarios.shape[0])

    def as_dict(self) -> dict:
        """The CLI's JSON shape."""
        return {
            "n_scenarios": len(self),
            "scenarios": [
                {
                    "variants": self.model.scenario_ids(s),
                    "ic": _num(self.ic[i]),
                    "tis": _num(self.tis[i]),
                    "cv": _num(self.cv[i]),
                }
                for i, s in enumerate(self.scenarios)
            ],
        }


def _num(x: float | np.generic) -> int | float:
    f = float(x)
    return int(f) if f == int(f) else f


class ResultLimitExceeded(RuntimeError):
    """More matching scenarios/bundles than the caller allowed (guards memory)."""


def consistent_scenarios(
    model: CIBModel,
    max_ic: float = 0,
    *,
    order: str | Sequence[int] = "coupling",
    max_results: int = 5_000_000,
    progress: Callable[[str, int, float], None] | None = None,
) -> CIBResult:
    """The complete set of scenarios with IC <= ``max_ic`` (``0``: the consistent kernel).

    Exact: a node is cut only when some assigned descriptor's chosen variant is beaten by a rival
    by more than ``max_ic`` even under the most favourable completion, so no qualifying scenario
    is lost, and at the leaves the bound is exact, so no non-qualifying one is kept.
    """
    if max_ic < 0:
        raise ValueError("max_ic must be >= 0")
    t0 = time.perf_counter()
    if isinstance(order, str):
        order_arr = descriptor_order(model, order)
    else:
        order_arr = np.asarray(order, dtype=np.int64)
        if sorted(order_arr.tolist()) != list(range(len(model.variants))):
            raise ValueError("order must be a permutation of the descriptors")
    suf = suffix_difference_bounds(model, order_arr)
    margin = model.matrix.dtype.type(max_ic) if model.matrix.dtype.kind == "f" else max_ic
    if model.matrix.dtype.kind == "i":
        margin = int(np.floor(max_ic))  # integer balances: IC <= 1.5 is IC <= 1
    with progress_callback(progress):
        found, count, nodes, overflow = _cib_bnb(
            model.matrix,
            model.offsets,
            model.n_variants,
            order_arr,
            suf,
            margin,
            np.zeros(0, dtype=np.int64),
            max_results,
            progress is not None,
        )
    if overflow:
        raise ResultLimitExceeded(
            f"more than {max_results} scenarios with IC <= {max_ic}; raise max_results"
        )
    found = np.asarray(found[:count], dtype=np.int64)
    sc = score_scenarios(model, found)
    # TIS descending, then variant indices ascending: deterministic
    keys = [found[:, j] for j in range(found.shape[1] - 1, -1, -1)] + [-sc.tis]
    idx = np.lexsort(keys) if count else np.zeros(0, dtype=np.int64)
    return CIBResult(
        model=model,
        max_ic=max_ic,
        scenarios=found[idx],
        tis=sc.tis[idx],
        cv=sc.cv[idx],
        ic=sc.ic[idx],
        nodes=int(nodes),
        seconds=time.perf_counter() - t0,
        order=order_arr,
    )


# ----------------------------------------------------------------------------------------------
# succession and basins


def successor(model: CIBModel, scenario: Sequence[int]) -> np.ndarray:
    """Global succession: every descriptor switches to its best variant at once.

    Tie rule (CIBSA / JuCIB): keep the current variant if it is maximal, otherwise take the
    lowest-index maximal variant.
    """
    s = np.asarray(scenario, dtype=np.int64)
    bal = impact_balances(model, s)
    off, nv = model.offsets, model.n_variants
    nxt = s.copy()
    for j in range(len(nv)):
        block = bal[off[j] : off[j] + nv[j]]
        if block[s[j]] < block.max():
            nxt[j] = int(np.argmax(block))  # argmax returns the lowest maximal index
    return nxt


def succession(model: CIBModel, start: Sequence[int], max_steps: int = 10_000) -> dict:
    """Follow global succession from ``start`` until a fixed point or a cycle is reached."""
    path = [np.asarray(start, dtype=np.int64)]
    seen = {tuple(path[0].tolist()): 0}
    for _ in range(max_steps):
        nxt = successor(model, path[-1])
        key = tuple(nxt.tolist())
        if key in seen:
            first = seen[key]
            cycle = path[first:]
            return {
                "path": [p.tolist() for p in path],
                "attractor": [c.tolist() for c in cycle],
                "fixed_point": len(cycle) == 1,
            }
        seen[key] = len(path)
        path.append(nxt)
    raise RuntimeError("succession did not close within max_steps")


def encode(model: CIBModel, scenarios: np.ndarray) -> np.ndarray:
    """Signature sum_i s_i * prod_{k<i} V_k (descriptor 0 least significant; CIBSA/JuCIB)."""
    s = np.atleast_2d(np.asarray(scenarios, dtype=np.int64))
    radix = np.concatenate(([1], np.cumprod(model.n_variants)[:-1])).astype(np.int64)
    return s @ radix


def decode(model: CIBModel, codes: np.ndarray) -> np.ndarray:
    c = np.asarray(codes, dtype=np.int64).copy()
    out = np.zeros((c.shape[0], len(model.variants)), dtype=np.int64)
    for j, v in enumerate(model.n_variants):
        out[:, j] = c % v
        c //= v
    return out


@njit
def _successor_table(mat, off, nv, total, report):
    """Successor code of every scenario, walking the space with a mixed-radix odometer and an
    incrementally updated balance (one matrix row per digit change)."""
    d = nv.shape[0]
    n = mat.shape[0]
    radix = np.ones(d, dtype=np.int64)
    for j in range(1, d):
        radix[j] = radix[j - 1] * nv[j - 1]
    digits = np.zeros(d, dtype=np.int64)
    bal = np.zeros(n, dtype=mat.dtype)
    for j in range(d):
        for t in range(n):
            bal[t] += mat[off[j], t]
    succ = np.empty(total, dtype=np.uint32)
    for idx in range(total):
        code = 0
        for j in range(d):
            base = off[j]
            cur = digits[j]
            best = bal[base]
            arg = 0
            for b in range(1, nv[j]):
                if bal[base + b] > best:
                    best = bal[base + b]
                    arg = b
            if bal[base + cur] == best:
                arg = cur
            code += arg * radix[j]
        succ[idx] = code
        if report and (idx & 0xFFFFFF) == 0 and idx > 0:
            with objmode():
                report_progress(2, idx, 0.5 * idx / total)
        # advance the odometer
        j = 0
        while j < d:
            old = digits[j]
            new = old + 1
            if new == nv[j]:
                new = 0
            rn = off[j] + new
            ro = off[j] + old
            for t in range(n):
                bal[t] += mat[rn, t] - mat[ro, t]
            digits[j] = new
            if new != 0:
                break
            j += 1
    return succ


@njit
def _resolve_basins(succ, report):
    """Label every scenario by the fixed point its succession orbit reaches (path compression).

    In place: entries < total hold successor codes, ``total + 1 + f`` means "reaches fixed point
    number f", ``total`` means "ends in a cycle", and the all-ones word marks the current path.
    """
    total = succ.shape[0]
    on_path = np.uint32(0xFFFFFFFF)
    cycle_label = np.uint32(total)
    fixed = np.empty(16, dtype=np.int64)
    nfixed = 0
    path = np.empty(1024, dtype=np.int64)
    for s in range(total):
        if succ[s] >= total:
            continue
        plen = 0
        x = s
        while succ[x] < total:
            if plen == path.shape[0]:
                bigger = np.empty(path.shape[0] * 2, dtype=np.int64)
                bigger[:plen] = path[:plen]
                path = bigger
            path[plen] = x
            plen += 1
            nxt = np.int64(succ[x])
            succ[x] = on_path
            if nxt == x:  # fixed point found: it is its own attractor
                if nfixed == fixed.shape[0]:
                    bigger = np.empty(fixed.shape[0] * 2, dtype=np.int64)
                    bigger[:nfixed] = fixed[:nfixed]
                    fixed = bigger
                fixed[nfixed] = x
                succ[x] = np.uint32(total + 1 + nfixed)
                nfixed += 1
                break
            x = nxt
        last = succ[x]
        label = cycle_label if last == on_path else last  # on_path again: closed a cycle
        for i in range(plen):
            succ[path[i]] = label
        if report and (s & 0xFFFFFF) == 0 and s > 0:
            with objmode():
                report_progress(2, s, 0.5 + 0.5 * s / total)
    counts = np.zeros(nfixed, dtype=np.int64)
    cycles = 0
    for s in range(total):
        lab = np.int64(succ[s])
        if lab == total:
            cycles += 1
        else:
            counts[lab - total - 1] += 1
    return fixed[:nfixed], counts, cycles


@dataclass
class BasinResult:
    """Full-space global-succession basins ("volume weights" in ScenarioWizard)."""

    model: CIBModel
    fixed_points: np.ndarray  # (F, D) variant indices, sorted by basin size descending
    sizes: np.ndarray  # true counts (int64)
    cycles: int  # start scenarios whose orbit ends in a cycle
    seconds: float

    @property
    def scenarioswizard_weights(self) -> np.ndarray:
        """What ScenarioWizard prints: the count stored as float32 (saturates at 2**24)."""
        return np.minimum(self.sizes, FLOAT32_SATURATION).astype(np.float32)

    def size_of(self, scenario: Sequence[int]) -> int:
        hit = np.all(self.fixed_points == np.asarray(scenario)[None, :], axis=1)
        return int(self.sizes[hit][0]) if hit.any() else 0


def basins(
    model: CIBModel,
    *,
    max_space: int = 2**27,
    progress: Callable[[str, int, float], None] | None = None,
) -> BasinResult:
    """Run global succession from every scenario and count where each one ends.

    Needs 4 bytes per scenario; ``max_space`` guards memory and time (a 4·10⁸ space needs
    about 1.6 GB and tens of seconds).
    """
    total = model.n_scenarios
    if total > max_space:
        raise ValueError(f"space of {total} scenarios exceeds max_space={max_space}")
    if total >= 2**32 - 2**20:
        raise ValueError("basin counting supports at most ~4.29e9 scenarios")
    t0 = time.perf_counter()
    with progress_callback(progress):
        succ = _successor_table(
            model.matrix, model.offsets, model.n_variants, total, progress is not None
        )
        fixed, counts, cycles = _resolve_basins(succ, progress is not None)
    del succ
    pts = decode(model, fixed)
    idx = np.lexsort([pts[:, j] for j in range(pts.shape[1] - 1, -1, -1)] + [-counts])
    return BasinResult(model, pts[idx], counts[idx], int(cycles), time.perf_counter() - t0)


def validate_solution_set(model: CIBModel, scenarios: np.ndarray) -> list[dict]:
    """Check a claimed solution set (e.g. an imported .sl file): returns one entry per scenario
    that is *not* consistent, naming the descriptors whose chosen variant is beaten."""
    s = np.atleast_2d(np.asarray(scenarios, dtype=np.int64))
    sc = score_scenarios(model, s)
    failures = []
    for i in range(s.shape[0]):
        bad = [model.descriptors[j] for j in np.nonzero(sc.descriptor_ic[i] > 0)[0]]
        if bad:
            failures.append(
                {
                    "row": i,
                    "variants": model.scenario_ids(s[i]),
                    "ic": _num(sc.ic[i]),
                    "violated_descriptors": bad,
                }
            )
    return failures
