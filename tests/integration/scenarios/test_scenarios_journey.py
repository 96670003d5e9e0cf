"""A city's scenario project from the first factor to a published deep-dive topic.

Every process is real (identity, cities, scenarios, the gateway, RabbitMQ, FerretDB). Fourteen
factors (one from a citizen's observation), two working-group members rate influence, the
facilitator takes the engine's eight key factors, three projections each, both members rate
consistency, the facilitator resolves a disputed pair and starts a run; the run's result is
recomputed here with the engine from the raters' own matrices and must be equal, and a rerun
of its snapshot must give the identical result. Scenarios are written and published,
assessed in the transfer phase, and a topic is drafted, reviewed and published: its public
fact reaches a queue bound beforehand, and the cities service counts it, which opens the
table-talk phase.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
from scenarios_support import as_rows, consistency_matrices, influence_matrix

from services.kit.testing import wait_until
from services.scenarios.compute import compute
from services.scenarios.engine import clustering, consistency, influence

N_FACTORS = 14
N_KEY = 8
N_PROJECTIONS = 3


def test_scenario_project_from_factors_to_a_published_topic(
    scenario_city, public_listener, api
) -> None:
    city = scenario_city
    facilitator, (m1, m2), citizen = city.facilitator, city.members, city.citizen
    topics = public_listener(f"{city.slug}.scenarios.topic.published")
    everything = public_listener(f"{city.slug}.scenarios.#")

    # --- kickoff: the project is prepared, the factor work waits for the scenario phase
    project = city.create_project()
    assert project["cohort_year"] >= 2030 and project["settings"]["key_factor_count"] == N_KEY
    assert city.post("/project", {"title": "Noch eins"}).status_code == 409
    early = city.post("/factors", {"title": "Zu früh"}, m1)
    assert early.status_code == 409 and early.json()["error"]["code"] == "phase_closed"
    city.to_scenarios()

    # --- citizens' observations: one submitted here, one noted at a table talk
    seen = city.post(
        "/observations",
        {"kind": "observation", "text": "Immer mehr Läden in der Innenstadt stehen leer."},
        citizen,
    )
    assert seen.status_code == 201, seen.text
    assert seen.json()["mine"] is True and "author" not in seen.json()

    # --- factors: thirteen from the working group, one from the citizen's observation
    city.add_factors(N_FACTORS - 1, m1)
    from_citizen = city.post(
        "/factors",
        {"title": "Leerstand im Einzelhandel", "observation_id": seen.json()["id"]},
        m2,
    )
    assert from_citizen.status_code == 201 and from_citizen.json()["source"] == "observation"
    listed = city.get("/factors").json()  # public
    assert len(listed) == N_FACTORS
    assert next(f for f in listed if f["source"] == "observation")["observations"] == 1
    factor_ids = [f["id"] for f in listed]

    # --- influence: each member submits a whole matrix; bad ones are named
    wrong_shape = city.put(
        "/influence/rating", {"factor_ids": factor_ids, "matrix": influence_matrix(5, 1)}, m1
    )
    assert wrong_shape.status_code == 422 and "matrix" in wrong_shape.json()["error"]["fields"]
    too_strong = influence_matrix(N_FACTORS, 1)
    too_strong[2][5] = 7
    out_of_scale = city.put(
        "/influence/rating", {"factor_ids": factor_ids, "matrix": too_strong}, m1
    )
    assert out_of_scale.status_code == 422
    assert "matrix.2.5" in out_of_scale.json()["error"]["fields"]
    ratings = {}
    for seed, member in ((11, m1), (12, m2)):
        ratings[member["id"]] = influence_matrix(N_FACTORS, seed)
        done = city.put(
            "/influence/rating",
            {"factor_ids": factor_ids, "matrix": ratings[member["id"]]},
            member,
        )
        assert done.status_code == 200, done.text
        assert done.json()["progress"] == {"judged": 182, "total": 182}
    assert city.get("/influence", m1).status_code == 403  # the aggregate is the facilitator's
    overview = city.get("/influence", facilitator).json()
    assert {r["rater"] for r in overview["raters"]} == {m1["id"], m2["id"]}
    stack = np.array(
        [[[np.nan if v is None else v for v in row] for row in m] for m in ratings.values()],
        dtype=float,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nan_to_num(np.nanmean(stack, axis=0))
    engine = influence.analyse_influence(factor_ids, mean)
    suggestion = engine.key_factors(N_KEY, "dynamics")
    assert overview["suggestion"] == suggestion
    assert overview["analysis"]["rankings"]["dynamics"] == engine.ranking("dynamics")
    grid = api.get(city.path("/influence/grid.svg"), token=facilitator["token"])
    assert grid.status_code == 200 and grid.headers["Content-Type"].startswith("image/svg+xml")

    # --- key factors: the suggestion is taken; departing from it needs a reason
    departing = [*suggestion[:-1], next(f for f in factor_ids if f not in suggestion)]
    unexplained = city.put("/key-factors", {"factor_ids": departing})
    assert unexplained.status_code == 422 and "note" in unexplained.json()["error"]["fields"]
    decided = city.put("/key-factors", {"factor_ids": suggestion})
    assert decided.status_code == 200 and [f["id"] for f in decided.json()["factors"]] == suggestion
    assert city.get("/key-factors").json()["factors"] == decided.json()["factors"]  # public

    # --- projections: three per key factor
    not_key = next(f for f in factor_ids if f not in suggestion)
    for bad, field in (("0123456789abcdef01234567", "factor_id"), (not_key, "factor_id")):
        refused = city.post("/projections", {"factor_id": bad, "title": "Irgendwas"}, m1)
        assert refused.status_code == 422 and field in refused.json()["error"]["fields"]
    for k, factor_id in enumerate(suggestion):
        for p in range(N_PROJECTIONS):
            made = city.post(
                "/projections",
                {"factor_id": factor_id, "title": f"Projektion {k + 1}.{p + 1}"},
                m1 if p % 2 else m2,
            )
            assert made.status_code == 201, made.text
    layout = city.get("/projections").json()
    order = layout["order"]
    assert len(order) == N_KEY * N_PROJECTIONS
    assert [kf["id"] for kf in layout["key_factors"]] == suggestion

    # --- consistency: both members rate; the facilitator resolves the most disputed pair
    matrices = consistency_matrices([N_PROJECTIONS] * N_KEY, seed=21, raters=2)
    i, j = 0, 3  # first projections of the first two key factors: the raters fall out here
    matrices[1][i, j] = matrices[1][j, i] = 1 if matrices[0][i, j] >= 3 else 5
    same_factor = as_rows(matrices[0])
    same_factor[0][1] = 3
    refused = city.put("/consistency/rating", {"projection_ids": order, "matrix": same_factor}, m1)
    assert refused.status_code == 422 and "matrix.0.1" in refused.json()["error"]["fields"]
    beyond = as_rows(matrices[0])
    beyond[0][5] = 6
    refused = city.put("/consistency/rating", {"projection_ids": order, "matrix": beyond}, m1)
    assert refused.status_code == 422 and "matrix.0.5" in refused.json()["error"]["fields"]
    for m, member in zip(matrices, (m1, m2), strict=True):
        done = city.put(
            "/consistency/rating", {"projection_ids": order, "matrix": as_rows(m)}, member
        )
        assert done.status_code == 200, done.text
        assert done.json()["progress"] == {"judged": 252, "total": 252}
    state = city.get("/consistency", facilitator).json()
    assert [r["judged"] for r in state["raters"]] == [252, 252] and state["open_pairs"] == 0
    assert [(d["a"], d["b"]) for d in state["disputed"]] == [(order[i], order[j])]
    resolved = city.put(
        "/consistency/resolutions",
        {"a": order[i], "b": order[j], "value": 5, "note": "Im Workshop geklärt"},
    )
    assert resolved.status_code == 200, resolved.text

    # --- a run: its result is the engine's on the raters' own matrices
    started = city.post("/runs", {"top": 60, "with_cib": True})
    assert started.status_code == 202 and started.json()["status"] == "queued"
    run = city.wait_run(started.json()["id"])
    assert run["progress"] == 1.0 and run["stage"] == "done"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        agg = consistency.aggregate_raters(matrices, "median").values
    agg[i, j] = agg[j, i] = 5
    fac = np.repeat(np.arange(N_KEY), N_PROJECTIONS)
    agg[fac[:, None] == fac[None, :]] = 0
    model = consistency.ConsistencyModel.build(
        suggestion,
        [order[k * N_PROJECTIONS : (k + 1) * N_PROJECTIONS] for k in range(N_KEY)],
        agg,
    )
    best = consistency.search_bundles(model, top=60)
    result = run["result"]
    assert [b["projections"] for b in result["bundles"]] == [
        model.projection_names(b) for b in best.bundles
    ]
    assert [b["sum"] for b in result["bundles"]] == best.sums.tolist()
    labels = clustering.cluster_bundles(best.bundles, method="average").labels
    assert [b["cluster"] for b in result["bundles"]] == labels.tolist()
    assert result["cib"]["n_scenarios"] == len(result["cib"]["scenarios"])
    assert compute(run["snapshot"])[0] == result  # the service computed exactly this
    finished = everything.wait_for("stadtdialog.scenarios.run.finished.v1")
    assert finished["data"]["run_id"] == run["id"]

    rerun = city.post(f"/runs/{run['id']}/rerun")
    assert rerun.status_code == 202 and rerun.json()["rerun_of"] == run["id"]
    again = city.wait_run(rerun.json()["id"])
    assert again["snapshot"] == run["snapshot"]
    assert json.dumps(again["result"], sort_keys=True) == json.dumps(result, sort_keys=True)
    smap = api.get(city.path(f"/runs/{run['id']}/map.svg"), token=m1["token"])
    assert smap.status_code == 200 and "<svg" in smap.text

    # --- scenarios from the raw scenarios; drafts stay in the group, published ones are public
    raw = result["raw_scenarios"]
    assert len(raw) >= 2
    written = []
    for r in raw[:2]:
        made = city.post(
            "/scenarios",
            {
                "run_id": run["id"],
                "cluster": r["cluster"],
                "title": f"Szenario {r['cluster']}",
                "narrative": "So könnte es kommen …",
            },
        )
        assert made.status_code == 201, made.text
        expected = [p for p in r["characteristic"] if p is not None]
        assert [p["projection_id"] for p in made.json()["projections"]] == expected
        written.append(made.json())
    bad = city.post("/scenarios", {"run_id": run["id"], "cluster": 99, "title": "Gibt es nicht"})
    assert bad.status_code == 422 and "cluster" in bad.json()["error"]["fields"]
    assert city.get("/scenarios").json() == []  # nothing published yet
    assert city.get(f"/scenarios/{written[0]['id']}").status_code == 404
    for s in written:
        assert city.post(f"/scenarios/{s['id']}/publish").status_code == 200
    public = city.get("/scenarios").json()
    assert [s["id"] for s in public] == [s["id"] for s in written]
    profile = api.get(city.path(f"/scenarios/{written[0]['id']}/profile.svg"))
    assert profile.status_code == 200 and "Projektionsprofil" in profile.text

    # --- transfer: assessments and the portfolio; factor work is closed now
    city.advance("transfer")
    closed = city.post("/factors", {"title": "Nachzügler"}, m1)
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "phase_closed"
    criteria = city.get("/criteria").json()
    assert [c["id"] for c in criteria][:3] == ["likelihood", "desirability", "impact"]
    for member, values in ((m1, (4, 5, 4)), (m2, (3, 4, 5))):
        for s in written:
            ratings = dict(zip(("likelihood", "desirability", "impact"), values, strict=True))
            assessed = city.put(f"/scenarios/{s['id']}/assessment", {"ratings": ratings}, member)
            assert assessed.status_code == 200, assessed.text
    unknown = city.put(
        f"/scenarios/{written[0]['id']}/assessment",
        {"ratings": {"likelihood": 3, "desirability": 3, "impact": 3, "beauty": 5}},
        m1,
    )
    assert unknown.status_code == 422 and "ratings.beauty" in unknown.json()["error"]["fields"]
    folio = city.get("/portfolio", m1).json()["scenarios"]
    assert folio[0]["criteria"]["likelihood"]["mean"] == 3.5 and folio[0]["raters"] == 2
    assert folio[0]["quadrant"] == "prepare"

    # --- a deep-dive topic: drafted, reviewed, published; the fact leaves the platform
    drafted = city.post(
        "/topics",
        {
            "title": "Lebendige Innenstadt",
            "guiding_question": "Wie wollen wir unsere Innenstadt 2040 nutzen?",
            "description": "Aus den Szenarien 1 und 2.",
            "scenario_ids": [s["id"] for s in written],
            "factor_ids": suggestion[:2],
            "questions": ["Was fehlt Dir in der Innenstadt?"],
        },
        m1,
    )
    assert drafted.status_code == 201, drafted.text
    topic_id = drafted.json()["id"]
    assert city.get("/topics").json() == []  # drafts are the group's
    early = city.post(f"/topics/{topic_id}/publish")
    assert early.status_code == 409 and "status" in early.json()["error"]["fields"]
    assert city.post(f"/topics/{topic_id}/submit", None, m2).json()["status"] == "review"
    assert city.post(f"/topics/{topic_id}/publish", None, m1).status_code == 403
    published = city.post(f"/topics/{topic_id}/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert city.post(f"/topics/{topic_id}/publish").status_code == 200  # repeated: no new fact

    fact = topics.wait_for("stadtdialog.scenarios.topic.published.v1")
    assert fact["city"] == city.slug and fact["subject"] == topic_id
    assert fact["data"]["topic_id"] == topic_id
    assert fact["data"]["title"] == "Lebendige Innenstadt"
    assert fact["data"]["guiding_question"] == "Wie wollen wir unsere Innenstadt 2040 nutzen?"
    text = json.dumps(fact)
    for person in (facilitator, m1, m2, citizen, city.admin):  # no personal data leaves
        assert person["id"] not in text and person["email"] not in text
    assert [t["id"] for t in city.get("/topics").json()] == [topic_id]

    wait_until(
        lambda: (
            api.get(f"/cities/{city.slug}/tallies").json().get("scenarios.topic.published") == 1
        ),
        30,
        "the cities service counted the topic",
    )
    opened = api.post(
        f"/cities/{city.slug}/phase", {"to": "table_talks"}, token=city.admin["token"]
    )
    assert opened.status_code == 200, opened.text
    # The dialogue service's copy of the topic has the same id (talk facts carry it).
    copy = wait_until(
        lambda: next(
            (
                t
                for t in api.get(f"/cities/{city.slug}/topics").json()
                if t["source"] == "deep_dive"
            ),
            None,
        ),
        30,
        "the dialogue service's copy of the topic",
    )
    assert copy["id"] == topic_id and copy["title"] == "Lebendige Innenstadt"
