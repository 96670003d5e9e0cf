"""The run's dendrogram and silhouette plots, and the comparison of two runs (pure)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from services.scenarios import run_compare, run_plots
from services.scenarios.compute import Parameters, build_snapshot, compute
from services.scenarios.engine.reference import random_consistency_model

SVG = "{http://www.w3.org/2000/svg}"


def _run(run_id: str, number: int, seed: int = 3, **parameters) -> dict:
    model = random_consistency_model([3, 2, 3, 2, 2], seed=seed)
    key_factors = [
        {
            "id": model.factors[k],
            "title": f"Faktor {k + 1}",
            "projections": [{"id": p, "title": p, "probability": None} for p in names],
        }
        for k, names in enumerate(model.projections)
    ]
    snapshot = build_snapshot(key_factors, model.values.astype(float), Parameters(**parameters))
    snapshot = json.loads(json.dumps(snapshot))
    result, _ = compute(snapshot)
    return {
        "id": run_id,
        "number": number,
        "status": "finished",
        "parameters": snapshot["parameters"],
        "snapshot": snapshot,
        "result": json.loads(json.dumps(result)),
    }


def test_leaf_order_and_cut_height() -> None:
    # ((0, 1) at 0.2, then (2, 3) at 0.2, then both at 0.6)
    merges = [
        {"id": 4, "a": 0, "b": 1, "height": 0.2, "size": 2},
        {"id": 5, "a": 2, "b": 3, "height": 0.2, "size": 2},
        {"id": 6, "a": 5, "b": 4, "height": 0.6, "size": 4},
    ]
    assert run_plots.leaf_order(merges) == [2, 3, 0, 1]
    assert run_plots.cut_height(merges, 2) == pytest.approx(0.4)
    assert run_plots.cut_height(merges, 3) == pytest.approx(0.2)  # a tie: the cut sits on it
    assert run_plots.cut_height(merges, 1) is None
    assert run_plots.cut_height(merges, 4) == pytest.approx(0.1)  # below every merge


def test_dendrogram_and_silhouette_are_described_svg() -> None:
    run = _run("a", 1, top=30, n_clusters=4)
    cl = run["result"]["clustering"]
    labels = [b["cluster"] for b in run["result"]["bundles"]]
    svg = run_plots.dendrogram(cl["dendrogram"], labels, cl["k"])
    root = ET.fromstring(svg)  # well-formed
    desc = root.find(f"{SVG}desc").text
    assert "30 Bündel, geschnitten in 4 Rohszenarien" in desc
    for raw in run["result"]["raw_scenarios"]:  # the text names every bundle's raw scenario
        assert f"Rohszenario {raw['cluster']}: Bündel {', '.join(map(str, raw['members']))}" in desc
    # the cut is named in the title band, above the plot, where no merge bar can lie on it
    cut = [t for t in root.iter(f"{SVG}text") if "Schnitt in 4 Rohszenarien" in (t.text or "")]
    assert len(cut) == 1 and float(cut[0].get("y")) < 44  # 44: the plot's top margin
    assert svg == run_plots.dendrogram(cl["dendrogram"], labels, cl["k"])  # deterministic
    sil = run_plots.silhouette(cl["silhouette_by_k"], cl["k"], cl["suggested_k"])
    text = ET.fromstring(sil).find(f"{SVG}desc").text
    assert "4: " in text and "(gewählt)" in text and "(automatischer Vorschlag)" in text
    assert len(ET.fromstring(sil).findall(f".//{SVG}rect")) == 1 + len(cl["silhouette_by_k"])


def test_a_rerun_with_other_parameters_compares_by_shared_bundles() -> None:
    a = _run("a", 1, top=30, n_clusters=3)
    b = _run("b", 2, top=30, n_clusters=5, linkage="complete")
    c = run_compare.compare(a, b)
    assert c["same_inputs"] is True
    assert c["differences"] == ["n_clusters", "linkage"]
    assert c["bundles"] == {"a": 30, "b": 30, "shared": 30}
    assert c["raw_scenarios"] == {"a": 3, "b": 5}
    for row in c["rows"]:
        # the shared-bundle counts of a row add up to its size: the same bundles, cut otherwise
        assert sum(cell["shared"] for cell in row["cells"]) == row["size"]
        assert row["match"]["shared"] == max(cell["shared"] for cell in row["cells"])
    assert {r["match"]["cluster"] for r in c["rows"]} | {
        u["cluster"] for u in c["unmatched_b"]
    } == {
        1,
        2,
        3,
        4,
        5,
    }


def test_a_run_compared_with_itself_matches_every_raw_scenario_to_itself() -> None:
    a = _run("a", 1, top=20)
    c = run_compare.compare(a, {**a, "id": "b", "number": 2})
    assert c["differences"] == [] and c["unmatched_b"] == []
    for row in c["rows"]:
        assert row["match"]["cluster"] == row["cluster"]
        assert row["match"]["shared"] == row["size"]
        assert row["match"]["overlap"] == c["key_factors"] == 5


def test_different_inputs_are_named_and_unfinished_runs_refused() -> None:
    a, b = _run("a", 1, seed=3, top=10), _run("b", 2, seed=4, top=10)
    assert run_compare.compare(a, b)["same_inputs"] is False
    with pytest.raises(run_compare.NotComparable):
        run_compare.compare(a, {**b, "status": "running", "result": None})
