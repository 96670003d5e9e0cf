"""One correlation id per request, across the gateway, every service and their events.

The gateway puts one id per request into the nameko context data (``CORRELATION_KEY``);
nameko copies context data into nested RPC calls. ``ServiceObservability``
(``services/kit/observability.py``) binds it for the worker's log lines, takes it from the
envelope (``correlationid``) when the worker handles an event, and the outbox writes it into the
envelopes of the facts the worker states. So one request's lines in the gateway, in each service
and its events share the id. Bound per green thread, read by the JSON log lines
(``services/kit/logs.py``).
"""

from __future__ import annotations

import contextvars
import re
from typing import Any

_correlation: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "stadtdialog_correlation_id", default=None
)
# What a correlation id may look like when it comes from outside (an HTTP header): no spaces,
# no "@", so nothing personal can travel in it.
CORRELATION_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def valid_correlation_id(value: Any) -> str | None:
    return value if isinstance(value, str) and CORRELATION_PATTERN.match(value) else None


def current_correlation_id() -> str | None:
    return _correlation.get()


def bind_correlation_id(value: str | None) -> contextvars.Token:
    """Bind ``value`` for this green thread (greenlets each have their own context)."""
    return _correlation.set(value)


def reset_correlation_id(token: contextvars.Token) -> None:
    try:
        _correlation.reset(token)
    except ValueError:  # set in another context (a worker that moved greenlets): just clear
        _correlation.set(None)
