"""Sign-in lockout rules, pure: no database, no nameko.

Failed passwords are kept as inserted documents (one per attempt, never a counter updated in
place: FerretDB's updates are not atomic), keyed by a keyed hash of the e-mail address so that
the collection names nobody. An address is locked while ``attempts`` failures lie inside the
last ``window`` seconds; the lock ends when the oldest of those ages out of the window.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LockoutPolicy:
    attempts: int = 5
    window_seconds: float = 900.0

    @classmethod
    def from_environment(cls) -> LockoutPolicy:
        attempts = os.environ.get("STADTDIALOG_LOGIN_LOCKOUT_ATTEMPTS", "")
        window = os.environ.get("STADTDIALOG_LOGIN_LOCKOUT_WINDOW", "")
        return cls(
            attempts=max(1, int(attempts)) if attempts else cls.attempts,
            window_seconds=max(1.0, float(window)) if window else cls.window_seconds,
        )

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=self.window_seconds)

    def since(self, now: datetime) -> datetime:
        """Failures at or after this moment count."""
        return now - self.window

    def seconds_locked(self, recent_failures: Sequence[datetime], now: datetime) -> int:
        """0 when sign-in is open; else whole seconds until it opens again.

        ``recent_failures``: the failure times inside the window, newest first (at least
        ``attempts`` of them are enough).
        """
        if len(recent_failures) < self.attempts:
            return 0
        # The lock holds until the attempts-th newest failure leaves the window.
        opens_at = recent_failures[self.attempts - 1] + self.window
        remaining = (opens_at - now).total_seconds()
        return math.ceil(remaining) if remaining > 0 else 0


def address_key(secret: str, email: str) -> str:
    """A keyed hash of the lower-cased address: the same person, no readable e-mail."""
    digest = hmac.new(secret.encode(), email.strip().lower().encode(), hashlib.sha256)
    return digest.hexdigest()
