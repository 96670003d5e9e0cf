"""Who is calling: the caller travels in nameko context data; services check roles."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from services.kit.context import (
    ANONYMOUS,
    CALLER_KEY,
    ROLES,
    Caller,
    CallerProvider,
    CallerSeal,
)
from services.kit.errors import Forbidden, Unauthenticated

ADMIN_IN_KOELN = Caller(
    user_id="u-1", roles={"koeln": ["citizen", "city_admin"], "bonn": ["citizen"]}
)
OPERATOR = Caller(user_id="op-1", operator=True)


def test_caller_survives_the_context_dict_and_json():
    data = json.loads(json.dumps(ADMIN_IN_KOELN.to_context()))
    assert Caller.from_context(data) == ADMIN_IN_KOELN
    assert Caller.from_context(OPERATOR.to_context()) == OPERATOR


@pytest.mark.parametrize("data", [None, {}])
def test_missing_context_is_the_anonymous_caller(data):
    caller = Caller.from_context(data)
    assert caller == ANONYMOUS
    assert not caller.authenticated
    assert not caller.operator


def test_the_callers_own_summary_rides_along_only_when_given():
    summary = {"id": "u-1", "email": "a@example.org", "display_name": "Anna", "locale": "de"}
    caller = Caller(user_id="u-1", summary=summary)
    data = json.loads(json.dumps(caller.to_context()))
    assert Caller.from_context(data).summary == summary
    # Contexts built without it (tests, timers) carry no key, and a malformed one is dropped.
    assert "summary" not in ADMIN_IN_KOELN.to_context()
    assert Caller.from_context({"user_id": "u-1", "summary": "a@example.org"}).summary is None


def test_from_context_normalises_types():
    caller = Caller.from_context({"user_id": "u-2", "roles": {"koeln": ("citizen",)}})
    assert caller.roles == {"koeln": ["citizen"]}
    assert caller.operator is False
    assert Caller.from_context({"user_id": "u-2", "roles": None}).roles == {}


def test_has_role_is_per_city():
    assert ADMIN_IN_KOELN.has_role("koeln", "city_admin")
    assert ADMIN_IN_KOELN.has_role("koeln", "facilitator", "city_admin")
    assert not ADMIN_IN_KOELN.has_role("bonn", "city_admin")
    assert not ADMIN_IN_KOELN.has_role("muenster", "citizen")
    assert not ADMIN_IN_KOELN.has_role("koeln")


def test_operator_has_every_role_everywhere():
    for role in ROLES:
        assert OPERATOR.has_role("anywhere", role)


def test_require_authenticated_returns_the_user_id():
    assert ADMIN_IN_KOELN.require_authenticated() == "u-1"
    with pytest.raises(Unauthenticated):
        ANONYMOUS.require_authenticated()


def test_require_role_refuses_anonymous_as_unauthenticated():
    with pytest.raises(Unauthenticated):
        ANONYMOUS.require_role("koeln", "citizen")


def test_require_role_refuses_the_wrong_city_as_forbidden():
    ADMIN_IN_KOELN.require_role("koeln", "city_admin")
    with pytest.raises(Forbidden):
        ADMIN_IN_KOELN.require_role("bonn", "city_admin")


def test_require_operator():
    OPERATOR.require_operator()
    with pytest.raises(Unauthenticated):
        ANONYMOUS.require_operator()
    with pytest.raises(Forbidden) as caught:
        ADMIN_IN_KOELN.require_operator()
    assert caught.value.message == "Only operators may do this."
    assert caught.value.status == 403


def test_operator_flag_without_user_is_not_authenticated():
    with pytest.raises(Unauthenticated):
        Caller(operator=True).require_operator()


def test_caller_provider_reads_the_worker_context():
    provider = CallerProvider()
    # The context is signed now (services/kit/context.py); the provider checks with this seal.
    provider.seal = CallerSeal("a-test-key-of-more-than-32-characters", 300)
    provider.container = SimpleNamespace(service_name="cities")
    worker_ctx = SimpleNamespace(data={CALLER_KEY: provider.seal.sign(ADMIN_IN_KOELN)})
    assert provider.get_dependency(worker_ctx) == ADMIN_IN_KOELN
    assert provider.get_dependency(SimpleNamespace(data={})) == ANONYMOUS


def test_roles_are_the_documented_five():
    assert set(ROLES) == {"citizen", "working_group_member", "facilitator", "city_admin", "partner"}
