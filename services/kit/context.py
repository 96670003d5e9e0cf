"""Who is calling: the caller's identity travels in nameko context data, signed.

The gateway authenticates and puts a signed ``Caller`` into the context data of every RPC call
it makes (``CallerSeal.sign``); services read it back with the ``CallerProvider`` dependency,
which checks the signature and its age, and authorise themselves. A context that is unsigned,
wrongly signed or too old grants nothing: access to the broker alone is no role.

Services that call on behalf of a caller pass the signed context along unchanged (nameko copies
context data into nested RPC calls), and add their own signed name (``SERVICE_KEY``) so that
entrypoints meant only for the platform's services can tell them from anyone on the broker.
Timers and event handlers have no caller but still carry the service's name.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from nameko.extensions import DependencyProvider

from services.kit.config import Settings, load_settings, refuse_to_start, secret_key_problem
from services.kit.errors import Forbidden, Unauthenticated

log = logging.getLogger(__name__)

CALLER_KEY = "stadtdialog_caller"
SERVICE_KEY = "stadtdialog_service"
CORRELATION_KEY = "correlation_id"

ROLES = ("citizen", "working_group_member", "facilitator", "city_admin", "partner")

# Why a context was refused (English; German in messages_de.py).
NOT_SIGNED = "The caller context is not signed."
BAD_SIGNATURE = "The caller context has an invalid signature."
EXPIRED = "The caller context has expired."
SERVICES_ONLY = "Only the platform's services may call this."
# Hosts' clocks differ a little: a context signed "in the future" by this much still counts.
CLOCK_SKEW_SECONDS = 30


@dataclass(frozen=True)
class Caller:
    user_id: str | None = None
    roles: dict[str, list[str]] = field(default_factory=dict)  # city slug -> roles there
    operator: bool = False
    service: str | None = None  # the platform service making this call, if one does
    refused: str | None = None  # why the context that came with the call was not accepted
    # The signed-in person's own account summary (name, address, mail choices), read by
    # ``identity.authenticate`` with the roles: a service that names or mails the caller
    # (a join) needs no call to identity for it. Absent in contexts built elsewhere.
    summary: dict[str, Any] | None = None

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None

    def to_context(self) -> dict[str, Any]:
        context = {"user_id": self.user_id, "roles": self.roles, "operator": self.operator}
        if self.summary is not None:
            context["summary"] = self.summary
        return context

    @classmethod
    def from_context(cls, data: dict[str, Any] | None) -> Caller:
        if not data:
            return ANONYMOUS
        return cls(
            user_id=data.get("user_id"),
            roles={str(k): list(v) for k, v in (data.get("roles") or {}).items()},
            operator=bool(data.get("operator")),
            summary=summary if isinstance(summary := data.get("summary"), dict) else None,
        )

    def has_role(self, city: str, *roles: str) -> bool:
        return self.operator or any(r in self.roles.get(city, ()) for r in roles)

    def require_authenticated(self) -> str:
        if self.refused:
            raise Forbidden(self.refused)  # names the reason: a key mismatch is found fast
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

    def require_service(self) -> str:
        """For entrypoints only the platform's own services call (never the gateway)."""
        if self.refused:
            raise Forbidden(self.refused)
        if not self.service:
            raise Forbidden(SERVICES_ONLY)
        return self.service


ANONYMOUS = Caller()


class CallerSeal:
    """Signs caller contexts (gateway, tests) and opens them (services).

    itsdangerous signs with an HMAC whose key it derives from the secret key and a salt of its
    own, so a caller context is never valid as a mail-link token nor the other way round. The
    signed payload carries the time of signing, checked here against ``ttl_seconds`` rather
    than with itsdangerous' timed signer, which refuses any timestamp a second ahead of the
    reader's clock (hosts' clocks differ)."""

    def __init__(self, secret_key: str, ttl_seconds: int) -> None:
        self._caller = URLSafeSerializer(secret_key, salt="stadtdialog.rpc:caller")
        self._service = URLSafeSerializer(secret_key, salt="stadtdialog.rpc:service")
        self.ttl_seconds = ttl_seconds

    @classmethod
    def from_settings(cls, settings: Settings) -> CallerSeal:
        return cls(settings.secret_key, settings.context_ttl_seconds)

    def sign(self, caller: Caller, at: float | None = None) -> str:
        return self._caller.dumps({"c": caller.to_context(), "t": at or time.time()})

    def sign_service(self, service: str) -> str:
        return self._service.dumps({"s": service, "t": time.time()})

    def context_data(self, caller: Caller) -> dict[str, str]:
        """Context data for a standalone ``ClusterRpcProxy`` calling as ``caller``."""
        return {CALLER_KEY: self.sign(caller)}

    def _open(self, serializer: URLSafeSerializer, token: Any) -> tuple[dict | None, str | None]:
        if not isinstance(token, str):
            return None, NOT_SIGNED  # e.g. a hand-made dict claiming a role
        try:
            payload = serializer.loads(token)
        except BadSignature:
            return None, BAD_SIGNATURE
        signed_at = payload.get("t") if isinstance(payload, dict) else None
        if not isinstance(signed_at, int | float):
            return None, BAD_SIGNATURE
        age = time.time() - signed_at
        if age > self.ttl_seconds or age < -CLOCK_SKEW_SECONDS:
            return None, EXPIRED
        return payload, None

    def read(self, data: Mapping[str, Any]) -> Caller:
        """The verified caller of a worker's context data; no context at all is anonymous."""
        service = None
        if data.get(SERVICE_KEY) is not None:
            payload, problem = self._open(self._service, data[SERVICE_KEY])
            if problem:
                return Caller(refused=problem)
            service = str(payload["s"])
        if data.get(CALLER_KEY) is None:
            return Caller(service=service)
        payload, problem = self._open(self._caller, data[CALLER_KEY])
        if problem:
            return Caller(refused=problem)
        return replace(Caller.from_context(payload.get("c")), service=service)


class CallerProvider(DependencyProvider):
    """``caller = CallerProvider()`` on a service gives ``self.caller`` for the running worker.

    At the service's start it refuses an unsafe secret key (the process exits with one line)."""

    seal: CallerSeal

    def setup(self) -> None:
        settings = load_settings()
        problem = secret_key_problem(settings)
        if problem:
            refuse_to_start(problem)
        self.seal = CallerSeal.from_settings(settings)

    def get_dependency(self, worker_ctx) -> Caller:  # noqa: ANN001 - nameko's signature
        caller = self.seal.read(worker_ctx.data)
        if caller.refused:
            log.warning(
                "caller context refused",
                extra={"service": self.container.service_name, "reason": caller.refused},
            )
        # Nested calls of this worker say which service makes them; the caller's own signed
        # context passes on unchanged (not re-signed: it keeps the time the gateway signed it).
        worker_ctx.data[SERVICE_KEY] = self.seal.sign_service(self.container.service_name)
        return caller
