"""A project file's import is all or nothing, against the real service, broker and database:
when the last step (a scenario naming two projections of one key factor) is refused, the target
project is exactly as it was — settings, factors, ratings and their versions, key-factor
decisions, projections, own criteria, scenarios — and none of the facts the earlier steps
recorded reached the outbox. The same file without the broken value then goes in whole (the
scenario as a draft without a run) and its facts follow."""

from __future__ import annotations

import pytest
from nameko.standalone.rpc import ClusterRpcProxy
from scenarios_support import make_scenario_city

from services.kit.context import Caller
from services.kit.errors import Invalid
from services.kit.outbox import stored_rows
from services.kit.testing import caller_context

pytestmark = pytest.mark.integration


def _file(bad_last_value: bool) -> dict:
    factors = [{"title": t, "description": f"Über {t}"} for t in ("Verkehr", "Wohnen", "Klima")]
    projections = [
        {"factor": k, "title": f"{t} {n}", "description": "", "probability": None}
        for k, t in ((0, "Auto"), (1, "Miete"))
        for n in ("hoch", "niedrig")
    ]
    consistency = [[None] * 4 for _ in range(4)]
    for i, j, v in ((0, 2, 4), (0, 3, 2), (1, 2, 1), (1, 3, 5)):
        consistency[i][j] = consistency[j][i] = v
    scenarios = [{"title": "Autofrei", "narrative": "Zwei\nZeilen", "projections": [1, 3]}]
    if bad_last_value:  # passes nothing but the last step's check
        scenarios.append({"title": "Doppelt", "narrative": "", "projections": [0, 1]})
    return {
        "project": {"title": "Aus der Datei", "key_factor_count": 2, "rank_by": "active"},
        "factors": factors,
        "influence": [[None, 3, 2], [1, None, 0], [2, 1, None]],
        "key": [0, 1],
        "projections": projections,
        "consistency": consistency,
        "criteria": [{"title": "Bürgernähe", "description": "Wie nah?"}],
        "scenarios": scenarios,
    }


def _state(city, db) -> dict:
    """Everything of the city's project an import may change, as the service stores it."""
    rows = {
        name: sorted(
            (
                {k: v for k, v in doc.items() if k != "_id"} | {"_id": str(doc["_id"])}
                for doc in db[name].find({"city": city.slug})
            ),
            key=lambda d: d["_id"],
        )
        for name in (
            "projects",
            "factors",
            "influence_ratings",
            "key_factor_decisions",
            "projections",
            "consistency_ratings",
            "rating_versions",
            "pair_resolutions",
            "assessment_criteria",
            "scenarios",
        )  # fmt: skip
    }
    facts = stored_rows(db["outbox"], {"envelope.city": city.slug})
    rows["facts"] = sorted(row["envelope"]["type"] for row in facts)
    return rows


def test_a_refused_last_step_leaves_the_project_as_it_was(platform, api, cities) -> None:
    city = make_scenario_city(api, cities)
    created = city.post("/project", {"title": "Vorher", "key_factor_count": 4})
    assert created.status_code == 201, created.text
    city.to_scenarios()
    me = api.get("/me", token=city.facilitator["token"]).json()["id"]
    config = {"AMQP_URI": platform.infra.amqp_uri, "serializer": "json"}
    context = caller_context(Caller(user_id=me, roles={city.slug: ["facilitator"]}))
    db = platform.infra.database("scenarios")
    before = _state(city, db)
    assert before["projects"][0]["title"] == "Vorher" and not before["factors"]

    with ClusterRpcProxy(config, timeout=60, context_data=context) as proxy:
        with pytest.raises(Invalid):
            proxy.scenarios.import_project(city.slug, _file(bad_last_value=True))
        assert _state(city, db) == before

        made = proxy.scenarios.import_project(city.slug, _file(bad_last_value=False))
    after = _state(city, db)
    assert len(made["factor_ids"]) == 3 and len(made["projection_ids"]) == 4
    assert after["projects"][0]["title"] == "Aus der Datei"
    assert [f["title"] for f in after["factors"]] == ["Verkehr", "Wohnen", "Klima"]
    assert len(after["consistency_ratings"]) == 1 and len(after["key_factor_decisions"]) == 1
    assert [c["title"] for c in after["assessment_criteria"]] == ["Bürgernähe"]
    (scenario,) = after["scenarios"]
    assert (scenario["title"], scenario["status"], scenario["origin"]) == (
        "Autofrei", "draft", "import")  # fmt: skip
    assert scenario["projection_ids"] == [made["projection_ids"][1], made["projection_ids"][3]]
    assert "run_id" not in scenario and made["scenario_ids"] == [scenario["_id"]]
    assert "stadtdialog.scenarios.key_factors.decided.v1" in after["facts"]
