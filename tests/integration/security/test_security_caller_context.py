"""The caller context over the broker is signed by the gateway: anyone else who reaches the
broker, with a hand-made, wrongly signed or old context, gets no role (issue 15, deliverable 7).
Calls between services (cities -> identity on an accepted invitation) keep working: the
normal journey runs through the rest of the suite."""

from __future__ import annotations

import time
import uuid

import pytest
from cities_support import city_body, fresh_year
from nameko.standalone.rpc import ClusterRpcProxy

from services.kit.config import load_settings
from services.kit.context import (
    BAD_SIGNATURE,
    CALLER_KEY,
    EXPIRED,
    NOT_SIGNED,
    SERVICE_KEY,
    SERVICES_ONLY,
    Caller,
    CallerSeal,
)
from services.kit.errors import Forbidden, Unauthenticated
from services.kit.testing import caller_context

pytestmark = pytest.mark.integration


def _proxy(platform, context: dict) -> ClusterRpcProxy:  # noqa: ANN001
    config = {"AMQP_URI": platform.infra.amqp_uri, "serializer": "json"}
    return ClusterRpcProxy(config, timeout=30, context_data=context)


def _operator_id(api, operator) -> str:  # noqa: ANN001
    return api.get("/me", token=operator["token"]).json()["id"]


def test_unsigned_caller_context_over_the_broker_grants_no_role(api, operator, platform) -> None:
    victim = api.verified_login()
    slug = f"stadt-{uuid.uuid4().hex[:8]}"
    claimed = Caller(user_id=_operator_id(api, operator), operator=True).to_context()
    with _proxy(platform, {CALLER_KEY: claimed, SERVICE_KEY: "cities"}) as rpc:
        with pytest.raises(Forbidden) as refused:
            rpc.cities.create_city(city_body(slug, fresh_year(), "x@example.org"))
        assert "The caller context" in str(refused.value)
        with pytest.raises(Forbidden):
            rpc.identity.assign_role(victim["id"], "koeln", "city_admin", "attacker")
    with _proxy(platform, {}) as rpc:  # no context at all: anonymous
        with pytest.raises(Unauthenticated):
            rpc.cities.create_city(city_body(slug, fresh_year(), "x@example.org"))
        with pytest.raises(Forbidden) as refused:
            rpc.identity.assign_role(victim["id"], "koeln", "city_admin", "attacker")
        assert SERVICES_ONLY in str(refused.value)
    assert api.get(f"/cities/{slug}").status_code == 404  # nothing was created
    assert api.get("/me", token=victim["token"]).json()["roles"] == []


def test_wrongly_signed_and_expired_caller_context_are_refused(api, operator, platform) -> None:
    operator_caller = Caller(user_id=_operator_id(api, operator), operator=True)
    settings = load_settings()
    wrong = CallerSeal("someone-elses-key-of-more-than-32-chars", 300)
    old = CallerSeal.from_settings(settings).sign(
        operator_caller, at=time.time() - settings.context_ttl_seconds - 5
    )
    for context, reason in [
        ({CALLER_KEY: wrong.sign(operator_caller)}, BAD_SIGNATURE),
        ({CALLER_KEY: old}, EXPIRED),
        ({CALLER_KEY: operator_caller.to_context()}, NOT_SIGNED),
    ]:
        with _proxy(platform, context) as rpc:
            with pytest.raises(Forbidden) as refused:
                rpc.identity.ops_account_id(operator["email"])
            assert reason in str(refused.value)
    # The same call, signed as the gateway signs: answered.
    with _proxy(platform, caller_context(operator_caller)) as rpc:
        assert rpc.identity.ops_account_id(operator["email"]) == operator_caller.user_id
