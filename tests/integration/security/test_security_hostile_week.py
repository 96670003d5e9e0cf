"""A security tester's pass over the week's new features (issues 18 and 20), against one
running platform: district GeoJSON upload, project file import (XLSX/ZIP), newsletter tokens
and admin pages, search, notifications and follows, the organisations page. Each hostile
input answers a 4xx with a German reason (never a 500, never markup run, never a header
added); ids of another city or person are not found; non-admins are refused."""

from __future__ import annotations

import io
import re
import uuid
import zipfile

import pytest
import requests
from bson import ObjectId

pytestmark = pytest.mark.integration

NOT_FOUND_OR_REFUSED = (403, 404)


def _page_session(api, person: dict | None) -> tuple[requests.Session, str]:
    """A browser-like session (signed in as ``person`` unless None) and its CSRF token."""
    session = requests.Session()
    page = session.get(f"{api.base}/anmelden", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    if person is None:
        return session, token
    signed_in = session.post(
        f"{api.base}/anmelden",
        data={"email": person["email"], "password": person["password"], "csrf_token": token},
        timeout=30,
    )
    assert signed_in.status_code == 200, signed_in.text[:300]
    return session, re.search(r'name="csrf_token" value="([^"]+)"', signed_in.text).group(1)


@pytest.fixture(scope="module")
def town(cities) -> dict:
    return cities.create()


@pytest.fixture(scope="module")
def other_town(cities) -> dict:
    return cities.create()


@pytest.fixture(scope="module")
def admin_page(api, town) -> tuple[requests.Session, str]:
    return _page_session(api, town["admin"])


# ---------------------------------------------------------------- district GeoJSON upload
def _upload(api, session_token, slug: str, content: bytes, filename: str = "bezirke.geojson"):
    session, token = session_token
    return session.post(
        f"{api.base}/stadt/{slug}/verwaltung/stadtteile",
        data={"csrf_token": token},
        files={"geojson": (filename, content, "application/geo+json")},
        timeout=60,
    )


def _square(name: str) -> dict:
    ring = [[9.0, 48.0], [9.01, 48.0], [9.01, 48.01], [9.0, 48.01], [9.0, 48.0]]
    return {
        "type": "Feature",
        "properties": {"name": name},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def _collection(*features: dict) -> bytes:
    import json

    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


@pytest.mark.parametrize("depth", [2_000, 200_000])
def test_deeply_nested_geojson_on_the_upload_page_is_a_german_422(
    api, town, admin_page, depth: int
) -> None:
    """Python's json parser recursed into ``[[[[…`` and raised RecursionError: a 500."""
    content = b'{"type": "FeatureCollection", "features": ' + b"[" * depth + b"]" * depth + b"}"
    response = _upload(api, admin_page, town["slug"], content)
    assert response.status_code == 422, response.text[:300]
    assert "zu tief verschachtelt (höchstens 64 Ebenen)" in response.text


@pytest.mark.parametrize(
    ("name", "german"),
    [
        ("Altstadt\\r\\nBcc: x@example.org", "Stadtteil 1: Der Name enthält unerlaubte"),
        ("Altstadt\\u0000", "Stadtteil 1: Der Name enthält unerlaubte Zeichen"),
        ("Altstadt \\u202e", "Stadtteil 1: Der Name enthält unerlaubte Zeichen"),
        ("Altstadt \\ud800", "ungültiges Zeichen (ein einzelnes Surrogat)"),
        ("A" * 100_000, "Stadtteil 1: Der Name ist länger als 80 Zeichen."),
    ],
)
def test_hostile_district_names_are_refused_by_name(
    api, town, admin_page, name: str, german: str
) -> None:
    content = _collection(_square("Neustadt")).replace(b"Neustadt", name.encode())
    response = _upload(api, admin_page, town["slug"], content)
    assert response.status_code == 422, response.text[:300]
    assert german in response.text, response.text[-2000:]
    assert api.get(f"/cities/{town['slug']}/districts").json() is None  # nothing stored


def test_markup_in_a_district_name_and_the_file_name_is_shown_as_text(
    api, town, admin_page
) -> None:
    name = "<script>alert(1)</script>"
    response = _upload(
        api, admin_page, town["slug"], _collection(_square(name)), filename="<b>x</b>\r\n.json"
    )
    assert response.status_code == 200, response.text[:300]
    shown = requests.get(f"{api.base}/stadt/{town['slug']}/stadtteile", timeout=30)
    assert shown.status_code == 200
    assert "<script>alert(1)" not in shown.text and "&lt;script&gt;" in shown.text
    upload_page = admin_page[0].get(
        f"{api.base}/stadt/{town['slug']}/verwaltung/stadtteile", timeout=30
    )
    assert "<b>x</b>" not in upload_page.text


def test_districts_of_a_city_are_changed_only_by_its_admins(
    api, town, other_town, admin_page
) -> None:
    foreign = _upload(api, admin_page, other_town["slug"], _collection(_square("Nord")))
    assert foreign.status_code in NOT_FOUND_OR_REFUSED, foreign.status_code
    anonymous = _page_session(api, None)
    assert _upload(api, anonymous, town["slug"], _collection(_square("Süd"))).status_code == 401
    citizen = _page_session(api, api.verified_login())
    refused = _upload(api, citizen, town["slug"], _collection(_square("Süd")))
    assert refused.status_code in NOT_FOUND_OR_REFUSED
    by_api = api.put(
        f"/cities/{other_town['slug']}/districts",
        {"type": "FeatureCollection", "features": [_square("Ost")]},
        token=town["admin"]["token"],
    )
    assert by_api.status_code in NOT_FOUND_OR_REFUSED, by_api.text
