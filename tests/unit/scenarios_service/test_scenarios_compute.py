"""Computation runs: the result is the engine's on the snapshot, and the same every time."""

from __future__ import annotations

import json

import numpy as np
import pytest

from services.scenarios.analysis import consistency_overview, influence_overview
from services.scenarios.compute import (
    Parameters,
    RunInputError,
    build_snapshot,
    cib_model,
    compute,
    consistency_model,
)
from services.scenarios.engine import cib, clustering, consistency, influence, scenario_map
from services.scenarios.engine.reference import random_consistency_model
from services.scenarios.matrices import cross_mask


def _key_factors(model: consistency.ConsistencyModel, probabilities: bool = False) -> list[dict]:
    out = []
    for k, names in enumerate(model.projections):
        out.append(
            {
                "id": model.factors[k],
                "title": f"Faktor {k + 1}",
                "projections": [
                    {"id": p, "title": p.lower(), "probability": 0.5 if probabilities else None}
                    for p in names
                ],
            }
        )
    return out


def _snapshot(model, **params) -> dict:
    snap = build_snapshot(_key_factors(model), model.values.astype(float), Parameters(**params))
    return json.loads(json.dumps(snap))  # as stored: through JSON text


@pytest.mark.parametrize("seed", [3, 11])
def test_result_equals_the_engine_on_the_same_inputs(seed: int) -> None:
    model = random_consistency_model([3] * 8, seed=seed)
    snap = _snapshot(model, top=60, linkage="average")
    result, timings = compute(snap)

    best = consistency.search_bundles(model, top=60)
    assert [b["projections"] for b in result["bundles"]] == [
        model.projection_names(b) for b in best.bundles
    ]
    assert [b["sum"] for b in result["bundles"]] == best.sums.tolist()
    assert [b["partial_inconsistencies"] for b in result["bundles"]] == (
        best.partial_inconsistencies.tolist()
    )
    cl = clustering.cluster_bundles(best.bundles, method="average")
    assert [b["cluster"] for b in result["bundles"]] == cl.labels.tolist()
    raw = clustering.raw_scenarios(best.bundles, cl.labels, model.projections, theta=0.5)
    # the engine's majority rule is kept as "majority"; the profile is the strongest bundle
    assert [r["majority"] for r in result["raw_scenarios"]] == [r.characteristic for r in raw]
    assert [r["characteristic"] for r in result["raw_scenarios"]] == [
        model.projection_names(best.bundles[min(r.members)]) for r in raw
    ]
    assert [r["medoid"] for r in result["raw_scenarios"]] == [r.medoid + 1 for r in raw]
    smap = scenario_map.classical_mds(cl.distances)
    assert [[b["x"], b["y"]] for b in result["bundles"]] == smap.coordinates.tolist()
    assert result["nodes"] == best.nodes and set(timings) == {"bundles", "clustering"}


def test_the_same_snapshot_gives_the_same_result() -> None:
    model = random_consistency_model([4] * 10, seed=5)
    snap = _snapshot(model, top=80, with_cib=True)
    first, _ = compute(snap)
    second, _ = compute(json.loads(json.dumps(snap)))
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_realistic_size_22_by_4() -> None:
    model = random_consistency_model([4] * 22, seed=1)
    result, timings = compute(_snapshot(model, top=100))
    assert len(result["bundles"]) == 100 and result["space"] == str(4**22)
    assert result["raw_scenarios"] and sum(timings.values()) < 10  # seconds, generous


def test_cib_reads_the_consistency_judgements_as_symmetric_impacts() -> None:
    model = random_consistency_model([3] * 6, seed=2)
    result, _ = compute(_snapshot(model, top=20, with_cib=True, cib_max_ic=1))
    expected = cib.consistent_scenarios(cib_model(model), max_ic=1)
    assert [s["projections"] for s in result["cib"]["scenarios"]] == [
        expected.model.scenario_ids(s) for s in expected.scenarios
    ]
    # a CIB-consistent scenario: no single change of projection raises the bundle's sum
    for s in result["cib"]["scenarios"]:
        if s["ic"] == 0:
            names = s["projections"]
            idx = [model.projections[k].index(p) for k, p in enumerate(names)]
            base = consistency.score_bundles(model, np.array([idx])).sum[0]
            for k in range(len(idx)):
                for alt in range(len(model.projections[k])):
                    other = list(idx)
                    other[k] = alt
                    assert consistency.score_bundles(model, np.array([other])).sum[0] <= base


