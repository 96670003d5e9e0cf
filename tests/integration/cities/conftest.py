"""Fixtures for the cities tests: an operator, and cities with a signed-in admin."""

from __future__ import annotations

import pytest
from cities_support import CityMaker

from services.kit.testing import OPERATOR_EMAIL


@pytest.fixture(scope="session")
def operator(api) -> dict:
    account = api.register(email=OPERATOR_EMAIL)
    token = api.mailed_token(OPERATOR_EMAIL)
    assert api.post("/accounts/verify", {"token": token}).status_code == 200
    login = api.post("/sessions", {"email": OPERATOR_EMAIL, "password": account["password"]})
    assert login.json()["account"]["operator"] is True
    return {**account, "token": login.json()["token"]}


@pytest.fixture(scope="session")
def cities(api, operator) -> CityMaker:
    return CityMaker(api, operator)
