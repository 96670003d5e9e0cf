"""Signed, expiring tokens for links in mails (verification, reset, invitations).

itsdangerous signs a small JSON payload with a purpose-specific salt and a timestamp, so a
token for one purpose never passes for another. Every token carries a random ``j`` (its id):
services make a token single-use by recording that id once (unique insert).
"""

from __future__ import annotations

import secrets
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from services.kit.errors import Invalid


class SignedTokens:
    def __init__(self, secret_key: str, ttl_seconds: int) -> None:
        self.secret_key = secret_key
        self.ttl_seconds = ttl_seconds

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret_key, salt=f"stadtdialog:{purpose}")

    def sign(self, purpose: str, payload: dict[str, Any]) -> str:
        return self._serializer(purpose).dumps({**payload, "j": secrets.token_urlsafe(12)})

    def read(self, purpose: str, token: Any, required: tuple[str, ...] = ()) -> dict[str, Any]:
        """The payload of a valid token; ``Invalid`` naming the ``token`` field otherwise."""
        if not isinstance(token, str) or not token:
            raise Invalid(fields={"token": ["Missing data for required field."]})
        try:
            payload = self._serializer(purpose).loads(token, max_age=self.ttl_seconds)
        except SignatureExpired as exc:
            raise Invalid("The link has expired.", {"token": ["The link has expired."]}) from exc
        except BadSignature as exc:
            raise Invalid("The link is invalid.", {"token": ["The link is invalid."]}) from exc
        if not isinstance(payload, dict) or not {"j", *required} <= payload.keys():
            raise Invalid("The link is invalid.", {"token": ["The link is invalid."]})
        return payload
