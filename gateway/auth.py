"""Authentication at the gateway: bearer tokens for the API, a session cookie for pages.

Both carry the same opaque session token issued by the identity service; the identity service
resolves it to a ``Caller`` (user id, roles per city, operator flag) that then travels with
every RPC call in context data. Services authorise; the gateway only authenticates.
"""

from __future__ import annotations

from flask import current_app, g, request, session

from services.kit.context import ANONYMOUS, Caller
from services.kit.errors import Unauthenticated


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def request_token() -> str | None:
    """The API authenticates by bearer token only, so a cross-site form can never act as you."""
    if request.path.startswith("/api/"):
        return bearer_token()
    return session.get("token")


def current_caller() -> Caller:
    if "caller" not in g:
        token = request_token()
        if not token:
            g.caller = ANONYMOUS
        else:
            try:
                data = current_app.extensions["rpc"].call("identity", "authenticate", token)
            except Unauthenticated:
                if not request.path.startswith("/api/"):
                    session.pop("token", None)  # a stale page session: simply signed out
                    g.caller = ANONYMOUS
                    return g.caller
                raise
            g.caller = Caller.from_context(data)
    return g.caller


def require_caller() -> Caller:
    caller = current_caller()
    if not caller.authenticated:
        raise Unauthenticated()
    return caller
