"""A cache of public reads in each gateway process, emptied by events.

Anonymous GETs of public pages and API reads (the cities, their timelines and working groups)
are answered from memory. Whatever the platform changes reaches the gateway as a fact on the
broker: a daemon thread per process consumes every fact of the cities service's event exchange
and of the public stream through its own exclusive queue and empties the cache. The cache only
serves while that consumer is connected (a missed event must never leave a stale page), and a
write through this process empties it at once, so a person sees their own change. A few
entries that only the cities service's facts can change (``lasting``) outlive the facts of
the other services.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app, g, make_response, request, session
from kombu import Connection, Queue, binding
from nameko.standalone.events import get_event_exchange

from gateway.auth import PAGE_SESSION_KEY
from gateway.token_cache import TokenCache, forget_account_of
from services.kit import cloudevents
from services.kit.city_state import CITY_COUNTED
from services.kit.outbox import public_exchange

log = logging.getLogger(__name__)

MAX_ENTRIES = 2048
IDENTITY_FACTS = "stadtdialog.identity."  # the token cache's facts; the public cache ignores them
# The blueprints whose writes change a lasting entry (the legal texts: their versions).
LASTING_WRITERS = frozenset({"api_legal", "pages_legal"})


class PublicCache:
    """Public reads by key. Entries put with ``lasting=True`` hold what only the cities
    service's own facts change (the legal texts' versions, which every page asks for): the
    facts of other services (every join, every support) leave them, all others empty them."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[bytes, int, str]] = {}
        self._lasting: dict[str, tuple[bytes, int, str]] = {}
        self._lock = threading.Lock()
        self.connected = threading.Event()  # serve from memory only while invalidation works
        # Bumped by every clear: a page read before a clear may be stale and is not kept.
        self.generation = 0
        self.lasting_generation = 0

    def get(self, key: str, lasting: bool = False) -> tuple[bytes, int, str] | None:
        if not self.connected.is_set():
            return None
        return (self._lasting if lasting else self._entries).get(key)

    def put(
        self, key: str, value: tuple[bytes, int, str], generation: int, lasting: bool = False
    ) -> None:
        """Keep ``value`` unless the cache was cleared since its read began (``generation``,
        or ``lasting_generation`` for a lasting entry)."""
        if not self.connected.is_set():
            return
        entries = self._lasting if lasting else self._entries
        with self._lock:
            if generation != (self.lasting_generation if lasting else self.generation):
                return
            if len(entries) >= MAX_ENTRIES:
                entries.clear()  # simple bound; the hot pages come back at once
            entries[key] = value

    def clear(self, lasting: bool = True) -> None:
        """Empty the cache; ``lasting=False`` keeps the lasting entries."""
        with self._lock:
            self._entries.clear()
            self.generation += 1
            if lasting:
                self._lasting.clear()
                self.lasting_generation += 1


def touches_cities(body: Any) -> bool:
    """Whether a fact may change a lasting entry: any fact of the cities service but one
    that only moved its counts (``city.counted``; before catalogue 1.6.0 a ``city.changed``
    with ``tallies_only``); anything unreadable counts as yes."""
    if not isinstance(body, dict):
        return True
    kind = body.get("type")
    if kind == CITY_COUNTED:
        return False  # only the counts moved
    if not isinstance(kind, str) or kind.startswith("stadtdialog.cities."):
        data = body.get("data")
        return not (isinstance(data, dict) and data.get("tallies_only") is True)
    return False


# A connection that lasted this long was no flapping broker: the next outage backs off afresh.
STEADY_SECONDS = 10.0


