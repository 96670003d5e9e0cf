"""The event envelope: CloudEvents 1.0 attributes plus ``city``, with a versioned type.

Every fact that leaves a service has this shape, internal or public::

    {"id": "…uuid…", "source": "/stadtdialog/identity", "specversion": "1.0",
     "type": "stadtdialog.identity.account.registered.v1", "time": "2026-…Z",
     "subject": "account/…", "datacontenttype": "application/json", "city": "koeln" | None,
     "data": {…}}

Internally an event goes to the service's nameko event exchange (``<service>.events``) with
the type as routing key, so ``@event_handler("identity", TYPE)`` receives the envelope. A public
event additionally goes to the topic exchange ``stadtdialog.public`` with routing key
``<city>.<service>.<entity>.<action>`` (``_global`` where no city applies).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

PUBLIC_EXCHANGE = "stadtdialog.public"
SPECVERSION = "1.0"
GLOBAL_CITY = "_global"

TYPE_PATTERN = re.compile(
    r"^stadtdialog\.(?P<service>[a-z_]+)\.(?P<entity>[a-z_]+)\.(?P<action>[a-z_]+)\.v(?P<version>\d+)$"
)
REQUIRED_ATTRIBUTES = ("id", "source", "specversion", "type", "time", "datacontenttype", "data")


class EnvelopeError(ValueError):
    """An envelope that does not follow the convention: a programming error."""


def event_type(service: str, entity: str, action: str, version: int = 1) -> str:
    name = f"stadtdialog.{service}.{entity}.{action}.v{version}"
    if not TYPE_PATTERN.match(name):
        raise EnvelopeError(f"bad event type {name!r}")
    return name


def make_envelope(
    *,
    service: str,
    entity: str,
    action: str,
    data: dict[str, Any],
    city: str | None = None,
    subject: str | None = None,
    version: int = 1,
    now: datetime | None = None,
    correlationid: str | None = None,
) -> dict[str, Any]:
    envelope = {
        "id": str(uuid.uuid4()),
        "source": f"/stadtdialog/{service}",
        "specversion": SPECVERSION,
        "type": event_type(service, entity, action, version),
        "time": (now or datetime.now(UTC)).isoformat().replace("+00:00", "Z"),
        "subject": subject,
        "datacontenttype": "application/json",
        "city": city,
        "data": data,
    }
    if correlationid:
        # CloudEvents extension attribute: the request that caused the fact (see observability).
        envelope["correlationid"] = correlationid
    return envelope


def validate_envelope(envelope: dict[str, Any]) -> re.Match[str]:
    missing = [a for a in REQUIRED_ATTRIBUTES if not envelope.get(a) and envelope.get(a) != {}]
    if missing:
        raise EnvelopeError(f"envelope lacks {', '.join(missing)}")
    if envelope["specversion"] != SPECVERSION:
        raise EnvelopeError("specversion must be 1.0")
    match = TYPE_PATTERN.match(envelope["type"])
    if not match:
        raise EnvelopeError(f"bad event type {envelope['type']!r}")
    if envelope["source"] != f"/stadtdialog/{match['service']}":
        raise EnvelopeError("source must name the service of the type")
    return match


def public_routing_key(envelope: dict[str, Any]) -> str:
    """``<city>.<service>.<entity>.<action>``: what third parties bind their queues to."""
    match = validate_envelope(envelope)
    city = envelope.get("city") or GLOBAL_CITY
    return f"{city}.{match['service']}.{match['entity']}.{match['action']}"
