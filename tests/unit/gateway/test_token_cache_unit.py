"""The gateway's verified-token cache: lifetime, the session's own expiry, the bound, forgetting
by account, and the answer that arrives after a forget (gateway/token_cache.py)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from gateway import token_cache
from gateway.cache import Invalidator, PublicCache
from gateway.token_cache import TokenCache, cache_key, forget_account_of
from services.kit.context import Caller

START = 1_800_000_000.0  # a wall-clock second; the fake timer starts at 0


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> float:
        return START + self.now


def _expiry(seconds_from_start: float) -> str:
    return datetime.fromtimestamp(START + seconds_from_start, UTC).isoformat()


def _cache(clock: Clock, seconds: float = 60, maxsize: int = 100) -> TokenCache:
    cache = TokenCache(seconds, maxsize, timer=clock.monotonic, wall=clock.wall)
    cache.connected.set()  # as while the invalidator consumes facts
    return cache


def _put(cache: TokenCache, token: str, account: str, expires_at: str | None = None) -> bool:
    _, asked_at = cache.lookup(token, "api")
    return cache.put(token, "api", Caller(user_id=account), expires_at, asked_at)


def _hit(cache: TokenCache, token: str, kind: str = "api") -> str | None:
    caller, _ = cache.lookup(token, kind)
    return caller.user_id if caller else None


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_verified_caller_is_served_for_the_lifetime_and_then_asked_again(clock) -> None:
    cache = _cache(clock)
    assert _hit(cache, "t1") is None
    assert _put(cache, "t1", "a1", _expiry(3600))
    clock.now = 59.9
    assert _hit(cache, "t1") == "a1"
    assert _hit(cache, "t1", "page") is None  # a page session is not an API token
    clock.now = 60.1
    assert _hit(cache, "t1") is None


def test_an_entry_never_outlives_the_session(clock) -> None:
    cache = _cache(clock)
    assert _put(cache, "t1", "a1", _expiry(10))
    clock.now = 9.9
    assert _hit(cache, "t1") == "a1"
    clock.now = 10.1
    assert _hit(cache, "t1") is None
    assert not _put(cache, "t2", "a1", _expiry(5))  # already expired: not kept at all
    assert _hit(cache, "t2") is None


def test_the_raw_token_is_never_a_key(clock) -> None:
    cache = _cache(clock)
    _put(cache, "geheimes-token", "a1")
    keys = list(cache._entries.keys())
    assert keys == [cache_key("geheimes-token", "api")]
    assert all("geheimes-token" not in key for key in keys)


def test_the_cache_is_bounded(clock) -> None:
    cache = _cache(clock, maxsize=3)
    for n in range(50):
        assert _put(cache, f"t{n}", f"a{n % 7}")
    assert cache.size() == 3
    assert _hit(cache, "t49") == "a0"
    # The account index keeps no more than the bound's worth of evicted keys.
    assert sum(len(keys) for keys in cache._by_account.values()) <= 2 * 3


def test_forgetting_an_account_forgets_all_its_tokens_and_nothing_else(clock) -> None:
    cache = _cache(clock)
    for token, account in (("t1", "a1"), ("t2", "a1"), ("t3", "a2")):
        _put(cache, token, account)
    cache.forget_account("a1")
    assert (_hit(cache, "t1"), _hit(cache, "t2"), _hit(cache, "t3")) == (None, None, "a2")
    cache.forget_token("t3", "api")
    assert _hit(cache, "t3") is None


def test_an_answer_asked_before_a_forget_does_not_fill_the_entry_again(clock) -> None:
    cache = _cache(clock)
    _, asked_at = cache.lookup("t1", "api")  # a request asks identity …
    cache.forget_account("a1")  # … the revocation's fact arrives meanwhile …
    assert not cache.put("t1", "api", Caller(user_id="a1"), None, asked_at)  # … late answer
    assert _hit(cache, "t1") is None
    assert _put(cache, "t1", "a1")  # the next request's answer is kept again
    _, asked_t1 = cache.lookup("t1", "api")
    _, asked_t2 = cache.lookup("t2", "api")
    cache.forget_token("t1", "api")  # a sign-out through this process counts the same …
    assert not cache.put("t1", "api", Caller(user_id="a1"), None, asked_t1)
    assert cache.put("t2", "api", Caller(user_id="a1"), None, asked_t2)  # … for that token only


def test_a_forget_of_another_account_keeps_the_answer_out_of_nobody(clock) -> None:
    """A crowd signing up: facts about other accounts arrive while identity is asked."""
    cache = _cache(clock)
    _, asked = cache.lookup("t1", "api")
    for n in range(20):
        cache.forget_account(f"other-{n}")
    assert cache.put("t1", "api", Caller(user_id="a1"), None, asked)
    assert _hit(cache, "t1") == "a1"
    _, asked = cache.lookup("t2", "api")
    cache.clear()  # an unreadable fact, or the broker lost: every answer asked before goes
    assert not cache.put("t2", "api", Caller(user_id="a1"), None, asked)
    assert _put(cache, "t2", "a1")


def test_forgets_are_kept_bounded_and_an_answer_older_than_the_kept_ones_is_refused(
    clock, monkeypatch
) -> None:
    monkeypatch.setattr(token_cache, "FORGETS_KEPT", 5)
    cache = _cache(clock)
    _, early = cache.lookup("t1", "api")
    cache.forget_account("a1")
    for n in range(10):  # a1's forget is dropped from the bounded record …
        cache.forget_account(f"other-{n}")
    assert len(cache._forgets._last) <= 5
    assert not cache.put("t1", "api", Caller(user_id="a1"), None, early)  # … still refused
    assert _put(cache, "t1", "a1")  # asked after every dropped forget: kept
    _, asked = cache.lookup("t2", "api")
    cache.forget_account("a2")
    clock.now += token_cache.FORGETS_KEPT_SECONDS + 1
    cache.forget_account("later")  # the old forget of a2 leaves the record by age
    assert "account:a2" not in cache._forgets._last
    assert not cache.put("t2", "api", Caller(user_id="a2"), None, asked)


def test_off_when_zero_seconds_or_while_facts_do_not_arrive(clock, monkeypatch) -> None:
    off = _cache(clock, seconds=0)
    assert not off.enabled
    assert not _put(off, "t1", "a1")
    monkeypatch.setenv("STADTDIALOG_TOKEN_CACHE_SECONDS", "0")
    assert not TokenCache.from_environment().enabled
    monkeypatch.setenv("STADTDIALOG_TOKEN_CACHE_SECONDS", "15")
    assert TokenCache.from_environment().seconds == 15
    cache = _cache(clock)
    _put(cache, "t1", "a1")
    cache.connected.clear()  # the invalidator lost the broker: a fact could be missed
    assert _hit(cache, "t1") is None
    assert not _put(cache, "t2", "a1")
    assert not TokenCache(60).put("t", "api", Caller(user_id="a"), None, 0)  # never connected


def test_facts_reach_the_cache_they_concern(clock) -> None:
    tokens, public = _cache(clock), PublicCache()
    public.connected.set()
    invalidator = Invalidator(public, "amqp://unused", tokens)
    _put(tokens, "t1", "a1")
    _put(tokens, "t2", "a2")
    public.put("/stadt", (b"x", 200, "text/html"), public.generation)
    identity_fact = {
        "type": "stadtdialog.identity.session.ended.v1",
        "data": {"account_id": "a1", "reason": "signed_out"},
    }
    invalidator.on_fact(identity_fact)
    assert (_hit(tokens, "t1"), _hit(tokens, "t2")) == (None, "a2")
    assert public.get("/stadt") is not None  # identity's facts leave the public pages
    invalidator.on_fact({"type": "stadtdialog.cities.phase.changed.v1", "data": {}})
    assert public.get("/stadt") is None
    assert _hit(tokens, "t2") == "a2"  # a city's fact leaves the callers
    invalidator.on_fact(b"not json")
    assert _hit(tokens, "t2") is None  # unreadable: everything goes
    _put(tokens, "t3", "a3")
    forget_account_of({"type": "stadtdialog.identity.x.y.v1", "data": {}}, tokens)
    assert _hit(tokens, "t3") is None


def test_threads_share_one_cache(clock) -> None:
    cache = _cache(clock, maxsize=50)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(300):
                _put(cache, f"t{n}-{i}", f"a{i % 5}")
                _hit(cache, f"t{n}-{i}")
                if i % 17 == 0:
                    cache.forget_account(f"a{i % 5}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cache.size() <= 50


def test_writes_here_forget_at_once_what_they_may_have_changed(monkeypatch) -> None:
    from flask import Blueprint, Flask, g

    monkeypatch.setenv("STADTDIALOG_TOKEN_CACHE_SECONDS", "60")
    app = Flask(__name__)
    tokens = token_cache.install(app)
    tokens.connected.set()
    identity, dialogue = Blueprint("api_identity", __name__), Blueprint("api_dialogue", __name__)

    def as_person(called_cities: bool = False) -> str:
        g.caller = Caller(user_id="a1")
        g.called_cities = called_cities
        return "ok"

    identity.post("/me/password", endpoint="password")(lambda: as_person())
    dialogue.post("/join", endpoint="join")(lambda: as_person())
    dialogue.post("/accept", endpoint="accept")(lambda: as_person(called_cities=True))
    dialogue.post("/roles", endpoint="roles")(lambda: "ok")
    app.register_blueprint(identity, url_prefix="/i")
    app.register_blueprint(dialogue, url_prefix="/d")
    client = app.test_client()

    def cached(account: str) -> bool:
        _put(tokens, f"t-{account}", account)
        return _hit(tokens, f"t-{account}") == account

    assert cached("a1")
    client.post("/d/join")  # a join changes nothing identity answers: kept
    assert _hit(tokens, "t-a1") == "a1"
    client.post("/i/me/password")  # one's own account: forgotten before the fact
    assert _hit(tokens, "t-a1") is None
    assert cached("a1")
    client.post("/d/accept")  # called the cities service: an invitation may give a role
    assert _hit(tokens, "t-a1") is None
    assert cached("a2")
    client.post("/d/roles", json={"account_id": "a2", "city": "x", "role": "partner"})
    assert _hit(tokens, "t-a2") is None  # the account a role write names
    assert cached("a3")
    client.post("/d/roles", data={"account_id": "a3"})  # a page's form the same
    assert _hit(tokens, "t-a3") is None


def test_the_back_off_starts_afresh_after_the_invalidator_was_connected_a_while() -> None:
    """While the caches are off, cached reads go to the services: after a new outage the
    invalidator tries again within half a second, not after the last outage's longest wait;
    a broker that drops every connection at once (flapping) keeps the back-off growing."""
    tokens = TokenCache(60)
    invalidator = Invalidator(None, "amqp://unused", tokens)
    now = [0.0]
    # (connected?, seconds the attempt lasted) for each attempt in turn
    attempts = iter([(False, 0), (False, 0), (False, 0), (True, 60), (False, 0), (True, 1),
                     (True, 1), (True, 60)])  # fmt: skip
    waits: list[float] = []

    def consume() -> None:
        connected, lasted = next(attempts)
        if connected:
            tokens.connected.set()  # as _consume does once it consumes
        now[0] += lasted
        raise ConnectionError("broker away")

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds
        if len(waits) == 8:
            raise SystemExit  # ends the thread's loop here

    invalidator._consume = consume  # type: ignore[method-assign]
    invalidator._sleep, invalidator._clock = sleep, lambda: now[0]
    with pytest.raises(SystemExit):
        invalidator.run()
    assert waits == [0.5, 1.0, 2.0, 0.5, 1.0, 2.0, 4.0, 0.5]
    assert not tokens.connected.is_set()  # and served nothing while away
