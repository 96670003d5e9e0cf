"""Texts of the events service's mails about closing events: German first, English below."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


def _when(starts_at: datetime) -> str:
    return starts_at.astimezone(BERLIN).strftime("%d.%m.%Y, %H:%M Uhr")


def registration(
    status: str, title: str, starts_at: datetime, venue: str, position: int | None = None
) -> tuple[str, str]:
    """``status``: confirmed, waitlisted or promoted."""
    when = _when(starts_at)
    if status == "waitlisted":
        subject = f"Warteliste: {title} / Waiting list"
        de = (
            f"die Veranstaltung „{title}“ am {when} ist ausgebucht. Du stehst auf Platz "
            f"{position} der Warteliste; wird ein Platz frei, rückst Du automatisch nach und "
            "bekommst eine E-Mail."
        )
        en = (
            f"the event is fully booked. You are number {position} on the waiting list; when a "
            "place frees up you move up automatically and get an e-mail."
        )
    else:
        moved = status == "promoted"
        subject = f"{'Nachgerückt' if moved else 'Anmeldung bestätigt'}: {title} / " + (
            "You moved up" if moved else "Registration confirmed"
        )
        de = (
            "ein Platz ist frei geworden: " if moved else ""
        ) + f"Du bist angemeldet für „{title}“ am {when}, {venue}."
        en = ("A place freed up: " if moved else "") + f"you are registered for {when}, {venue}."
    body = f"Hallo,\n\n{de}\n\nDeine Anmeldung kannst Du jederzeit auf der Seite der Veranstaltung"
    body += f" zurückziehen.\n\n---\n\nHello,\n\n{en}\n\nYou can cancel on the event's page.\n"
    return subject, body


def changed(title: str, starts_at: datetime, venue: str) -> tuple[str, str]:
    when = _when(starts_at)
    subject = f"Geändert: {title} / Changed"
    body = (
        f"Hallo,\n\ndie Veranstaltung „{title}“, für die Du angemeldet bist, hat sich geändert.\n"
        f"Neu: {when}, {venue}.\n\n---\n\nHello,\n\nthe event you registered for has changed.\n"
        f"Now: {when}, {venue}.\n"
    )
    return subject, body


def cancelled(title: str, starts_at: datetime, reason: str) -> tuple[str, str]:
    when = _when(starts_at)
    subject = f"Abgesagt: {title} / Cancelled"
    body = (
        f"Hallo,\n\ndie Veranstaltung „{title}“ am {when} wurde abgesagt.\nGrund: {reason}\n\n"
        f"---\n\nHello,\n\nthe event on {when} was cancelled.\nReason: {reason}\n"
    )
    return subject, body
