"""Health, readiness, OpenAPI, CSRF on pages and 503 when a service does not answer."""

from __future__ import annotations

import re

import requests

from services.kit.registry import SERVICES


def test_health_and_readiness(api) -> None:
    assert requests.get(f"{api.base}/healthz", timeout=5).json() == {"status": "ok"}
    ready = requests.get(f"{api.base}/readyz", timeout=15)
    assert ready.status_code == 200, ready.text
    expected = {"broker": "ok", "database": "ok", **dict.fromkeys(SERVICES, "ok")}
    assert ready.json()["checks"] == expected


def test_openapi_document_comes_from_the_schemas(api) -> None:
    spec = requests.get(api.url("/openapi.json"), timeout=5).json()
    assert spec["openapi"].startswith("3.")
    register = spec["paths"]["/api/v1/accounts"]["post"]
    assert register["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Register"
    }
    fields = spec["components"]["schemas"]["Register"]["properties"]
    assert {"email", "display_name", "password"} <= fields.keys()
    assert spec["components"]["schemas"]["Register"]["required"] == sorted(
        ["display_name", "email", "password", "privacy_consent"]
    )
    assert "/api/v1/me/organisations/{index}" in spec["paths"]
    assert spec["paths"]["/api/v1/me"]["get"]["security"] == [{"bearer": []}]


def test_pages_are_german_and_forms_need_csrf(api) -> None:
    session = requests.Session()
    page = session.get(f"{api.base}/anmelden", timeout=5)
    assert page.status_code == 200
    assert '<html lang="de">' in page.text and "Anmelden" in page.text
    without = session.post(f"{api.base}/anmelden", data={"email": "a@b.de", "password": "x"})
    assert without.status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    wrong = session.post(
        f"{api.base}/anmelden", data={"email": "a@b.de", "password": "x", "csrf_token": token}
    )
    assert wrong.status_code == 401
    assert "E-Mail-Adresse oder Passwort ist falsch." in wrong.text
    cookie = page.headers["Set-Cookie"]  # the session holding the CSRF secret
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_page_sign_in_and_out(api) -> None:
    person = api.verified_login()
    session = requests.Session()
    page = session.get(f"{api.base}/anmelden", timeout=5)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    signed_in = session.post(
        f"{api.base}/anmelden",
        data={"email": person["email"], "password": person["password"], "csrf_token": token},
    )
    assert signed_in.status_code == 200
    assert "Du bist angemeldet." in signed_in.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', signed_in.text).group(1)
    out = session.post(f"{api.base}/abmelden", data={"csrf_token": token})
    assert "Du bist angemeldet." not in out.text


def test_a_silent_service_gives_503_with_retry_after(api, platform) -> None:
    platform.stop_service("identity")
    try:
        response = api.post("/sessions", {"email": "x@example.org", "password": "egal-egal-1"})
        assert response.status_code == 503
        assert response.headers["Retry-After"].isdigit()
        assert response.json()["error"]["code"] == "service_unavailable"
        ready = requests.get(f"{api.base}/readyz", timeout=30)
        assert ready.status_code == 503
        assert ready.json()["checks"]["identity"] != "ok"
    finally:
        platform.service("identity")
    assert requests.get(f"{api.base}/readyz", timeout=30).status_code == 200
