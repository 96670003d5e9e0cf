"""A city's newsletter, the pure part: the Markdown of an issue as safe HTML for the pages,
the mail of an issue (plain text, no tracking), the subscription key and the batches.
No nameko, no mongoengine.

An admin writes the issue, so its Markdown is hostile like any text a person sends: it is
rendered the way the legal pages are (``services.cities.legal``: markdown-it-py with raw HTML
off, then the nh3 allow-list), and headings start below the page's own ``h1``. The mail is
text only and carries the Markdown as written: no HTML, so no pixel, and links stay as typed
(nothing is rewritten to count clicks).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from services.cities.legal import render as render_markdown

BATCH = 50  # subscribers queued per write: one batch per timer pass keeps a pass short
MAX_TITLE = 150
MAX_BODY = 20_000
CONFIRM_TTL = 7 * 24 * 3600  # a confirmation link is valid for a week
ASK_AGAIN_AFTER = 600  # seconds: a second "subscribe" sends the confirmation mail again only then


def subscription_key(city: str, email: str) -> str:
    """One document per city and address, whatever case the address was typed in."""
    return f"{city}:{email.strip().lower()}"


def render(body: str) -> str:
    """An issue's Markdown as HTML safe to put in a page (headings from ``h2``)."""
    return render_markdown(body, top=2)


def batches(items: Iterable[str], size: int = BATCH) -> Iterator[list[str]]:
    """``items`` in lists of at most ``size``, in order."""
    if size < 1:
        raise ValueError("a batch holds at least one item")
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def subject(city_name: str, title: str) -> str:
    """The mail's subject: one line whatever the title holds (the mailer folds it again)."""
    return " ".join(f"Newsletter {city_name}: {title}".split())


def issue_mail(city_name: str, title: str, body: str, unsubscribe: str, archive: str) -> str:
    """The plain-text mail of an issue with the footer every copy carries."""
    return f"""{title}

{body.strip()}

---

Sie erhalten diesen Newsletter des Stadtdialogs {city_name}, weil Sie ihn bestellt und Ihre
Adresse bestätigt haben. Abbestellen mit einem Klick, ohne Anmeldung:
{unsubscribe}

Alle Ausgaben: {archive}
"""


def trial_mail(city_name: str, title: str, body: str, archive: str) -> tuple[str, str]:
    """The preview an admin sends to themselves: marked as a test, no unsubscribe link."""
    text = f"""[TESTVERSAND – nur an Sie, noch nicht an die Abonnentinnen und Abonnenten]

{title}

{body.strip()}

---

Alle Ausgaben: {archive}
"""
    return f"[Test] {subject(city_name, title)}", text


def confirm_mail(city_name: str, link: str) -> tuple[str, str]:
    subject_line = f"Stadtdialog {city_name}: Newsletter bestätigen / confirm the newsletter"
    body = f"""Guten Tag,

jemand – hoffentlich Sie – möchte mit dieser Adresse den Newsletter des Stadtdialogs
{city_name} erhalten. Bitte bestätigen Sie das mit diesem Link:
{link}

Der Link ist 7 Tage gültig. Wenn Sie den Newsletter nicht bestellt haben, ignorieren Sie
diese Mail einfach: ohne Bestätigung erhalten Sie nichts.

---

Someone – hopefully you – asked for the newsletter of Stadtdialog {city_name} at this address.
Confirm with the link above (valid for 7 days). If it was not you, ignore this mail: without a
confirmation you receive nothing.
"""
    return subject_line, body
