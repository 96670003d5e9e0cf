"""Verification and password-reset tokens, and session tokens (pure).

Verification and reset links are kit ``SignedTokens`` carrying ``{a: account, f: fingerprint}``.
A reset token's fingerprint is taken from the current password hash, so it dies as soon as
the password changes by any route. Single use is enforced by the service, which records
each token id once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from services.kit.tokens import SignedTokens

VERIFY = "verify-email"
RESET = "reset-password"
CHANGE_EMAIL = "change-email"


@dataclass(frozen=True)
class TokenClaims:
    account_id: str
    jti: str
    fingerprint: str


def fingerprint(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


class TokenSigner:
    def __init__(self, secret_key: str, ttl_seconds: int) -> None:
        self.tokens = SignedTokens(secret_key, ttl_seconds)

    def issue(self, purpose: str, account_id: str, password_hash: str | None = None) -> str:
        return self.tokens.sign(purpose, {"a": account_id, "f": fingerprint(password_hash)})

    def read(self, purpose: str, token: str) -> TokenClaims:
        """Claims of a valid token; ``Invalid`` naming the ``token`` field otherwise."""
        payload = self.tokens.read(purpose, token, required=("a", "f"))
        return TokenClaims(account_id=payload["a"], jti=payload["j"], fingerprint=payload["f"])


@dataclass(frozen=True)
class EmailChangeClaims:
    account_id: str
    jti: str
    new_email: str
    fingerprint: str  # of the address the change starts from: the link dies if it changes


def issue_email_change(signer: TokenSigner, account_id: str, old: str, new: str) -> str:
    return signer.tokens.sign(CHANGE_EMAIL, {"a": account_id, "e": new, "f": fingerprint(old)})


def read_email_change(signer: TokenSigner, token: str) -> EmailChangeClaims:
    """Claims of a valid e-mail change link; ``Invalid`` naming the ``token`` field otherwise."""
    payload = signer.tokens.read(CHANGE_EMAIL, token, required=("a", "e", "f"))
    return EmailChangeClaims(
        account_id=payload["a"], jti=payload["j"], new_email=payload["e"], fingerprint=payload["f"]
    )


def session_handle(key: str) -> str:
    """What a person sees of one of their sessions: enough to end it, nothing to sign in with."""
    return hashlib.sha256(f"handle:{key}".encode()).hexdigest()[:24]


def new_session_token() -> tuple[str, str]:
    """A secret bearer token and the SHA-256 under which it is stored."""
    token = secrets.token_urlsafe(32)
    return token, session_key(token)


def session_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
