"""Helpers of the cities tests: city bodies, fresh cohort years, a city maker, test facts."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

_years = itertools.count(2030)


def city_body(slug: str, year: int, admin_email: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "slug": slug,
        "name": f"Teststadt {slug}",
        "state": "DE-NW",
        "population": 120_000,
        "mayor": "Dr. Erika Beispiel",
        "contact": {"name": "Büro der Bürgermeisterin", "email": "buero@example.org"},
        "cohort_year": year,
        "languages": ["de", "en"],
        "hosts": [],
        "admin_email": admin_email,
    }
    body.update(overrides)
    return body


def fresh_year() -> int:
    """Each test gets a cohort year of its own, so the cap of ten never leaks between tests."""
    return next(_years)


class CityMaker:
    def __init__(self, api, operator: dict) -> None:
        self.api = api
        self.operator = operator

    def create(self, year: int | None = None) -> dict:
        """A new city and its first admin, who registered and accepted the mailed invitation."""
        slug = f"stadt-{uuid.uuid4().hex[:8]}"
        admin_email = f"admin-{slug}@example.org"
        response = self.api.post(
            "/cities",
            city_body(slug, year or fresh_year(), admin_email),
            token=self.operator["token"],
        )
        assert response.status_code == 201, response.text
        invitation = self.api.mailed_token(admin_email)
        admin = self.api.verified_login_as(admin_email)
        accepted = self.api.post("/invitations/accept", {"token": invitation}, token=admin["token"])
        assert accepted.status_code == 200, accepted.text
        return {"slug": slug, "admin": admin, "city": response.json()}

    def person_with_role(self, slug: str, role: str, admin: dict) -> dict:
        person = self.api.verified_login()
        grant = {"account_id": person["id"], "city": slug, "role": role}
        assert self.api.post("/roles", grant, token=admin["token"]).status_code == 200
        return person
