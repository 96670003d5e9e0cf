"""The page session cookie holds only a random page-session id, never an API bearer token
(issue 15: the signed, readable cookie carried the bearer token, which then worked on the API
from anywhere, without CSRF protection). Signing out ends the session in the identity service.
"""

from __future__ import annotations

import dataclasses
import json
import re
import zlib

import pytest
import requests
from itsdangerous.encoding import base64_decode

from gateway.app import create_app
from services.kit.config import load_settings

pytestmark = pytest.mark.integration
COOKIE = "stadtdialog_session"


def _cookie_payload(value: str) -> dict:
    """What anyone holding the cookie reads: Flask signs its session, it does not encrypt it."""
    compressed = value.startswith(".")
    data = base64_decode(value.lstrip(".").split(".")[0])
    return json.loads(zlib.decompress(data) if compressed else data)


def _csrf(browser: requests.Session, url: str) -> str:
    page = browser.get(url, timeout=30)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def _signed_in(browser: requests.Session, base: str) -> bool:
    page = browser.get(f"{base}/konto", timeout=30)
    return page.status_code == 200 and "Mein Bereich" in page.text


def test_page_session_cookie_holds_no_bearer_token(api) -> None:
    person = api.verified_login()
    browser = requests.Session()
    form = {"email": person["email"], "password": person["password"]}
    form["csrf_token"] = _csrf(browser, f"{api.base}/anmelden")
    signed_in = browser.post(f"{api.base}/anmelden", data=form, allow_redirects=False, timeout=30)
    assert signed_in.status_code == 302, signed_in.text
    set_cookie = signed_in.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    assert _signed_in(browser, api.base)

    payload = _cookie_payload(browser.cookies[COOKIE])
    assert "token" not in payload
    # Nothing in the cookie opens the API: the page session's id is refused as a bearer token.
    for value in payload.values():
        assert api.get("/me", token=str(value)).status_code == 401, payload

    # Signing out ends the session server-side: the old cookie, replayed, signs nobody in.
    replay = requests.Session()
    replay.cookies.update(browser.cookies)
    signed_out = browser.post(
        f"{api.base}/abmelden", data={"csrf_token": _csrf(browser, f"{api.base}/konto")}
    )
    assert signed_out.status_code == 200
    assert not _signed_in(replay, api.base)
    assert not _signed_in(browser, api.base)


@pytest.mark.parametrize(("public_url", "secure"), [("https://sd.example", True), ("", False)])
def test_page_session_cookie_is_secure_behind_https(public_url: str, secure: bool) -> None:
    settings = load_settings()
    if public_url:
        settings = dataclasses.replace(settings, public_base_url=public_url)
    response = create_app(settings).test_client().get("/anmelden")
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith(f"{COOKIE}=") and "HttpOnly" in set_cookie
    assert "SameSite=Lax" in set_cookie and ("Secure" in set_cookie) is secure
