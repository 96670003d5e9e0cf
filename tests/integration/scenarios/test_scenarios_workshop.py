"""The facilitator's controls over runs and disputes, over HTTP against every real process.

Runs: the parameters a run was started with are stored and returned (on the run and in the
list, numbered), the raw scenarios follow the number set, and a rerun computes the same frozen
inputs with the same or changed parameters. Disputes: an influence cell and a consistency pair
the two members disagree on show each member's own value; a resolution without a value is
refused naming the field (in German too); a resolved item leaves the list and its value counts.
"""

from __future__ import annotations

import pytest
from scenarios_support import small_project

pytestmark = pytest.mark.integration


def test_run_parameters_are_stored_shown_and_changed_by_a_rerun(scenario_city) -> None:
    city = scenario_city
    member = city.members[0]
    first = small_project(city, n_factors=5, key=3, projections=3)["run"]
    params = {"top": 12, "n_clusters": 3, "linkage": "complete", "max_partial": 2}
    started = city.post("/runs", {**params, "with_cib": True})
    assert started.status_code == 202, started.text
    assert started.json()["number"] == 2
    run = city.wait_run(started.json()["id"])
    assert {k: run["parameters"][k] for k in params} == params
    assert run["parameters"]["with_cib"] is True and run["number"] == 2
    result = run["result"]
    assert result["clustering"]["chosen_by"] == "facilitator" and result["clustering"]["k"] == 3
    assert len(result["raw_scenarios"]) == 3
    assert run["summary"]["raw_scenarios"] == 3
    assert run["summary"]["bundles"] == len(result["bundles"]) <= 12
    assert run["summary"]["cib_scenarios"] == result["cib"]["n_scenarios"]
    by_rank = {b["rank"]: b["projections"] for b in result["bundles"]}
    for raw in result["raw_scenarios"]:  # each profile is its cluster's strongest bundle
        assert raw["characteristic"] == by_rank[min(raw["members"])] == by_rank[raw["strongest"]]

    listed = city.get("/runs", member).json()
    assert [(r["id"], r["number"]) for r in listed] == [(run["id"], 2), (first["id"], 1)]
    assert listed[0]["parameters"] == run["parameters"]
    assert listed[0]["summary"] == run["summary"]
    assert listed[1]["parameters"]["n_clusters"] is None  # automatic

    # a rerun with changed parameters: what it names changes, the rest and the inputs stay
    again = city.post(f"/runs/{run['id']}/rerun", {"n_clusters": None, "linkage": "average"})
    assert again.status_code == 202, again.text
    rerun = city.wait_run(again.json()["id"])
    assert rerun["rerun_of"] == run["id"] and rerun["number"] == 3
    assert rerun["parameters"] == {**run["parameters"], "n_clusters": None, "linkage": "average"}
    for part in ("key_factors", "consistency", "scale"):
        assert rerun["snapshot"][part] == run["snapshot"][part]
    clusters = rerun["result"]["clustering"]
    assert clusters["chosen_by"] == "silhouette" and clusters["k"] == clusters["suggested_k"]
    # a rerun without a body repeats the run exactly
    same = city.post(f"/runs/{run['id']}/rerun")
    assert same.status_code == 202, same.text
    repeated = city.wait_run(same.json()["id"])
    assert repeated["parameters"] == run["parameters"] and repeated["result"] == result

    bad = city.post(f"/runs/{run['id']}/rerun", {"linkage": "nearest", "top": 0})
    assert bad.status_code == 422 and set(bad.json()["error"]["fields"]) == {"linkage", "top"}
    assert city.post(f"/runs/{run['id']}/rerun", {}, member).status_code == 403


def test_disputes_of_both_matrices_show_each_value_and_leave_when_resolved(scenario_city) -> None:
    city = scenario_city
    (m1, m2), facilitator = city.members, city.facilitator
    city.create_project()
    city.to_scenarios()
    factors = [f["id"] for f in city.add_factors(3, m1)]

    # --- influence: the members are three steps apart on factor 1 → factor 2
    for member, strong in ((m1, 0), (m2, 3)):
        matrix = [[None if i == j else 1 for j in range(3)] for i in range(3)]
        matrix[0][1] = strong
        rated = city.put("/influence/rating", {"factor_ids": factors, "matrix": matrix}, member)
        assert rated.status_code == 200, rated.text
    state = city.get("/influence", facilitator).json()
    (dispute,) = state["disputed"]
    assert (dispute["a"], dispute["b"]) == (factors[0], factors[1])
    assert sorted(r["value"] for r in dispute["ratings"]) == [0, 3]
    assert {r["rater"] for r in dispute["ratings"]} == {m1["id"], m2["id"]}
    assert all(r["name"] for r in dispute["ratings"])
    cell = {"a": factors[0], "b": factors[1]}
    empty = city.put("/influence/resolutions", cell)
    assert empty.status_code == 422
    assert "festgelegten Wert" in " ".join(empty.json()["error"]["fields"]["value"]["de"])
    assert city.put("/influence/resolutions", {**cell, "value": 2}, m1).status_code == 403
    itself = city.put("/influence/resolutions", {"a": factors[0], "b": factors[0], "value": 1})
    assert itself.status_code == 422 and "b" in itself.json()["error"]["fields"]
    resolved = city.put("/influence/resolutions", {**cell, "value": 2, "note": "Im Workshop"})
    assert resolved.status_code == 200, resolved.text
    state = city.get("/influence", facilitator).json()
    assert state["disputed"] == [] and state["matrix"][0][1] == 2
    assert [(r["a"], r["b"], r["value"]) for r in state["resolutions"]] == [
        (factors[0], factors[1], 2)
    ]

    # --- consistency: the members are four steps apart on one pair
    decided = city.put("/key-factors", {"factor_ids": factors[:2], "note": "Zwei genügen"})
    assert decided.status_code == 200, decided.text
    for factor_id in factors[:2]:
        for title in ("hoch", "niedrig"):
            made = city.post("/projections", {"factor_id": factor_id, "title": title}, m1)
            assert made.status_code == 201, made.text
    order = city.get("/projections").json()["order"]
    for member, value in ((m1, 1), (m2, 5)):
        matrix = [[None] * 4 for _ in range(4)]
        for i, j in ((0, 2), (0, 3), (1, 2), (1, 3)):
            matrix[i][j] = 4
        matrix[0][2] = value
        rated = city.put("/consistency/rating", {"projection_ids": order, "matrix": matrix}, member)
        assert rated.status_code == 200, rated.text
    state = city.get("/consistency", facilitator).json()
    (dispute,) = state["disputed"]
    assert {dispute["a"], dispute["b"]} == {order[0], order[2]}
    assert sorted(r["value"] for r in dispute["ratings"]) == [1, 5]
    pair = {"a": order[2], "b": order[0]}  # either order names the pair
    empty = city.put("/consistency/resolutions", pair)
    assert empty.status_code == 422 and set(empty.json()["error"]["fields"]) == {"value"}
    assert city.put("/consistency/resolutions", {**pair, "value": 3}).status_code == 200
    state = city.get("/consistency", facilitator).json()
    assert state["disputed"] == [] and state["matrix"][0][2] == state["matrix"][2][0] == 3
