"""Responses with a token or personal data say ``Cache-Control: no-store`` (issue 15: none did,
so a shared computer's browser cache or a proxy could keep a bearer token or someone's data);
public reads for everyone keep their caching."""

from __future__ import annotations

import re

import pytest
import requests

pytestmark = pytest.mark.integration


def _no_store(response: requests.Response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def _signed_in_browser(api, person: dict) -> requests.Session:
    browser = requests.Session()
    form = browser.get(f"{api.base}/anmelden", timeout=30)
    assert _no_store(form)  # it sets the session cookie with the CSRF token
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    data = {"csrf_token": csrf, "email": person["email"], "password": person["password"]}
    signed_in = browser.post(f"{api.base}/anmelden", data=data, allow_redirects=False, timeout=30)
    assert signed_in.status_code == 302, signed_in.text
    assert _no_store(signed_in), signed_in.headers
    return browser


def test_token_and_personal_responses_are_no_store(api) -> None:
    person = api.verified_login()
    login = api.post("/sessions", {"email": person["email"], "password": person["password"]})
    assert login.status_code == 201 and "token" in login.json()
    assert _no_store(login), login.headers
    for path in ("/me", "/me/export"):
        answer = api.get(path, token=person["token"])
        assert answer.status_code == 200 and _no_store(answer), (path, answer.headers)

    browser = _signed_in_browser(api, person)
    for path in ("/", "/konto", "/konto/meine-daten"):
        page = browser.get(f"{api.base}{path}", timeout=30)
        assert page.status_code == 200 and _no_store(page), (path, page.headers)

    # Links from mails carry a token in the URL: their pages are not kept either.
    for path in ("/tischgespraeche/gast-bestaetigen", "/konto/passwort-neu", "/einladung"):
        page = requests.get(f"{api.base}{path}", params={"token": "x.y.z"}, timeout=30)
        assert _no_store(page), (path, page.headers)


def test_public_reads_keep_their_caching(api) -> None:
    for path in ("/", "/api/v1/cities"):
        anonymous = requests.get(f"{api.base}{path}", timeout=30)
        assert anonymous.status_code == 200 and not _no_store(anonymous), path
    # The design system's files stay cacheable for signed-in people too.
    browser = _signed_in_browser(api, api.verified_login())
    css = next(iter(re.findall(r'href="(/assets/kern/[^"]+\.css)"', browser.get(api.base).text)))
    asset = browser.get(f"{api.base}{css}", timeout=30)
    assert asset.status_code == 200 and "max-age=86400" in asset.headers["Cache-Control"]
