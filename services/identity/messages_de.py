"""German texts of the identity service's own messages (read by ``services.kit.i18n``).

Kept free of imports: the kit loads this module while its own error classes are being defined.
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