def test_missing_pairs_are_refused_or_neutral() -> None:
    model = random_consistency_model([2, 2, 2], seed=4)
    values = model.values.astype(float)
    values[0, 2] = values[2, 0] = np.nan
    with pytest.raises(RunInputError) as caught:
        build_snapshot(_key_factors(model), values, Parameters())
    assert "consistency" in caught.value.fields
    snap = build_snapshot(_key_factors(model), values, Parameters(missing="neutral"))
    assert consistency_model(snap).values[0, 2] == 3


def test_missing_key_factors_and_projections_are_named() -> None:
    with pytest.raises(RunInputError) as caught:
        build_snapshot([], np.zeros((0, 0)), Parameters())
    assert "key_factors" in caught.value.fields
    kfs = [{"id": "a", "title": "A", "projections": []}]
    with pytest.raises(RunInputError) as caught:
        build_snapshot(kfs, np.zeros((0, 0)), Parameters())
    assert "projections.a" in caught.value.fields


def test_cib_on_a_huge_space_is_refused_up_front() -> None:
    model = random_consistency_model([4] * 22, seed=1)
    with pytest.raises(RunInputError) as caught:
        build_snapshot(_key_factors(model), model.values.astype(float), Parameters(with_cib=True))
    assert "with_cib" in caught.value.fields


def test_probabilities_count_only_when_every_projection_has_one() -> None:
    model = random_consistency_model([2, 3, 2], seed=8)
    with_p = build_snapshot(_key_factors(model, True), model.values.astype(float), Parameters())
    result, _ = compute(with_p)
    assert "plausibility" in result["bundles"][0]
    without = build_snapshot(_key_factors(model), model.values.astype(float), Parameters())
    assert "plausibility" not in compute(without)[0]["bundles"][0]


def test_a_single_bundle_is_its_own_raw_scenario_and_none_is_no_raw_scenario() -> None:
    fits = np.array([[0, 4, 4], [4, 0, 5], [4, 5, 0]])
    model = consistency.ConsistencyModel.build(["A", "B", "C"], [["a"], ["b"], ["c"]], fits)
    result, _ = compute(_snapshot(model))
    assert len(result["bundles"]) == 1 and result["raw_scenarios"][0]["members"] == [1]
    assert result["raw_scenarios"][0]["characteristic"] == ["a", "b", "c"]
    clash = np.array([[0, 1, 4], [1, 0, 5], [4, 5, 0]])  # a total inconsistency: no bundle
    model = consistency.ConsistencyModel.build(["A", "B", "C"], [["a"], ["b"], ["c"]], clash)
    result, _ = compute(_snapshot(model))
    assert result["bundles"] == [] and result["raw_scenarios"] == []


@pytest.mark.filterwarnings("ignore:Mean of empty slice")
def test_influence_overview_is_the_engine_on_the_raters_mean() -> None:
    rng = np.random.default_rng(0)
    a, b = (rng.integers(0, 4, size=(5, 5)).astype(float) for _ in range(2))
    for m in (a, b):
        np.fill_diagonal(m, np.nan)
    b[1, 2] = np.nan  # rater b did not judge this cell
    overview = influence_overview(list("vwxyz"), [a, b])
    mean = np.nanmean(np.stack([a, b]), axis=0)  # the diagonal warns: nobody rates it
    expected = influence.analyse_influence(list("vwxyz"), np.nan_to_num(mean))
    assert overview.analysis.ranking() == expected.ranking()
    assert np.allclose(overview.analysis.active, expected.active)
    assert overview.n_raters[1, 2] == 1 and overview.n_raters[0, 1] == 2
    assert influence_overview(list("ab"), []).analysis is None


def test_consistency_overview_aggregates_and_applies_resolutions() -> None:
    ids = ["a1", "a2", "b1", "b2"]
    cross = cross_mask(["A", "A", "B", "B"])
    one = np.full((4, 4), np.nan)
    two = np.full((4, 4), np.nan)
    one[0, 2] = one[2, 0] = 1
    two[0, 2] = two[2, 0] = 5
    one[1, 3] = one[3, 1] = 4
    overview = consistency_overview(ids, cross, [one, two], {("a2", "b1"): 2}, method="median")
    assert overview.aggregate[0, 2] == 3  # median of 1 and 5
    assert overview.values[1, 2] == overview.values[2, 1] == 2  # the facilitator's value
    assert overview.values[1, 3] == 4 and overview.open_pairs == 1  # a1/b2 has no value
    disputed = overview.as_dict()["disputed"]
    assert disputed == [{"a": "a1", "b": "b1", "spread": 4.0, "disagreement": 2.0}]