class Invalidator(threading.Thread):
    """Consumes facts and empties the caches; reconnects with back-off while the broker is away.

    The public cache (``cache``, when switched on) hears the cities service and the public
    stream; the token cache (``tokens``, when switched on) hears the identity service and
    forgets the account a fact names (``gateway/token_cache.py``)."""

    def __init__(
        self, cache: PublicCache | None, amqp_uri: str, tokens: TokenCache | None = None
    ) -> None:
        super().__init__(name="public-cache-invalidator", daemon=True)
        self._sleep: Callable[[float], None] = time.sleep  # the tests' clock replaces both
        self._clock: Callable[[], float] = time.monotonic
        self.cache = cache
        self.tokens = tokens
        self.amqp_uri = amqp_uri

    def run(self) -> None:
        delay = 0.5
        while True:
            began = self._clock()
            try:
                self._consume()
            except Exception as exc:  # noqa: BLE001 - broker away: stop serving cached reads
                log.warning("gateway caches off until the broker answers: %s", exc)
            if self._serving() and self._clock() - began >= STEADY_SECONDS:
                delay = 0.5  # it was connected a while: a new outage starts the back-off afresh
            self._disconnected()
            self._sleep(delay)
            delay = min(delay * 2, 10.0)

    def _serving(self) -> bool:
        return any(
            each is not None and each.connected.is_set() for each in (self.cache, self.tokens)
        )

    def _disconnected(self) -> None:
        for each in (self.cache, self.tokens):
            if each is not None:
                each.connected.clear()
                each.clear()

    def _bindings(self) -> list[binding]:
        bindings = []
        if self.cache is not None:
            bindings.append(binding(get_event_exchange("cities", {}), routing_key="#"))
            bindings.append(binding(public_exchange(), routing_key="#"))
        if self.tokens is not None:
            bindings.append(binding(get_event_exchange("identity", {}), routing_key="#"))
        return bindings

    def on_fact(self, body: Any) -> None:
        kind = body.get("type") if isinstance(body, dict) else None
        identity = isinstance(kind, str) and kind.startswith(IDENTITY_FACTS)
        if self.tokens is not None and (identity or not isinstance(kind, str)):
            forget_account_of(body, self.tokens)
        if self.cache is not None and not identity:
            self.cache.clear(lasting=touches_cities(body))

    def _consume(self) -> None:
        # A server-named queue of this process, gone when it disconnects.
        queue = Queue(exclusive=True, bindings=self._bindings())
        with Connection(self.amqp_uri, heartbeat=20) as connection:

            def on_message(body: Any, message: Any) -> None:
                self.on_fact(body)

            # No acknowledgements: the queue is this process's own and goes with its
            # connection, so an ack protects nothing (and cost a frame per fact per worker).
            with connection.Consumer(
                [queue], callbacks=[on_message], accept=cloudevents.ACCEPT, no_ack=True
            ):
                for each in (self.cache, self.tokens):  # whatever changed while we were away
                    if each is not None:
                        each.clear()
                        each.connected.set()
                while True:
                    try:
                        connection.drain_events(timeout=5)
                    except TimeoutError:
                        connection.heartbeat_check()


def cached_public(cache_of: Callable[[], PublicCache]) -> Callable[[Callable], Callable]:
    """Serve an anonymous GET from memory; signed-in people may see more, so never cache theirs."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            cache = cache_of()
            anonymous = (
                request.method == "GET"
                and "Authorization" not in request.headers
                and PAGE_SESSION_KEY not in _session_keys()
            )
            key = f"{request.full_path}|{_lang()}"
            generation = cache.generation  # before the read: a clear during it wins
            if anonymous:
                hit = cache.get(key)
                if hit is not None:
                    body, status, mimetype = hit
                    g.stadtdialog_cache_hit = True  # the access log keeps these at debug level
                    return Response(body, status=status, mimetype=mimetype)
            response = view(*args, **kwargs)
            if anonymous:
                response = _as_response(response)
                if response.status_code == 200:
                    cache.put(key, (response.get_data(), 200, response.mimetype), generation)
            return response

        return wrapper

    return decorate


def _session_keys() -> set[str]:
    return set(session.keys())


def _lang() -> str:
    return f"{session.get('lang', '')}|{request.args.get('lang', '')}"


def _as_response(value: Any) -> Response:
    return make_response(value)


def public_cache() -> PublicCache:
    return current_app.extensions["public_cache"]


cached = cached_public(public_cache)


def install(app: Any, amqp_uri: str, enabled: bool, tokens: TokenCache | None = None) -> None:
    """One cache per process; its invalidator (also the token cache's, when that is on)
    starts with the first request of the process (gunicorn forks workers after importing the
    app, and threads do not survive a fork)."""
    cache = PublicCache()
    app.extensions["public_cache"] = cache
    started = threading.Lock()
    tokens = tokens if tokens is not None and tokens.enabled else None
    state = {"started": not enabled and tokens is None}

    @app.before_request
    def start_invalidator() -> None:
        if not state["started"]:
            with started:
                if not state["started"]:
                    Invalidator(cache if enabled else None, amqp_uri, tokens).start()
                    state["started"] = True

    @app.after_request
    def writes_empty_the_cache(response: Response) -> Response:
        if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
            # Read-your-writes in this process, before the event arrives; the lasting entries
            # (the legal texts' versions, the cities) only by a write that called the cities
            # service or one to the legal texts.
            blueprint = (request.blueprint or "").rsplit(".", 1)[-1]
            cache.clear(lasting=blueprint in LASTING_WRITERS or g.get("called_cities", False))
        return response
