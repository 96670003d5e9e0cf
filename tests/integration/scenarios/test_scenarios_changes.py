"""Changing the workshop afterwards, over HTTP against every real process (issue 18 item 1):
factors and projections edited and removed with what depends on them, duplicate factor names
refused, scenarios and topics withdrawn with a reason and published again (citizens stop and
start seeing them, the public facts carry no reason), and the versions of rating matrices
listed and restored. The scenario phase's checklist follows the published scenarios."""

from __future__ import annotations

import pytest
from scenarios_support import influence_matrix, small_project

from services.kit.testing import wait_until

pytestmark = pytest.mark.integration


def _fields(response) -> dict:  # noqa: ANN001 - a requests response
    return response.json()["error"]["fields"]


def _step(city, phase: str, step: str) -> dict:  # noqa: ANN001 - a ScenarioCity
    phases = city.api.get(f"/cities/{city.slug}/phases").json()["phases"]
    found = next(p for p in phases if p["phase"] == phase)
    return next(s for s in found["steps"] if s["id"] == step)


def test_factors_edited_refused_as_duplicates_and_removed_with_their_dependents(
    scenario_city,
) -> None:
    city = scenario_city
    (m1, m2), facilitator = city.members, city.facilitator
    city.create_project()
    city.to_scenarios()
    traffic = city.post("/factors", {"title": "Verkehr"}, m1).json()
    # the same name in other case and spacing is refused, in German too
    twice = city.post("/factors", {"title": "  verKEHR "}, m2)
    assert twice.status_code == 409, twice.text
    assert "gibt es schon" in _fields(twice)["title"]["de"][0]
    others = [f["id"] for f in city.add_factors(3, m1)]
    renamed = city.put(f"/factors/{others[0]}", {"title": "VERKEHR"}, m2)
    assert renamed.status_code == 409 and "title" in _fields(renamed)
    # its own name in another case is no duplicate of itself
    same = city.put(f"/factors/{traffic['id']}", {"title": "Verkehr ", "description": "Wege"})
    assert same.status_code == 200 and same.json()["description"] == "Wege"
    ids = [traffic["id"], *others]

    rated = city.put("/influence/rating", {"factor_ids": ids, "matrix": influence_matrix(4, 3)}, m1)
    assert rated.status_code == 200, rated.text
    decided = city.put("/key-factors", {"factor_ids": ids[:2], "note": "Test"})
    assert decided.status_code == 200, decided.text
    for title in ("Mehr Rad", "Mehr Auto"):
        made = city.post("/projections", {"factor_id": traffic["id"], "title": title}, m1)
        assert made.status_code == 201, made.text

    found = city.get(f"/factors/{traffic['id']}/dependents", m2).json()
    assert found["key_factor"] is True and found["influence_raters"] == 1
    assert found["influence_values"] > 0
    assert sorted(p["title"] for p in found["projections"]) == ["Mehr Auto", "Mehr Rad"]
    assert city.get(f"/factors/{traffic['id']}/dependents", city.citizen).status_code == 403

    # a key factor is removed by the facilitator only; with it its projections
    assert (
        city.api.delete(city.path(f"/factors/{traffic['id']}"), token=m2["token"]).status_code
        == 403
    )
    gone = city.api.delete(city.path(f"/factors/{traffic['id']}"), token=facilitator["token"])
    assert gone.status_code == 200, gone.text
    assert gone.json()["removed"]["key_factor"] is True
    assert [f["id"] for f in city.get("/key-factors").json()["factors"]] == [ids[1]]
    assert city.get("/projections").json()["order"] == []
    assert [f["id"] for f in city.get("/factors").json()] == ids[1:]
    # a factor that is no key factor: any editor; the rating still reads, without it
    plain = city.api.delete(city.path(f"/factors/{ids[3]}"), token=m2["token"])
    assert plain.status_code == 200 and plain.json()["removed"]["key_factor"] is False
    mine = city.get("/influence/rating", m1).json()
    assert mine["factor_ids"] == ids[1:3]


