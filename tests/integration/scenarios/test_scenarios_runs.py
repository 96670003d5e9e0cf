"""Computation runs: what a run needs before it starts, and a realistic size (22 key factors ×
4 projections, 1.8·10¹³ bundles) computed in the service's worker well within the RPC timeout,
with the result the engine gives on the run's snapshot."""

from __future__ import annotations

from datetime import datetime

from scenarios_support import as_rows, consistency_matrices, influence_matrix

from services.scenarios.compute import compute

RPC_TIMEOUT = 10.0  # seconds, the gateway's default (STADTDIALOG_RPC_TIMEOUT)


def test_a_run_names_what_it_still_needs(scenario_city) -> None:
    city = scenario_city
    member = city.members[0]
    city.create_project()
    city.to_scenarios()
    factors = [f["id"] for f in city.add_factors(3, member)]

    def refused(body: dict | None = None) -> dict:
        response = city.post("/runs", body or {})
        assert response.status_code == 409, response.text
        return response.json()["error"]["fields"]

    assert "key_factors" in refused()
    decided = city.put("/key-factors", {"factor_ids": factors[:2], "note": "ohne Bewertung"})
    assert decided.status_code == 200, decided.text
    assert f"projections.{factors[0]}" in refused()
    projections = []
    for factor_id in factors[:2]:
        for title in ("hoch", "niedrig"):
            made = city.post("/projections", {"factor_id": factor_id, "title": title}, member)
            projections.append(made.json()["id"])
    assert "consistency" in refused()  # four pairs, none rated
    bad = city.post("/runs", {"top": 0, "linkage": "nearest", "surprise": 1})
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"top", "linkage", "surprise"}

    # a pair rated by one member only, the rest resolved by the facilitator
    matrix = [[None] * 4 for _ in range(4)]
    matrix[0][2] = 5
    rated = city.put(
        "/consistency/rating", {"projection_ids": projections, "matrix": matrix}, member
    )
    assert rated.status_code == 200 and rated.json()["progress"] == {"judged": 1, "total": 4}
    same = city.put(
        "/consistency/resolutions", {"a": projections[0], "b": projections[1], "value": 3}
    )
    assert same.status_code == 422 and "b" in same.json()["error"]["fields"]
    for a, b in ((0, 3), (1, 2), (1, 3)):
        resolved = city.put(
            "/consistency/resolutions", {"a": projections[a], "b": projections[b], "value": 2}
        )
        assert resolved.status_code == 200, resolved.text
    assert city.get("/consistency", city.facilitator).json()["open_pairs"] == 0
    started = city.post("/runs", {})
    assert started.status_code == 202, started.text
    run = city.wait_run(started.json()["id"])
    best = run["result"]["bundles"][0]
    assert best["projections"] == [projections[0], projections[2]] and best["sum"] == 5
    assert city.get("/runs/0123456789abcdef01234567", member).status_code == 404
    assert city.get("/runs/nonsense", member).status_code == 404


def test_a_realistic_run_of_22_key_factors_with_4_projections(scenario_city) -> None:
    city = scenario_city
    member = city.members[0]
    city.create_project()
    city.to_scenarios()
    factors = [f["id"] for f in city.add_factors(22, member)]
    rating = city.put(
        "/influence/rating", {"factor_ids": factors, "matrix": influence_matrix(22, 3)}, member
    )
    assert rating.status_code == 200, rating.text
    decided = city.put(
        "/key-factors", {"factor_ids": factors, "note": "Alle 22 sind Schlüsselfaktoren"}
    )
    assert decided.status_code == 200, decided.text
    for k, factor_id in enumerate(factors):
        for p in range(4):
            made = city.post(
                "/projections",
                {"factor_id": factor_id, "title": f"{k + 1}.{p + 1}", "probability": 0.25},
                member,
            )
            assert made.status_code == 201, made.text
    order = city.get("/projections").json()["order"]
    assert len(order) == 88
    (matrix,) = consistency_matrices([4] * 22, seed=22, raters=1)
    rated = city.put(
        "/consistency/rating", {"projection_ids": order, "matrix": as_rows(matrix)}, member
    )
    assert rated.status_code == 200, rated.text
    assert rated.json()["progress"] == {"judged": 3696, "total": 3696}

    started = city.post("/runs", {"top": 100})
    assert started.status_code == 202, started.text
    run = city.wait_run(started.json()["id"])
    result = run["result"]
    assert result["space"] == str(4**22) and len(result["bundles"]) == 100
    assert "plausibility" in result["bundles"][0]  # every projection has a probability
    took = datetime.fromisoformat(run["finished_at"]) - datetime.fromisoformat(run["started_at"])
    assert took.total_seconds() < RPC_TIMEOUT / 2, run["timings"]
    assert compute(run["snapshot"])[0] == result
