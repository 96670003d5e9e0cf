"""The demo cohort, seeded through the public API against the real platform, then checked
through the same API: a city in every phase (Auftakt: a working group forming; Szenarien:
factors and observations; Transfer: the scenario project, its run, three published scenarios,
assessments and topics; Tischgespräche: talks, registrations, ideas; Abschluss: documented
talks, ideas with next steps, a closing event with registrations, results), then reset."""

from __future__ import annotations

import time

from cities_support import fresh_year
from demo_support import SinkInbox

from gateway.demo.command import purge_demo, seed
from gateway.demo.people import (
    BACHSTETTEN,
    BEISPIELSTADT,
    DEMO_CITIES,
    MUSTERSTADT,
    ROSENBRUNN,
    WIESENBRUECK,
)


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
        "auftakt": _auftakt(api),
        "transfer": _transfer(api),
        "abschluss": _abschluss(api),
    }


def _signed_in(api, email: str) -> str:  # noqa: ANN001
    login = api.post("/sessions", {"email": email, "password": "Stadtdialog-Demo-2027"})
    assert login.status_code == 201, login.text
    return login.json()["token"]


def _auftakt(api) -> dict:  # noqa: ANN001
    """Bachstetten: a working group forming, four invitations out, one accepted."""
    admin = _signed_in(api, f"demo-admin@{BACHSTETTEN}.example")
    groups = api.get(f"/cities/{BACHSTETTEN}/working-groups").json()
    group = api.get(f"/cities/{BACHSTETTEN}/working-groups/{groups[0]['id']}", token=admin)
    members = group.json()["members"]
    steps = {s["phase"]: s for s in api.get(f"/cities/{BACHSTETTEN}/phases").json()["phases"]}
    return {
        "group": groups[0]["name"],
        "members": sorted((m["kind"], m["status"]) for m in members),
        "planned": bool(steps["closing"]["start"]),
    }


def _transfer(api) -> dict:  # noqa: ANN001
    """Wiesenbrück: the whole scenario project, as its facilitator sees it."""
    base = f"/cities/{WIESENBRUECK}/scenarios"
    token = _signed_in(api, f"demo-moderation@{WIESENBRUECK}.example")
    factors = api.get(f"{base}/factors", token=token).json()
    influence = api.get(f"{base}/influence", token=token).json()
    layout = api.get(f"{base}/projections", token=token).json()
    runs = api.get(f"{base}/runs", token=token).json()
    run = api.get(f"{base}/runs/{runs[0]['id']}", token=token).json()
    published = [s for s in api.get(f"{base}/scenarios").json() if s["status"] == "published"]
    portfolio = api.get(f"{base}/portfolio", token=token)
    assert portfolio.status_code == 200, portfolio.text
    topics = api.get(f"{base}/topics").json()
    map_svg = api.get(f"/cities/{WIESENBRUECK}/scenarios/runs/{run['id']}/map.svg", token=token)
    assert map_svg.status_code == 200 and "<svg" in map_svg.text
    return {
        "factors": len(factors),
        "raters": len(influence["raters"]),
        "key_factors": [len(kf["projections"]) for kf in layout["key_factors"]],
        "run": (run["status"], len(run["result"]["raw_scenarios"]), len(runs)),
        "scenarios": sorted((s["title"], bool(s["narrative"])) for s in published),
        "topics": sorted(t["title"] for t in topics if t["status"] == "published"),
    }


def _abschluss(api) -> dict:  # noqa: ANN001
    """Rosenbrunn: results, next steps, the closing event and its registrations."""
    results = api.get(f"/cities/{ROSENBRUNN}/results").json()
    steps = api.get(f"/cities/{ROSENBRUNN}/next-steps").json()["ideas"]
    events = api.get(f"/cities/{ROSENBRUNN}/closing-events").json()
    return {
        "talks": (results["talks"]["held"], results["talks"]["participants"]),
        "ideas": (results["ideas"]["total"], results["ideas"]["supports"]),
        "next_steps": sorted(len(i["next_steps"]) for i in steps),
        "events": [(e["title"], e["registration"]["confirmed"]) for e in events],
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
    purge_demo(api.base, operator["token"])  # a demo an earlier test of the session seeded
    began = time.monotonic()
    logins = seed(api.base, inbox, operator["token"], year=year, log=lambda _: None)
    print(f"demo seeded in {time.monotonic() - began:.1f} s")  # the figure the README quotes

    seeded = _state(api, operator, year)
    assert seeded["phases"] == {
        BACHSTETTEN: "kickoff",
        BEISPIELSTADT: "scenarios",
        WIESENBRUECK: "transfer",
        MUSTERSTADT: "table_talks",
        ROSENBRUNN: "closing",
    }
    assert {"Mobilität für alle", "Grüne Innenstadt"} <= set(seeded["topics"])
    assert len(seeded["talks"]) == 2
    assert seeded["ideas"] == ["Radweg am Fluss", "Reparaturcafé", "Schattenplätze am Markt"]
    # Comments: one with a reply, one the moderation hid with its reason in place.
    ideas = api.get(f"/cities/{MUSTERSTADT}/ideas").json()
    radweg = next(i for i in ideas if i["title"] == "Radweg am Fluss")
    comments = api.get(f"/cities/{MUSTERSTADT}/comments/idea/{radweg['id']}").json()
    assert [(len(c["replies"]), c["hidden"]) for c in comments] == [(1, False), (0, True)]
    assert comments[1]["hidden_reason"].startswith("Werbung") and comments[1]["body"] == ""
    assert seeded["groups"] == ["Zukunft Musterstadt"]
    assert len(seeded["factors"]) == 4
    assert seeded["auftakt"]["members"] == [
        ("administration", "invited"),
        ("association", "joined"),
        ("foundation", "invited"),
        ("initiative", "invited"),
    ]
    assert seeded["auftakt"]["planned"]
    transfer = seeded["transfer"]
    assert 10 <= transfer["factors"] <= 14 and 5 <= len(transfer["key_factors"]) <= 6
    assert transfer["raters"] == 2
    assert transfer["run"] == ("finished", 3, 1)
    assert [title for title, _ in transfer["scenarios"]] == [
        "Lebendige Mitte",
        "Leise Stadt",
        "Wachstum am Stadtrand",
    ]
    assert all(narrated for _, narrated in transfer["scenarios"])
    assert len(transfer["topics"]) == 2
    closing = seeded["abschluss"]
    assert closing["talks"] == (3, 21) and closing["ideas"][0] == 4
    assert closing["next_steps"] == [1, 1, 1, 1]
    assert closing["events"][0][1] == 4
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
    assert purge_demo(api.base, operator["token"]) == list(DEMO_CITIES)
    for slug in DEMO_CITIES:
        assert api.get(f"/cities/{slug}").status_code == 404
    seed(api.base, inbox, operator["token"], year=year, log=lambda _: None)
    assert _state(api, operator, year) == seeded
