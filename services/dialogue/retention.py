"""How long the dialogue keeps a guest's name and e-mail address once a talk is over.

A guest without an account gives a name and an e-mail address to join a talk: the address is
needed to tell them of a change, a seat freed from the waiting list or a cancellation, the
name appears on the host's guest list. Neither is needed once the talk lies
``STADTDIALOG_GUEST_RETENTION_DAYS`` days (default 30) in the past. Then the registration
keeps its place in the counts and its seat, its name becomes "Gast", and the address and the
person key made from it (``guest:<address>``) are removed.

The dialogue service applies this every hour (a nameko timer) and when an operator asks
(``ops_forget_guests``). Pure functions here; the queries live in the service.

Notifications (docs/notifications.md) are kept no longer than a person needs them: a read one
``STADTDIALOG_NOTIFICATION_READ_DAYS`` days (default 90) after it was made, any one
``STADTDIALOG_NOTIFICATION_MAX_DAYS`` days (default 365); the same hourly timer deletes them
(and ``ops_forget_notifications`` at once).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime, timedelta

ENV = "STADTDIALOG_GUEST_RETENTION_DAYS"
DEFAULT_DAYS = 30
FORGOTTEN_NAME = "Gast"
CHECK_EVERY_SECONDS = 3600


NOTIFICATION_READ_ENV = "STADTDIALOG_NOTIFICATION_READ_DAYS"
NOTIFICATION_READ_DAYS = 90
NOTIFICATION_MAX_ENV = "STADTDIALOG_NOTIFICATION_MAX_DAYS"
NOTIFICATION_MAX_DAYS = 365


def _days(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    days = int(raw)
    if days < 0:
        raise ValueError(f"{name} must be 0 or more, not {days}")
    return days


def retention_days(environ: Mapping[str, str] = os.environ) -> int:
    """Days after a talk's end that guests' names and addresses stay (0: at the end)."""
    return _days(environ, ENV, DEFAULT_DAYS)


def notification_cutoffs(
    now: datetime, environ: Mapping[str, str] = os.environ
) -> tuple[datetime, datetime]:
    """Read notifications made before the first moment go, and every one made before the
    second (a person who never reads them does not keep them for ever)."""
    read_days = _days(environ, NOTIFICATION_READ_ENV, NOTIFICATION_READ_DAYS)
    max_days = _days(environ, NOTIFICATION_MAX_ENV, NOTIFICATION_MAX_DAYS)
    return now - timedelta(days=read_days), now - timedelta(days=max_days)


def ended_before(now: datetime, days: int) -> datetime:
    """Talks that ended before this moment have kept their guests' data long enough."""
    return now - timedelta(days=days)


def forgotten_guest(registration_id: str) -> dict[str, object]:
    """The fields of a guest registration once its personal data is gone.

    The person key stays unique per talk (it is the registration's own id) and no longer
    says who it was."""
    return {
        "person": f"guest:forgotten:{registration_id}",
        "display_name": FORGOTTEN_NAME,
        "email": None,
    }
