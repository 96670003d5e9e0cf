"""Districts over HTTP: the admin's GeoJSON upload (strict, German errors naming the
feature), talks and ideas checked against the city's districts, the counts per district, the
idea list filtered by district, replacing the districts, and one city never seeing another's."""

from __future__ import annotations

import requests
from dialogue_support import table_talk_city, talk_body, until_status

from services.kit.testing import wait_until


def _square(name: str, west: float) -> dict:
    ring = [[west, 48.0], [west + 0.1, 48.0], [west + 0.1, 48.1], [west, 48.1], [west, 48.0]]
    return {"type": "Feature", "properties": {"name": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}  # fmt: skip


def _collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def _idea(district: str) -> dict:
    return {"title": "Bänke am Markt", "description": "Mehr Bänke zum Ausruhen am Markt.",
            "category": "social", "district": district}  # fmt: skip


def test_districts_upload_choice_counts_filter_and_isolation(api, cities, platform) -> None:
    city = table_talk_city(api, cities, platform)
    slug, admin = city["slug"], city["admin"]
    path = f"/cities/{slug}/districts"
    citizen = api.verified_login()

    # Only the city's admins upload; a broken file is refused with every problem in German.
    two = _collection(_square("Nordstadt", 9.0), _square("Altstadt", 9.1))
    assert api.put(path, two, token=citizen["token"]).status_code == 403
    broken = _collection(_square("Nordstadt", 9.0), {**_square("Hafen", 9.2), "geometry": None})
    refused = api.put(path, broken, token=admin["token"])
    assert refused.status_code == 422
    german = refused.json()["error"]["fields"]["geojson"]["de"]
    assert german == ["Stadtteil 2 (Hafen): Die Geometrie muss ein Polygon oder MultiPolygon sein."]
    assert api.get(path).json() is None

    stored = api.put(path, two, token=admin["token"])
    assert stored.status_code == 200, stored.text
    assert stored.json()["names"] == ["Nordstadt", "Altstadt"]
    shapes = api.get(path).json()["districts"]
    assert [d["name"] for d in shapes] == ["Nordstadt", "Altstadt"]

    # Once the dialogue service heard of them, a district must be one of them (in German).
    talks = f"/cities/{slug}/talks"
    # Until the dialogue service has heard of the districts, any district is taken: a talk
    # made meanwhile lies elsewhere (on a busy machine a probe can be that early).
    early: list[int] = []

    def unknown_district() -> requests.Response:
        answer = api.post(
            talks, talk_body(city["topic"]["id"], district="Mondstadt"), token=citizen["token"]
        )
        if answer.status_code == 201:
            early.append(1)
        return answer

    unknown = until_status(unknown_district, 422, "the districts known to the dialogue service")
    assert unknown.json()["error"]["fields"]["district"]["de"] == [
        "Diesen Stadtteil gibt es in dieser Stadt nicht: Bitte wähle einen aus der Liste."
    ]
    made = api.post(
        talks, talk_body(city["topic"]["id"], district=" nordSTADT "), token=citizen["token"]
    )
    assert made.status_code == 201, made.text
    assert made.json()["district"] == "Nordstadt"  # the city's spelling
    ideas = f"/cities/{slug}/ideas"
    bad_idea = api.post(ideas, _idea("Mondstadt"), token=citizen["token"])
    assert bad_idea.status_code == 422
    assert "Stadtteil" in bad_idea.json()["error"]["fields"]["district"]["de"][0]
    assert api.post(ideas, _idea("Altstadt"), token=citizen["token"]).status_code == 201
    assert api.post(ideas, _idea("Altstadt"), token=citizen["token"]).status_code == 201

    # The idea form offers the districts as a choice.
    form = api.get(f"/cities/{slug}/forms/project_idea").json()["schema"]
    assert [v for v in form["properties"]["district"]["enum"] if v] == ["Nordstadt", "Altstadt"]

    counts = api.get(f"/cities/{slug}/district-counts").json()
    assert counts["districts"] == [
        {"name": "Nordstadt", "talks": 1, "talks_upcoming": 1, "ideas": 0},
        {"name": "Altstadt", "talks": 0, "talks_upcoming": 0, "ideas": 2},
    ]
    made_early = len(early)  # 0 unless a probe came before the districts
    assert counts["elsewhere"] == {"talks": made_early, "talks_upcoming": made_early, "ideas": 0}
    assert len(api.get(f"{ideas}?district=Altstadt").json()) == 2
    assert api.get(f"{ideas}?district=Nordstadt").json() == []
    assert len(api.get(f"{talks}?district=Nordstadt").json()) == 1

    # Another city: its admin may not touch these districts, and sees none of them.
    other = cities.create()
    assert api.put(path, two, token=other["admin"]["token"]).status_code == 403
    assert api.get(f"/cities/{other['slug']}/districts").json() is None
    assert api.get(f"/cities/{other['slug']}/district-counts").json() == {
        "districts": [],
        "elsewhere": {"talks": 0, "talks_upcoming": 0, "ideas": 0},
    }

    # Replaced without the Altstadt: its ideas keep their name, counted as "elsewhere".
    replaced = api.put(path, _collection(_square("Nordstadt", 9.0)), token=admin["token"])
    assert replaced.status_code == 200
    wait_until(
        lambda: api.get(f"/cities/{slug}/district-counts").json()["elsewhere"]["ideas"] == 2,
        15,
        "the replaced districts known to the dialogue service",
    )
    assert api.get(f"/cities/{slug}/district-counts").json()["districts"] == [
        {"name": "Nordstadt", "talks": 1, "talks_upcoming": 1, "ideas": 0}
    ]
    assert api.delete(path, token=admin["token"]).json() == {"removed": 1}
    assert api.get(path).json() is None
