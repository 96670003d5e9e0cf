"""The gateway keeps verified callers (gateway/token_cache.py): a signed-in request asks
identity once per token, and whatever changes the answer elsewhere — a sign-out, a changed
password, a role, a deleted account — takes effect when identity's fact arrives; a sign-out
through this gateway at once."""

from __future__ import annotations

from nameko.standalone.rpc import ClusterRpcProxy

from services.kit.context import Caller
from services.kit.testbed_metrics import gateway_calls
from services.kit.testing import caller_context, wait_until

FACT_SECONDS = 15  # a stored fact wakes its relay at once; a busy machine is slower


def _identity(platform, as_account: str | None = None, roles: dict | None = None):  # noqa: ANN001, ANN202
    """Straight at the identity service, past this gateway (as another gateway would)."""
    config = {"AMQP_URI": platform.infra.amqp_uri, "serializer": "json"}
    caller = Caller(user_id=as_account, roles=roles or {})
    context = caller_context(caller) if as_account else None
    return ClusterRpcProxy(config, timeout=30, context_data=context)


def _me(api, token: str) -> int:  # noqa: ANN001
    return api.get("/me", token=token).status_code


def _cached(api, platform, token: str) -> None:  # noqa: ANN001
    """``token`` is in the gateway's cache: further requests do not ask identity."""
    wait_until(lambda: _me(api, token) == 200, 10, "signed in")

    def three_requests_without_identity() -> bool:
        # The facts of signing up (account.verified, …) may arrive after the first request
        # and forget the fresh entry once; the cache must serve once they are through.
        before = gateway_calls(platform, "identity")["authenticate"]
        assert all(_me(api, token) == 200 for _ in range(3))
        return gateway_calls(platform, "identity")["authenticate"] == before

    wait_until(three_requests_without_identity, 10, "the token cache serves")


def test_a_token_is_verified_once_and_a_sign_out_here_counts_at_once(api, platform) -> None:  # noqa: ANN001
    person = api.verified_login()
    _cached(api, platform, person["token"])
    assert api.delete("/sessions/current", token=person["token"]).status_code == 200
    assert _me(api, person["token"]) == 401  # no waiting: forgotten in the sign-out route


def test_a_sign_out_elsewhere_ends_the_cached_token(api, platform) -> None:  # noqa: ANN001
    person = api.verified_login()
    _cached(api, platform, person["token"])
    with _identity(platform) as rpc:
        rpc.identity.logout(person["token"])
    wait_until(lambda: _me(api, person["token"]) == 401, FACT_SECONDS, "401 after session.ended")


def test_a_changed_password_ends_the_other_cached_sessions(api, platform) -> None:  # noqa: ANN001
    person = api.verified_login()
    login = {"email": person["email"], "password": person["password"]}
    other = api.post("/sessions", login).json()["token"]
    _cached(api, platform, other)
    change = {"current_password": person["password"], "new_password": "Neues-Passwort-77"}
    with _identity(platform, person["id"]) as rpc:
        rpc.identity.change_password(change, person["token"])
    wait_until(lambda: _me(api, other) == 401, FACT_SECONDS, "the other session ended")
    assert _me(api, person["token"]) == 200  # the session that changed it stays


def test_a_deleted_account_ends_its_cached_tokens(api, platform) -> None:  # noqa: ANN001
    person = api.verified_login()
    _cached(api, platform, person["token"])
    with _identity(platform, person["id"]) as rpc:
        rpc.identity.delete_account({"password": person["password"]})
    wait_until(lambda: _me(api, person["token"]) == 401, FACT_SECONDS, "401 after deletion")


def test_a_granted_and_a_revoked_role_reach_the_cached_caller(api, cities, platform) -> None:  # noqa: ANN001
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    person = api.verified_login()
    roles = f"/cities/{slug}/roles"  # for the city's admins only
    assert api.get(roles, token=person["token"]).status_code == 403
    _cached(api, platform, person["token"])
    # Granted elsewhere (past this gateway): only the fact reaches the cached caller.
    grant = {"account_id": person["id"], "city": slug, "role": "city_admin"}
    with _identity(platform, admin["id"], {slug: ["city_admin"]}) as rpc:
        rpc.identity.grant_role(grant)
    wait_until(
        lambda: api.get(roles, token=person["token"]).status_code == 200,
        FACT_SECONDS,
        "the granted role in the cached caller",
    )
    with _identity(platform, admin["id"], {slug: ["city_admin"]}) as rpc:
        rpc.identity.revoke_role(grant)
    wait_until(
        lambda: api.get(roles, token=person["token"]).status_code == 403,
        FACT_SECONDS,
        "the revoked role gone from the cached caller",
    )
    # Granted through this gateway: the account named is forgotten here at once.
    _cached(api, platform, person["token"])
    assert api.post("/roles", grant, token=admin["token"]).status_code == 200
    assert api.get(roles, token=person["token"]).status_code == 200


def test_an_accepted_invitation_counts_at_once_here(api, cities) -> None:  # noqa: ANN001
    """The first admin of a new city accepts the mailed invitation (cities asks identity to
    grant the role) and acts as admin at once, before identity's fact arrives."""
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    assert api.get(f"/cities/{slug}/roles", token=admin["token"]).status_code == 200
