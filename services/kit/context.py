"""Who is calling: the caller's identity travels in nameko context data.

The gateway authenticates and puts a ``Caller`` into the context data of every RPC call it
makes; services read it back with the ``CallerProvider`` dependency and authorise themselves.
Services that call on behalf of a caller pass it along unchanged (nameko copies context data
into nested RPC calls and dispatched events).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nameko.extensions import DependencyProvider

from services.kit.errors import Forbidden, Unauthenticated

CALLER_KEY = "stadtdialog_caller"
CORRELATION_KEY = "correlation_id"

ROLES = ("citizen", "working_group_member", "facilitator", "city_admin", "partner")


@dataclass(frozen=True)
class Caller:
    user_id: str | None = None
    roles: dict[str, list[str]] = field(default_factory=dict)  # city slug -> roles there
    operator: bool = False

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    def to_context(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "roles": self.roles, "operator": self.operator}

    @classmethod
    def from_context(cls, data: dict[str, Any] | None) -> Caller:
        if not data:
            return ANONYMOUS
        return cls(
            user_id=data.get("user_id"),
            roles={str(k): list(v) for k, v in (data.get("roles") or {}).items()},
            operator=bool(data.get("operator")),
        )

    def has_role(self, city: str, *roles: str) -> bool:
        return self.operator or any(r in self.roles.get(city, ()) for r in roles)

    def require_authenticated(self) -> str:
        if not self.user_id:
            raise Unauthenticated()
        return self.user_id

    def require_role(self, city: str, *roles: str) -> None:
        self.require_authenticated()
        if not self.has_role(city, *roles):
            raise Forbidden()

    def require_operator(self) -> None:
        self.require_authenticated()
        if not self.operator:
            raise Forbidden("Only operators may do this.")


ANONYMOUS = Caller()


class CallerProvider(DependencyProvider):
    """``caller = CallerProvider()`` on a service gives ``self.caller`` for the running worker."""

    def get_dependency(self, worker_ctx) -> Caller:  # noqa: ANN001 - nameko's signature
        return Caller.from_context(worker_ctx.data.get(CALLER_KEY))
