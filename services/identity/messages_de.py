"""German texts of the identity service's own messages, handed to ``services.kit.i18n`` by
the package's ``__init__``.

Kept free of imports: the package's ``__init__`` reads it before any other module of the service.
"""

LOCKED_MESSAGE = "Too many wrong passwords for this e-mail address. Sign-in is paused for a while."
# The gateway's per-client limit on sign-in attempts (gateway/security.py) says this.
TOO_MANY_LOGINS = "Too many sign-in attempts from here for this e-mail address. Try again later."

GERMAN = {
    LOCKED_MESSAGE: (
        "Zu viele falsche Passwörter für diese E-Mail-Adresse. "
        "Die Anmeldung ist für eine Weile gesperrt."
    ),
    TOO_MANY_LOGINS: (
        "Zu viele Anmeldeversuche von hier für diese E-Mail-Adresse. "
        "Bitte versuche es später noch einmal."
    ),
}
