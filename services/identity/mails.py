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


def account_deleted(name: str) -> tuple[str, str]:
    """The last mail to a deleted account, sent from the address before it is forgotten."""
    subject = "Stadtdialog: Dein Konto ist gelöscht / Your account was deleted"
    body = f"""Hallo {name},

Dein Konto bei Stadtdialog ist gelöscht. Das ist geschehen:

- Deine E-Mail-Adresse, Dein Name, Dein Passwort, Deine Rollen und Organisationen sind
  gelöscht; Du bist überall abgemeldet.
- Gespräche, die Du ausrichten wolltest und die noch nicht vorbei sind, sind abgesagt. Die
  angemeldeten Gäste haben eine Absage bekommen, ihre Plätze sind frei, Deine
  Einladungslinks gelten nicht mehr und die Adresse ist gelöscht.
- Deine Anmeldungen zu kommenden Gesprächen und Abschlussveranstaltungen sind storniert;
  wer auf der Warteliste stand, rückt nach.
- Deine Projektideen, Dokumentationen und Unterstützungen bleiben als Beiträge von
  „Gelöschtes Konto“ erhalten, Deine Beobachtungen ohne Verfasser.

Nach dieser E-Mail speichern wir Deine Adresse nicht mehr. Wenn Du das nicht warst, kannst Du
Dich mit einer neuen Registrierung wieder anmelden.

---

Hello {name},

your Stadtdialog account was deleted: address, name, password, roles and organisations are
gone and you are signed out everywhere. Your upcoming hosted talks were cancelled (guests were
told, seats freed, invitation links no longer work, the address removed); your registrations
for upcoming talks and closing events were cancelled and waiting lists moved up. Your ideas,
documentation and supports stay as contributions of "Gelöschtes Konto", your observations
without author. After this mail we no longer keep your address.
"""
    return subject, body


def already_registered(name: str, reset_link: str, verify_link: str | None) -> tuple[str, str]:
    """To an address that has an account already: someone (perhaps its owner) registered it
    again. The registration answered as usual, so only the owner of the mailbox learns this."""
    subject = "Stadtdialog: Du hast schon ein Konto / You already have an account"
    verify_de = (
        f"\nDeine Adresse ist noch nicht bestätigt. Bestätige sie mit diesem Link:\n{verify_link}\n"
        if verify_link
        else ""
    )
    verify_en = "\nYour address is not confirmed yet: use the second link.\n" if verify_link else ""
    body = f"""Hallo {name},

jemand wollte mit dieser E-Mail-Adresse ein Konto bei Stadtdialog anlegen. Du hast aber schon
eines. Falls Du Dein Passwort nicht mehr weißt, lege mit diesem Link ein neues fest:
{reset_link}
{verify_de}
Der Link ist 48 Stunden gültig und kann einmal verwendet werden. Warst Du das nicht, ignoriere
diese E-Mail einfach; Dein Konto bleibt unverändert.

---

Hello {name},

someone tried to register at Stadtdialog with this e-mail address, but you already have an
account. If you forgot your password, set a new one with the first link above.{verify_en}
If it was not you, ignore this e-mail; your account stays as it is.
"""
    return subject, body


def email_change(name: str, link: str, token: str) -> tuple[str, str]:
    """To the new address: it takes effect only when its owner opens the link."""
    subject = "Stadtdialog: Neue E-Mail-Adresse bestätigen / Confirm your new e-mail address"
    body = f"""Hallo {name},

Du möchtest Deine E-Mail-Adresse bei Stadtdialog auf diese Adresse ändern. Bestätige das mit
diesem Link:
{link}

Erst danach gilt die neue Adresse; bis dahin bleibt die alte. Der Link ist 48 Stunden gültig
und kann einmal verwendet werden. Warst Du das nicht, ignoriere diese E-Mail einfach.

---

Hello {name},

you asked to change your e-mail address at Stadtdialog to this one. Confirm it with the link
above; until then the old address stays. If it was not you, ignore this e-mail.

Code: {token}
"""
    return subject, body


def email_change_requested(name: str) -> tuple[str, str]:
    """To the old address when a change is asked for: a stolen session cannot move silently."""
    subject = "Stadtdialog: Änderung Deiner E-Mail-Adresse / E-mail change requested"
    body = f"""Hallo {name},

für Dein Konto bei Stadtdialog wurde eine neue E-Mail-Adresse angegeben. Sie gilt erst, wenn
der Link in der E-Mail an die neue Adresse geöffnet wird. Warst Du das nicht, ändere bitte
Dein Passwort unter „Mein Bereich“ und melde dort alle anderen Sitzungen ab.

---

Hello {name},

a new e-mail address was entered for your Stadtdialog account. It takes effect only once the
link sent to the new address is opened. If it was not you, change your password under
"My area" and sign out all other sessions there.
"""
    return subject, body


def email_changed(name: str) -> tuple[str, str]:
    """To the old address once the new one is confirmed."""
    subject = "Stadtdialog: Deine E-Mail-Adresse ist geändert / Your e-mail address was changed"
    body = f"""Hallo {name},

Deine E-Mail-Adresse bei Stadtdialog ist geändert. Mails bekommst Du ab jetzt an die neue
Adresse; mit dieser Adresse kannst Du Dich nicht mehr anmelden.

---

Hello {name},

your e-mail address at Stadtdialog was changed. From now on mails go to the new address, and
this address no longer signs you in.
"""
    return subject, body


def password_changed(name: str) -> tuple[str, str]:
    subject = "Stadtdialog: Dein Passwort ist geändert / Your password was changed"
    body = f"""Hallo {name},

Dein Passwort bei Stadtdialog ist geändert; alle anderen Sitzungen sind abgemeldet. Warst Du
das nicht, lege über „Passwort vergessen?“ auf der Anmeldeseite sofort ein neues fest.

---

Hello {name},

your Stadtdialog password was changed and every other session was signed out. If it was not
you, set a new one right away with "Forgot your password?" on the sign-in page.
"""
    return subject, body
