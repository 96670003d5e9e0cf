"""One table from errors to HTTP: each domain error is one status with a JSON body naming the
field and the reason in German and English. Anything else is a bug and answers a plain 500."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, redirect, render_template, request
from flask_babel import get_locale
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from gateway.form_targets import page_above
from gateway.rpc import ServiceUnavailable
from plugins.manager import german_messages as plugin_messages
from services.cities.messages_de import GERMAN as CITIES_GERMAN
from services.dialogue.messages_de import GERMAN as DIALOGUE_GERMAN
from services.events.messages_de import GERMAN as EVENTS_GERMAN
from services.identity.messages_de import GERMAN as IDENTITY_GERMAN
from services.kit.errors import DomainError
from services.kit.i18n import german, register_message_source, register_messages
from services.scenarios.messages_de import GERMAN as SCENARIOS_GERMAN

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5

_HTTP_MESSAGES = {
    400: "The request could not be processed.",
    401: "Authentication required.",
    403: "You are not allowed to do this.",
    404: "Page not found.",
    405: "Method not allowed.",
    413: "The request could not be processed.",
    429: "Too many requests.",
}


def _wants_page() -> bool:
    """People's pages get an HTML error page; the API and the probes get JSON."""
    return not (request.path.startswith("/api/") or request.path in ("/healthz", "/readyz"))


def _page(
    message: str, status: int, fields: dict | None = None, retry_seconds: int | None = None
) -> Response:
    lang = "en" if str(get_locale()) == "en" else "de"
    text = message if lang == "en" else german(message)
    title = {
        401: "Anmeldung erforderlich",
        403: "Kein Zugriff",
        404: "Nicht gefunden",
        503: "Gerade nicht erreichbar",
    }.get(status, "Das hat nicht geklappt")
    if lang == "en":
        title = {
            401: "Sign-in required",
            403: "No access",
            404: "Not found",
            503: "Not available right now",
        }.get(status, "That did not work")
    page = render_template("error.html", title=title, text=text, retry_seconds=retry_seconds)
    response = Response(page, status=status)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    return response


def _body(code: str, message: str, status: int) -> Response:
    response = jsonify(
        {"error": {"code": code, "message": {"de": german(message), "en": message}, "fields": {}}}
    )
    response.status_code = status
    return response


def register_german_texts() -> None:
    """The gateway answers every service's and every plugin's message in German.

    Each service's catalogue is named here (the service packages also hand theirs over when
    imported; a second hand-over changes nothing). The plugins' texts are read on the first
    message no catalogue knows: loading them loads every installed plugin.
    """
    # In this order, the one the kit used to read them in: "Topic not found." is in dialogue's
    # and in scenarios' catalogue, and the last one named wins.
    for catalogue in (
        CITIES_GERMAN,
        DIALOGUE_GERMAN,
        EVENTS_GERMAN,
        IDENTITY_GERMAN,
        SCENARIOS_GERMAN,
    ):
        register_messages(catalogue)
    register_message_source(plugin_messages)


def register_error_handlers(app: Flask) -> None:
    register_german_texts()

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        if _wants_page():
            page = _page(exc.message, exc.status)
            if exc.status == 503:
                page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return page
        response = jsonify(exc.to_dict())
        response.status_code = exc.status
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="stadtdialog"'
        if exc.status == 503:  # a database away for a moment: say when to come back
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(ServiceUnavailable)
    def unavailable(exc: ServiceUnavailable) -> Response:
        log.warning("service unavailable: %s", exc)
        message = "The service is not answering, try again shortly."
        if not _wants_page():
            response = _body("service_unavailable", message, 503)
        elif request.method == "GET":
            # A page that was only read asks again by itself (a busy or restarting service is
            # usually back within seconds); a form is never sent twice this way.
            response = _page(message, 503, retry_seconds=RETRY_AFTER_SECONDS)
            response.headers["Refresh"] = str(RETRY_AFTER_SECONDS)
        else:
            response = _page(message, 503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> Response:
        message = "The CSRF token is missing or wrong."
        return _page(message, 400) if _wants_page() else _body("csrf", message, 400)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        message = _HTTP_MESSAGES.get(status, "The request could not be processed.")
        if status == 405 and request.method == "GET" and _wants_page():
            # a form's own address reloaded or switched to English: to the page it lives on
            above = page_above(app.url_map, request.path)
            if above:
                # only the language travels along: the rest of a query is nobody's business
                lang = request.args.get("lang")
                return redirect(f"{above}?lang={lang}" if lang in ("de", "en") else above, 303)
        if _wants_page():
            return _page(message, status)
        return _body(exc.name.lower().replace(" ", "_"), message, status)

    @app.errorhandler(Exception)
    def bug(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        message = "The request could not be processed."
        return _page(message, 500) if _wants_page() else _body("internal", message, 500)
