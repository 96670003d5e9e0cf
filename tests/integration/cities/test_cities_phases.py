"""A full walk through all phases: guards refuse, then allow; working groups by invitation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.kit.testing import wait_until

KINDS = ("association", "initiative", "foundation", "administration")


def _steps(api, slug: str, phase: str) -> dict[str, dict]:
    timeline = api.get(f"/cities/{slug}/phases").json()["phases"]
    return {s["id"]: s for s in next(p for p in timeline if p["phase"] == phase)["steps"]}


def _advance(api, slug: str, admin: dict, to: str, **extra):
    return api.post(f"/cities/{slug}/phase", {"to": to, **extra}, token=admin["token"])


def test_walk_through_all_phases(api, cities, platform) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    soon = datetime.now(UTC) + timedelta(days=30)
    schedule = {
        "kickoff": {"start": "2026-01-01T00:00:00Z", "end": "2026-02-01T00:00:00Z"},
        "table_talks": {"start": "2026-03-01T00:00:00Z", "end": soon.isoformat()},
    }
    assert api.put(f"/cities/{slug}/schedule", schedule, token=admin["token"]).status_code == 200

    # Kickoff: refused until a working group with all four kinds has formed.
    refused = _advance(api, slug, admin, "scenarios", reason="Los geht's")
    assert refused.status_code == 409
    assert "working_group_formed" in refused.json()["error"]["fields"]
    assert refused.json()["error"]["fields"]["working_group_formed"]["de"][0].startswith("Für den")

    group = api.post(
        f"/cities/{slug}/working-groups",
        {"name": "Zukunft Innenstadt", "description": "Begleitet den Prozess"},
        token=admin["token"],
    ).json()
    members = []
    for kind in KINDS:
        email = f"{kind}-{slug}@example.org"
        invited = api.post(
            f"/cities/{slug}/working-groups/{group['id']}/invitations",
            {
                "email": email,
                "organisation": f"{kind.title()} e.V.",
                "kind": kind,
                "role": "lead" if kind == "administration" else "member",
            },
            token=admin["token"],
        )
        assert invited.status_code == 201, invited.text
        members.append(email)
    twice = api.post(
        f"/cities/{slug}/working-groups/{group['id']}/invitations",
        {"email": members[0], "organisation": "X", "kind": "association"},
        token=admin["token"],
    )
    assert twice.status_code == 409 and "email" in twice.json()["error"]["fields"]

    composition = api.get(f"/cities/{slug}/working-groups/{group['id']}").json()["composition"]
    assert composition == dict.fromkeys(KINDS, 0)  # invited is not yet at the table
    for email in members:
        invitation = api.mailed_token(email)
        person = api.verified_login_as(email)
        # Only the invited address may accept.
        other = api.verified_login()
        wrong = api.post("/invitations/accept", {"token": invitation}, token=other["token"])
        assert wrong.status_code == 403
        accepted = api.post("/invitations/accept", {"token": invitation}, token=person["token"])
        assert accepted.status_code == 200, accepted.text
        roles = api.get("/me", token=person["token"]).json()["roles"]
        assert {"city": slug, "role": "working_group_member"} in roles
    view = api.get(f"/cities/{slug}/working-groups/{group['id']}").json()
    assert view["composition"] == dict.fromkeys(KINDS, 1) and view["formed"] is True
    assert "members" not in view  # anonymous callers see the composition, not the people
    assert _steps(api, slug, "kickoff")["working_group_formed"]["done"] is True

    unknown = _advance(api, slug, admin, "somewhere")
    assert unknown.status_code == 422 and "to" in unknown.json()["error"]["fields"]
    skipping = _advance(api, slug, admin, "transfer")
    assert skipping.status_code == 422 and "to" in skipping.json()["error"]["fields"]

    assert _advance(api, slug, admin, "scenarios", reason="Gruppe steht").status_code == 200
    assert _advance(api, slug, admin, "transfer").status_code == 200

    # Table talks need a published deep-dive topic, learnt from the scenarios service's fact.
    refused = _advance(api, slug, admin, "table_talks")
    assert refused.status_code == 409 and "topics_published" in refused.json()["error"]["fields"]
    platform.publish_fact(
        "scenarios",
        "topic",
        "published",
        city=slug,
        data={"topic_id": "t1", "title": "Mobilität"},
    )
    wait_until(
        lambda: api.get(f"/cities/{slug}/tallies").json().get("scenarios.topic.published") == 1,
        30,
        "the topic fact counted",
    )
    assert _steps(api, slug, "transfer")["topics_published"]["done"] is True
    assert _advance(api, slug, admin, "table_talks").status_code == 200

    # Closing before the window ends needs an override with a reason.
    refused = _advance(api, slug, admin, "closing")
    assert refused.status_code == 409 and "override_reason" in refused.json()["error"]["fields"]
    closed = _advance(api, slug, admin, "closing", override_reason="Stadtfest vorgezogen")
    assert closed.status_code == 200 and closed.json()["phase"] == "closing"
    assert _advance(api, slug, admin, "archived").status_code == 200
    assert _advance(api, slug, admin, "kickoff").status_code in (409, 422)
    # The last phase step archives the city: phase and status together.
    city = api.get(f"/cities/{slug}").json()
    assert (city["phase"], city["status"]) == ("archived", "archived")

    history = api.get(f"/cities/{slug}/transitions", token=admin["token"]).json()
    assert [(t["from"], t["to"]) for t in history] == [
        ("kickoff", "scenarios"),
        ("scenarios", "transfer"),
        ("transfer", "table_talks"),
        ("table_talks", "closing"),
        ("closing", "archived"),
    ]
    assert history[0]["reason"] == "Gruppe steht" and history[0]["by"] == admin["id"]
    assert history[3]["override"] == "Stadtfest vorgezogen"
    timeline = api.get(f"/cities/{slug}/phases").json()
    assert [p["status"] for p in timeline["phases"]] == ["done"] * 5


def test_admin_may_record_why_the_group_is_formed_without_all_kinds(api, cities) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    path = f"/cities/{slug}/phases/kickoff/steps/working_group_formed"
    without_note = api.post(path, {}, token=admin["token"])
    assert without_note.status_code == 422 and "note" in without_note.json()["error"]["fields"]
    noted = api.post(path, {"note": "Keine Stiftung vor Ort aktiv"}, token=admin["token"])
    assert noted.status_code == 200
    step = _steps(api, slug, "kickoff")["working_group_formed"]
    assert step["done"] is True and step["note"] == "Keine Stiftung vor Ort aktiv"
    assert _advance(api, slug, admin, "scenarios").status_code == 200
    assert (
        api.post(f"/cities/{slug}/phases/kickoff/steps/nope", {}, token=admin["token"]).status_code
        == 404
    )


def test_schedule_dates_out_of_order_name_the_field(api, cities) -> None:
    made = cities.create()
    slug, token = made["slug"], made["admin"]["token"]
    backwards = {"kickoff": {"start": "2030-02-01T00:00:00Z", "end": "2030-01-01T00:00:00Z"}}
    response = api.put(f"/cities/{slug}/schedule", backwards, token=token)
    assert response.status_code == 422 and "kickoff.end" in response.json()["error"]["fields"]
    overlapping = {
        "kickoff": {"start": "2030-01-01T00:00:00Z", "end": "2030-03-01T00:00:00Z"},
        "scenarios": {"start": "2030-02-01T00:00:00Z", "end": "2030-04-01T00:00:00Z"},
    }
    response = api.put(f"/cities/{slug}/schedule", overlapping, token=token)
    assert response.status_code == 422 and "scenarios.start" in response.json()["error"]["fields"]
    unknown = api.put(f"/cities/{slug}/schedule", {"holidays": {}}, token=token)
    assert unknown.status_code == 422 and "holidays" in unknown.json()["error"]["fields"]
    naive = {"kickoff": {"start": "2030-01-01T00:00:00", "end": "2030-02-01T00:00:00"}}
    assert api.put(f"/cities/{slug}/schedule", naive, token=token).status_code == 422


def test_a_deleted_member_leaves_no_personal_data_in_the_group(api, cities, platform) -> None:
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    group = api.post(
        f"/cities/{slug}/working-groups", {"name": "Gruppe"}, token=admin["token"]
    ).json()
    email = f"weg-{slug}@example.org"
    api.post(
        f"/cities/{slug}/working-groups/{group['id']}/invitations",
        {"email": email, "organisation": "Verein für Alle", "kind": "association"},
        token=admin["token"],
    )
    invitation = api.mailed_token(email)
    person = api.verified_login_as(email)
    assert api.post("/invitations/accept", {"token": invitation}, token=person["token"]).ok
    assert api.delete("/me", {"password": person["password"]}, token=person["token"]).ok

    def anonymised() -> bool:
        members = api.get(
            f"/cities/{slug}/working-groups/{group['id']}", token=admin["token"]
        ).json()["members"]
        return members[0]["email"] != email and members[0]["organisation"] == "—"

    wait_until(anonymised, 30, "the membership anonymised after the account was deleted")
    view = api.get(f"/cities/{slug}/working-groups/{group['id']}", token=admin["token"]).json()
    assert view["composition"]["association"] == 1  # the seat at the table stays counted
