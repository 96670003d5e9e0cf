"""The ``scenarios`` command group (registered as ``stadtdialog scenarios``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner
from scenario_examples import EXAMPLES

from services.scenarios.engine.cli import scenarios
from services.scenarios.engine.io import parse_scw

REPO = Path(__file__).resolve().parents[3]


def run(*args: str) -> tuple[int, dict | None, str]:
    res = CliRunner().invoke(scenarios, list(args))
    try:
        payload = json.loads(res.stdout) if res.exit_code == 0 else None
    except json.JSONDecodeError:
        payload = None
    return res.exit_code, payload, res.output


def test_is_a_click_group_named_scenarios():
    assert isinstance(scenarios, click.Group) and scenarios.name == "scenarios"
    assert {"cib", "bundles", "influence"} <= set(scenarios.commands)


def test_cib_somewhereland():
    code, out, _ = run("cib", str(EXAMPLES / "cib_somewhereland.json"))
    assert code == 0
    assert set(out) == {"n_scenarios", "scenarios"}
    assert out["n_scenarios"] == 10 == len(out["scenarios"])
    published = json.loads((EXAMPLES / "cib_somewhereland.json").read_text())["expected_published"][
        "consistent_scenarios_in_published_order"
    ]
    assert {tuple(s["variants"]) for s in out["scenarios"]} == {tuple(s) for s in published}
    assert [s["tis"] for s in out["scenarios"]] == sorted(
        (s["tis"] for s in out["scenarios"]), reverse=True
    )
    top = out["scenarios"][0]
    assert top == {"variants": ["A1", "B3", "C1", "D2", "E3", "F3"], "ic": 0, "tis": 21, "cv": 1}


def test_cib_max_ic_and_string_variants():
    code, out, _ = run("cib", str(EXAMPLES / "cib_sei_cib_global.json"), "--max-ic", "1")
    assert code == 0 and out["n_scenarios"] == 6
    assert {s["ic"] for s in out["scenarios"]} == {0, 1}
    first = out["scenarios"][0]
    assert first["variants"] == ["Ntl", "Alrt", "Stag"] and first["tis"] == 15


def test_cib_with_basins():
    code, out, _ = run("cib", str(EXAMPLES / "cib_sei_cib_global.json"), "--with-basins")
    assert code == 0
    assert [s["basin_size"] for s in out["scenarios"]] == [4, 12, 1, 2]
    assert out["cycles"] == 17


def test_bundles_toy():
    code, out, _ = run("bundles", str(EXAMPLES / "consistency_scenlab_toy.json"), "--top", "4")
    assert code == 0
    rows = out["bundles"]
    assert [r["projections"] for r in rows[:2]] == [
        ["Containment", "Stable Budget", "Projection 1"],
        ["Isolation", "Decreasing Budget", "Projection 2"],
    ]
    assert rows[0] == {
        "projections": ["Containment", "Stable Budget", "Projection 1"],
        "sum": 3,
        "mean": 1.0,
        "total_inconsistencies": 0,
        "partial_inconsistencies": 0,
    }
    assert [r["sum"] for r in rows] == [3, 3, 2, 2]
    code, out, _ = run(
        "bundles",
        str(EXAMPLES / "consistency_scenlab_toy.json"),
        "--top",
        "50",
        "--max-partial",
        "0",
    )
    assert code == 0 and len(out["bundles"]) == 8
    assert all(r["partial_inconsistencies"] == 0 for r in out["bundles"])


def test_bundles_default_scale_and_errors(tmp_path):
    doc = {
        "key_factors": [
            {"id": "A", "projections": ["a1", "a2"]},
            {"id": "B", "projections": ["b1", "b2"]},
            {"id": "C", "projections": ["c1"]},
        ],
        "pairwise_values_symmetric": [
            {"a": "a1", "b": "b1", "value": 5},
            {"a": "a1", "b": "b2", "value": 1},
            {"a": "a2", "b": "b1", "value": 2},
            {"a": "a2", "b": "b2", "value": 4},
            {"a": "c1", "b": "a1", "value": 3},
            {"a": "c1", "b": "a2", "value": 3},
            {"a": "c1", "b": "b1", "value": 4},
        ],
    }
    f = tmp_path / "k.json"
    f.write_text(json.dumps(doc))
    code, _, output = run("bundles", str(f), "--top", "3")
    assert code == 1 and "without a value" in output
    code, out, _ = run("bundles", str(f), "--top", "3", "--missing", "neutral")
    assert code == 0
    assert [(r["projections"], r["sum"], r["partial_inconsistencies"]) for r in out["bundles"]] == [
        (["a1", "b1", "c1"], 12, 0),
        (["a2", "b2", "c1"], 10, 0),
        (["a2", "b1", "c1"], 9, 1),
    ]
    assert out["bundles"][0]["mean"] == 4.0
    code, _, output = run("bundles", str(f))
    assert code == 2 and "--top" in output
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, output = run("bundles", str(bad), "--top", "1")
    assert code == 1 and "not valid JSON" in output
    code, _, output = run("cib", str(f))
    assert code == 1 and "descriptors" in output


def test_influence_fixture():
    code, out, _ = run("influence", str(EXAMPLES / "micmac_networkx_fixture.json"), "--power", "4")
    assert code == 0
    exp = json.loads((EXAMPLES / "micmac_networkx_fixture.json").read_text())["expected_published"]
    assert [f["micmac_influence"] for f in out["factors"]] == exp["influence_normalized"]
    assert [f["micmac_dependence"] for f in out["factors"]] == exp["dependence_normalized"]
    assert out["micmac"] == {"power": 4, "converged": True, "method": "power"}
    assert out["factors"][1]["active_sum"] == 3 and out["factors"][1]["passive_sum"] == 1
    code, out, _ = run(
        "influence",
        str(EXAMPLES / "micmac_networkx_fixture.json"),
        "--threshold",
        "median",
        "--top",
        "3",
        "--rank-by",
        "active",
    )
    assert code == 0 and out["key_factors"] == ["6", "3", "1"]
    assert out["micmac"]["method"] == "cesaro" and out["micmac"]["converged"] is False


def test_scw_reader(tmp_path):
    text = "\n".join(
        [
            "$ ScenarioWizard 4.0",
            "tiny.scw",
            "&A. Government",
            ' -A1 "Patriots party"',
            ' -A2 "Prosperity party"',
            "&B",
            " -B1",
            " -B2",
            "#",
            "&",
            " ",
            " ",
            "&",
            " ",
            " ",
            "#",
            "#",
            "FFFFFF",
            "FFFFFF",
            "FFFFFF",
            "FFFFFF",
            "#",
            "#",
            " 0 , 0 , 2 ,-2 ",
            " 0 , 0 ,-1 , 1 ",
            " 3 ,-3 , 0 , 0 ",
            "-1 , 1 , 0 , 0 ",
            "#",
        ]
    )
    model = parse_scw(text)
    assert model.descriptors == ("A. Government", "B")
    assert model.variants == (("A1", "A2"), ("B1", "B2"))
    assert model.matrix.tolist()[2] == [3, -3, 0, 0]
    f = tmp_path / "tiny.scw"
    f.write_text(text, encoding="latin-1")
    code, out, _ = run("cib", str(f))
    assert code == 0
    assert {tuple(s["variants"]) for s in out["scenarios"]} == {("A1", "B1"), ("A2", "B2")}


def test_module_entry_point():
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "services.scenarios.engine.cli",
            "cib",
            str(EXAMPLES / "cib_lloyd_schweizer_pop_income_education.json"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["n_scenarios"] == 3
    assert [s["tis"] for s in out["scenarios"]] == [34, 33, 19]
