"""Verified callers in each gateway process, so that a signed-in request need not ask identity.

Every signed-in request used to call ``identity.authenticate``. This cache keeps the answer
(the ``Caller``) for ``STADTDIALOG_TOKEN_CACHE_SECONDS`` (60 s; ``0`` switches it off), never
beyond the session's own expiry (``expires_at`` from identity), for at most ``MAX_ENTRIES``
tokens. Its key is the SHA-256 of kind and token: the raw token is never kept.

What changes the answer of ``authenticate`` (a sign-out elsewhere, a changed password, a
deleted account, a role granted or revoked, …) reaches the gateway as one of identity's facts;
the invalidator (``gateway/cache.py``) then forgets every entry of that account, which is why
entries are also indexed by account id. A sign-out or a change of one's own account through
this process forgets at once (``install``). The cache serves only while that consumer is
connected: a missed fact must never keep a revoked token alive.

An answer that was asked for before a forget and arrives after it must not fill the entry
again: ``lookup`` hands out the forget counter's value, and ``put`` refuses an answer about an
account or token forgotten after it (it may be stale; the next request asks again). Only a
forget of *that* account or token counts: a crowd signing up sends a steady stream of facts
about other accounts, and with one counter for all of them any such fact arriving during the
call threw the answer away.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from cachetools import TLRUCache
from flask import Response, current_app, g, request

from gateway.json_guard import json_or_none
from services.kit.context import Caller

DEFAULT_SECONDS = 60.0
MAX_ENTRIES = 10_000
# Writes through these blueprints may change the caller's own account (password, sessions,
# mail choices, deletion): the caller's entries go at once, before the fact arrives (so do
# those of a write that called the cities service, see ``install``).
ACCOUNT_WRITERS = frozenset({"api_identity", "pages", "pages_my_area", "pages_unsubscribe"})
# A forget is remembered this long (far beyond an identity call, whose RPC times out in 30 s),
# for at most this many accounts and tokens; an answer asked before one no longer remembered is
# refused, so dropping them only ever costs a request that asks identity again.
FORGETS_KEPT_SECONDS = 300.0
FORGETS_KEPT = 10_000


class _Entry(NamedTuple):
    caller: Caller
    deadline: float  # on the cache's timer: the earlier of the TTL and the session's expiry


class _Forgets:
    """When each account or token was last forgotten, on a counter that every forget advances
    (used under the cache's lock)."""

    def __init__(self, timer: Callable[[], float]) -> None:
        self.now = 0
        self._timer = timer
        self._last: OrderedDict[str, tuple[int, float]] = OrderedDict()  # oldest first
        self._floor = 0  # answers asked before it are refused: a clear, or a forget dropped

    def mark(self, name: str) -> None:
        self.now += 1
        at_now = self._timer()
        self._last[name] = (self.now, at_now)
        self._last.move_to_end(name)
        horizon = at_now - FORGETS_KEPT_SECONDS
        while self._last:
            stamp, at = next(iter(self._last.values()))
            if at >= horizon and len(self._last) <= FORGETS_KEPT:
                break
            self._last.popitem(last=False)
            self._floor = max(self._floor, stamp)

    def everything(self) -> None:
        self.now += 1
        self._floor = self.now
        self._last.clear()

    def since(self, asked_at: int, *names: str) -> bool:
        """Was any of ``names`` (or everything) forgotten after ``asked_at``?"""
        if asked_at < self._floor:
            return True
        return any(self._last.get(name, (0, 0.0))[0] > asked_at for name in names)


def cache_key(token: str, kind: str) -> str:
    return hashlib.sha256(f"{kind}\0{token}".encode()).hexdigest()


def _seconds_from_environment() -> float:
    raw = os.environ.get("STADTDIALOG_TOKEN_CACHE_SECONDS", "").strip()
    if not raw:
        return DEFAULT_SECONDS
    try:
        return max(0.0, float(raw))
    except ValueError as exc:
        raise ValueError(f"STADTDIALOG_TOKEN_CACHE_SECONDS: keine Zahl: {raw!r}") from exc


class TokenCache:
    """Thread-safe: gunicorn's threads and the invalidator thread share one instance."""

    def __init__(
        self,
        seconds: float = DEFAULT_SECONDS,
        maxsize: int = MAX_ENTRIES,
        timer: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.seconds = seconds
        self._wall = wall
        self._entries: TLRUCache = TLRUCache(maxsize, lambda _k, e, _now: e.deadline, timer)
        self._by_account: dict[str, set[str]] = {}
        self._indexed = 0  # keys in ``_by_account``, some of them evicted or expired meanwhile
        self._lock = threading.Lock()
        self.connected = threading.Event()  # set by the invalidator while it consumes facts
        self._forgets = _Forgets(timer)

    @classmethod
    def from_environment(cls) -> TokenCache:
        return cls(_seconds_from_environment())

    @property
    def enabled(self) -> bool:
        return self.seconds > 0

    def size(self) -> int:
        """Live entries (no ``__len__``: an empty cache must not read as no cache)."""
        with self._lock:
            self._entries.expire()
            return len(self._entries)

    def lookup(self, token: str, kind: str) -> tuple[Caller | None, int]:
        """The cached caller (or ``None``) and the moment to hand to ``put`` after asking
        identity; read before the call, so that a forget during it wins."""
        with self._lock:
            asked_at = self._forgets.now
            if not (self.enabled and self.connected.is_set()):
                return None, asked_at
            entry = self._entries.get(cache_key(token, kind))
        return (entry.caller if entry else None), asked_at

    def put(
        self, token: str, kind: str, caller: Caller, expires_at: str | None, asked_at: int
    ) -> bool:
        """Keep identity's answer unless its account or token was forgotten since ``lookup``."""
        if not (self.enabled and self.connected.is_set() and caller.user_id):
            return False
        lifetime = self.seconds
        if expires_at:
            remaining = datetime.fromisoformat(expires_at).timestamp() - self._wall()
            lifetime = min(lifetime, remaining)
        if lifetime <= 0:
            return False
        key = cache_key(token, kind)
        with self._lock:
            if self._forgets.since(asked_at, f"account:{caller.user_id}", f"token:{key}"):
                return False  # forgotten while identity was asked: this answer may be old
            self._entries[key] = _Entry(caller, self._entries.timer() + lifetime)
            self._by_account.setdefault(caller.user_id, set()).add(key)
            self._indexed += 1
            if self._indexed > 2 * self._entries.maxsize:
                self._reindex()
        return True

    def _reindex(self) -> None:
        """Drop index keys whose entries were evicted or expired (keeps the index bounded)."""
        self._entries.expire()
        self._by_account = {}
        for key, entry in self._entries.items():
            self._by_account.setdefault(entry.caller.user_id, set()).add(key)
        self._indexed = len(self._entries)

    def forget_token(self, token: str, kind: str) -> None:
        key = cache_key(token, kind)
        with self._lock:
            self._forgets.mark(f"token:{key}")
            self._entries.pop(key, None)

    def forget_account(self, account_id: str) -> None:
        with self._lock:
            self._forgets.mark(f"account:{account_id}")
            for key in self._by_account.pop(account_id, ()):
                self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._forgets.everything()
            self._entries.clear()
            self._by_account.clear()
            self._indexed = 0


def forget_account_of(body: Any, tokens: TokenCache) -> None:
    """One of identity's facts: forget the entries of the account it names (every identity
    fact that names an account may change what ``authenticate`` answers); anything
    unreadable empties the whole cache."""
    data = body.get("data") if isinstance(body, dict) else None
    account_id = data.get("account_id") if isinstance(data, dict) else None
    if isinstance(account_id, str) and account_id:
        tokens.forget_account(account_id)
    else:
        tokens.clear()


def _account_named(req: Any) -> str | None:
    """The account a write names (``account_id``: the roles API and pages, the operators'
    role commands); its callers are forgotten at once in this process."""
    body = json_or_none(req) if req.is_json else req.form
    named = body.get("account_id") if isinstance(body, dict) else None  # a form is a dict too
    return named if isinstance(named, str) and named else None


def token_cache() -> TokenCache | None:
    return current_app.extensions.get("token_cache")


def install(app: Any) -> TokenCache:
    """One cache per process (its invalidator is started by ``gateway.cache.install``)."""
    tokens = TokenCache.from_environment()
    app.extensions["token_cache"] = tokens

    @app.after_request
    def own_account_changes_at_once(response: Response) -> Response:
        if request.method in ("GET", "HEAD", "OPTIONS") or response.status_code >= 400:
            return response
        blueprint = (request.blueprint or "").rsplit(".", 1)[-1]
        caller = g.get("caller")
        # A write to the cities service may have given the caller a role (an accepted
        # invitation: cities asks identity's ``assign_role``); its fact comes a moment later.
        own = blueprint in ACCOUNT_WRITERS or g.get("called_cities", False)
        if own and caller is not None and caller.user_id:
            tokens.forget_account(caller.user_id)  # read-your-writes in this process
        named = _account_named(request)
        if named:
            tokens.forget_account(named)  # a role granted or revoked here: at once here too
        return response

    return tokens
