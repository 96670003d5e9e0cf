"""Limits on every request that makes the platform send a mail (issue 15: one talk invitation
let anyone mail any address without end; the verification resend likewise).

Three buckets, each shared by all the mail routes (flask-limiter's ``shared_limit``), counted
only for requests that were answered without error (a refused form sends nothing):

* per **address** mailed (``STADTDIALOG_MAIL_LIMIT_PER_ADDRESS``): nobody can flood a mailbox;
* per **client** address (``STADTDIALOG_MAIL_LIMIT_PER_CLIENT``): one sender cannot spread its
  mails over many addresses;
* per **invitation** of a talk (``STADTDIALOG_MAIL_LIMIT_PER_INVITATION``): the holder of a link
  cannot turn it into a mailer.

They live in the same storage as the sign-in limit (``STADTDIALOG_RATELIMIT_STORAGE``), so they
are shared between workers and replicas where that is MongoDB 7 or Redis. A refusal is 429 with
``Retry-After`` and a German/English reason (``gateway/security.py``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, Response, request
from flask_limiter import Limiter

from gateway.json_guard import json_or_none
from services.identity.messages_de import (
    TOO_MANY_MAILS_ADDRESS,
    TOO_MANY_MAILS_CLIENT,
    TOO_MANY_MAILS_INVITATION,
)

DEFAULTS = {
    "STADTDIALOG_MAIL_LIMIT_PER_ADDRESS": "5 per hour",
    "STADTDIALOG_MAIL_LIMIT_PER_CLIENT": "100 per hour",
    "STADTDIALOG_MAIL_LIMIT_PER_INVITATION": "20 per hour",
}
MESSAGES = {
    "mail-client": TOO_MANY_MAILS_CLIENT,
    "mail-address": TOO_MANY_MAILS_ADDRESS,
    "mail-invitation": TOO_MANY_MAILS_INVITATION,
}
# Which form field a refusal names: the German body says what was limited.
FIELD_OF = {
    TOO_MANY_MAILS_ADDRESS: "email",
    TOO_MANY_MAILS_CLIENT: "_schema",
    TOO_MANY_MAILS_INVITATION: "token",
}


def _field(name: str) -> str:
    data = json_or_none(request)
    value = data.get(name) if isinstance(data, dict) else request.values.get(name)
    return value.strip() if isinstance(value, str) else ""


def _address() -> str:
    return _field("email").lower()[:254]


def _invitation() -> str:
    # A hash: the key stays short whatever the client sends, and holds no token.
    return hashlib.sha256(_field("token").encode()).hexdigest()[:32]


def _joins_with_account() -> bool:
    return request.form.get("as") == "account"


@dataclass(frozen=True)
class MailRoute:
    endpoint: str
    by_invitation: bool = False  # a guest request through a talk invitation
    exempt: Callable[[], bool] | None = None  # a POST of the same view that mails nobody
    # Mails someone even without an address in the request (a barrier report mails the
    # city's contact): the per-client limit applies to every POST.
    always_mails: bool = False


MAIL_ROUTES = (
    MailRoute("api_identity.register"),
    MailRoute("pages.register"),
    MailRoute("api_identity.resend_verification"),
    MailRoute("pages.resend_verification"),
    MailRoute("api_identity.request_password_reset"),
    MailRoute("pages.forgot_password"),
    MailRoute("api_identity.request_email_change"),
    MailRoute("pages_my_area.change_email"),
    MailRoute("api_dialogue.request_guest_registration", by_invitation=True),
    MailRoute("pages_dialogue.invitation", by_invitation=True, exempt=_joins_with_account),
    MailRoute("api_dialogue.create_invitation"),
    MailRoute("pages_dialogue.invite"),
    MailRoute("api_cities.invite_member"),
    MailRoute("pages_events.invite"),
    MailRoute("api_accessibility.report_barrier", always_mails=True),
    MailRoute("pages_a11y.send_report", always_mails=True),
    # Anyone may ask a city's newsletter for any address (the form is CSRF-exempt): without
    # these, one client could spread confirmation mails over any number of addresses.
    MailRoute("api_newsletter.subscribe"),
    MailRoute("pages_newsletter.subscribe"),
)
MAIL_ENDPOINTS = tuple(route.endpoint for route in MAIL_ROUTES)


def _rate(name: str) -> str:
    return os.environ.get(name) or DEFAULTS[name]


def _sent(response: Response) -> bool:
    return response.status_code < 400


def install(app: Flask, limiter: Limiter) -> None:
    """Wrap each mail route's view in the three shared limits (only for POST)."""
    for route in MAIL_ROUTES:
        view = app.view_functions.get(route.endpoint)
        if view is None:
            continue
        own_exempt = route.exempt or (lambda: False)

        def no_address(exempt: Callable[[], bool] = own_exempt) -> bool:
            return exempt() or not _address()

        client_exempt = own_exempt if route.always_mails else no_address

        # key None: the limiter's own key, the client address.
        limits = [
            ("STADTDIALOG_MAIL_LIMIT_PER_CLIENT", "mail-client", None, client_exempt),
            ("STADTDIALOG_MAIL_LIMIT_PER_ADDRESS", "mail-address", _address, no_address),
        ]
        if route.by_invitation:
            limits.append(
                (
                    "STADTDIALOG_MAIL_LIMIT_PER_INVITATION",
                    "mail-invitation",
                    _invitation,
                    no_address,
                )
            )
        for setting, scope, key, exempt_when in limits:
            view = limiter.shared_limit(
                _rate(setting),
                scope=scope,
                key_func=key,
                methods=["POST"],
                error_message=MESSAGES[scope],
                exempt_when=exempt_when,  # no address given: no mail goes out
                deduct_when=_sent,
            )(view)
        app.view_functions[route.endpoint] = view
