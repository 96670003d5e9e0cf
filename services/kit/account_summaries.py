"""Identity's summary of an account (name, address, locale, mail choices), as a service's
request needs it: the signed-in person's own from the caller context, others once per request.

A join or a registration needs the person's name for the record and the address for its mail.
The gateway's sign-in check already read the caller's own summary and signed it into the
caller context (``Caller.summary``), so no call to identity is made for it. Anyone else (a
person a settle moved up, a host) is asked once per request: nameko makes a service instance
per worker, so the memo on the instance lives exactly as long as one request.
"""

from __future__ import annotations

from typing import Any

from services.kit.errors import NotFound


def account_summary(worker: Any, account_id: str) -> dict[str, Any] | None:
    """``worker`` is the service instance (its ``caller`` and its ``identity`` RPC proxy)."""
    caller = worker.caller
    if account_id == caller.user_id and caller.summary is not None:
        return caller.summary
    known: dict[str, dict[str, Any] | None] = worker.__dict__.setdefault("_account_summaries", {})
    if account_id not in known:
        try:
            known[account_id] = worker.identity.account_summary(account_id)
        except NotFound:
            known[account_id] = None
    return known[account_id]
