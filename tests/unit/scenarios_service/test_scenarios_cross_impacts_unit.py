"""The cross-impact (CIB) judgement matrix (checks, mean, disputes, resolutions), the CIB
solution set beside the bundles, and the numbered points of the system grid and the map."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from services.scenarios import compute, cross_impacts, matrices, plots

IDS = ["a1", "a2", "b1", "b2"]
FACTOR_OF = {"a1": "A", "a2": "A", "b1": "B", "b2": "B"}
CROSS = matrices.cross_mask([FACTOR_OF[p] for p in IDS])
SVG = "{http://www.w3.org/2000/svg}"


def _full(value: int) -> list[list[int | None]]:
    return [[None if FACTOR_OF[a] == FACTOR_OF[b] else value for b in IDS] for a in IDS]


def test_a_matrix_is_checked_against_the_projections_and_its_own_blocks() -> None:
    checked = cross_impacts.check(IDS, _full(2), IDS, FACTOR_OF)
    assert np.isnan(checked[0, 1]) and checked[0, 2] == 2
    # directed: a cell and its mirror may differ
    m = _full(1)
    m[0][2], m[2][0] = 3, -3
    checked = cross_impacts.check(IDS, m, IDS, FACTOR_OF)
    assert (checked[0, 2], checked[2, 0]) == (3, -3)
    own = _full(1)
    own[0][1] = 2
    with pytest.raises(matrices.MatrixError) as err:
        cross_impacts.check(IDS, own, IDS, FACTOR_OF)
    assert list(err.value.fields) == ["matrix.0.1"]
    with pytest.raises(matrices.MatrixError) as err:
        cross_impacts.check(["a1", "a2", "b1"], [[None] * 3] * 3, IDS, FACTOR_OF)
    assert "projection_ids" in err.value.fields


def test_the_mean_disputes_and_a_resolution() -> None:
    one = cross_impacts.check(IDS, _full(2), IDS, FACTOR_OF)
    other = _full(2)
    other[0][2] = -2  # four steps apart: disputed
    other[1][3] = None  # one rater only: counted, not disputed
    two = cross_impacts.check(IDS, other, IDS, FACTOR_OF)
    found = cross_impacts.overview(IDS, CROSS, [one, two], {})
    view = found.as_dict()
    assert view["matrix"][0][2] == 0 and view["matrix"][1][3] == 2
    assert [(d["a"], d["b"]) for d in view["disputed"]] == [("a1", "b1")]
    assert view["n_raters"][1][3] == 1 and view["open_cells"] == 0
    assert cross_impacts.progress(two, CROSS) == {"judged": 7, "total": 8}
    settled = cross_impacts.overview(IDS, CROSS, [one, two], {("a1", "b1"): 3})
    assert settled.values[0, 2] == 3 and settled.as_dict()["disputed"] == []
    # a resolution inside an own block is ignored
    assert np.isnan(cross_impacts.overview(IDS, CROSS, [one], {("a1", "a2"): 1}).values[0, 1])
    nobody = cross_impacts.overview(IDS, CROSS, [], {})
    assert not nobody.judged and nobody.as_dict()["open_cells"] == 8


def _run(impacts: np.ndarray | None) -> tuple[dict, dict]:
    key_factors = [
        {
            "id": f,
            "title": {"A": "Wohnen", "B": "Verkehr"}[f],
            "projections": [
                {"id": p, "title": f"{f} {p}", "probability": None}
                for p in IDS
                if FACTOR_OF[p] == f
            ],
        }
        for f in ("A", "B")
    ]
    values = np.where(CROSS, 3.0, np.nan)
    values[0, 2] = values[2, 0] = values[1, 3] = values[3, 1] = 5.0
    snapshot = compute.build_snapshot(
        key_factors, values, compute.Parameters(top=4, with_cib=True), impacts
    )
    result, _ = compute.compute(snapshot)
    return result, snapshot


def test_the_solution_set_is_shown_beside_the_bundles() -> None:
    impacts = np.where(CROSS, -2.0, np.nan)
    impacts[0, 2] = impacts[2, 0] = impacts[1, 3] = impacts[3, 1] = 2.0
    result, snapshot = _run(impacts)
    view = cross_impacts.solution_view(result, snapshot)
    assert view["computed"] and view["source"] == "cross_impacts"
    combos = [[p["title"] for p in s["projections"]] for s in view["scenarios"]]
    assert sorted(combos) == [["A a1", "B b1"], ["A a2", "B b2"]]
    assert all(s["ic"] == 0 and s["tis"] == 4 for s in view["scenarios"])
    # the same combinations are the two strongest bundles, and marked so on both sides
    assert {s["bundle_rank"] for s in view["scenarios"]} == {1, 2}
    assert [b["cib"] for b in view["top_bundles"]] == [True, True, False, False]
    assert view["top_bundles"][0]["projections"][0]["factor"] == "Wohnen"
    assert view["among_bundles"] == 2


def test_a_run_without_cib_says_so() -> None:
    result, snapshot = _run(None)
    result["cib"] = None
    view = cross_impacts.solution_view(result, snapshot)
    assert not view["computed"] and view["scenarios"] == [] and len(view["top_bundles"]) == 4


def test_grid_points_carry_numbers_and_coinciding_points_share_one_label() -> None:
    rows = [
        {"title": "Wohnen", "active_sum": 9, "passive_sum": 3, "role": "active"},
        {"title": "Verkehr", "active_sum": 2, "passive_sum": 8, "role": "reactive"},
        {"title": "Klima", "active_sum": 2, "passive_sum": 8, "role": "reactive"},
    ]
    root = ET.fromstring(plots.system_grid(rows, 5, 5))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "1" in texts and "2, 3" in texts
    assert len(root.findall(f"{SVG}circle")) == 2
    assert "Wohnen" not in texts  # names only in the legend, the tooltip and the description
    assert "1. Wohnen" in root.find(f"{SVG}desc").text


def test_the_citizens_map_numbers_its_scenarios_and_speaks_plainly() -> None:
    bundles = [
        {"rank": 1, "x": 0.5, "y": 0.1, "cluster": 1},
        {"rank": 2, "x": 0.4, "y": 0.0, "cluster": 1},
        {"rank": 3, "x": -0.5, "y": 0.2, "cluster": 2},
    ]
    raw = [{"cluster": 1, "medoid": 1}, {"cluster": 2, "medoid": 3}]
    plain = plots.scenario_map(bundles, raw, 0.8)
    texts = [t.text for t in ET.fromstring(plain).iter(f"{SVG}text")]
    assert "1" in texts and "2" in texts
    assert "MDS" not in plain and any("ähnliche Zukünfte" in t for t in texts)
    assert "(axis" not in plots.scenario_map(bundles, raw, 0.8)  # German on every page
