"""The demo cohort, seeded through the public API against the real platform, then checked
through the same API: cities, phases, topics, talks, registrations, ideas, factors."""

from __future__ import annotations

import re

from cities_support import fresh_year

from gateway.demo import BEISPIELSTADT, MUSTERSTADT, seed


class SinkInbox:
    """The test platform's mail sink as the demo's inbox."""

    def __init__(self, sink) -> None:  # noqa: ANN001
        self.sink = sink

    def token(self, email: str, count: int) -> str:
        message = self.sink.wait_for(email, count=count, timeout=60)[count - 1]
        body = message.get_body(("plain",)).get_content()
        return re.search(r"token=([\w.\-]+)", body).group(1)


def test_demo_cohort_is_seeded_through_the_api(api, operator) -> None:
    year = fresh_year()
    logins = seed(api.base, SinkInbox(api.sink), operator["token"], year=year, log=lambda _: None)

    cohort = api.get(f"/cohorts/{year}").json()
    phases = {c["slug"]: c["phase"] for c in cohort["cities"]}
    assert phases == {MUSTERSTADT: "table_talks", BEISPIELSTADT: "scenarios"}

    topics = api.get(f"/cities/{MUSTERSTADT}/topics").json()
    assert {"Mobilität für alle", "Grüne Innenstadt"} <= {t["title"] for t in topics}
    talks = api.get(f"/cities/{MUSTERSTADT}/talks").json()
    talks = talks["items"] if isinstance(talks, dict) else talks
    assert len(talks) == 2
    host = api.post(
        "/sessions",
        {"email": "demo-gastgeberin@musterstadt.example", "password": logins["password"]},
    ).json()["token"]
    guests = api.get(f"/cities/{MUSTERSTADT}/talks/{talks[0]['id']}/guests", token=host)
    assert guests.status_code == 200, guests.text
    ideas = api.get(f"/cities/{MUSTERSTADT}/ideas").json()
    ideas = ideas["items"] if isinstance(ideas, dict) else ideas
    assert {i["title"] for i in ideas} == {
        "Radweg am Fluss",
        "Schattenplätze am Markt",
        "Reparaturcafé",
    }
    groups = api.get(f"/cities/{MUSTERSTADT}/working-groups").json()
    assert [g["name"] for g in groups] == ["Zukunft Musterstadt"]

    factors = api.get(f"/cities/{BEISPIELSTADT}/scenarios/factors", token=operator["token"])
    assert factors.status_code == 200, factors.text
    assert len(factors.json()) == 4
    assert "demo-admin@musterstadt.example" in logins["accounts"]
