"""Security measures of the gateway: response headers and the sign-in rate limit.

* Every response carries a Content-Security-Policy (own origin only; KERN-UX's icons are
  ``data:`` SVGs inside its CSS, so images also allow ``data:``), ``frame-ancestors 'none'`` and
  ``X-Frame-Options: DENY``, a Referrer-Policy, a Permissions-Policy, and HSTS when the
  public URL is ``https://``.
* ``POST /api/v1/sessions`` and ``POST /anmelden`` are limited per client address and e-mail
  address with flask-limiter (``STADTDIALOG_LOGIN_RATE_LIMIT``). Its storage is
  ``STADTDIALOG_RATELIMIT_STORAGE``: ``memory://`` (default) counts per gateway process;
  FerretDB cannot hold the counters (its lack of TTL indexes and update pipelines breaks the
  ``limits`` MongoDB storage), MongoDB 7 or Redis can (``mongodb://…``, ``redis://…``).
  The identity service's lockout (``services/identity/lockout.py``) is the shared guard.
* Every request that makes the platform send a mail is limited per address, client and
  invitation (``gateway/mail_limits.py``), in the same storage.
* A refusal answers 429 with ``Retry-After`` and a German/English body naming why.
* ``Cache-Control: no-store`` on every response that may carry a token or personal data
  (``_personal``); anonymous reads of public pages and the static assets keep theirs.
"""

from __future__ import annotations

import math
import os
import time

from flask import Flask, Response, current_app, g, jsonify, render_template, request, session
from flask_babel import get_locale
from flask_limiter import Limiter, RateLimitExceeded

from gateway import mail_limits
from gateway.json_guard import json_or_none
from services.identity.errors import TOO_MANY_LOGINS, LoginLocked
from services.kit.errors import RateLimited
from services.kit.i18n import german

LOGIN_ENDPOINTS = ("api_identity.login", "pages.login")

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "font-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Charts and QR codes are SVG with inline styles (matplotlib, segno); as a document of their
# own they may style themselves but run nothing and load nothing.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
HSTS = "max-age=31536000; includeSubDomains"
# Files the same for everyone: their own caching stays even for signed-in people.
STATIC_ENDPOINTS = ("assets.kern", "static")


def client_address() -> str:
    """The client's IP. Behind ``STADTDIALOG_TRUSTED_PROXIES`` proxies (each appending to
    X-Forwarded-For) the address the nearest trusted proxy saw; else the socket's peer."""
    hops = int(os.environ.get("STADTDIALOG_TRUSTED_PROXIES", "0") or 0)
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if hops > 0 and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.remote_addr or "unknown"


def login_key() -> str:
    """Client address + the e-mail address tried: one guesser cannot lock out a whole office
    behind one address, and one address cannot be guessed at from one place unboundedly."""
    data = json_or_none(request)
    email = data.get("email") if isinstance(data, dict) else request.form.get("email")
    email = email.strip().lower() if isinstance(email, str) else ""
    return f"login|{client_address()}|{email[:254]}"


def _locale() -> str:
    return "en" if str(get_locale()) == "en" else "de"


def _refusal(message: str, code: str, retry_after: int, field: str = "email") -> Response:
    """429 with Retry-After: the sign-in page again with the reason, or the JSON error body."""
    retry_after = max(1, int(retry_after))
    if request.path.startswith("/api/"):
        response = jsonify(
            {
                "error": {
                    "code": code,
                    "message": {"de": german(message), "en": message},
                    "fields": {field: {"de": [german(message)], "en": [message]}},
                }
            }
        )
        response.status_code = 429
    else:
        text = message if _locale() == "en" else german(message)
        if request.endpoint in LOGIN_ENDPOINTS:  # the sign-in form again, reason on top
            errors = {"summary": text, "fields": {"email": [text]}}
            email = request.form.get("email", "")
            html = render_template("login.html", form={"email": email}, errors=errors)
        else:
            title = "Too many requests" if _locale() == "en" else "Zu viele Anfragen"
            html = render_template("error.html", title=title, text=text)
        response = Response(html, status=429, mimetype="text/html")
    response.headers["Retry-After"] = str(retry_after)
    return response


