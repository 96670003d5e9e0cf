"""Bad input is answered 4xx naming the field and the reason, never 5xx."""

from __future__ import annotations

import pytest
import requests

VALID = {
    "email": "valid@example.org",
    "display_name": "Valid",
    "password": "Gültig-genug-1",
    "privacy_consent": True,
}


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({k: v for k, v in VALID.items() if k != "email"}, "email", "Missing data"),
        ({k: v for k, v in VALID.items() if k != "password"}, "password", "Missing data"),
        ({k: v for k, v in VALID.items() if k != "display_name"}, "display_name", "Missing data"),
        ({**VALID, "email": "not-an-address"}, "email", "Not a valid email"),
        ({**VALID, "email": "a@"}, "email", "Not a valid email"),
        ({**VALID, "password": "kurz-1"}, "password", "Length must be between"),
        ({**VALID, "password": "nurbuchstabenlang"}, "password", "letters and digits"),
        ({**VALID, "display_name": "   "}, "display_name", "Missing data"),
        ({**VALID, "is_admin": True}, "is_admin", "Unknown field"),
        ({**VALID, "email": 42}, "email", "Not a valid"),
        ({**VALID, "locale": "fr"}, "locale", "Must be one of"),
        ({**VALID, "privacy_consent": False}, "privacy_consent", "Agree to the privacy notice"),
        (
            {k: v for k, v in VALID.items() if k != "privacy_consent"},
            "privacy_consent",
            "Agree to the privacy notice",
        ),
    ],
)
def test_registration_names_the_field(api, body: dict, field: str, reason: str) -> None:
    response = api.post("/accounts", body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert any(reason in m for m in error["fields"][field]["en"]), error["fields"][field]
    assert error["fields"][field]["de"], "every field message has a German text"


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", '"string"', ""])
def test_body_must_be_a_json_object(api, raw: str) -> None:
    response = requests.post(
        api.url("/accounts"), data=raw, headers={"Content-Type": "application/json"}, timeout=10
    )
    assert response.status_code == 422
    assert response.json()["error"]["message"]["de"].startswith("Der Inhalt")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/sessions", {"email": "x@example.org"}, "password"),
        ("/sessions", {"email": "kaputt", "password": "irgendwas"}, "email"),
        ("/accounts/verify", {}, "token"),
        ("/accounts/verify", {"token": "abc", "extra": 1}, "extra"),
        ("/password-reset", {"email": "kaputt"}, "email"),
        ("/password-reset/confirm", {"password": "Neues-Passwort-9"}, "token"),
    ],
)
def test_other_endpoints_name_the_field(api, path: str, body: dict, field: str) -> None:
    response = api.post(path, body)
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["fields"]


def test_unauthenticated_and_unknown_routes_are_json_4xx(api) -> None:
    assert api.get("/me").status_code == 401
    assert api.get("/me", token="made-up").status_code == 401
    assert api.get("/does-not-exist").status_code == 404
    response = requests.put(api.url("/accounts"), json={}, timeout=10)
    assert response.status_code == 405
    assert response.json()["error"]["message"]["de"]
