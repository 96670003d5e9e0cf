"""Raw-scenario profiles agree with their bundles: the profile is the cluster's strongest
(best-ranked) bundle, so a one-bundle cluster's profile is that bundle and every profile names
every key factor — for any bundles, any clustering, and through a whole run."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from services.scenarios.compute import Parameters, build_snapshot, compute
from services.scenarios.engine import clustering
from services.scenarios.engine.reference import random_consistency_model
from services.scenarios.raw_profiles import raw_scenarios


@st.composite
def ranked_bundles(draw) -> tuple[np.ndarray, list[list[str]]]:
    """Distinct bundles (rows of projection indices), taken as ranked best first."""
    sizes = draw(st.lists(st.integers(2, 4), min_size=2, max_size=6))
    row = st.tuples(*(st.integers(0, n - 1) for n in sizes))
    rows = draw(st.lists(row, min_size=2, max_size=25, unique=True))
    names = [[f"K{k}.{p}" for p in range(n)] for k, n in enumerate(sizes)]
    return np.array(rows, dtype=np.int64), names


@settings(max_examples=150, deadline=None)
@given(
    data=ranked_bundles(),
    method=st.sampled_from(clustering.LINKAGES),
    k=st.integers(1, 30),
    theta=st.floats(0.05, 1.0),
)
def test_every_profile_is_its_strongest_bundle_and_names_every_key_factor(
    data, method: str, k: int, theta: float
) -> None:
    bundles, names = data
    cl = clustering.cluster_bundles(bundles, method=method, n_clusters=k)
    profiles = raw_scenarios(bundles, cl.labels, names, theta=theta, distances=cl.distances)
    assert sorted(m for p in profiles for m in p["members"]) == list(range(1, len(bundles) + 1))
    for p in profiles:
        # every key factor, with one of its own projections
        assert len(p["characteristic"]) == len(names)
        assert all(c in opts for c, opts in zip(p["characteristic"], names, strict=True))
        # the profile is a member bundle: the best-ranked one
        assert p["strongest"] == min(p["members"])
        strongest = bundles[p["strongest"] - 1]
        assert p["characteristic"] == [opts[v] for opts, v in zip(names, strongest, strict=True)]
        if p["size"] == 1:
            (only,) = p["members"]
            assert p["characteristic"] == [
                opts[v] for opts, v in zip(names, bundles[only - 1], strict=True)
            ]
        # the share of each profile projection among the members is a real share (> 0)
        assert all(s[c] > 0 for s, c in zip(p["shares"], p["characteristic"], strict=True))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), top=st.integers(2, 30))
def test_a_run_with_one_raw_scenario_per_bundle_profiles_each_bundle(seed: int, top: int) -> None:
    model = random_consistency_model([3, 2, 3, 2, 2], seed=seed)
    key_factors = [
        {
            "id": model.factors[k],
            "title": f"Faktor {k + 1}",
            "projections": [{"id": p, "title": p, "probability": None} for p in names],
        }
        for k, names in enumerate(model.projections)
    ]
    snapshot = build_snapshot(
        key_factors, model.values.astype(float), Parameters(top=top, n_clusters=top)
    )
    result, _ = compute(json.loads(json.dumps(snapshot)))
    by_rank = {b["rank"]: b["projections"] for b in result["bundles"]}
    for raw in result["raw_scenarios"]:
        assert len(raw["characteristic"]) == len(model.factors)
        if raw["size"] == 1:
            assert raw["characteristic"] == by_rank[raw["members"][0]]
    if len(result["bundles"]) >= 2:
        assert result["clustering"]["chosen_by"] == "facilitator"
