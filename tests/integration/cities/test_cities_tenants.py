"""City tenants and cohorts over HTTP, every process real."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from cities_support import FIRST_SHARED, city_body, fresh_year


def test_operator_creates_a_city_and_the_invited_admin_takes_over(api, operator, cities) -> None:
    made = cities.create()
    city = made["city"]
    assert city["phase"] == "kickoff" and city["status"] == "active"
    assert city["phase_title"] == {"de": "Auftakt", "en": "Kickoff"}
    me = api.get("/me", token=made["admin"]["token"]).json()
    assert {"city": made["slug"], "role": "city_admin"} in me["roles"]
    assert api.get(f"/cities/{made['slug']}").json()["name"] == city["name"]
    listed = [c["slug"] for c in api.get("/cities").json()]
    assert made["slug"] in listed


def test_only_operators_create_and_archive(api, operator, cities) -> None:
    body = city_body(f"nope-{uuid.uuid4().hex[:6]}", fresh_year(), "x@example.org")
    assert api.post("/cities", body).status_code == 401
    citizen = api.verified_login()
    assert api.post("/cities", body, token=citizen["token"]).status_code == 403
    made = cities.create()
    slug = made["slug"]
    assert api.post(f"/cities/{slug}/archive", token=made["admin"]["token"]).status_code == 403
    archived = api.post(f"/cities/{slug}/archive", token=operator["token"])
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    # The same end as the last phase step: the phase too, with an entry in the history.
    assert archived.json()["phase"] == "archived"
    history = api.get(f"/cities/{slug}/transitions", token=made["admin"]["token"]).json()
    assert (history[-1]["to"], history[-1]["reason"]) == ("archived", "Vom Betrieb archiviert.")
    again = api.post(f"/cities/{slug}/archive", token=operator["token"])
    assert again.status_code == 200
    assert len(api.get(f"/cities/{slug}/transitions", token=made["admin"]["token"]).json()) == len(
        history
    )
    assert slug not in [c["slug"] for c in api.get("/cities").json()]
    everything = api.get("/cities?include_archived=1", token=operator["token"]).json()
    assert slug in [c["slug"] for c in everything]
    # An archived city takes no more changes.
    group = api.post(
        f"/cities/{slug}/working-groups", {"name": "Zu spät"}, token=made["admin"]["token"]
    )
    assert group.status_code == 409


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"slug": "Köln!"}, "slug"),
        ({"state": "Bavaria"}, "state"),
        ({"population": 0}, "population"),
        ({"population": "viele"}, "population"),
        ({"cohort_year": 1999}, "cohort_year"),
        ({"cohort_year": 2101}, "cohort_year"),  # beyond the published event schema
        ({"contact": {"name": "X"}}, "contact.email"),
        ({"languages": ["deutsch"]}, "languages.0"),
        ({"hosts": ["not a host"]}, "hosts.0"),
        ({"admin_email": "kaputt"}, "admin_email"),
        ({"tenant_id": 7}, "tenant_id"),
    ],
)
def test_bad_city_input_names_the_field(api, operator, change: dict, field: str) -> None:
    body = {**city_body(f"bad-{uuid.uuid4().hex[:6]}", FIRST_SHARED, "a@example.org"), **change}
    response = api.post("/cities", body, token=operator["token"])
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["fields"], response.json()


def test_slug_taken_is_a_conflict(api, operator, cities) -> None:
    made = cities.create()
    again = api.post(
        "/cities", city_body(made["slug"], fresh_year(), "b@example.org"), token=operator["token"]
    )
    assert again.status_code == 409
    assert "slug" in again.json()["error"]["fields"]


def test_cohort_cap_holds_under_concurrency(api, operator) -> None:
    year = fresh_year()
    for i in range(7):
        body = city_body(f"cap{year}-{i}", year, f"admin{i}@example.org")
        assert api.post("/cities", body, token=operator["token"]).status_code == 201
    bodies = [city_body(f"race{year}-{i}", year, f"r{i}@example.org") for i in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(
            pool.map(lambda b: api.post("/cities", b, token=operator["token"]), bodies)
        )
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 3, statuses
    assert statuses.count(409) == 17, statuses
    for response in responses:
        if response.status_code == 409:
            error = response.json()["error"]
            assert "cohort_year" in error["fields"]
            assert "höchstens zehn" in error["fields"]["cohort_year"]["de"][0]
    cohort = api.get(f"/cohorts/{year}").json()
    assert len(cohort["cities"]) == 10 and cohort["free"] == 0
    assert {c["phase"] for c in cohort["cities"]} == {"kickoff"}
