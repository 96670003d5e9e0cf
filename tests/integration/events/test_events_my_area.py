"""Closing-event registrations in Mein Bereich (confirmed, or waiting with the position,
linking to the event's page) and a new display name reaching the organisers' list."""

from __future__ import annotations

from events_support import event_body

from services.kit.testing import wait_until


def test_closing_event_registrations_in_my_area_and_a_new_name(api, closing_city) -> None:  # noqa: ANN001
    slug, admin, partner = closing_city["slug"], closing_city["admin"], closing_city["partner"]
    path = f"/cities/{slug}/closing-events"
    event = api.post(path, event_body(capacity=1), token=partner["token"]).json()
    base = f"{path}/{event['id']}"
    assert api.post(f"{base}/publish", token=admin["token"]).status_code == 200
    seated, waiting = api.verified_login(), api.verified_login()
    assert api.post(f"{base}/registrations", {}, token=seated["token"]).status_code == 201
    assert api.post(f"{base}/registrations", {}, token=waiting["token"]).status_code == 201

    def mine(person: dict) -> list[tuple]:
        area = api.get("/me/area", token=person["token"])
        assert area.status_code == 200, area.text
        return [(r["state"], r["position"], r["path"]) for r in area.json()["event_registrations"]]

    page = f"/stadt/{slug}/abschluss/{event['id']}"
    assert mine(seated) == [("confirmed", None, page)]
    assert mine(waiting) == [("waitlisted", 1, page)]
    assert mine(api.verified_login()) == []

    assert api.put("/me/display-name", {"display_name": "Neu Benannt"}, token=seated["token"]).ok

    def names() -> list[str]:
        listing = api.get(f"{base}/registrations", token=partner["token"]).json()
        return [r["display_name"] for r in listing]

    wait_until(lambda: names() == ["Neu Benannt", "Test Person"], 30, "the new name")
