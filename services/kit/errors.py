"""Domain errors shared by every service.

They cross nameko RPC intact (``deserialize_to_instance``), so the gateway receives the same
class the service raised and maps it to exactly one HTTP status (``gateway/errors.py``).
Arguments stay JSON-serialisable because nameko ships ``exc.args`` over the wire.
"""

from __future__ import annotations

from typing import Any

from nameko.exceptions import deserialize_to_instance

from services.kit.i18n import german

FieldMessages = dict[str, list[str]]


def _normalise_fields(fields: dict[str, Any] | None) -> FieldMessages:
    """Flatten marshmallow-style messages ({field: [msg]} or nested dicts) to {path: [msg]}."""
    flat: FieldMessages = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(prefix, item)
        else:
            flat.setdefault(prefix or "_schema", []).append(str(value))

    walk("", fields or {})
    return flat


class DomainError(Exception):
    """Base class: an expected refusal, never a bug. ``status`` is the HTTP status it maps to."""

    status = 400
    code = "error"
    default_message = "The request could not be processed."

    def __init__(self, message: str | None = None, fields: dict[str, Any] | None = None) -> None:
        self.message = message or self.default_message
        self.fields = _normalise_fields(fields)
        super().__init__(self.message, self.fields)

    def to_dict(self) -> dict[str, Any]:
        """The JSON body the gateway returns: German first, English second."""
        return {
            "error": {
                "code": self.code,
                "message": {"de": german(self.message), "en": self.message},
                "fields": {
                    name: {"de": [german(m) for m in msgs], "en": msgs}
                    for name, msgs in self.fields.items()
                },
            }
        }


@deserialize_to_instance
class Invalid(DomainError):
    status = 422
    code = "invalid"
    default_message = "Some fields are invalid."


@deserialize_to_instance
class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    default_message = "Authentication required."


@deserialize_to_instance
class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = "You are not allowed to do this."


@deserialize_to_instance
class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = "Not found."


@deserialize_to_instance
class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = "This conflicts with the current state."


@deserialize_to_instance
class PhaseClosed(DomainError):
    status = 409
    code = "phase_closed"
    default_message = "This is not possible in the city's current phase."


@deserialize_to_instance
class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    default_message = "Too many requests."


@deserialize_to_instance
class Unavailable(DomainError):
    """The service's database did not answer (restart, failover): try again shortly."""

    status = 503
    code = "unavailable"
    default_message = "The service cannot reach its data right now, try again shortly."


ALL_ERRORS: tuple[type[DomainError], ...] = (
    Invalid,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    PhaseClosed,
    RateLimited,
    Unavailable,
)
