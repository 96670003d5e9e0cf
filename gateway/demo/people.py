"""The demo's people and cities: the shared password, the operator's address, the cities'
slugs, a person's session, and the ``Inbox`` that reads verification tokens from mails."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from gateway.client import PlatformError

PASSWORD = "Stadtdialog-Demo-2027"
OPERATOR = "demo-operator@stadtdialog.example"
MUSTERSTADT = "musterstadt"
BEISPIELSTADT = "beispielstadt"
BACHSTETTEN = "bachstetten"  # Auftakt
WIESENBRUECK = "wiesenbrueck"  # Transfer
ROSENBRUNN = "rosenbrunn"  # Abschluss
DEMO_CITIES = (MUSTERSTADT, BEISPIELSTADT, BACHSTETTEN, WIESENBRUECK, ROSENBRUNN)
# Which demo login shows which role: (e-mail, German role, what to look at); printed by
# ``stadtdialog demo`` and listed on the start page.
DEMO_LOGINS: tuple[tuple[str, str, str], ...] = (
    (f"demo-moderation@{WIESENBRUECK}.example", "Szenario-Moderation",
     "Werkstatt Wiesenbrück: Matrizen, Läufe, Szenarien"),
    (f"demo-mitglied1@{WIESENBRUECK}.example", "Arbeitsgruppe",
     "Transfer Wiesenbrück: Bewertungen, Vertiefungsthemen"),
    (f"demo-gastgeberin@{MUSTERSTADT}.example", "Gastgeberin",
     "Tischgespräche Musterstadt, Mein Bereich"),
    (f"demo-gast2@{MUSTERSTADT}.example", "Bürgerin", "Anmeldung und Warteliste"),
    (f"demo-gastgeber@{ROSENBRUNN}.example", "Gastgeber", "Dokumentierte Gespräche Rosenbrunn"),
    (f"demo-admin@{ROSENBRUNN}.example", "Stadt-Admin",
     "Abschluss Rosenbrunn: Veranstaltung, nächste Schritte"),
    (f"demo-admin@{BACHSTETTEN}.example", "Stadt-Admin", "Auftakt Bachstetten: Arbeitsgruppe"),
    (f"demo-buergerin@{BEISPIELSTADT}.example", "Bürgerin",
     "Beobachtungen in Beispielstadt"),
)  # fmt: skip
ROLES: dict[str, str] = {email: role for email, role, _ in DEMO_LOGINS}


class Inbox(Protocol):
    def count(self, email: str) -> int:
        """How many mails ``email`` has received so far."""

    def token(self, email: str, count: int) -> str:
        """The token of the ``count``-th mail to ``email`` (waits for it)."""


class MailLogInbox:
    """Reads the local mail sink's printed mails (``--- mail to <address>: …`` then the body)."""

    def __init__(self, path: Path, timeout: float = 60.0) -> None:
        self.path = path
        self.timeout = timeout

    def _mails(self, email: str) -> list[str]:
        text = self.path.read_text(errors="replace") if self.path.exists() else ""
        return [m for m in text.split("--- mail to ")[1:] if m.startswith(f"{email}:")]

    def count(self, email: str) -> int:
        return len(self._mails(email))

    def token(self, email: str, count: int) -> str:
        deadline = time.monotonic() + self.timeout
        while True:
            mails = self._mails(email)
            if len(mails) >= count:
                # The verification link; a mail to a known address also has a reset link.
                mail = mails[count - 1]
                found = re.search(r"bestaetigen\?token=([\w.\-]+)", mail) or re.search(
                    r"token=([\w.\-]+)", mail
                )
                if found is not None:
                    return found.group(1)
            if time.monotonic() > deadline:
                if len(mails) >= count:
                    raise PlatformError(f"mail no. {count} to {email} has no link with a token")
                raise PlatformError(f"no mail no. {count} to {email} in {self.path}")
            # Not there yet, or only its first lines: the sink prints a mail line by line.
            time.sleep(0.3)


@dataclass
class Person:
    email: str
    name: str
    token: str = ""
