"""Texts of the events service's mails about closing events: German first, English below.
Each names the event in both parts and links its page; the handlers attach its .ics."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


def _when(starts_at: datetime) -> str:
    return starts_at.astimezone(BERLIN).strftime("%d.%m.%Y, %H:%M Uhr")


def _when_en(starts_at: datetime) -> str:
    return starts_at.astimezone(BERLIN).strftime("%d %B %Y, %H:%M")


def registration(
    status: str,
    title: str,
    starts_at: datetime,
    venue: str,
    link: str,
    position: int | None = None,
) -> tuple[str, str]:
    """``status``: confirmed, waitlisted or promoted."""
    when, when_en = _when(starts_at), _when_en(starts_at)
    if status == "waitlisted":
        subject = f"Warteliste: {title} / Waiting list"
        de = (
            f"die Veranstaltung „{title}“ am {when} ist ausgebucht. Du stehst auf Platz "
            f"{position} der Warteliste; wird ein Platz frei, rückst Du automatisch nach und "
            "bekommst eine E-Mail."
        )
        en = (
            f"“{title}” on {when_en} is fully booked. You are number {position} on the waiting "
            "list; when a place frees up you move up automatically and get an e-mail."
        )
        calendar_de = calendar_en = ""
    else:
        moved = status == "promoted"
        subject = f"{'Nachgerückt' if moved else 'Anmeldung bestätigt'}: {title} / " + (
            "You moved up" if moved else "Registration confirmed"
        )
        de = (
            "ein Platz ist frei geworden: " if moved else ""
        ) + f"Du bist angemeldet für „{title}“ am {when}, {venue}."
        en = ("A place freed up: " if moved else "") + (
            f"you are registered for “{title}” on {when_en}, {venue}."
        )
        calendar_de = " Den Termin für Deinen Kalender findest Du im Anhang (.ics)."
        calendar_en = " The calendar entry is attached (.ics)."
    body = (
        f"Hallo,\n\n{de}{calendar_de}\n\nZur Veranstaltung: {link}\nDort kannst Du Deine "
        f"Anmeldung jederzeit zurückziehen.\n\n---\n\nHello,\n\n{en}{calendar_en}\n\n"
        f"The event: {link}\nYou can cancel your registration there at any time.\n"
    )
    return subject, body


def changed(title: str, starts_at: datetime, venue: str, link: str) -> tuple[str, str]:
    subject = f"Geändert: {title} / Changed"
    body = (
        f"Hallo,\n\ndie Veranstaltung „{title}“, für die Du angemeldet bist, hat sich geändert.\n"
        f"Neu: {_when(starts_at)}, {venue}. Der aktualisierte Kalendereintrag ist angehängt "
        f"(.ics).\n\nZur Veranstaltung: {link}\n\n---\n\nHello,\n\n“{title}”, which you "
        f"registered for, has changed.\nNow: {_when_en(starts_at)}, {venue}. The updated "
        f"calendar entry is attached (.ics).\n\nThe event: {link}\n"
    )
    return subject, body


def cancelled(title: str, starts_at: datetime, reason: str, link: str) -> tuple[str, str]:
    subject = f"Abgesagt: {title} / Cancelled"
    body = (
        f"Hallo,\n\ndie Veranstaltung „{title}“ am {_when(starts_at)} wurde abgesagt; Deine "
        f"Anmeldung ist damit hinfällig.\nGrund: {reason}\nDer Anhang (.ics) nimmt den Termin "
        f"aus Deinem Kalender.\n\n{link}\n\n---\n\nHello,\n\n“{title}” on "
        f"{_when_en(starts_at)} was cancelled; your registration has lapsed.\nReason: {reason}\n"
        f"The attachment (.ics) removes it from your calendar.\n\n{link}\n"
    )
    return subject, body
