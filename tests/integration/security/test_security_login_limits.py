"""Sign-in rate limit (gateway, per client address + e-mail) and lockout (identity service,
failed passwords per address in a window): 429 with Retry-After and a reason, lifted after the
window. The platform fixture starts the processes with short windows (services/kit/testing.py)."""

from __future__ import annotations

import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from limits import parse

pytestmark = pytest.mark.integration


def _settings(platform) -> tuple[int, float, object]:
    env = platform.env()
    return (
        int(env["STADTDIALOG_LOGIN_LOCKOUT_ATTEMPTS"]),
        float(env["STADTDIALOG_LOGIN_LOCKOUT_WINDOW"]),
        parse(env["STADTDIALOG_LOGIN_RATE_LIMIT"]),
    )


def _retry_after(response: requests.Response) -> int:
    assert response.status_code == 429, response.text
    value = response.headers.get("Retry-After", "")
    assert value.isdigit() and int(value) >= 1, value
    return int(value)


def _at_once(api, email: str, count: int) -> list[requests.Response]:
    """``count`` wrong passwords sent together, so a slow machine keeps them in one window."""
    with ThreadPoolExecutor(count) as pool:
        return list(
            pool.map(
                lambda _: api.post("/sessions", {"email": email, "password": "falsch-falsch-1"}),
                range(count),
            )
        )


def _page_form(base: str, browser: requests.Session) -> str:
    html = browser.get(f"{base}/anmelden", timeout=30).text
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_wrong_passwords_lock_the_address_until_the_window_passes(api, platform) -> None:
    attempts, window, _ = _settings(platform)
    person = api.verified_login()
    wrong = _at_once(api, person["email"], attempts)
    assert [w.status_code for w in wrong] == [401] * attempts, [w.text for w in wrong]

    # Locked: even the right password is refused, through the API and the page alike.
    locked = api.post("/sessions", {"email": person["email"], "password": person["password"]})
    seconds = _retry_after(locked)
    assert seconds <= window + 1
    error = locked.json()["error"]
    assert error["code"] == "login_locked"
    assert "falsche Passwörter" in error["message"]["de"]
    assert "wrong passwords" in error["message"]["en"]
    assert "email" in error["fields"]

    browser = requests.Session()
    token = _page_form(api.base, browser)
    page = browser.post(
        f"{api.base}/anmelden",
        data={"csrf_token": token, "email": person["email"], "password": person["password"]},
        allow_redirects=False,
        timeout=30,
    )
    _retry_after(page)
    assert "falsche Passwörter" in page.text

    time.sleep(seconds + 0.5)
    unlocked = api.post("/sessions", {"email": person["email"], "password": person["password"]})
    assert unlocked.status_code == 201, unlocked.text


def test_a_right_password_before_the_limit_starts_the_count_afresh(api, platform) -> None:
    attempts, _, _ = _settings(platform)
    person = api.verified_login()
    for _ in range(2):
        for _ in range(attempts - 1):
            wrong = api.post("/sessions", {"email": person["email"], "password": "falsch-falsch-1"})
            assert wrong.status_code == 401
        right = api.post("/sessions", {"email": person["email"], "password": person["password"]})
        assert right.status_code == 201, right.text


def test_unknown_addresses_lock_the_same_way(api, platform) -> None:
    """The lock must not tell whether an address has an account."""
    attempts, _, _ = _settings(platform)
    nobody = f"niemand-{uuid.uuid4().hex[:8]}@example.org"
    answers = [a.status_code for a in _at_once(api, nobody, attempts)]
    answers.append(api.post("/sessions", {"email": nobody, "password": "irgendwas-1"}).status_code)
    assert answers == [401] * attempts + [429]


def test_the_gateway_limits_attempts_per_client_and_address(api, platform) -> None:
    _, _, rate = _settings(platform)
    email = f"flut-{uuid.uuid4().hex[:8]}"  # not an address: refused before any password check
    # Malformed attempts are cheap yet still count; sent
    # at once, so that a slow machine still puts them all inside one window.
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(
                lambda _: api.post("/sessions", {"email": email, "password": ""}),
                range(rate.amount + 5),
            )
        )
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) == {422, 429} and statuses.count(422) <= rate.amount, statuses
    limited = next(a for a in answers if a.status_code == 429)
    seconds = _retry_after(limited)
    assert seconds <= rate.get_expiry() + 1
    error = limited.json()["error"]
    assert error["code"] == "rate_limited"
    assert "Zu viele Anmeldeversuche" in error["message"]["de"]
    assert "Too many sign-in attempts" in error["message"]["en"]

    # Another address from the same client is not affected.
    other = api.post("/sessions", {"email": f"x{email}", "password": ""})
    assert other.status_code == 422

    time.sleep(seconds + 0.5)
    assert api.post("/sessions", {"email": email, "password": ""}).status_code == 422


def test_the_sign_in_page_is_limited_too(api, platform) -> None:
    _, _, rate = _settings(platform)
    email = f"seite-{uuid.uuid4().hex[:8]}"  # not an address: refused before any password check
    browser = requests.Session()
    token = _page_form(api.base, browser)
    cookies = browser.cookies.get_dict()

    def attempt(_: int) -> requests.Response:
        return requests.post(
            f"{api.base}/anmelden",
            data={"csrf_token": token, "email": email, "password": ""},
            cookies=cookies,
            allow_redirects=False,
            timeout=30,
        )

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(attempt, range(rate.amount + 5)))
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) == {422, 429} and statuses.count(422) <= rate.amount, statuses
    answer = next(a for a in answers if a.status_code == 429)
    _retry_after(answer)
    assert "Zu viele Anmeldeversuche" in answer.text
    assert "text/html" in answer.headers["Content-Type"]


def test_any_service_refusing_with_429_gets_retry_after_and_keeps_its_fields() -> None:
    """Not only sign-in: a service's own ``RateLimited`` answers 429 with Retry-After, its
    reason in both languages on the API, and an error page (not the sign-in form) on pages."""
    from gateway.app import create_app
    from services.kit.errors import RateLimited

    app = create_app()

    def refuse() -> None:
        raise RateLimited("Too many requests.", {"seats": ["Too many requests."]})

    app.add_url_rule("/api/v1/probe-limit", "probe_limit_api", refuse)
    app.add_url_rule("/probe-limit", "probe_limit_page", refuse)
    client = app.test_client()
    api_answer = client.get("/api/v1/probe-limit")
    assert api_answer.status_code == 429 and api_answer.headers["Retry-After"].isdigit()
    body = api_answer.get_json()["error"]
    assert body["fields"] == {"seats": {"de": ["Zu viele Anfragen."], "en": ["Too many requests."]}}
    page = client.get("/probe-limit")
    assert page.status_code == 429 and page.headers["Retry-After"].isdigit()
    assert "Zu viele Anfragen" in page.get_data(as_text=True)
    assert 'name="password"' not in page.get_data(as_text=True)
