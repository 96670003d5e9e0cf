"""Consistency analysis: the ScenLab toy, scales, raters and top-k == brute force."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scenario_examples import EXAMPLES

from services.scenarios.engine import _jit, consistency
from services.scenarios.engine.consistency import ConsistencyModel, Scale, search_bundles
from services.scenarios.engine.io import FormatError, consistency_model_from_dict
from services.scenarios.engine.reference import brute_force_bundles, random_consistency_model


def toy() -> tuple[dict, ConsistencyModel]:
    data = json.loads((EXAMPLES / "consistency_scenlab_toy.json").read_text(encoding="utf-8"))
    return data, consistency_model_from_dict(data)


def test_toy_full_ranking():
    data, model = toy()
    assert model.scale == Scale(-2, 2, -2, -1)
    ranked = data["computed_by_researcher_not_published"]["all_18_bundles_ranked"]
    kept = [r for r in ranked if r["n_total_inconsistencies(-2)"] == 0]
    assert (
        len(kept)
        == data["computed_by_researcher_not_published"]["after_dropping_total_inconsistencies"]
    )
    res = search_bundles(model, top=50)
    rows = res.as_dict()["bundles"]
    assert [r["projections"] for r in rows] == [r["bundle"] for r in kept]
    assert [r["sum"] for r in rows] == [r["sum"] for r in kept]
    assert [r["mean"] for r in rows] == pytest.approx([r["mean_per_pair"] for r in kept])
    assert [r["partial_inconsistencies"] for r in rows] == [
        r["n_partial_inconsistencies(-1)"] for r in kept
    ]
    assert all(r["total_inconsistencies"] == 0 for r in rows)
    best = data["computed_by_researcher_not_published"]["best"]
    assert [r["projections"] for r in rows[:2]] == best


def test_toy_filters_and_threshold():
    _, model = toy()
    none_partial = search_bundles(model, top=50, max_partial=0)
    assert (none_partial.partial_inconsistencies == 0).all() and len(none_partial) == 8
    at_least_two = search_bundles(model, top=None, min_sum=2)
    assert at_least_two.sums.tolist() == [3, 3, 2, 2, 2, 2, 2]
    assert search_bundles(model, top=3).sums.tolist() == [3, 3, 2]
    scores = consistency.score_bundles(model, at_least_two.bundles)
    assert (scores.sum == at_least_two.sums).all() and (scores.total_inconsistencies == 0).all()


def test_scale_parsing():
    assert Scale.parse(None) == Scale(1, 5, 1, 2)
    assert Scale.parse({"min": 0, "max": 4, "total_inconsistency": 0}) == Scale(0, 4, 0, 1)
    assert Scale.parse({"1": "a", "2": "b", "3": "c", "note": "x"}) == Scale(1, 3, 1, 2)
    assert Scale(1, 5).to_unit(3) == pytest.approx(0.5)
    # the 1-5 and -2..+2 scales give the same ranking (sums differ by a constant)
    _, m = toy()
    fac = m.factor_of
    cross = fac[:, None] != fac[None, :]
    shifted = ConsistencyModel.build(
        m.factors, m.projections, np.where(cross, m.values + 3, 0), Scale()
    )
    assert (shifted.values[cross] == m.values[cross] + 3).all()
    a, b = search_bundles(m, top=20), search_bundles(shifted, top=20)
    assert np.array_equal(a.bundles, b.bundles)
    assert (b.sums - a.sums == 3 * m.n_pairs).all()


def test_missing_and_asymmetric_pairs():
    factors, projections = ["A", "B"], [["a1", "a2"], ["b1", "b2"]]
    pairs = [("a1", "b1", 5), ("a1", "b2", 1), ("a2", "b1", 3)]
    with pytest.raises(ValueError, match="without a value"):
        ConsistencyModel.from_pairs(factors, projections, pairs)
    m = ConsistencyModel.from_pairs(factors, projections, pairs, missing="neutral")
    assert m.values[1, 3] == 3
    asym = pairs + [("a2", "b2", 4), ("b1", "a1", 3)]
    with pytest.raises(ValueError):
        ConsistencyModel.from_pairs(factors, projections, asym)
    full = np.array([[0, 0, 5, 1], [0, 0, 3, 4], [3, 3, 0, 0], [1, 4, 0, 0]], dtype=float)
    with pytest.raises(ValueError, match="symmetric"):
        ConsistencyModel.build(factors, projections, full)
    assert ConsistencyModel.build(factors, projections, full, asymmetric="min").values[0, 2] == 3
    assert ConsistencyModel.build(factors, projections, full, asymmetric="mean").values[0, 2] == 4
    with pytest.raises(ValueError, match="outside"):
        ConsistencyModel.build(factors, projections, full * 2, asymmetric="min")


def test_ambiguous_names_need_qualification():
    factors, projections = ["A", "B"], [["low", "high"], ["low", "high"]]
    pairs = [("A:low", "B:low", 4), ("A:low", "B:high", 2), ("A:high", "B:low", 1)]
    pairs.append(("A:high", "B:high", 5))
    m = ConsistencyModel.from_pairs(factors, projections, pairs)
    res = search_bundles(m, top=5)
    assert res.bundles.tolist() == [[1, 1], [0, 0], [0, 1]]
    with pytest.raises(ValueError, match="ambiguous"):
        ConsistencyModel.from_pairs(factors, projections, [("low", "B:low", 4)])


def test_total_inconsistency_everywhere_gives_no_bundle():
    m = ConsistencyModel.build(["A", "B"], [["a"], ["b"]], np.array([[0, 1], [1, 0]]))
    assert len(search_bundles(m, top=5)) == 0


def test_plausibility_breaks_ties_and_p_values():
    data, _ = toy()
    for k in data["key_factors"]:
        k["projections"] = [
            {"id": p, "probability": 0.2 + 0.1 * i} for i, p in enumerate(k["projections"])
        ]
    model = consistency_model_from_dict(data)
    res = search_bundles(model, top=16)
    assert res.p_values.sum() == pytest.approx(1.0)
    # the two sum-3 bundles: (Containment, Stable, P1) has 0.3*0.3*0.2, (Isolation, Decreasing,
    # P2) 0.4*0.4*0.3 -> the more plausible one now comes first
    assert res.model.projection_names(res.bundles[0]) == [
        "Isolation",
        "Decreasing Budget",
        "Projection 2",
    ]
    assert res.plausibility[0] == pytest.approx(0.4 * 0.4 * 0.3)
    bad = json.loads(json.dumps(data))
    bad["key_factors"][0]["projections"][0] = "Preemptive Strikes"
    with pytest.raises(FormatError, match="probability"):
        consistency_model_from_dict(bad)


def test_aggregate_raters():
    r1 = np.array([[0, 5], [5, 0]], dtype=float)
    r2 = np.array([[0, 1], [1, 0]], dtype=float)
    r3 = np.array([[0, 4], [4, 0]], dtype=float)
    agg = consistency.aggregate_raters([r1, r2, r3], method="median")
    assert agg.values[0, 1] == 4 and agg.spread[0, 1] == 4 and agg.n_raters[0, 1] == 3
    assert agg.disagreement[0, 1] == pytest.approx(np.std([5, 1, 4]))
    assert consistency.aggregate_raters([r1, r2], method="min").values[0, 1] == 1
    assert consistency.aggregate_raters([r1, r2], method="mean").values[0, 1] == 3
    assert consistency.aggregate_raters([r1, r3], method="mean").values[0, 1] == 4  # 4.5 -> 4
    r4 = r3.copy()
    r4[0, 1] = np.nan
    assert consistency.aggregate_raters([r1, r4], method="mean").n_raters[0, 1] == 1


@st.composite
def consistency_models(draw):
    m = draw(st.lists(st.integers(1, 4), min_size=2, max_size=6))
    total = sum(m)
    vals = np.array(
        draw(st.lists(st.integers(1, 5), min_size=total * total, max_size=total * total))
    ).reshape(total, total)
    vals = np.triu(vals, 1) + np.triu(vals, 1).T
    fac = np.repeat(np.arange(len(m)), m)
    vals = np.where(fac[:, None] != fac[None, :], vals, 0)
    return ConsistencyModel.build(
        [f"K{i}" for i in range(len(m))],
        [[f"K{i}.{k}" for k in range(n)] for i, n in enumerate(m)],
        vals,
    )


@settings(max_examples=80, deadline=None)
@given(
    consistency_models(),
    st.integers(1, 30),
    st.one_of(st.none(), st.integers(0, 3)),
    st.sampled_from(["spread", "given"]),
)
def test_top_k_equals_brute_force(model, k, max_partial, order):
    res = search_bundles(model, top=k, max_partial=max_partial, order=order)
    bb, bs, bp = brute_force_bundles(model, top=k, max_partial=max_partial)
    assert res.bundles.tolist() == bb.tolist()
    assert res.sums.tolist() == bs.tolist()
    assert res.partial_inconsistencies.tolist() == bp.tolist()


@settings(max_examples=40, deadline=None)
@given(consistency_models(), st.integers(-5, 40))
def test_threshold_equals_brute_force(model, min_sum):
    res = search_bundles(model, top=None, min_sum=min_sum)
    bb, bs, _ = brute_force_bundles(model, min_sum=min_sum)
    assert res.bundles.tolist() == bb.tolist()
    assert res.sums.tolist() == bs.tolist()


def test_realistic_sizes_against_reference_and_pruning():
    model = random_consistency_model([3] * 11, seed=5)
    res = search_bundles(model, top=100)
    bb, bs, _ = brute_force_bundles(model, top=100)
    assert res.bundles.tolist() == bb.tolist()
    assert res.nodes < 3**11 / 10  # far fewer nodes than the product space
    with pytest.raises(consistency.ResultLimitExceeded):
        search_bundles(model, top=None, min_sum=-(10**6), max_results=50)


def test_python_and_compiled_kernels_agree():
    model = random_consistency_model([3, 2, 4, 3, 3], seed=2)
    a = search_bundles(model, top=15, max_partial=2)
    fast = consistency._bundle_bnb
    try:
        consistency._bundle_bnb = _jit.python_version(fast)
        b = search_bundles(model, top=15, max_partial=2)
    finally:
        consistency._bundle_bnb = fast
    assert a.bundles.tolist() == b.bundles.tolist() and a.nodes == b.nodes
