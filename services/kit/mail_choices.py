"""Mails a person may switch off, and the one-click unsubscribe link of such a mail.

Transactional mails (account verification, password reset, a registration's confirmation,
a change or cancellation of a talk) always go out. The kinds below are reminders and summaries:
a person switches each off in Mein Bereich (identity keeps the choice as ``mail_off`` on the
account), or with one click from the mail itself: the ``List-Unsubscribe`` header (RFC 2369)
names an https link carrying a signed token, and ``List-Unsubscribe-Post`` (RFC 8058) lets the
mail program post ``List-Unsubscribe=One-Click`` to it without showing a page.

The service that sends the mail signs the token; identity reads it. Both use the platform's
secret key and the purpose below, so a token of another kind (a guest's cancel link, a
password reset) never passes for it.
"""

from __future__ import annotations

from typing import Any

from services.kit.errors import Invalid
from services.kit.tokens import SignedTokens

HOST_SUMMARY = "host_summary"
TALK_REMINDER = "talk_reminder"
NOTIFICATIONS = "notifications"  # news of what one follows (docs/notifications.md)
MAIL_KINDS = (HOST_SUMMARY, TALK_REMINDER, NOTIFICATIONS)
# How often news of what one follows is mailed (switched off: ``NOTIFICATIONS`` in mail_off).
NOTIFICATION_MAIL = ("immediately", "daily", "weekly")
DEFAULT_NOTIFICATION_MAIL = "daily"
# What the person reads in Mein Bereich and on the unsubscribe page (German; English in the
# gateway's translations).
MAIL_KIND_LABELS = {
    HOST_SUMMARY: "Tägliche Zusammenfassung für Gastgeberinnen und Gastgeber",
    TALK_REMINDER: "Erinnerung am Tag vor einem Tischgespräch",
    NOTIFICATIONS: "Neuigkeiten zu dem, dem ich folge",
}
PURPOSE = "mail-off"
TOKEN_TTL = 400 * 24 * 3600  # a reminder may sit in a mailbox for a long time
PATH = "/mail/abbestellen"
# The only headers a service may add to a mail besides From, To and Subject.
ALLOWED_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post")


def unsubscribe_tokens(secret_key: str) -> SignedTokens:
    return SignedTokens(secret_key, TOKEN_TTL)


def unsubscribe_link(tokens: SignedTokens, base_url: str, account_id: str, kind: str) -> str:
    """The https link (in production) that switches ``kind`` off for the account."""
    if kind not in MAIL_KINDS:
        raise ValueError(f"unknown mail kind {kind!r}")
    return f"{base_url}{PATH}?token={tokens.sign(PURPOSE, {'a': account_id, 'k': kind})}"


def read_unsubscribe(tokens: SignedTokens, token: Any) -> tuple[str, str]:
    """(account id, mail kind) of a valid token; ``Invalid`` naming ``token`` otherwise."""
    claims = tokens.read(PURPOSE, token, required=("a", "k"))
    if claims["k"] not in MAIL_KINDS or not isinstance(claims["a"], str):
        raise Invalid("The link is invalid.", {"token": ["The link is invalid."]})
    return claims["a"], claims["k"]


def unsubscribe_headers(link: str) -> dict[str, str]:
    """The two headers of RFC 8058 for a mail whose kind can be switched off by ``link``."""
    return {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def wants(mail_off: Any, kind: str) -> bool:
    """Whether a person whose stored choice is ``mail_off`` gets mails of ``kind``."""
    return kind not in (mail_off or ())


# A city's newsletter (cities service) goes to addresses, not accounts: its link carries the
# subscription's random reference under a purpose of its own and is read by the same page
# (``PATH``), which hands it to the cities service instead of identity.
NEWSLETTER = "newsletter"
NEWSLETTER_PURPOSE = "newsletter-off"


def newsletter_unsubscribe_link(tokens: SignedTokens, base_url: str, ref: str) -> str:
    return f"{base_url}{PATH}?token={tokens.sign(NEWSLETTER_PURPOSE, {'r': ref})}"


def read_newsletter_unsubscribe(tokens: SignedTokens, token: Any) -> str:
    """The subscription reference of a valid newsletter token; ``Invalid`` otherwise."""
    claims = tokens.read(NEWSLETTER_PURPOSE, token, required=("r",))
    if not isinstance(claims["r"], str):
        raise Invalid("The link is invalid.", {"token": ["The link is invalid."]})
    return claims["r"]


def unsubscribe_kind(tokens: SignedTokens, token: Any) -> str:
    """``NEWSLETTER`` or the account's mail kind a valid token switches off; ``Invalid``."""
    try:
        read_newsletter_unsubscribe(tokens, token)
    except Invalid:
        return read_unsubscribe(tokens, token)[1]
    return NEWSLETTER
