"""The cross-impact (CIB) judgement matrix over HTTP against every real process: two raters
submit whole matrices, the facilitator sees the mean, the disputed cell with both values and
settles it; a run with CIB uses the group's matrix (the settled value included) and the CIB
page's answer puts the solution set beside the bundles. Refusals name the field; only editors
rate, only the facilitator reads the mean and resolves; a citizen learns nothing."""

from __future__ import annotations

import pytest
from scenarios_support import small_project

pytestmark = pytest.mark.integration


def _matrix(order: list[str], factor_of: dict[str, str], value) -> list[list[int | None]]:
    return [
        [None if factor_of[a] == factor_of[b] else value(i, j) for j, b in enumerate(order)]
        for i, a in enumerate(order)
    ]


def test_two_raters_a_dispute_its_resolution_and_the_cib_solution(scenario_city) -> None:
    city = scenario_city
    m1, m2 = city.members
    project = small_project(city)
    layout = city.get("/projections", city.facilitator).json()
    order = layout["order"]
    factor_of = {p["id"]: kf["id"] for kf in layout["key_factors"] for p in kf["projections"]}

    # before anyone rated: the CIB page says there is no CIB run, the matrix is empty
    assert city.get("/cib", m1).json() == {"run": None, "solution": None}
    mine = city.get("/cross-impacts/rating", m1).json()
    assert mine["projection_ids"] == order and mine["progress"]["judged"] == 0

    # "even with even, odd with odd": two self-sustaining scenarios; rater 2 disagrees once
    def agree(i: int, j: int) -> int:
        return 2 if i % 2 == j % 2 else -2

    one = _matrix(order, factor_of, agree)
    two = _matrix(order, factor_of, agree)
    two[0][2] = -2  # four steps from rater 1's +2
    for who, matrix in ((m1, one), (m2, two)):
        body = {"projection_ids": order, "matrix": matrix}
        saved = city.put("/cross-impacts/rating", body, who)
        assert saved.status_code == 200, saved.text
    assert saved.json()["progress"] == {"judged": 24, "total": 24}

    # refusals name the field
    wrong = [row[:] for row in one]
    wrong[0][2] = 4
    refused = city.put("/cross-impacts/rating", {"projection_ids": order, "matrix": wrong}, m1)
    assert refused.status_code == 422 and "matrix.0.2" in refused.json()["error"]["fields"]
    own = [row[:] for row in one]
    own[0][1] = 1
    refused = city.put("/cross-impacts/rating", {"projection_ids": order, "matrix": own}, m1)
    assert refused.status_code == 422 and "matrix.0.1" in refused.json()["error"]["fields"]
    assert (
        city.put(
            "/cross-impacts/rating", {"projection_ids": order, "matrix": one}, city.citizen
        ).status_code
        == 403
    )
    assert city.get("/cross-impacts", m1).status_code == 403
    assert city.get("/cib", city.citizen).status_code == 403

    overview = city.get("/cross-impacts", city.facilitator).json()
    assert overview["matrix"][0][2] == 0.0 and overview["matrix"][0][3] == -2.0
    assert [(d["a"], d["b"]) for d in overview["disputed"]] == [(order[0], order[2])]
    assert sorted(r["value"] for r in overview["disputed"][0]["ratings"]) == [-2, 2]
    assert [r["judged"] for r in overview["raters"]] == [24, 24]

    # the facilitator settles it (a value is required, a same-factor cell is refused)
    pair = {"a": order[0], "b": order[2]}
    assert city.put("/cross-impacts/resolutions", pair).status_code == 422
    same = {"a": order[0], "b": order[1], "value": 1}
    assert city.put("/cross-impacts/resolutions", same).status_code == 422
    assert city.put("/cross-impacts/resolutions", {**pair, "value": 2}, m1).status_code == 403
    settled = city.put("/cross-impacts/resolutions", {**pair, "value": 2, "note": "geklärt"})
    assert settled.status_code == 200, settled.text
    overview = city.get("/cross-impacts", city.facilitator).json()
    assert overview["disputed"] == [] and overview["matrix"][0][2] == 2.0
    assert overview["resolutions"][0]["note"] == "geklärt"

    # a run with CIB uses the group's matrix, settled cell included
    started = city.post("/runs", {"top": 8, "with_cib": True})
    assert started.status_code == 202, started.text
    run = city.wait_run(started.json()["id"])
    assert run["snapshot"]["cross_impacts"][0][2] == 2.0
    cib = run["result"]["cib"]
    assert cib["source"] == "cross_impacts" and cib["n_scenarios"] == 2

    answer = city.get("/cib", m2).json()
    assert answer["run"]["id"] == run["id"] and answer["run"]["number"] == 2
    solution = answer["solution"]
    assert solution["computed"] and len(solution["scenarios"]) == 2
    assert all(s["ic"] == 0 for s in solution["scenarios"])
    assert [len(s["projections"]) for s in solution["scenarios"]] == [3, 3]
    assert solution["top_bundles"] and solution["bundles"] == len(run["result"]["bundles"])
    ranks = {b["rank"]: b["cib"] for b in solution["top_bundles"]}
    for s in solution["scenarios"]:
        if s["bundle_rank"] in ranks:
            assert ranks[s["bundle_rank"]] is True
    # the run without CIB before it is not the CIB page's run
    assert project["run"]["id"] != answer["run"]["id"]
