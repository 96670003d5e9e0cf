"""Security headers on every kind of response, pages that need nothing the CSP forbids, and
CSRF on every state-changing page form (found from the url_map, so a new page is covered)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import requests
from flask import Response

from gateway.app import create_app
from gateway.security import CONTENT_SECURITY_POLICY
from services.kit.config import load_settings
from services.kit.mail_choices import PATH as UNSUBSCRIBE_PATH

pytestmark = pytest.mark.integration

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
KERN_CSS = (
    Path(__file__).resolve().parents[3] / "gateway/node_modules/@kern-ux/native/dist/kern.min.css"
)


def _check_headers(response: requests.Response, https: bool = False) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers.get("X-Frame-Options") == "DENY"
    assert headers.get("Referrer-Policy") in ("same-origin", "strict-origin-when-cross-origin")
    assert "camera=()" in headers.get("Permissions-Policy", "")
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert ("Strict-Transport-Security" in headers) is https


def test_every_kind_of_response_carries_the_headers(api) -> None:
    paths = (
        "/",
        "/anmelden",
        "/registrieren",
        "/gibt-es-nicht",
        "/healthz",
        "/assets/kern/kern.min.css",
        "/api/v1/openapi.json",
        "/api/v1/me",
        "/api/v1/gibt-es-nicht",
    )
    for path in paths:
        response = requests.get(f"{api.base}{path}", timeout=30)
        assert response.status_code < 500, (path, response.status_code)
        _check_headers(response)
    refused = api.post("/sessions", {"email": "kaputt"})
    assert refused.status_code == 422
    _check_headers(refused)


def test_hsts_only_behind_https() -> None:
    settings = dataclasses.replace(load_settings(), public_base_url="https://stadtdialog.example")
    client = create_app(settings).test_client()
    response = client.get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_svg_images_may_style_themselves_but_run_nothing() -> None:
    app = create_app()
    app.add_url_rule(
        "/probe.svg", "probe_svg", lambda: Response("<svg/>", mimetype="image/svg+xml")
    )
    csp = app.test_client().get("/probe.svg").headers["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in csp and "default-src 'none'" in csp
    assert "script-src" not in csp and "frame-ancestors 'none'" in csp


def test_pages_load_only_what_the_policy_allows(api) -> None:
    """No inline scripts or styles, every stylesheet and script from our own origin, and
    the design system's CSS refers only to its own files or data: images (img-src data:)."""
    assert "img-src 'self' data:" in CONTENT_SECURITY_POLICY
    for path in ("/", "/anmelden", "/registrieren", "/passwort-vergessen"):
        html = requests.get(f"{api.base}{path}", timeout=30).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert "<style" not in html and " style=" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers
        for link in re.findall(r'(?:href|src)="([^"]+\.(?:css|js))"', html):
            assert link.startswith("/"), link
            asset = requests.get(f"{api.base}{link}", timeout=30)
            assert asset.status_code == 200, link
    kern = KERN_CSS.read_text()
    for target in re.findall(r'url\("?([^")]+)', kern):
        assert target.startswith(("data:", "./", "../")) or "/" not in target, target
    fonts = requests.get(f"{api.base}/assets/kern/fonts/fira-sans.css", timeout=30).text
    for font in re.findall(r'url\("?\./([^")]+)', fonts)[:2]:
        assert requests.get(f"{api.base}/assets/kern/fonts/{font}", timeout=30).status_code == 200


def _page_forms() -> list[tuple[str, str]]:
    """Every page route that changes state: (method, example path). API routes are exempt
    because they accept bearer tokens only; one-click unsubscribe (RFC 8058) because a mail
    program posts it without a session, its signed token being the authorisation; the
    newsletter's subscribe form because it sits on cached public pages that carry no person's
    token, and a forged post can do no more than the form itself: ask an address to confirm
    (gateway/pages/newsletter.py)."""
    app = create_app()
    forms = []
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) & STATE_CHANGING
        if not methods or rule.rule.startswith("/api/") or rule.rule == UNSUBSCRIBE_PATH:
            continue
        if rule.endpoint == "pages_newsletter.subscribe":
            continue
        path = rule.rule
        for name, converter in rule._converters.items():  # noqa: SLF001 - the converter kind
            value = "1" if type(converter).__name__ in ("IntegerConverter",) else "beispiel"
            path = re.sub(rf"<(?:[^:<>]+:)?{name}>", value, path)
        forms.extend((method, path) for method in sorted(methods))
    return forms


def _signed_in_browser(api) -> tuple[requests.Session, str]:
    person = api.verified_login()
    browser = requests.Session()
    html = browser.get(f"{api.base}/anmelden", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    signed_in = browser.post(
        f"{api.base}/anmelden",
        data={"csrf_token": token, "email": person["email"], "password": person["password"]},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302, signed_in.text
    html = browser.get(f"{api.base}/konto", timeout=30).text
    return browser, re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_every_page_form_refuses_a_post_without_a_valid_csrf_token(api) -> None:
    forms = _page_forms()
    paths = {path for _, path in forms}
    assert {"/anmelden", "/abmelden", "/registrieren", "/konto/loeschen"} <= paths, paths
    browser, token = _signed_in_browser(api)
    for method, path in forms:
        for form in ({"email": "a@example.org"}, {"csrf_token": "gefälscht", "x": "1"}):
            answer = browser.request(
                method, f"{api.base}{path}", data=form, allow_redirects=False, timeout=30
            )
            assert answer.status_code == 400, (method, path, form, answer.status_code)
            assert "CSRF" in answer.text, (method, path)
    # The same session with its real token gets through (so the refusals above mean CSRF).
    answer = browser.post(
        f"{api.base}/abmelden", data={"csrf_token": token}, allow_redirects=False, timeout=30
    )
    assert answer.status_code == 302


def test_one_click_unsubscribe_needs_no_csrf_token_but_a_signed_one(api) -> None:
    """The one route outside the CSRF check refuses anything but its own signed token."""
    for form in ({"email": "a@example.org"}, {"token": "gefälscht"}, {}):
        answer = requests.post(f"{api.base}{UNSUBSCRIBE_PATH}", data=form, timeout=30)
        assert answer.status_code in (400, 422), (form, answer.status_code)
        assert "Abbestellen nicht möglich" in answer.text
