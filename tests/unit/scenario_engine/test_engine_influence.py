"""Influence analysis and MICMAC (networkx fixture, period-3 pitfall, zero cases)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scenario_examples import EXAMPLES

from services.scenarios.engine.influence import analyse_influence, impulse_index, micmac
from services.scenarios.engine.io import influence_from_dict


def fixture() -> dict:
    return json.loads((EXAMPLES / "micmac_networkx_fixture.json").read_text(encoding="utf-8"))


def test_networkx_fixture_at_k4():
    data = fixture()
    exp = data["expected_published"]
    res = micmac(data["binary_adjacency_A"], power=data["k"])
    assert res.influence.tolist() == pytest.approx(exp["influence_normalized"])
    assert res.dependence.tolist() == pytest.approx(exp["dependence_normalized"])
    assert res.power == 4 and res.method == "power"
    # the edge list gives the same matrix
    names, a = influence_from_dict(
        {"nodes": data["nodes"], "edges": data["edges_directed_source_to_target"]}
    )
    assert np.array_equal(a, np.array(data["binary_adjacency_A"]))


def test_fixture_raw_power_sums():
    data = fixture()
    a = np.array(data["binary_adjacency_A"], dtype=float)
    for k, sums in data["computed_by_researcher_not_published"]["A^k_row_and_column_sums"].items():
        res = micmac(a, power=int(k))
        total = sums["total"]
        assert (res.influence * total).round(9).tolist() == sums["row_sums_influence"]
        assert (res.dependence * total).round(9).tolist() == sums["col_sums_dependence"]


def test_period_three_oscillation_terminates_and_is_flagged():
    a = np.array(fixture()["binary_adjacency_A"], dtype=float)
    r3, r6 = micmac(a, power=3), micmac(a, power=6)
    assert np.allclose(r3.influence, r6.influence)  # period 3
    auto = micmac(a, max_power=15)
    assert auto.power == 15 and not auto.converged and auto.method == "cesaro"
    assert auto.influence.sum() == pytest.approx(1.0)
    # a pure 3-cycle: Cesàro mean is the uniform average
    cyc = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=float)
    assert micmac(cyc).influence.tolist() == pytest.approx([1 / 3] * 3)


def test_stable_ranking_and_nilpotent():
    rng = np.random.default_rng(0)
    dense = rng.integers(1, 4, size=(6, 6)).astype(float)
    np.fill_diagonal(dense, 0)
    res = micmac(dense)
    assert res.converged and res.method == "stable" and res.power < 12
    dag = np.array([[0, 2, 1], [0, 0, 3], [0, 0, 0]], dtype=float)
    res = micmac(dag, max_power=10)
    assert res.converged and res.power == 2  # A^3 = 0: paths of length 3 do not exist
    assert res.influence.tolist() == pytest.approx([1.0, 0.0, 0.0])
    zero = micmac(np.zeros((3, 3)))
    assert zero.power == 0 and zero.influence.tolist() == [0, 0, 0]


def test_direct_measures_and_zero_cases():
    assert impulse_index(3, 0) == float("inf")
    assert impulse_index(0, 0) == 0.0
    assert impulse_index(0, 2) == 0.0
    a = np.array(
        [
            [0, 3, 3, 2],  # active: drives, is not driven
            [0, 0, 2, 0],
            [1, 2, 0, 3],  # critical
            [0, 1, 0, 0],
        ],
        dtype=float,
    )
    res = analyse_influence(["A", "B", "C", "D"], a)
    assert res.active.tolist() == [8, 2, 6, 1]
    assert res.passive.tolist() == [1, 6, 5, 5]
    assert res.active_threshold == res.passive_threshold == 17 / 4
    assert res.roles == ["active", "reactive", "critical", "reactive"]
    assert res.impulse.tolist() == pytest.approx([8, 1 / 3, 1.2, 0.2])
    assert res.dynamics.tolist() == [8, 12, 30, 5]
    assert res.ranking("dynamics") == ["C", "B", "A", "D"]
    assert res.ranking("impulse") == ["A", "C", "B", "D"]
    assert res.key_factors(2, include=["D"], exclude=["C"]) == ["D", "B"]
    med = analyse_influence(["A", "B", "C", "D"], a, threshold="median")
    assert (med.active_threshold, med.passive_threshold) == (4.0, 5.0)
    assert med.roles == ["active", "reactive", "active", "inert"]
    d = analyse_influence(["A", "B"], [[0, 2], [0, 0]]).as_dict()
    assert d["factors"][0]["impulse_index"] is None  # +inf is not JSON: null
    assert d["factors"][1]["impulse_index"] == 0.0
    with pytest.raises(ValueError):
        analyse_influence(["A"], [[0, 1], [1, 0]])
