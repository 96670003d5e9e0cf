"""Signed, expiring tokens for e-mail verification and password reset (identity, pure)."""

from __future__ import annotations

import pytest

from services.identity.tokens import (
    RESET,
    VERIFY,
    TokenSigner,
    fingerprint,
    new_session_token,
    session_key,
)
from services.kit.errors import Invalid

SIGNER = TokenSigner("test-secret", ttl_seconds=3600)


def token_error(signer: TokenSigner, purpose: str, token: object) -> Invalid:
    with pytest.raises(Invalid) as caught:
        signer.read(purpose, token)
    return caught.value


def test_issued_token_reads_back_its_claims():
    token = SIGNER.issue(VERIFY, "account-1")
    claims = SIGNER.read(VERIFY, token)
    assert claims.account_id == "account-1"
    assert claims.fingerprint == fingerprint(None)
    assert len(claims.jti) >= 16


def test_every_token_has_its_own_jti():
    jtis = {SIGNER.read(VERIFY, SIGNER.issue(VERIFY, "account-1")).jti for _ in range(50)}
    assert len(jtis) == 50


def test_token_is_url_safe():
    token = SIGNER.issue(RESET, "account-1", "$argon2id$v=19$m=65536,t=3,p=4$abc$def")
    assert all(c.isalnum() or c in "-_." for c in token)


def test_token_for_another_purpose_is_invalid():
    token = SIGNER.issue(VERIFY, "account-1")
    error = token_error(SIGNER, RESET, token)
    assert error.message == "The link is invalid."
    assert error.fields == {"token": ["The link is invalid."]}


def test_tampered_token_is_invalid():
    payload, timestamp, signature = SIGNER.issue(VERIFY, "account-1").split(".")
    other_payload = SIGNER.issue(VERIFY, "account-2").split(".")[0]
    for forged in [
        f"{other_payload}.{timestamp}.{signature}",
        f"{payload}.{timestamp}.{signature[::-1]}",
        f"{payload}.{timestamp}",
        "garbage",
    ]:
        assert token_error(SIGNER, VERIFY, forged).fields == {"token": ["The link is invalid."]}


def test_token_signed_with_another_secret_is_invalid():
    token = TokenSigner("another-secret", 3600).issue(VERIFY, "account-1")
    assert token_error(SIGNER, VERIFY, token).message == "The link is invalid."


def test_expired_token_says_so():
    expired = TokenSigner("test-secret", ttl_seconds=-1)
    token = expired.issue(VERIFY, "account-1")
    error = token_error(expired, VERIFY, token)
    assert error.message == "The link has expired."
    assert error.fields == {"token": ["The link has expired."]}
    assert error.to_dict()["error"]["fields"]["token"]["de"] == ["Der Link ist abgelaufen."]
    # The same token is still good for a signer with a longer lifetime: only age decides.
    assert SIGNER.read(VERIFY, token).account_id == "account-1"


@pytest.mark.parametrize("token", ["", None, 42])
def test_missing_token_is_invalid(token):
    assert token_error(SIGNER, VERIFY, token).fields == {
        "token": ["Missing data for required field."]
    }


def test_reset_token_carries_the_fingerprint_of_the_password_hash():
    token = SIGNER.issue(RESET, "account-1", "hash-one")
    claims = SIGNER.read(RESET, token)
    assert claims.fingerprint == fingerprint("hash-one")
    assert claims.fingerprint != fingerprint("hash-two")


def test_fingerprint_changes_with_the_hash_and_is_short():
    assert fingerprint("hash-one") != fingerprint("hash-two")
    assert fingerprint("hash-one") == fingerprint("hash-one")
    assert fingerprint(None) == fingerprint("")
    assert len(fingerprint("hash-one")) == 16


def test_session_token_is_stored_only_as_its_hash():
    token, key = new_session_token()
    assert key == session_key(token)
    assert token not in key
    assert len(key) == 64
    assert new_session_token()[0] != token
