"""The identity service's own refusal: a sign-in locked after too many wrong passwords.

A ``RateLimited`` (429) that also carries how many seconds the lock still lasts, so the gateway
can answer with ``Retry-After``. Registered with nameko so it crosses RPC as this class.
"""

from __future__ import annotations

from typing import Any

from nameko.exceptions import deserialize_to_instance

from services.identity.messages_de import LOCKED_MESSAGE, TOO_MANY_LOGINS
from services.kit.errors import RateLimited

__all__ = ["LOCKED_MESSAGE", "TOO_MANY_LOGINS", "LoginLocked"]


@deserialize_to_instance
class LoginLocked(RateLimited):
    code = "login_locked"
    default_message = LOCKED_MESSAGE

    def __init__(
        self,
        message: str | None = None,
        fields: dict[str, Any] | None = None,
        retry_after: int = 1,
    ) -> None:
        super().__init__(message, fields)
        self.retry_after = max(1, int(retry_after))
        # nameko ships ``args`` over the wire: the seconds must travel with them.
        self.args = (self.message, self.fields, self.retry_after)
