"""Authentication at the gateway: bearer tokens for the API, a session cookie for pages.

The identity service issues both and resolves them to a ``Caller`` (user id, roles per city,
operator flag) that then travels with every RPC call in context data. They are of two kinds:
an API bearer token never sits in a cookie, and the cookie holds only the random id of a page
session (``PAGE_SESSION_KEY``), kept server-side by identity and refused by the API; signing
out deletes it there. Services authorise; the gateway only authenticates. Identity's answer
is kept for a minute per token (``gateway/token_cache.py``), emptied by identity's facts.
"""

from __future__ import annotations

from flask import current_app, g, request, session

from gateway.token_cache import token_cache
from services.kit.context import ANONYMOUS, Caller
from services.kit.errors import Unauthenticated

PAGE_SESSION_KEY = "sid"  # the key in the session cookie: a page session's random id


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def _api() -> bool:
    return request.path.startswith("/api/")


def request_token() -> str | None:
    """The API authenticates by bearer token only, so a cross-site form can never act as you."""
    if _api():
        return bearer_token()
    if "token" in session:
        session.pop("token")  # a cookie from before page sessions held an API token: drop it
    return session.get(PAGE_SESSION_KEY)


def current_caller() -> Caller:
    if "caller" not in g:
        token = request_token()
        if not token:
            g.caller = ANONYMOUS
        else:
            g.caller = _verified(token, "api" if _api() else "page")
    return g.caller


def _verified(token: str, kind: str) -> Caller:
    """The caller behind ``token``: from this process's token cache, else asked of identity
    (and then kept, see ``gateway/token_cache.py``)."""
    tokens = token_cache()
    caller, asked_at = tokens.lookup(token, kind) if tokens is not None else (None, 0)
    if caller is not None:
        return caller
    try:
        data = current_app.extensions["rpc"].call("identity", "authenticate", token, kind)
    except Unauthenticated:
        if kind == "page":
            session.pop(PAGE_SESSION_KEY, None)  # a stale page session: signed out
            return ANONYMOUS
        raise
    caller = Caller.from_context(data)
    if tokens is not None:
        tokens.put(token, kind, caller, data.get("expires_at"), asked_at)
    return caller


def forget_token(token: str | None, kind: str) -> None:
    """A sign-out through this process takes effect here at once, not only on the fact."""
    tokens = token_cache()
    if tokens is not None and token:
        tokens.forget_token(token, kind)


def require_caller() -> Caller:
    caller = current_caller()
    if not caller.authenticated:
        raise Unauthenticated()
    return caller
