"""Helpers of the cities tests: city bodies, fresh cohort years, a city maker, test facts."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

# Cities may join cohorts 2020-2100 (services/cities/schemas.py), ten to a year. Tests that
# need a year to themselves count down from the last one; the cities CityMaker makes without
# a year share the years from 2030 up, ten to a year, so a session of hundreds of cities fits.
FIRST_SHARED, LAST_YEAR, PER_YEAR = 2030, 2100, 10
_own_years = itertools.count(LAST_YEAR, -1)
_shared_places = itertools.count(0)
_lowest_own = LAST_YEAR + 1


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
    """A cohort year no other test uses, so the cap of ten never leaks between tests."""
    global _lowest_own
    _lowest_own = next(_own_years)
    return _lowest_own


def shared_year() -> int:
    """A cohort year with a free place, shared with at most nine other cities of this session."""
    year = FIRST_SHARED + next(_shared_places) // PER_YEAR
    assert year < _lowest_own, "the test session ran out of cohort years (2020-2100)"
    return year


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
            city_body(slug, year or shared_year(), admin_email),
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
