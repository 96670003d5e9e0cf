"""The demo cohort, seeded through the public API against the real platform, then checked
through the same API: cities, phases, topics, talks, registrations, ideas, factors."""

from __future__ import annotations

import re

from cities_support import fresh_year

from gateway.demo.command import purge_demo, seed
from gateway.demo.people import BEISPIELSTADT, MUSTERSTADT


class SinkInbox:
    """The test platform's mail sink as the demo's inbox."""

    def __init__(self, sink) -> None:  # noqa: ANN001
        self.sink = sink

    def count(self, email: str) -> int:
        return len([m for m in self.sink.messages if m["To"] == email])

    def token(self, email: str, count: int) -> str:
        message = self.sink.wait_for(email, count=count, timeout=60)[count - 1]
        body = message.get_body(("plain",)).get_content()
        return re.search(r"token=([\w.\-]+)", body).group(1)


def _state(api, operator: dict, year: int) -> dict:  # noqa: ANN001
    """What a newcomer sees of the demo, read through the API."""
    cohort = api.get(f"/cohorts/{year}").json()
    talks = api.get(f"/cities/{MUSTERSTADT}/talks").json()
    ideas = api.get(f"/cities/{MUSTERSTADT}/ideas").json()
    factors = api.get(f"/cities/{BEISPIELSTADT}/scenarios/factors", token=operator["token"])
    assert factors.status_code == 200, factors.text
    return {
        "phases": {c["slug"]: c["phase"] for c in cohort["cities"]},
        "topics": sorted(t["title"] for t in api.get(f"/cities/{MUSTERSTADT}/topics").json()),
        "talks": sorted(t["title"] for t in (talks["items"] if isinstance(talks, dict) else talks)),
        "ideas": sorted(i["title"] for i in (ideas["items"] if isinstance(ideas, dict) else ideas)),
        "groups": [g["name"] for g in api.get(f"/cities/{MUSTERSTADT}/working-groups").json()],
        "factors": sorted(f["title"] for f in factors.json()),
    }


def _my_area(api, email: str, password: str) -> dict:  # noqa: ANN001
    login = api.post("/sessions", {"email": email, "password": password})
    assert login.status_code == 201, login.text
    area = api.get("/me/area", token=login.json()["token"])
    assert area.status_code == 200, area.text
    return area.json()


def _check_my_area_is_filled(api, password: str) -> None:  # noqa: ANN001
    """Each demo citizen opens Mein Bereich and finds their own part of the demo."""
    host = _my_area(api, f"demo-gastgeberin@{MUSTERSTADT}.example", password)
    assert len(host["hosted_talks"]) == 2
    assert sorted(i["title"] for i in host["ideas"]) == ["Radweg am Fluss", "Reparaturcafé"]
    assert [s["kind"] for s in host["supports"]] == ["helper"]
    jonas = _my_area(api, f"demo-gast1@{MUSTERSTADT}.example", password)
    assert [r["state"] for r in jonas["registrations"]] == ["confirmed", "confirmed"]
    assert sorted(s["kind"] for s in jonas["supports"]) == ["helper", "support"]
    marie = _my_area(api, f"demo-gast2@{MUSTERSTADT}.example", password)
    assert [(r["state"], r["position"]) for r in marie["registrations"]] == [
        ("confirmed", None),
        ("waitlisted", 1),
    ]
    assert [i["title"] for i in marie["ideas"]] == ["Schattenplätze am Markt"]
    frieda = _my_area(api, f"demo-buergerin@{BEISPIELSTADT}.example", password)
    assert sorted(o["kind"] for o in frieda["observations"]) == ["forecast", "observation"]
    assert all(o["path"] == f"/stadt/{BEISPIELSTADT}/beobachtungen" for o in frieda["observations"])


def test_demo_cohort_is_seeded_through_the_api_and_reset(api, operator) -> None:
    year = fresh_year()
    inbox = SinkInbox(api.sink)
    logins = seed(api.base, inbox, operator["token"], year=year, log=lambda _: None)

    seeded = _state(api, operator, year)
    assert seeded["phases"] == {MUSTERSTADT: "table_talks", BEISPIELSTADT: "scenarios"}
    assert {"Mobilität für alle", "Grüne Innenstadt"} <= set(seeded["topics"])
    assert len(seeded["talks"]) == 2
    assert seeded["ideas"] == ["Radweg am Fluss", "Reparaturcafé", "Schattenplätze am Markt"]
    assert seeded["groups"] == ["Zukunft Musterstadt"]
    assert len(seeded["factors"]) == 4
    assert "demo-admin@musterstadt.example" in logins["accounts"]
    host = api.post(
        "/sessions",
        {"email": "demo-gastgeberin@musterstadt.example", "password": logins["password"]},
    ).json()["token"]
    talks = api.get(f"/cities/{MUSTERSTADT}/talks").json()
    talks = talks["items"] if isinstance(talks, dict) else talks
    guests = api.get(f"/cities/{MUSTERSTADT}/talks/{talks[0]['id']}/guests", token=host)
    assert guests.status_code == 200 and guests.json(), guests.text
    _check_my_area_is_filled(api, logins["password"])

    # Someone plays with the demo: one more idea.
    extra = {"title": "Bücherschrank", "description": "Ein offener Bücherschrank am Bahnhof.",
             "category": "culture", "district": "Nord"}  # fmt: skip
    assert api.post(f"/cities/{MUSTERSTADT}/ideas", extra, token=host).status_code == 201

    # Only an operator may purge, and only naming the city twice.
    refused = api.post(f"/cities/{MUSTERSTADT}/purge", {"confirm": MUSTERSTADT}, token=host)
    assert refused.status_code == 403
    wrong = api.post(f"/cities/{MUSTERSTADT}/purge", {"confirm": "x"}, token=operator["token"])
    assert wrong.status_code == 422 and "confirm" in wrong.json()["error"]["fields"]

    # --reset: the demo cities' data goes, and the same demo comes back.
    assert purge_demo(api.base, operator["token"]) == [MUSTERSTADT, BEISPIELSTADT]
    assert api.get(f"/cities/{MUSTERSTADT}").status_code == 404
    seed(api.base, inbox, operator["token"], year=year, log=lambda _: None)
    assert _state(api, operator, year) == seeded
