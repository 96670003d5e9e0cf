"""Helpers of the scenarios tests (imported as ``scenarios_support``): a city with a facilitator
and working-group members, realistic rating matrices, a small finished project."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from services.kit.testing import wait_until
from services.scenarios.engine.reference import random_consistency_model

BASE = "/cities/{slug}/scenarios"


@dataclass
class ScenarioCity:
    api: Any
    slug: str
    admin: dict
    facilitator: dict
    members: list[dict]
    citizen: dict
    facts: dict = field(default_factory=dict)

    def path(self, tail: str) -> str:
        return BASE.format(slug=self.slug) + tail

    def post(self, tail: str, body: Any = None, who: dict | None = None):
        return self.api.post(self.path(tail), body, token=(who or self.facilitator)["token"])

    def put(self, tail: str, body: Any = None, who: dict | None = None):
        return self.api.put(self.path(tail), body, token=(who or self.facilitator)["token"])

    def get(self, tail: str, who: dict | None = None):
        return self.api.get(self.path(tail), token=who["token"] if who else None)

    def advance(self, to: str):
        response = self.api.post(
            f"/cities/{self.slug}/phase", {"to": to}, token=self.admin["token"]
        )
        assert response.status_code == 200, response.text
        # The scenarios service drops its cached phase on the cities service's fact: wait
        # until it reports the new phase, so the next write meets the phase the test expects.
        wait_until(
            lambda: self.get("/project").json()["phase"] == to, 15, f"scenarios sees phase {to}"
        )
        return response

    def to_scenarios(self) -> None:
        step = f"/cities/{self.slug}/phases/kickoff/steps/working_group_formed"
        marked = self.api.post(step, {"note": "Gruppe steht (Test)"}, token=self.admin["token"])
        assert marked.status_code == 200, marked.text
        self.advance("scenarios")

    def create_project(self) -> dict:
        created = self.post("/project", {"title": "Zukunft 2040", "key_factor_count": 8})
        assert created.status_code == 201, created.text
        return created.json()

    def add_factors(self, n: int, who: dict | None = None) -> list[dict]:
        made = []
        for i in range(n):
            r = self.post("/factors", {"title": f"Einflussfaktor {i + 1}"}, who or self.members[0])
            assert r.status_code == 201, r.text
            made.append(r.json())
        return made

    def wait_run(self, run_id: str, who: dict | None = None) -> dict:
        def finished() -> dict | None:
            run = self.get(f"/runs/{run_id}", who or self.facilitator).json()
            return run if run["status"] in ("finished", "failed") else None

        run = wait_until(finished, 60, f"run {run_id} finished")
        assert run["status"] == "finished", run
        return run


def make_scenario_city(api, cities) -> ScenarioCity:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    return ScenarioCity(
        api=api,
        slug=slug,
        admin=admin,
        facilitator=cities.person_with_role(slug, "facilitator", admin),
        members=[cities.person_with_role(slug, "working_group_member", admin) for _ in range(2)],
        citizen=api.verified_login(),
    )


def influence_matrix(n: int, seed: int) -> list[list[int | None]]:
    """0–3 with a few strong drivers and many weak links, as working groups rate."""
    rng = np.random.default_rng(seed)
    drive = rng.gamma(2.0, 1.0, size=n)
    raw = drive[:, None] * rng.random((n, n)) * 1.2
    values = np.clip(np.round(raw), 0, 3).astype(int)
    return [[None if i == j else int(values[i, j]) for j in range(n)] for i in range(n)]


def consistency_matrices(sizes: list[int], seed: int, raters: int) -> list[np.ndarray]:
    """A structured 1–5 matrix (scenario themes) and per further rater a variant where about
    one pair in ten is judged one step differently."""
    base = random_consistency_model(sizes, seed=seed).values.astype(float)
    fac = np.repeat(np.arange(len(sizes)), sizes)
    cross = fac[:, None] != fac[None, :]
    out = []
    rng = np.random.default_rng(seed + 1)
    for r in range(raters):
        m = base.copy()
        if r:
            upper = np.triu(cross, 1) & (rng.random(m.shape) < 0.1)
            m[upper] = np.clip(m[upper] + rng.choice([-1, 1], size=upper.sum()), 1, 5)
            m = np.triu(m, 1) + np.triu(m, 1).T
        m[~cross] = np.nan
        out.append(m)
    return out


def as_rows(m: np.ndarray) -> list[list[int | None]]:
    return [[None if np.isnan(v) else int(v) for v in row] for row in m]


def small_project(city, n_factors: int = 5, key: int = 3, projections: int = 2) -> dict:
    """A city in the scenario phase with a complete small project and a finished run:
    ``{"factors", "key", "order", "run"}`` (``city`` is a ``ScenarioCity``)."""
    city.create_project()
    city.to_scenarios()
    member = city.members[0]
    factors = [f["id"] for f in city.add_factors(n_factors, member)]
    rating = city.put(
        "/influence/rating",
        {"factor_ids": factors, "matrix": influence_matrix(n_factors, 7)},
        member,
    )
    assert rating.status_code == 200, rating.text
    chosen = city.get("/influence", city.facilitator).json()["suggestion"][:key]
    decided = city.put("/key-factors", {"factor_ids": chosen, "note": "Kleiner Testlauf"})
    assert decided.status_code == 200, decided.text
    for factor_id in chosen:
        for p in range(projections):
            made = city.post("/projections", {"factor_id": factor_id, "title": f"P{p}"}, member)
            assert made.status_code == 201, made.text
    order = city.get("/projections").json()["order"]
    matrix = consistency_matrices([projections] * key, seed=3, raters=1)[0]
    rated = city.put(
        "/consistency/rating", {"projection_ids": order, "matrix": as_rows(matrix)}, member
    )
    assert rated.status_code == 200, rated.text
    started = city.post("/runs", {"top": 8})
    assert started.status_code == 202, started.text
    run = city.wait_run(started.json()["id"])
    return {"factors": factors, "key": chosen, "order": order, "run": run}


def publish_scenarios(city: ScenarioCity, run: dict, count: int) -> list[str]:
    """The first ``count`` raw scenarios of ``run`` written up and published: their ids."""
    ids = []
    for i, raw in enumerate(run["result"]["raw_scenarios"][:count]):
        body = {"run_id": run["id"], "cluster": raw["cluster"], "title": f"Zukunft {i + 1}"}
        made = city.post("/scenarios", body)
        assert made.status_code == 201, made.text
        assert city.post(f"/scenarios/{made.json()['id']}/publish").status_code == 200
        ids.append(made.json()["id"])
    return ids


def to_table_talks(city: ScenarioCity) -> None:
    """A deep-dive topic published (the guard of the table talks), then the next phase."""
    made = city.post("/topics", {"title": "Innenstadt", "guiding_question": "Wie weiter?"})
    assert made.status_code == 201, made.text
    assert city.post(f"/topics/{made.json()['id']}/submit").status_code == 200
    assert city.post(f"/topics/{made.json()['id']}/publish").status_code == 200
    wait_until(
        lambda: (
            city.api.get(f"/cities/{city.slug}/tallies").json().get("scenarios.topic.published")
        ),
        30,
        "the cities service counted the topic",
    )
    moved = city.api.post(
        f"/cities/{city.slug}/phase", {"to": "table_talks"}, token=city.admin["token"]
    )
    assert moved.status_code == 200, moved.text
    wait_until(lambda: city.get("/project").json()["phase"] == "table_talks", 15, "phase seen")