def test_scenario_withdrawn_with_a_reason_published_again_and_drafts_changed(
    scenario_city, public_listener
) -> None:
    city = scenario_city
    facilitator, member, citizen = city.facilitator, city.members[0], city.citizen
    stream = public_listener(f"{city.slug}.scenarios.#")
    project = small_project(city, n_factors=5, key=3, projections=2)
    run = project["run"]

    # --- a projection edited, another one removed with its dependents named first
    first, second = project["order"][0], project["order"][1]
    edited = city.put(f"/projections/{first}", {"title": "Viel mehr Rad"}, member)
    assert edited.status_code == 200 and edited.json()["title"] == "Viel mehr Rad"
    found = city.get(f"/projections/{second}/dependents", member).json()
    assert found["consistency_raters"] == 1 and found["consistency_values"] > 0
    removed = city.api.delete(city.path(f"/projections/{second}"), token=member["token"])
    assert removed.status_code == 200, removed.text
    assert second not in city.get("/projections").json()["order"]

    # --- a draft: its text and profile change, it is deleted
    made = city.post("/scenarios", {"run_id": run["id"], "cluster": 1, "title": "Entwurf"})
    assert made.status_code == 201, made.text
    draft = made.json()
    snapshot = run["snapshot"]["key_factors"]
    profile = [kf["projections"][-1]["id"] for kf in snapshot]
    changed = city.put(
        f"/scenarios/{draft['id']}", {"title": "Kurze Wege", "projection_ids": profile}
    )
    assert changed.status_code == 200, changed.text
    assert [p["projection_id"] for p in changed.json()["projections"]] == profile
    scenario_id = draft["id"]

    # --- published, then withdrawn: a reason is required, citizens stop seeing it
    assert city.post(f"/scenarios/{scenario_id}/publish").status_code == 200
    wait_until(lambda: _step(city, "scenarios", "scenarios_written")["done"], 20, "step done")
    late = city.put(f"/scenarios/{scenario_id}", {"title": "Anders"})
    assert late.status_code == 409 and "zurückziehen" in _fields(late)["status"]["de"][0]
    no_reason = city.post(f"/scenarios/{scenario_id}/withdraw", {"reason": "  "})
    assert no_reason.status_code == 422 and "reason" in _fields(no_reason)
    assert (
        city.post(f"/scenarios/{scenario_id}/withdraw", {"reason": "x"}, member).status_code == 403
    )
    withdrawn = city.post(
        f"/scenarios/{scenario_id}/withdraw", {"reason": "Profil passt nicht zum Text"}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["withdrawn_reason"] == "Profil passt nicht zum Text"
    assert city.get("/scenarios", citizen).json() == []
    assert city.get(f"/scenarios/{scenario_id}", citizen).status_code == 404
    seen = [s for s in city.get("/scenarios", facilitator).json() if s["id"] == scenario_id]
    assert seen[0]["withdrawn_reason"] == "Profil passt nicht zum Text"
    fact = stream.wait_for("stadtdialog.scenarios.scenario.withdrawn.v1", subject=scenario_id)
    assert fact["data"] == {"scenario_id": scenario_id}  # no reason, no person
    wait_until(lambda: not _step(city, "scenarios", "scenarios_written")["done"], 20, "undone")
    # withdrawn, it may change again, and be published again
    assert city.put(f"/scenarios/{scenario_id}", {"title": "Kurze Wege 2"}).status_code == 200
    again = city.post(f"/scenarios/{scenario_id}/publish")
    assert again.status_code == 200 and again.json()["withdrawn_reason"] is None
    assert [s["title"] for s in city.get("/scenarios", citizen).json()] == ["Kurze Wege 2"]
    wait_until(lambda: _step(city, "scenarios", "scenarios_written")["done"], 20, "done again")
    assert _step(city, "scenarios", "key_factors")["done"] is True

    # a published scenario is not deleted; a draft is
    assert (
        city.api.delete(
            city.path(f"/scenarios/{scenario_id}"), token=facilitator["token"]
        ).status_code
        == 409
    )
    other = city.post("/scenarios", {"run_id": run["id"], "cluster": 2, "title": "Weg"}).json()
    deleted = city.api.delete(city.path(f"/scenarios/{other['id']}"), token=facilitator["token"])
    assert deleted.status_code == 200, deleted.text
    assert city.get(f"/scenarios/{other['id']}", facilitator).status_code == 404

    # --- transfer: a published topic withdrawn and published again
    city.advance("transfer")
    topic = city.post(
        "/topics",
        {"title": "Wege", "guiding_question": "Wie kommen wir hin?", "scenario_ids": [scenario_id]},
        member,
    ).json()
    assert city.post(f"/topics/{topic['id']}/submit", None, member).status_code == 200
    assert city.post(f"/topics/{topic['id']}/publish").status_code == 200
    talk_topics = f"/cities/{city.slug}/topics"

    def offered() -> list[str]:
        return [t["id"] for t in city.api.get(talk_topics, token=citizen["token"]).json()]

    wait_until(lambda: topic["id"] in offered(), 20, "the talk topic offered")
    pulled = city.post(f"/topics/{topic['id']}/withdraw", {"reason": "Doppelt"})
    assert pulled.status_code == 200 and pulled.json()["status"] == "withdrawn"
    assert city.get("/topics", citizen).json() == []
    fact = stream.wait_for("stadtdialog.scenarios.topic.withdrawn.v1", subject=topic["id"])
    assert fact["data"] == {"topic_id": topic["id"]}
    # the dialogue's copy (a topic for table talks) is hidden from citizens meanwhile
    wait_until(lambda: topic["id"] not in offered(), 20, "the talk topic hidden")
    back = city.post(f"/topics/{topic['id']}/publish")
    assert back.status_code == 200 and back.json()["status"] == "published"
    assert [t["id"] for t in city.get("/topics", citizen).json()] == [topic["id"]]
    wait_until(lambda: topic["id"] in offered(), 20, "the talk topic offered again")

    # --- an own assessment criterion: added, rated, renamed, removed with its values
    same = city.post("/criteria", {"title": " wahrscheinlichkeit"})
    assert same.status_code == 409 and "title" in _fields(same)  # a base criterion's name
    assert city.post("/criteria", {"title": "Kosten"}, member).status_code == 403
    made = city.post("/criteria", {"title": "Kosten", "description": "Was würde es kosten?"})
    assert made.status_code == 201, made.text
    key = made.json()["id"]
    assert key in [c["id"] for c in city.get("/criteria").json()]
    rated = {"likelihood": 4, "desirability": 5, "impact": 3, key: 2}
    assessed = city.put(f"/scenarios/{scenario_id}/assessment", {"ratings": rated}, member)
    assert assessed.status_code == 200, assessed.text
    assert city.get(f"/criteria/{key}/dependents", facilitator).json()["ratings"] == 1
    renamed = city.put(f"/criteria/{key}", {"title": "Kosten für die Stadt"})
    assert renamed.status_code == 200 and renamed.json()["title_de"] == "Kosten für die Stadt"
    gone = city.api.delete(city.path(f"/criteria/{key}"), token=facilitator["token"])
    assert gone.status_code == 200 and gone.json()["removed"]["ratings"] == 1
    assert key not in [c["id"] for c in city.get("/criteria").json()]
    portfolio = city.get("/portfolio", member).json()
    assert key not in [c["id"] for c in portfolio["criteria"]]
    row = next(r for r in portfolio["scenarios"] if r["scenario_id"] == scenario_id)
    assert row["criteria"]["likelihood"]["n"] == 1  # the other values stayed


def test_every_save_of_a_matrix_is_a_version_a_facilitator_restores(scenario_city) -> None:
    city = scenario_city
    (m1, m2), facilitator = city.members, city.facilitator
    city.create_project()
    city.to_scenarios()
    ids = [f["id"] for f in city.add_factors(3, m1)]
    first, second = influence_matrix(3, 1), influence_matrix(3, 2)
    second[0][1] = 3 if first[0][1] != 3 else 0  # the two saves differ
    for matrix, who in ((first, m1), (second, m1), (influence_matrix(3, 5), m2)):
        saved = city.put("/influence/rating", {"factor_ids": ids, "matrix": matrix}, who)
        assert saved.status_code == 200, saved.text

    versions = city.get("/ratings/influence/versions", facilitator).json()
    assert [v["rater"] for v in versions] == [m2["id"], m1["id"], m1["id"]]  # newest first
    assert all(v["by"] == v["rater"] and v["at"] for v in versions)
    assert versions[1]["rater_name"] and versions[0]["judged"] == 6
    assert city.get("/ratings/influence/versions", m1).status_code == 403
    assert city.get("/ratings/nonsense/versions", facilitator).status_code == 422
    assert city.get("/ratings/consistency/versions", facilitator).json() == []

    oldest = versions[2]
    assert city.post(f"/rating-versions/{oldest['id']}/restore", None, m1).status_code == 403
    restored = city.post(f"/rating-versions/{oldest['id']}/restore")
    assert restored.status_code == 200, restored.text
    assert restored.json()["restored_from"] == oldest["id"]
    assert restored.json()["by"] == facilitator["id"] and restored.json()["rater"] == m1["id"]
    assert city.get("/influence/rating", m1).json()["matrix"] == first
    after = city.get("/ratings/influence/versions", facilitator).json()
    assert len(after) == 4 and after[0]["id"] == restored.json()["id"]
    # the restore is a version too: restoring the one before undoes it
    undo = city.post(f"/rating-versions/{versions[1]['id']}/restore")
    assert undo.status_code == 200
    assert city.get("/influence/rating", m1).json()["matrix"] == second
    assert city.post("/rating-versions/ffffffffffffffffffffffff/restore").status_code == 404