def remember_retry_after(exc: Exception) -> None:
    """Pages that show a refusal themselves call this so the 429 still gets Retry-After."""
    seconds = getattr(exc, "retry_after", None)
    if seconds:
        g.retry_after = int(seconds)


def _personal(response: Response) -> bool:
    """Whether a response may carry a token or someone's data, so that no cache (browser,
    proxy) may keep it: the request was signed in (bearer token, session cookie) or posted a
    form, a link token is in the URL, or the response sets a cookie."""
    if request.endpoint in STATIC_ENDPOINTS:
        return False
    return bool(
        request.method not in ("GET", "HEAD")
        or "Authorization" in request.headers
        or current_app.config["SESSION_COOKIE_NAME"] in request.cookies
        or session.modified  # the cookie is written after this hook: sign-in, a CSRF token
        or "Set-Cookie" in response.headers
        or "token" in request.args
    )


def _security_headers(app: Flask, https: bool) -> None:
    @app.after_request
    def headers(response: Response) -> Response:
        svg = response.mimetype == "image/svg+xml"
        response.headers["Content-Security-Policy"] = SVG_POLICY if svg else CONTENT_SECURITY_POLICY
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if https:
            response.headers["Strict-Transport-Security"] = HSTS
        if _personal(response):
            response.headers["Cache-Control"] = "no-store"
        if response.status_code == 429 and "Retry-After" not in response.headers:
            seconds = g.get("retry_after")
            if seconds:
                response.headers["Retry-After"] = str(seconds)
        return response


def _rate_limit(app: Flask) -> Limiter:
    limiter = Limiter(
        key_func=client_address,
        app=app,
        storage_uri=os.environ.get("STADTDIALOG_RATELIMIT_STORAGE", "memory://"),
        strategy="moving-window",
        # A storage outage must not lock everybody out; the identity lockout still holds.
        swallow_errors=True,
        headers_enabled=False,
    )
    # Only the sign-in and mail views carry a limit: every other request skips the limiter's
    # lookup of route limits (measurable on hot cached reads).
    limited_endpoints = frozenset(LOGIN_ENDPOINTS + mail_limits.MAIL_ENDPOINTS)
    limiter.request_filter(lambda: request.endpoint not in limited_endpoints)
    rate = os.environ.get("STADTDIALOG_LOGIN_RATE_LIMIT", "10 per minute")
    for endpoint in LOGIN_ENDPOINTS:
        view = app.view_functions.get(endpoint)
        if view is not None:
            limited = limiter.limit(rate, key_func=login_key, methods=["POST"])(view)
            app.view_functions[endpoint] = limited
    mail_limits.install(app, limiter)

    @app.errorhandler(RateLimitExceeded)
    def too_many(exc: RateLimitExceeded) -> Response:
        current = limiter.current_limit
        seconds = math.ceil(current.reset_at - time.time()) if current is not None else 1
        message = exc.limit.error_message
        if isinstance(message, str) and message in mail_limits.FIELD_OF:
            return _refusal(message, "rate_limited", seconds, mail_limits.FIELD_OF[message])
        return _refusal(TOO_MANY_LOGINS, "rate_limited", seconds)

    return limiter


def install(app: Flask, public_base_url: str) -> None:
    """Call after every blueprint is registered (the limit wraps the sign-in views)."""
    _security_headers(app, https=public_base_url.startswith("https://"))
    _rate_limit(app)

    @app.errorhandler(LoginLocked)
    def locked(exc: LoginLocked) -> Response:
        return _refusal(exc.message, exc.code, exc.retry_after)

    @app.errorhandler(RateLimited)
    def rate_limited(exc: RateLimited) -> Response:
        response = _refusal(exc.message, exc.code, getattr(exc, "retry_after", 1))
        if request.path.startswith("/api/"):
            response.set_data(jsonify(exc.to_dict()).get_data())  # the service's own fields
        return response
