"""One table from errors to HTTP: each domain error is one status with a JSON body naming the
field and the reason in German and English. Anything else is a bug and answers a plain 500."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from gateway.rpc import ServiceUnavailable
from services.kit.errors import DomainError
from services.kit.i18n import german

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


def _body(code: str, message: str, status: int) -> Response:
    response = jsonify(
        {"error": {"code": code, "message": {"de": german(message), "en": message}, "fields": {}}}
    )
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        response = jsonify(exc.to_dict())
        response.status_code = exc.status
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="stadtdialog"'
        return response

    @app.errorhandler(ServiceUnavailable)
    def unavailable(exc: ServiceUnavailable) -> Response:
        log.warning("service unavailable: %s", exc)
        response = _body(
            "service_unavailable", "The service is not answering, try again shortly.", 503
        )
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> Response:
        return _body("csrf", "The CSRF token is missing or wrong.", 400)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        message = _HTTP_MESSAGES.get(status, "The request could not be processed.")
        return _body(exc.name.lower().replace(" ", "_"), message, status)

    @app.errorhandler(Exception)
    def bug(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _body("internal", "The request could not be processed.", 500)
