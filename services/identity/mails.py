"""Texts of the identity service's mails: German first, English below."""

from __future__ import annotations


def verification(name: str, link: str, token: str) -> tuple[str, str]:
    subject = "Stadtdialog: Bitte bestätige Deine E-Mail-Adresse / Please confirm your e-mail"
    body = f"""Hallo {name},

bitte bestätige Deine E-Mail-Adresse für Stadtdialog mit diesem Link:
{link}

Der Link ist 48 Stunden gültig und kann einmal verwendet werden.
Falls Du Dich nicht registriert hast, ignoriere diese E-Mail einfach.

---

Hello {name},

please confirm your e-mail address for Stadtdialog with the link above.
It is valid for 48 hours and can be used once.

Code: {token}
"""
    return subject, body


def password_reset(name: str, link: str, token: str) -> tuple[str, str]:
    subject = "Stadtdialog: Neues Passwort festlegen / Set a new password"
    body = f"""Hallo {name},

mit diesem Link kannst Du ein neues Passwort für Stadtdialog festlegen:
{link}

Der Link ist 48 Stunden gültig und kann einmal verwendet werden. Falls Du kein neues Passwort
angefordert hast, ignoriere diese E-Mail; Dein Passwort bleibt unverändert.

---

Hello {name},

use the link above to set a new password for Stadtdialog. It is valid for 48 hours and can be
used once. If you did not ask for it, ignore this e-mail.

Code: {token}
"""
    return subject, body
