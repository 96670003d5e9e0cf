"""German texts of the identity service's own messages, handed to ``services.kit.i18n`` by
the package's ``__init__``.

Kept free of imports: the package's ``__init__`` reads it before any other module of the service.
"""

LOCKED_MESSAGE = "Too many wrong passwords for this e-mail address. Sign-in is paused for a while."
# The gateway's per-client limit on sign-in attempts (gateway/security.py) says this.
TOO_MANY_LOGINS = "Too many sign-in attempts from here for this e-mail address. Try again later."
# The gateway's limits on requests that send mail (gateway/mail_limits.py) say these.
TOO_MANY_MAILS_ADDRESS = "Too many e-mails to this address in a short time. Try again later."
TOO_MANY_MAILS_CLIENT = "Too many e-mails requested from here in a short time. Try again later."
TOO_MANY_MAILS_INVITATION = (
    "Too many guest registrations through this invitation in a short time. Try again later."
)

GERMAN = {
    "You cannot take your own city admin role; ask another city admin.": (
        "Die eigene Rolle als Stadt-Admin kannst Du nicht entziehen; bitte eine andere "
        "Stadt-Admin darum."
    ),
    LOCKED_MESSAGE: (
        "Zu viele falsche Passwörter für diese E-Mail-Adresse. "
        "Die Anmeldung ist für eine Weile gesperrt."
    ),
    TOO_MANY_LOGINS: (
        "Zu viele Anmeldeversuche von hier für diese E-Mail-Adresse. "
        "Bitte versuche es später noch einmal."
    ),
    TOO_MANY_MAILS_ADDRESS: (
        "Zu viele E-Mails an diese Adresse in kurzer Zeit. Bitte versuche es später noch einmal."
    ),
    TOO_MANY_MAILS_CLIENT: (
        "Zu viele E-Mails in kurzer Zeit von hier angefordert. Bitte versuche es später noch "
        "einmal."
    ),
    TOO_MANY_MAILS_INVITATION: (
        "Zu viele Gast-Anmeldungen über diese Einladung in kurzer Zeit. Bitte versuche es später "
        "noch einmal."
    ),
    "Agree to the privacy notice to create an account.": (
        "Bitte stimme der Datenschutzerklärung zu, um ein Konto anzulegen."
    ),
    "This is already your e-mail address.": "Das ist schon Deine E-Mail-Adresse.",
    "This e-mail address already belongs to another account.": (
        "Diese E-Mail-Adresse gehört schon zu einem anderen Konto."
    ),
    "This session does not exist (any more).": "Diese Sitzung gibt es nicht (mehr).",
}
