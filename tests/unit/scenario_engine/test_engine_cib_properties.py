"""Property tests: the exact CIB branch and bound equals brute force on random matrices."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from services.scenarios.engine import _jit, cib
from services.scenarios.engine.reference import brute_force_cib, random_cib_model

SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def cib_models(draw, max_desc: int = 5, max_var: int = 4):
    nv = draw(st.lists(st.integers(1, max_var), min_size=1, max_size=max_desc))
    n = sum(nv)
    values = draw(
        st.lists(st.integers(-3, 3), min_size=n * n, max_size=n * n).map(
            lambda v: np.array(v).reshape(n, n)
        )
    )
    return cib.CIBModel.build(
        [f"D{i}" for i in range(len(nv))],
        [[f"v{i}.{k}" for k in range(m)] for i, m in enumerate(nv)],
        values,
    )


def naive_ic(model: cib.CIBModel, s: tuple[int, ...]) -> int:
    """IC straight from the definition, no vectorisation."""
    off, nv = model.offsets, model.n_variants
    worst = 0
    for j in range(len(nv)):
        theta = [
            sum(model.matrix[off[i] + s[i], off[j] + b] for i in range(len(nv)) if i != j)
            for b in range(nv[j])
        ]
        worst = max(worst, max(theta) - theta[s[j]])
    return int(worst)


def as_set(a: np.ndarray) -> set[tuple[int, ...]]:
    return {tuple(r) for r in np.asarray(a).tolist()}


@SETTINGS
@given(cib_models(), st.integers(0, 3), st.sampled_from(["coupling", "given"]))
def test_bnb_equals_brute_force(model, k, order):
    exact = cib.consistent_scenarios(model, k, order=order)
    assert as_set(exact.scenarios) == as_set(brute_force_cib(model, k))
    assert len(exact) == len(as_set(exact.scenarios))  # no duplicates


@settings(max_examples=25, deadline=None)
@given(cib_models(max_desc=4, max_var=3), st.integers(0, 2))
def test_scores_match_definitions(model, k):
    res = cib.consistent_scenarios(model, k)
    everything = {
        s: naive_ic(model, s) for s in itertools.product(*[range(v) for v in model.n_variants])
    }
    assert as_set(res.scenarios) == {s for s, ic in everything.items() if ic <= k}
    for i, s in enumerate(res.scenarios.tolist()):
        bal = cib.impact_balances(model, np.array(s))
        off, nv = model.offsets, model.n_variants
        own = [bal[off[j] + s[j]] for j in range(len(nv))]
        assert res.tis[i] == sum(own)
        assert res.ic[i] == everything[tuple(s)]
        margins = [
            own[j] - max(bal[off[j] + b] for b in range(nv[j]) if b != s[j])
            for j in range(len(nv))
            if nv[j] > 1
        ]
        assert res.cv[i] == (min(margins) if margins else 0)


@settings(max_examples=25, deadline=None)
@given(cib_models(max_desc=4, max_var=3))
def test_basins_equal_naive_succession(model):
    result = cib.basins(model)
    ends: dict[tuple[int, ...], int] = {}
    cycles = 0
    for s in itertools.product(*[range(v) for v in model.n_variants]):
        walk = cib.succession(model, s)
        if walk["fixed_point"]:
            key = tuple(walk["attractor"][0])
            ends[key] = ends.get(key, 0) + 1
        else:
            cycles += 1
    assert result.cycles == cycles
    assert {
        tuple(p): int(c) for p, c in zip(result.fixed_points.tolist(), result.sizes, strict=True)
    } == ends


def test_python_and_compiled_kernels_agree():
    """The uncompiled kernel (used when numba is missing) gives the same results."""
    model = random_cib_model([3, 3, 2, 3, 2, 3], seed=7)
    order = cib.descriptor_order(model)
    suf = cib.suffix_difference_bounds(model, order)
    args = (
        model.matrix,
        model.offsets,
        model.n_variants,
        order,
        suf,
        1,
        np.zeros(0, dtype=np.int64),
        10_000,
        False,
    )
    fast = cib._cib_bnb(*args)
    slow = _jit.python_version(cib._cib_bnb)(*args)
    assert as_set(fast[0]) == as_set(slow[0])
    assert fast[1:] == slow[1:]
    succ_fast = cib._successor_table(model.matrix, model.offsets, model.n_variants, 324, False)
    succ_slow = _jit.python_version(cib._successor_table)(
        model.matrix, model.offsets, model.n_variants, 324, False
    )
    assert np.array_equal(succ_fast, succ_slow)


def test_fractional_matrix_and_max_results_guard():
    model = random_cib_model([3, 3, 3, 3], seed=3)
    frac = cib.CIBModel.build(model.descriptors, model.variants, model.matrix / 2.0 + 0.25)
    assert as_set(cib.consistent_scenarios(frac, 0.5).scenarios) == as_set(
        brute_force_cib(frac, 0.5)
    )
    import pytest

    with pytest.raises(cib.ResultLimitExceeded):
        cib.consistent_scenarios(model, 100, max_results=10)


def test_deterministic_order_and_progress():
    model = random_cib_model([4] * 5 + [3] * 10, seed=11)
    ticks = []
    a = cib.consistent_scenarios(model, 1, progress=lambda *t: ticks.append(t))
    b = cib.consistent_scenarios(model, 1)
    assert np.array_equal(a.scenarios, b.scenarios)
    assert all(k == "cib" and 0 <= f <= 1 for k, _, f in ticks)
    keys = list(zip((-a.tis).tolist(), a.scenarios.tolist(), strict=True))
    assert keys == sorted(keys)
