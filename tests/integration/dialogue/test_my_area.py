"""Mein Bereich (``GET /api/v1/me/area``) against real processes: hosted talks with their
counts and documentation drafts, registrations confirmed or waiting (with the position),
ideas, supports and help offers — across cities, each linking to its own city's page, and
never anything of another person."""

from __future__ import annotations

from dialogue_support import create_talk, table_talk_city
from talk_time_support import begun, ended

from services.kit.testing import wait_until

EMPTY = {
    "hosted_talks": [],
    "registrations": [],
    "documentation_drafts": [],
    "ideas": [],
    "supports": [],
    "observations": [],
    "event_registrations": [],
}


def _area(api, person: dict) -> dict:  # noqa: ANN001
    response = api.get("/me/area", token=person["token"])
    assert response.status_code == 200, response.text
    return response.json()


def test_my_area_shows_my_own_activity_in_every_city_and_nobody_elses(
    api, cities, platform
) -> None:
    first = table_talk_city(api, cities, platform)
    second = table_talk_city(api, cities, platform)
    slug, other_slug = first["slug"], second["slug"]
    host, ada, bo, newcomer = (api.verified_login() for _ in range(4))
    assert api.get("/me/area").status_code == 401
    assert _area(api, newcomer) == EMPTY  # nothing yet: every list is there, empty

    # One seat: Ada gets it, Bo waits in place 1.
    talk = create_talk(api, slug, host, first["topic"]["id"], title="Am Küchentisch", capacity=1)
    path = f"/cities/{slug}/talks/{talk['id']}/registrations"
    assert api.post(path, {}, token=ada["token"]).json()["status"] == "confirmed"
    assert api.post(path, {}, token=bo["token"]).json()["status"] == "waitlisted"
    # Ada hosts in the other city; a talk that began half an hour ago has the host's draft.
    elsewhere = create_talk(api, other_slug, ada, second["topic"]["id"], title="Anderswo")
    held = create_talk(api, slug, host, first["topic"]["id"], title="Schon begonnen")
    begun(platform, held["id"], minutes=30)
    draft = api.put(
        f"/cities/{slug}/talks/{held['id']}/documentation/draft",
        {"summary": "Noch unfertig"},
        token=host["token"],
    )
    assert draft.status_code == 200, draft.text
    idea = api.post(
        f"/cities/{slug}/ideas",
        {"title": "Bänke am Fluss", "description": "Mehr Bänke zum Ausruhen.",
         "category": "environment", "district": "Nord"},
        token=ada["token"],
    ).json()  # fmt: skip
    idea_path = f"/cities/{slug}/ideas/{idea['id']}"
    assert api.post(f"{idea_path}/support", token=bo["token"]).status_code == 200
    assert api.post(f"{idea_path}/helpers", token=bo["token"]).status_code == 200

    mine = _area(api, ada)
    assert [(r["title"], r["state"], r["position"]) for r in mine["registrations"]] == [
        ("Am Küchentisch", "confirmed", None)
    ]
    assert mine["registrations"][0]["path"] == f"/stadt/{slug}/tischgespraeche/{talk['id']}"
    hosted = mine["hosted_talks"]
    assert [(t["title"], t["city"]) for t in hosted] == [("Anderswo", other_slug)]
    assert hosted[0]["path"] == f"/stadt/{other_slug}/tischgespraeche/{elsewhere['id']}"
    assert hosted[0]["city_name"] != other_slug  # the city's name, not its slug
    assert [(i["title"], i["path"]) for i in mine["ideas"]] == [
        ("Bänke am Fluss", f"/stadt/{slug}/ideen/{idea['id']}")
    ]
    assert mine["supports"] == [] and mine["documentation_drafts"] == []

    waiting = _area(api, bo)
    assert [(r["title"], r["state"], r["position"]) for r in waiting["registrations"]] == [
        ("Am Küchentisch", "waitlisted", 1)
    ]
    assert sorted(s["kind"] for s in waiting["supports"]) == ["helper", "support"]
    assert {s["path"] for s in waiting["supports"]} == {f"/stadt/{slug}/ideen/{idea['id']}"}
    assert waiting["hosted_talks"] == [] and waiting["ideas"] == []

    hosting = _area(api, host)
    counts = {
        t["title"]: (t["confirmed_guests"], t["waiting_guests"]) for t in hosting["hosted_talks"]
    }
    assert counts == {"Am Küchentisch": (1, 1), "Schon begonnen": (0, 0)}
    assert [d["title"] for d in hosting["documentation_drafts"]] == ["Schon begonnen"]
    assert hosting["documentation_drafts"][0]["path"].endswith(f"/{held['id']}/dokumentation")
    assert hosting["registrations"] == []
    # Guests appear as numbers only: no name or address of another person in the host's view.
    text = str(hosting)
    assert ada["email"] not in text and bo["email"] not in text and "Test Person" not in text

    assert _area(api, newcomer) == EMPTY  # still nothing of anyone else

    # Withdrawn: Ada's registration leaves her area and Bo moves up.
    assert api.delete(f"{path}/me", token=ada["token"]).status_code == 200
    assert _area(api, ada)["registrations"] == []
    moved = _area(api, bo)["registrations"]
    assert [(r["state"], r["position"]) for r in moved] == [("confirmed", None)]


def test_a_new_display_name_reaches_upcoming_talks_and_registrations(api, cities, platform) -> None:
    city = table_talk_city(api, cities, platform)
    slug = city["slug"]
    host, guest = api.verified_login(), api.verified_login()
    talk = create_talk(api, slug, host, city["topic"]["id"], title="Umbenannt")
    held = create_talk(api, slug, host, city["topic"]["id"], title="Schon vorbei")
    ended(platform, held["id"], hours_ago=2, hours=1)
    path = f"/cities/{slug}/talks/{talk['id']}"
    assert api.post(f"{path}/registrations", {}, token=guest["token"]).ok

    renamed = api.put("/me/display-name", {"display_name": "Gast Neuname"}, token=guest["token"])
    assert renamed.status_code == 200
    assert api.put("/me/display-name", {"display_name": "Gastgeberin Neu"}, token=host["token"]).ok

    def guest_names() -> list[str]:
        guests = api.get(f"{path}/guests", token=host["token"]).json()
        return [g["display_name"] for g in guests["confirmed"]]

    wait_until(lambda: guest_names() == ["Gast Neuname"], 30, "the guest's new name")
    wait_until(
        lambda: api.get(path).json()["host_name"] == "Gastgeberin Neu", 30, "the host's new name"
    )
    # A talk that is over keeps the name it was held under.
    assert api.get(f"/cities/{slug}/talks/{held['id']}").json()["host_name"] == "Test Person"
