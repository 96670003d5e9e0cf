"""The gateway's application factory: ``gunicorn 'gateway.app:create_app()'``."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Flask, Response, jsonify, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import NotFound

from gateway import assets, cache, health, metrics, security, sign_video, token_cache
from gateway.api import (
    accessibility,
    cities,
    deadletters,
    dialogue,
    events,
    identity,
    legal,
    newsletter,
    operations,
    purge,
    scenarios,
)
from gateway.errors import register_error_handlers
from gateway.json_guard import GuardedJSONProvider
from gateway.language import init_babel
from gateway.openapi import build_spec
from gateway.pages import accessibility as pages_a11y
from gateway.pages import account as pages
from gateway.pages import city as pages_city
from gateway.pages import (
    city_admin,  # noqa: F401 - its routes join pages_city.bp
    my_calendar,  # noqa: F401 - its routes join pages_my_area.bp
)
from gateway.pages import dialogue as pages_dialogue
from gateway.pages import events as pages_events
from gateway.pages import follows as pages_follows
from gateway.pages import legal as pages_legal
from gateway.pages import my_area as pages_my_area
from gateway.pages import newsletter as pages_newsletter
from gateway.pages import newsletter_admin as pages_newsletter_admin
from gateway.pages import scenarios as pages_scenarios
from gateway.pages import unsubscribe as pages_unsubscribe
from gateway.rpc import RpcClient
from services.kit.config import Settings, check_secret_key, load_settings
from services.kit.context import CallerSeal
from services.kit.correlation import valid_correlation_id
from services.kit.text import unfit_for_an_id

csrf = CSRFProtect()


def create_app(settings: Settings | None = None) -> Flask:
    # An unsafe key would let anyone forge links and caller contexts (gunicorn_conf checks it
    # first and exits with one line; this stops any other way of building the app).
    settings = check_secret_key(settings or load_settings())
    app = Flask(__name__)
    secure = settings.public_base_url.startswith("https://")
    app.config.update(
        SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,  # only behind TLS, else the cookie would never come back
        SESSION_COOKIE_NAME="stadtdialog_session",
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=settings.session_ttl_seconds),
        MAX_CONTENT_LENGTH=1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # tied to the session instead of a clock
    )
    app.json = GuardedJSONProvider(app)  # bounded depth, no lone surrogates (issue 15)
    app.json.ensure_ascii = False  # German text stays readable in JSON bodies
    app.json.sort_keys = False
    app.extensions["rpc"] = RpcClient(
        settings.amqp_uri, settings.rpc_timeout, CallerSeal.from_settings(settings)
    )

    tokens = token_cache.install(app)  # verified callers, emptied by identity's facts
    cache.install(app, settings.amqp_uri, enabled=settings.public_cache, tokens=tokens)
    sign_video.install(app)  # before the CSRF check reads an upload's form
    csrf.init_app(app)
    init_babel(app)
    register_error_handlers(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(pages_my_area.bp)
    app.register_blueprint(pages_city.bp)
    app.register_blueprint(pages_dialogue.bp)
    app.register_blueprint(pages_scenarios.bp)
    app.register_blueprint(pages_events.bp)
    app.register_blueprint(pages_a11y.bp)
    app.register_blueprint(pages_legal.bp)
    app.register_blueprint(pages_unsubscribe.bp)
    app.register_blueprint(pages_follows.bp)
    # A mail program's one-click post carries no CSRF token: the signed link authorises it.
    csrf.exempt(pages_unsubscribe.bp)
    app.register_blueprint(pages_newsletter.bp)
    app.register_blueprint(pages_newsletter_admin.bp)
    # The subscribe form sits on cached public pages (no per-person token there):
    # pages/newsletter.py says why a forged post can do no harm.
    csrf.exempt(pages_newsletter.subscribe)
    app.register_blueprint(assets.bp)
    for blueprint in (
        identity.bp,
        cities.bp,
        legal.bp,
        events.bp,
        dialogue.bp,
        scenarios.bp,
        operations.bp,
        deadletters.bp,
        purge.bp,
        accessibility.bp,
        newsletter.bp,
    ):
        app.register_blueprint(blueprint)
        # The API authenticates with bearer tokens only, so it needs no CSRF token.
        csrf.exempt(blueprint)
    # Security headers and the sign-in rate limit (wraps views: after every blueprint).
    security.install(app, settings.public_base_url)

    @app.url_value_preprocessor
    def plain_path_values(_endpoint: str | None, values: dict | None) -> None:
        # An id in a path (``/comments/a%00b``) is never a text: one with a control
        # character or a lone surrogate names nothing, before any service sees it.
        if values and any(isinstance(v, str) and unfit_for_an_id(v) for v in values.values()):
            raise NotFound()

    @app.before_request
    def correlation_id() -> None:
        incoming = request.headers.get("X-Correlation-ID", "")
        # Only id-like values are taken (no "@", no spaces): nothing personal reaches the logs.
        request.environ["stadtdialog.correlation_id"] = valid_correlation_id(incoming) or str(
            uuid.uuid4()
        )

    # JSON log line and metrics per request, /metrics (after the correlation id is set).
    metrics.install(app)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["X-Correlation-ID"] = request.environ.get("stadtdialog.correlation_id", "")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    spec_cache: dict[str, dict] = {}

    @app.get("/api/v1/openapi.json")
    def openapi() -> Response:
        if "spec" not in spec_cache:
            spec_cache["spec"] = build_spec(app)
        return jsonify(spec_cache["spec"])

    return app
