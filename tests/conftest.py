"""Shared by the integration and browser tests: the running platform over HTTP, an operator,
and cities with a signed-in admin. The real services come from ``services.kit.testing``."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from cities_support import CityMaker

from services.kit.mailsink import MailSink
from services.kit.registry import SERVICES
from services.kit.testing import OPERATOR_EMAIL, Platform

# scheduling_support: the longest test modules first under xdist (deploy/local/test).
pytest_plugins = ["services.kit.testing", "scheduling_support"]


@dataclass
class Api:
    base: str
    sink: MailSink

    def url(self, path: str) -> str:
        return f"{self.base}/api/v1{path}"

    def post(self, path: str, json: Any = None, token: str | None = None, **kw: Any):
        return requests.post(self.url(path), json=json, headers=_auth(token), timeout=30, **kw)

    def get(self, path: str, token: str | None = None):
        return requests.get(self.url(path), headers=_auth(token), timeout=30)

    def delete(self, path: str, json: Any = None, token: str | None = None):
        return requests.delete(self.url(path), json=json, headers=_auth(token), timeout=30)

    def put(self, path: str, json: Any = None, token: str | None = None):
        return requests.put(self.url(path), json=json, headers=_auth(token), timeout=30)

    def mailed_token(self, email: str, count: int = 1) -> str:
        """The token of the ``count``-th mail to ``email`` (read from the real SMTP sink)."""
        message = self.sink.wait_for(email, count=count)[count - 1]
        body = message.get_body(("plain",)).get_content()
        return re.search(r"token=([\w.\-]+)", body).group(1)

    def register(self, email: str | None = None, password: str = "Tischgespräch-42") -> dict:
        email = email or f"{uuid.uuid4().hex[:10]}@example.org"
        response = self.post(
            "/accounts",
            {
                "email": email,
                "display_name": "Test Person",
                "password": password,
                "privacy_consent": True,
            },
        )
        assert response.status_code == 201, response.text
        return {"email": email, "password": password, "id": response.json()["id"]}

    def verified_login(self, password: str = "Tischgespräch-42") -> dict:
        return self.verified_login_as(None, password)

    def verified_login_as(self, email: str | None, password: str = "Tischgespräch-42") -> dict:
        """Register (with ``email``, or a fresh address), verify from the mail, log in."""
        before = len([m for m in self.sink.messages if m["To"] == email]) if email else 0
        account = self.register(email=email, password=password)
        token = self.mailed_token(account["email"], count=before + 1)
        assert self.post("/accounts/verify", {"token": token}).status_code == 200
        login = self.post("/sessions", {"email": account["email"], "password": password})
        assert login.status_code == 201, login.text
        return {**account, "token": login.json()["token"]}


def _auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


@pytest.fixture(scope="session")
def api(platform: Platform) -> Api:
    """The gateway over HTTP with every service of the registry running as its own process."""
    platform.services(list(SERVICES))
    return Api(base=platform.gateway(), sink=platform.mail_sink)


@pytest.fixture(scope="session")
def operator(api) -> dict:
    # Mails to the operator's address may come before the account does (a barrier report an
    # earlier test of the session posted is mailed to the platform's operator address).
    earlier = len([m for m in api.sink.messages if m["To"] == OPERATOR_EMAIL])
    account = api.register(email=OPERATOR_EMAIL)
    token = api.mailed_token(OPERATOR_EMAIL, count=earlier + 1)
    assert api.post("/accounts/verify", {"token": token}).status_code == 200
    login = api.post("/sessions", {"email": OPERATOR_EMAIL, "password": account["password"]})
    assert login.json()["account"]["operator"] is True
    return {**account, "token": login.json()["token"]}


@pytest.fixture(scope="session")
def cities(api, operator) -> CityMaker:
    return CityMaker(api, operator)
