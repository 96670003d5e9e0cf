"""Who may call which write endpoint of the scenarios service, and tenant isolation.

Callers (built once per module):

* **F** facilitator of city A · **M** working-group member of A · **A** city admin of A
* **C** citizen (signed in, no role in A) · **N** anonymous
* **FB** facilitator of city B · **AB** city admin of city B

Each cell sends a body that is valid for its endpoint, so a 2xx is success and a 401/403 is
about who calls. Two cells answer 409 for an authorised caller by design: the project exists
already (one per city and cohort year) — the caller got past the role check, which comes
first. Phase: every cell runs in the phase its endpoint belongs to (A in ``scenarios``, T in
``transfer``).

=========================================  ===  ===  ===  ===  ===  ===  ===
endpoint (under /cities/{A}/scenarios)      F    M    A    C    N    FB   AB
=========================================  ===  ===  ===  ===  ===  ===  ===
POST   /project                  (exists)   409  403  409  403  401  403  403
PUT    /project                             200  403  403  403  401  403  403
POST   /factors                             201  201  403  403  401  403  403
PUT    /factors/{f}                         200  200  403  403  401  403  403
DELETE /factors/{fresh}                     200  200  403  403  401  403  403
PUT    /influence/rating                    200  200  403  403  401  403  403
GET    /influence                           200  403  403  403  401  403  403
PUT    /key-factors                         200  403  403  403  401  403  403
POST   /projections                         201  201  403  403  401  403  403
PUT    /projections/{p}                     200  200  403  403  401  403  403
DELETE /projections/{fresh}                 200  200  403  403  401  403  403
PUT    /consistency/rating                  200  200  403  403  401  403  403
GET    /consistency                         200  403  403  403  401  403  403
PUT    /consistency/resolutions             200  403  403  403  401  403  403
POST   /runs                                202  403  403  403  401  403  403
POST   /runs/{r}/rerun                      202  403  403  403  401  403  403
GET    /runs                                200  200  403  403  401  403  403
POST   /scenarios                           201  403  403  403  401  403  403
PUT    /scenarios/{draft}                   200  403  403  403  401  403  403
POST   /scenarios/{fresh draft}/publish     200  403  403  403  401  403  403
POST   /observations                        201  201  201  201  401  201  201
PUT    /observations/{o}                    200  403  403  403  401  403  403
POST   /observations/{o}/hide               200  403  403  403  401  403  403
PUT    /scenarios/{s}/assessment     (T)    200  200  403  403  401  403  403
GET    /portfolio                    (T)    200  200  403  403  401  403  403
GET    /assessment-results           (T)    200  200  200  403  401  403  403
POST   /topics                       (T)    201  201  403  403  401  403  403
PUT    /topics/{draft}               (T)    200  200  403  403  401  403  403
POST   /topics/{fresh}/submit        (T)    200  200  403  403  401  403  403
POST   /topics/{fresh, review}/publish (T)  200  403  403  403  401  403  403
=========================================  ===  ===  ===  ===  ===  ===  ===

(FB and AB have their roles in city B only, so in city A they are citizens: they may
submit an observation like anyone signed in.)

Tenant isolation: A's facilitator reaches none of B's objects through A's paths (404, or
422 naming the field for ids in a body), and B is unchanged afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from scenarios_support import ScenarioCity, make_scenario_city, small_project

CALLERS = ("F", "M", "A", "C", "N", "FB", "AB")


@dataclass
class World:
    a: ScenarioCity
    b: ScenarioCity
    t: ScenarioCity  # city A's twin in the transfer phase
    a_project: dict
    b_project: dict
    t_project: dict
    people: dict[str, dict | None]
    people_t: dict[str, dict | None]


def _people(city: ScenarioCity, other: ScenarioCity) -> dict[str, dict | None]:
    return {
        "F": city.facilitator,
        "M": city.members[0],
        "A": city.admin,
        "C": city.citizen,
        "N": None,
        "FB": other.facilitator,
        "AB": other.admin,
    }


@pytest.fixture(scope="module")
def world(api, cities) -> World:
    a, b, t = (make_scenario_city(api, cities) for _ in range(3))
    a_project, b_project, t_project = small_project(a), small_project(b), small_project(t)
    # T: two published scenarios, then the transfer phase
    raw = t_project["run"]["result"]["raw_scenarios"]
    published = []
    for r in raw[:2]:
        made = t.post(
            "/scenarios", {"run_id": t_project["run"]["id"], "cluster": r["cluster"], "title": "S"}
        )
        assert made.status_code == 201, made.text
        assert t.post(f"/scenarios/{made.json()['id']}/publish").status_code == 200
        published.append(made.json()["id"])
    t.advance("transfer")
    t_project["published"] = published
    return World(a, b, t, a_project, b_project, t_project, _people(a, b), _people(t, b))


def _call(city: ScenarioCity, method: str, tail: str, body: Any, who: dict | None):
    token = who["token"] if who else None
    if method == "get":
        return city.api.get(city.path(tail), token=token)
    return getattr(city.api, method)(city.path(tail), body, token=token)


# Each case: (name, city "a" or "t", method, path builder, body builder, expected per caller)
Case = tuple[str, str, str, Callable[[World], str], Callable[[World], Any], dict[str, int]]


def _fresh_factor(w: World) -> str:
    return w.a.post("/factors", {"title": f"Frisch {uuid.uuid4().hex[:6]}"}).json()["id"]


def _fresh_projection(w: World) -> str:
    # A key factor holds at most six projections: the one with the fewest takes the new one.
    layout = w.a.get("/projections", w.a.facilitator).json()["key_factors"]
    factor = min(layout, key=lambda f: len(f["projections"]))
    made = w.a.post("/projections", {"factor_id": factor["id"], "title": "Frisch"})
    assert made.status_code == 201, made.text
    return made.json()["id"]


def _draft(w: World) -> str:
    run = w.a_project["run"]
    cluster = run["result"]["raw_scenarios"][0]["cluster"]
    made = w.a.post("/scenarios", {"run_id": run["id"], "cluster": cluster, "title": "Entwurf"})
    return made.json()["id"]


def _observation(w: World) -> str:
    made = w.a.post("/observations", {"kind": "forecast", "text": "Das erwarte ich …"}, w.a.citizen)
    return made.json()["id"]


def _influence_body(w: World) -> dict:
    ids = [f["id"] for f in w.a.get("/factors").json()]
    return {"factor_ids": ids, "matrix": [[None] * len(ids) for _ in ids]}


def _consistency_body(w: World) -> dict:
    order = w.a.get("/projections").json()["order"]
    return {"projection_ids": order, "matrix": [[None] * len(order) for _ in order]}


def _topic_body(w: World) -> dict:
    return {"title": "Thema", "guiding_question": "Wie weiter?"}


def _topic(w: World, status: str) -> str:
    made = w.t.post("/topics", _topic_body(w), w.t.members[1])
    topic_id = made.json()["id"]
    if status == "review":
        assert w.t.post(f"/topics/{topic_id}/submit", None, w.t.members[1]).status_code == 200
    return topic_id


def _row(*statuses: int) -> dict[str, int]:
    return dict(zip(CALLERS, statuses, strict=True))


FACILITATOR_ONLY = _row(200, 403, 403, 403, 401, 403, 403)
EDITORS = _row(200, 200, 403, 403, 401, 403, 403)
EDITORS_CREATE = _row(201, 201, 403, 403, 401, 403, 403)


def _factor_body(w: World) -> dict:
    """A name of its own each time: a second factor of the same name is refused."""
    return {"title": f"Neu {uuid.uuid4().hex[:8]}"}


CASES: list[Case] = [
    ("create project", "a", "post", lambda w: "/project", lambda w: {"title": "X"},
     _row(409, 403, 409, 403, 401, 403, 403)),
    ("update project", "a", "put", lambda w: "/project", lambda w: {"title": "Zukunft"},
     FACILITATOR_ONLY),
    ("create factor", "a", "post", lambda w: "/factors", _factor_body, EDITORS_CREATE),
    ("update factor", "a", "put", lambda w: f"/factors/{w.a_project['factors'][-1]}",
     lambda w: {"description": "genauer"}, EDITORS),
    ("delete factor", "a", "delete", lambda w: f"/factors/{_fresh_factor(w)}", lambda w: None,
     EDITORS),
    ("rate influence", "a", "put", lambda w: "/influence/rating", _influence_body, EDITORS),
    ("influence aggregate", "a", "get", lambda w: "/influence", lambda w: None, FACILITATOR_ONLY),
    ("decide key factors", "a", "put", lambda w: "/key-factors",
     lambda w: {"factor_ids": w.a_project["key"], "note": "bleibt"}, FACILITATOR_ONLY),
    ("create projection", "a", "post", lambda w: "/projections",
     lambda w: {"factor_id": w.a_project["key"][1], "title": "Neu"}, EDITORS_CREATE),
    ("update projection", "a", "put", lambda w: f"/projections/{w.a_project['order'][0]}",
     lambda w: {"probability": 0.4}, EDITORS),
    ("delete projection", "a", "delete", lambda w: f"/projections/{_fresh_projection(w)}",
     lambda w: None, EDITORS),
    ("rate consistency", "a", "put", lambda w: "/consistency/rating", _consistency_body, EDITORS),
    ("consistency aggregate", "a", "get", lambda w: "/consistency", lambda w: None,
     FACILITATOR_ONLY),
    ("resolve pair", "a", "put", lambda w: "/consistency/resolutions",
     lambda w: {"a": w.a_project["order"][0], "b": w.a_project["order"][2], "value": 4},
     FACILITATOR_ONLY),
    ("start run", "a", "post", lambda w: "/runs", lambda w: {"top": 5, "missing": "neutral"},
     _row(202, 403, 403, 403, 401, 403, 403)),
    ("rerun", "a", "post", lambda w: f"/runs/{w.a_project['run']['id']}/rerun", lambda w: None,
     _row(202, 403, 403, 403, 401, 403, 403)),
    ("list runs", "a", "get", lambda w: "/runs", lambda w: None, EDITORS),
    ("create scenario", "a", "post", lambda w: "/scenarios",
     lambda w: {"run_id": w.a_project["run"]["id"], "cluster": 1, "title": "S"},
     _row(201, 403, 403, 403, 401, 403, 403)),
    ("update scenario", "a", "put", lambda w: f"/scenarios/{w.a_project['draft']}",
     lambda w: {"narrative": "Mehr Text"}, FACILITATOR_ONLY),
    ("publish scenario", "a", "post", lambda w: f"/scenarios/{_draft(w)}/publish",
     lambda w: None, FACILITATOR_ONLY),
    ("submit observation", "a", "post", lambda w: "/observations",
     lambda w: {"kind": "observation", "text": "Das beobachte ich …"},
     _row(201, 201, 201, 201, 401, 201, 201)),
    ("triage observation", "a", "put", lambda w: f"/observations/{_observation(w)}",
     lambda w: {"candidate": True}, FACILITATOR_ONLY),
    ("hide observation", "a", "post", lambda w: f"/observations/{_observation(w)}/hide",
     lambda w: {"reason": "Beleidigend"}, FACILITATOR_ONLY),
    ("assess scenario", "t", "put",
     lambda w: f"/scenarios/{w.t_project['published'][0]}/assessment",
     lambda w: {"ratings": {"likelihood": 3, "desirability": 4, "impact": 2}}, EDITORS),
    ("portfolio", "t", "get", lambda w: "/portfolio", lambda w: None, EDITORS),
    ("assessment results", "t", "get", lambda w: "/assessment-results", lambda w: None,
     _row(200, 200, 200, 403, 401, 403, 403)),
    ("create topic", "t", "post", lambda w: "/topics", _topic_body, EDITORS_CREATE),
    ("update topic", "t", "put", lambda w: f"/topics/{_topic(w, 'draft')}",
     lambda w: {"description": "genauer"}, EDITORS),
    ("submit topic", "t", "post", lambda w: f"/topics/{_topic(w, 'draft')}/submit",
     lambda w: None, EDITORS),
    ("publish topic", "t", "post", lambda w: f"/topics/{_topic(w, 'review')}/publish",
     lambda w: None, FACILITATOR_ONLY),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("caller", CALLERS)
def test_who_may_call(world: World, case: Case, caller: str) -> None:
    name, which, method, path, body, expected = case
    if "draft" not in world.a_project:
        world.a_project["draft"] = _draft(world)
    city = world.a if which == "a" else world.t
    who = (world.people if which == "a" else world.people_t)[caller]
    response = _call(city, method, path(world), body(world), who)
    assert response.status_code == expected[caller], f"{name} as {caller}: {response.text}"


def test_tenant_isolation(world: World) -> None:
    a, b = world.a, world.b
    before = {
        "factors": b.get("/factors").json(),
        "key": b.get("/key-factors").json(),
        "projections": b.get("/projections").json(),
        "runs": b.get("/runs", b.facilitator).json(),
    }
    b_factor = world.b_project["factors"][0]
    b_projection = world.b_project["order"][0]
    b_run = world.b_project["run"]["id"]
    # A's facilitator and admin on B's endpoints: refused before anything is looked at
    for who in (a.facilitator, a.admin):
        for method, tail, body in (
            ("post", "/factors", {"title": "Fremd"}),
            ("put", f"/factors/{b_factor}", {"title": "Fremd"}),
            ("delete", f"/factors/{b_factor}", None),
            ("put", "/key-factors", {"factor_ids": world.b_project["key"], "note": "x"}),
            ("post", "/projections", {"factor_id": world.b_project["key"][0], "title": "x"}),
            ("post", "/runs", {}),
            ("post", f"/runs/{b_run}/rerun", None),
            ("get", "/influence", None),
            ("get", "/consistency", None),
        ):
            response = _call(b, method, tail, body, who)
            assert response.status_code == 403, f"{method} {tail}: {response.text}"
    # B's objects through A's paths, by A's facilitator: not found / not of this city
    f = a.facilitator
    assert _call(a, "put", f"/factors/{b_factor}", {"title": "x"}, f).status_code == 404
    assert _call(a, "delete", f"/projections/{b_projection}", None, f).status_code == 404
    assert _call(a, "get", f"/runs/{b_run}", None, f).status_code == 404
    assert _call(a, "post", f"/runs/{b_run}/rerun", None, f).status_code == 404
    misplaced = _call(a, "post", "/scenarios", {"run_id": b_run, "cluster": 1, "title": "x"}, f)
    assert misplaced.status_code == 422 and "run_id" in misplaced.json()["error"]["fields"]
    foreign_key = _call(a, "post", "/projections", {"factor_id": b_factor, "title": "x"}, f)
    assert foreign_key.status_code == 422 and "factor_id" in foreign_key.json()["error"]["fields"]
    foreign = _call(a, "put", "/key-factors", {"factor_ids": [b_factor, b_factor], "note": "x"}, f)
    assert foreign.status_code == 422 and "factor_ids.0" in foreign.json()["error"]["fields"]
    after = {
        "factors": b.get("/factors").json(),
        "key": b.get("/key-factors").json(),
        "projections": b.get("/projections").json(),
        "runs": b.get("/runs", b.facilitator).json(),
    }
    assert after == before
    # A's drafts are invisible to B's facilitator (no role in A) and to anonymous readers
    draft = world.a_project.setdefault("draft", _draft(world))
    assert a.get(f"/scenarios/{draft}", b.facilitator).status_code == 404
    assert a.get(f"/scenarios/{draft}").status_code == 404
