"""Issue 15, text input hygiene, through the running gateway: deep JSON, lone surrogates,
Unicode digits in page forms, NUL / U+202E / blank titles. Each answers a 4xx naming the
reason in German and English, never a 500."""

from __future__ import annotations

import re

import pytest
import requests

pytestmark = pytest.mark.integration

JSON = {"Content-Type": "application/json"}


def _german_and_english(response: requests.Response) -> dict:
    error = response.json()["error"]
    assert error["message"]["de"] and error["message"]["en"]
    assert error["message"]["de"] != error["message"]["en"], "no German text"
    return error


def _field_reason(response: requests.Response, field: str) -> tuple[str, str]:
    error = _german_and_english(response)
    assert field in error["fields"], error
    german, english = error["fields"][field]["de"][0], error["fields"][field]["en"][0]
    assert german != english, f"no German text for {english!r}"
    return german, english


@pytest.mark.parametrize("depth", [65, 3_000, 100_000])
def test_deeply_nested_json_answers_4xx_not_500(api, depth: int) -> None:
    for opening, closing in (("[", "]"), ('{"a":', "}")):
        body = '{"email": "a@example.org", "display_name": ' + opening * depth
        body += "1" + closing * depth + ', "password": "Tischgespräch-42"}'
        response = requests.post(api.url("/accounts"), data=body, headers=JSON, timeout=30)
        assert response.status_code in (413, 422), response.text[:300]
        error = _german_and_english(response)
        assert "verschachtelt" in error["message"]["de"]
    # 64 levels are fine as JSON: the schema then names the field (not a string).
    fine = '{"email": "a@example.org", "display_name": ' + "[" * 63 + "]" * 63 + "}"
    response = requests.post(api.url("/accounts"), data=fine, headers=JSON, timeout=30)
    assert response.status_code == 422 and "display_name" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "raw",
    [
        b'"Anna \\ud800"',  # the escape, as the finding sent it
        b'"Anna \\udfff\\ud800"',  # reversed pair: two lone halves
        b'"Anna ' + b"\xed\xa0\x80" + b'"',  # a surrogate as raw UTF-8 bytes
    ],
)
def test_lone_surrogate_in_any_text_field_answers_422(api, raw: bytes) -> None:
    body = b'{"email": "lone@example.org", "password": "Tischgespr\\u00e4ch-42", '
    body += b'"display_name": ' + raw + b"}"
    response = requests.post(api.url("/accounts"), data=body, headers=JSON, timeout=30)
    assert response.status_code == 422, response.text[:300]
    german, english = _field_reason(response, "display_name")
    assert "Surrogat" in german and "surrogate" in english
    # In a key, and in a signed-in person's nested field, the same.
    key = requests.post(api.url("/accounts"), data=b'{"\\ud800": 1}', headers=JSON, timeout=30)
    assert key.status_code == 422, key.text[:300]
    # A real pair (an emoji written as two escapes) is text like any other.
    emoji = b'{"email": "x", "password": "x", "display_name": "Anna \\ud83d\\ude00"}'
    fine = requests.post(api.url("/accounts"), data=emoji, headers=JSON, timeout=30)
    assert fine.status_code == 422 and "display_name" not in fine.json()["error"]["fields"]


def _page_session(api, person: dict | None) -> tuple[requests.Session, str]:
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


@pytest.mark.parametrize("typed", ["²", "①", "٣", "３", "1²"])
def test_unicode_digits_in_page_form_numbers_answer_a_german_field_error(
    api, cities, typed: str
) -> None:
    city = cities.create()
    url = f"{api.base}/stadt/{city['slug']}/szenarien/werkstatt/projekt"
    form = {"title": "Zukunft 2040", "description": "", "key_factor_count": typed}
    # Anonymous (the finding): was a 500 from int("²"); now the sign-in refusal.
    session, token = _page_session(api, None)
    anonymous = session.post(url, data={**form, "csrf_token": token}, timeout=30)
    assert anonymous.status_code == 401, anonymous.text[:300]
    # The city's admin sees the field named in German on the form.
    session, token = _page_session(api, city["admin"])
    response = session.post(url, data={**form, "csrf_token": token}, timeout=30)
    assert response.status_code == 422, response.text[:300]
    assert "Keine gültige ganze Zahl." in response.text
    project = api.get(f"/cities/{city['slug']}/scenarios/project", token=city["admin"]["token"])
    assert project.status_code == 404, "a project was made from a non-ASCII digit"


@pytest.mark.parametrize(
    ("title", "german"),
    [
        ("Zukunft\x002040", "Darf keine Steuerzeichen enthalten."),
        ("Zukunft \u202e0402", "Darf keine Steuerzeichen für die Schreibrichtung enthalten."),
        ("Zukunft\r\nBcc: x@example.org", "Darf keine Zeilenumbrüche enthalten."),
        ("Zukunft\u20282040", "Darf keine Zeilenumbrüche enthalten."),
        ("   ", "Pflichtfeld fehlt."),
        ("\u3000\u00a0", "Pflichtfeld fehlt."),
    ],
)
def test_nul_bidi_override_and_whitespace_only_titles_are_refused(
    api, cities, title: str, german: str
) -> None:
    city = cities.create()
    admin, slug = city["admin"], city["slug"]
    project = api.post(f"/cities/{slug}/scenarios/project", {"title": title}, token=admin["token"])
    assert project.status_code == 422, project.text[:300]
    assert _field_reason(project, "title")[0] == german
    group = api.post(f"/cities/{slug}/working-groups", {"name": title}, token=admin["token"])
    assert group.status_code == 422, group.text[:300]
    assert _field_reason(group, "name")[0] == german


def test_multiline_fields_keep_line_breaks_and_text_is_stored_in_nfc(api, cities) -> None:
    city = cities.create()
    admin, slug = city["admin"], city["slug"]
    body = {"title": "Zu\u0308rich 2040", "description": "Erste Zeile\r\nZweite\tZeile"}
    created = api.post(f"/cities/{slug}/scenarios/project", body, token=admin["token"])
    assert created.status_code == 201, created.text[:300]
    assert created.json()["title"] == "Zürich 2040"  # one code point, as typed on a keyboard
    assert created.json()["description"] == "Erste Zeile\nZweite\tZeile"
