"""Signed, expiring, single-use tokens for e-mail verification and password reset (pure).

itsdangerous signs ``{account, jti}`` with a purpose-specific salt and a timestamp. Expiry is
checked on load; single use is enforced by the service, which records each ``jti`` once.
A reset token also carries a fingerprint of the current password hash, so it dies as soon as
the password changes by any route.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from services.kit.errors import Invalid

VERIFY = "verify-email"
RESET = "reset-password"


@dataclass(frozen=True)
class TokenClaims:
    account_id: str
    jti: str
    fingerprint: str


def fingerprint(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


class TokenSigner:
    def __init__(self, secret_key: str, ttl_seconds: int) -> None:
        self.secret_key = secret_key
        self.ttl_seconds = ttl_seconds

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret_key, salt=f"stadtdialog:{purpose}")

    def issue(self, purpose: str, account_id: str, password_hash: str | None = None) -> str:
        payload = {"a": account_id, "j": secrets.token_urlsafe(12), "f": fingerprint(password_hash)}
        return self._serializer(purpose).dumps(payload)

    def read(self, purpose: str, token: str) -> TokenClaims:
        """Claims of a valid token; ``Invalid`` naming the ``token`` field otherwise."""
        if not isinstance(token, str) or not token:
            raise Invalid(fields={"token": ["Missing data for required field."]})
        try:
            payload = self._serializer(purpose).loads(token, max_age=self.ttl_seconds)
        except SignatureExpired as exc:
            raise Invalid("The link has expired.", {"token": ["The link has expired."]}) from exc
        except BadSignature as exc:
            raise Invalid("The link is invalid.", {"token": ["The link is invalid."]}) from exc
        if not isinstance(payload, dict) or not {"a", "j", "f"} <= payload.keys():
            raise Invalid("The link is invalid.", {"token": ["The link is invalid."]})
        return TokenClaims(account_id=payload["a"], jti=payload["j"], fingerprint=payload["f"])


def new_session_token() -> tuple[str, str]:
    """A secret bearer token and the SHA-256 under which it is stored."""
    token = secrets.token_urlsafe(32)
    return token, session_key(token)


def session_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
