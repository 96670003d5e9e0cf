"""The signed caller context: what the gateway signs, services accept; nothing else."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from services.kit.context import (
    ANONYMOUS,
    BAD_SIGNATURE,
    CALLER_KEY,
    EXPIRED,
    NOT_SIGNED,
    SERVICE_KEY,
    SERVICES_ONLY,
    Caller,
    CallerProvider,
    CallerSeal,
)
from services.kit.errors import Forbidden
from services.kit.i18n import german
from services.kit.tokens import SignedTokens

KEY = "a-test-key-of-more-than-32-characters"
SEAL = CallerSeal(KEY, ttl_seconds=300)
OPERATOR = Caller(user_id="op-1", operator=True)


def test_a_signed_context_reads_back_as_the_caller() -> None:
    assert SEAL.read(SEAL.context_data(OPERATOR)) == OPERATOR
    assert SEAL.read({}) == ANONYMOUS


def test_hand_made_wrongly_signed_and_expired_contexts_grant_nothing() -> None:
    forged = CallerSeal("another-key-of-more-than-32-characters", 300).sign(OPERATOR)
    old = SEAL.sign(OPERATOR, at=time.time() - 301)
    future = SEAL.sign(OPERATOR, at=time.time() + 120)
    # The operator's payload under a citizen's signature.
    citizen_signature = SEAL.sign(Caller(user_id="u-1")).rpartition(".")[2]
    tampered = SEAL.sign(OPERATOR).rpartition(".")[0] + "." + citizen_signature
    for data, reason in [
        ({CALLER_KEY: OPERATOR.to_context()}, NOT_SIGNED),
        ({CALLER_KEY: forged}, BAD_SIGNATURE),
        ({CALLER_KEY: tampered}, BAD_SIGNATURE),
        ({CALLER_KEY: old}, EXPIRED),
        ({CALLER_KEY: future}, EXPIRED),
        ({CALLER_KEY: SEAL.sign(OPERATOR), SERVICE_KEY: "cities"}, BAD_SIGNATURE),
    ]:
        caller = SEAL.read(data)
        assert caller.refused == reason and not caller.operator and not caller.has_role("x", "a")
        with pytest.raises(Forbidden) as refused:
            caller.require_operator()
        assert refused.value.message == reason and german(reason) != reason


def test_a_little_clock_skew_is_tolerated() -> None:
    assert SEAL.read({CALLER_KEY: SEAL.sign(OPERATOR, at=time.time() + 5)}) == OPERATOR


def test_a_mail_link_token_is_no_caller_context() -> None:
    # The same secret key signs both, with different salts: neither passes for the other.
    link = SignedTokens(KEY, 300).sign("verify-email", {"a": "op-1"})
    assert SEAL.read({CALLER_KEY: link}).refused == BAD_SIGNATURE


def test_only_a_signed_service_name_passes_require_service() -> None:
    with pytest.raises(Forbidden) as refused:
        OPERATOR.require_service()
    assert refused.value.message == SERVICES_ONLY
    nested = {CALLER_KEY: SEAL.sign(OPERATOR), SERVICE_KEY: SEAL.sign_service("cities")}
    caller = SEAL.read(nested)
    assert caller.require_service() == "cities" and caller.operator
    assert SEAL.read({SERVICE_KEY: SEAL.sign_service("events")}).require_service() == "events"


def test_the_provider_forwards_the_callers_context_and_adds_its_own_name() -> None:
    provider = CallerProvider()
    provider.seal = SEAL
    provider.container = SimpleNamespace(service_name="dialogue")
    signed = SEAL.sign(OPERATOR)
    worker_ctx = SimpleNamespace(data={CALLER_KEY: signed})
    assert provider.get_dependency(worker_ctx) == OPERATOR
    assert worker_ctx.data[CALLER_KEY] == signed  # unchanged for nested calls
    assert SEAL.read(worker_ctx.data) == Caller(user_id="op-1", operator=True, service="dialogue")
