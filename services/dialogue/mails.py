"""Texts of the dialogue service's mails: German first, English below."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Berlin")


def _when(talk: dict[str, Any]) -> str:
    starts = datetime.fromisoformat(talk["starts_at"]).astimezone(LOCAL)
    ends = datetime.fromisoformat(talk["ends_at"]).astimezone(LOCAL)
    return f"{starts:%d.%m.%Y, %H:%M} – {ends:%H:%M} Uhr"


def _where(talk: dict[str, Any]) -> str:
    place = ", ".join(p for p in (talk.get("address"), talk.get("district")) if p)
    parts = [p for p in (place, talk.get("link")) if p]
    return " / ".join(parts) or "—"


def confirmed(talk: dict[str, Any], name: str, cancel_hint: str) -> tuple[str, str]:
    subject = f"Tischgespräch „{talk['title']}“: Dein Platz ist sicher / your seat is confirmed"
    body = f"""Hallo {name},

Du bist beim Tischgespräch „{talk["title"]}“ dabei.

Wann: {_when(talk)}
Wo: {_where(talk)}

Den Termin für Deinen Kalender findest Du im Anhang (.ics).
{cancel_hint}

---

You have a seat at the table talk "{talk["title"]}" ({_when(talk)}, {_where(talk)}).
The calendar entry is attached (.ics).
"""
    return subject, body


def waitlisted(talk: dict[str, Any], name: str, position: int) -> tuple[str, str]:
    subject = f"Tischgespräch „{talk['title']}“: Warteliste / waiting list"
    body = f"""Hallo {name},

das Tischgespräch „{talk["title"]}“ ist gerade voll. Du stehst auf Platz {position} der
Warteliste. Sobald ein Platz frei wird, rückst Du der Reihe nach nach und bekommst eine
E-Mail.

---

The table talk "{talk["title"]}" is full right now. You are number {position} on the waiting
list; when a seat frees up you move up in order and get an e-mail.
"""
    return subject, body


def promoted(talk: dict[str, Any], name: str, cancel_hint: str) -> tuple[str, str]:
    subject = f"Tischgespräch „{talk['title']}“: Du bist nachgerückt / you have a seat"
    body = f"""Hallo {name},

ein Platz ist frei geworden: Du bist beim Tischgespräch „{talk["title"]}“ dabei.

Wann: {_when(talk)}
Wo: {_where(talk)}

Den Termin für Deinen Kalender findest Du im Anhang (.ics).
{cancel_hint}

---

A seat became free: you are now confirmed for the table talk "{talk["title"]}"
({_when(talk)}, {_where(talk)}). The calendar entry is attached (.ics).
"""
    return subject, body


# What a change mail names as changed, German and English (never the field's code).
CHANGED_FIELDS = {
    "starts_at": ("Beginn", "start"),
    "ends_at": ("Ende", "end"),
    "address": ("Adresse", "address"),
    "district": ("Stadtteil", "district"),
    "link": ("Link", "link"),
    "format": ("Format", "format"),
    "title": ("Titel", "title"),
}


def changed(talk: dict[str, Any], name: str, what: list[str]) -> tuple[str, str]:
    names = [CHANGED_FIELDS.get(w, ("Angaben", "details")) for w in what]
    changed_de = ", ".join(dict.fromkeys(de for de, _ in names))
    changed_en = ", ".join(dict.fromkeys(en for _, en in names))
    subject = f"Tischgespräch „{talk['title']}“ geändert / changed"
    body = f"""Hallo {name},

die Gastgeberin oder der Gastgeber hat das Tischgespräch „{talk["title"]}“ geändert
({changed_de}).

Wann: {_when(talk)}
Wo: {_where(talk)}

Der aktualisierte Kalendereintrag ist angehängt (.ics).

---

The host changed the table talk "{talk["title"]}" ({changed_en}). Now: {_when(talk)},
{_where(talk)}. The updated calendar entry is attached (.ics).
"""
    return subject, body


def cancelled(talk: dict[str, Any], name: str, reason: str) -> tuple[str, str]:
    subject = f"Tischgespräch „{talk['title']}“ abgesagt / cancelled"
    body = f"""Hallo {name},

das Tischgespräch „{talk["title"]}“ am {_when(talk)} wurde abgesagt.
Begründung: {reason}

---

The table talk "{talk["title"]}" on {_when(talk)} was cancelled. Reason: {reason}
"""
    return subject, body


def guest_verification(talk: dict[str, Any], name: str, link: str) -> tuple[str, str]:
    subject = f"Tischgespräch „{talk['title']}“: Bitte bestätige Deine Anmeldung / please confirm"
    body = f"""Hallo {name},

Du möchtest am Tischgespräch „{talk["title"]}“ ({_when(talk)}) teilnehmen. Bitte bestätige
Deine E-Mail-Adresse mit diesem Link, dann ist Deine Anmeldung gültig:
{link}

Wenn Du Dich nicht angemeldet hast, ignoriere diese E-Mail einfach.

---

Confirm your e-mail address with the link above to join the table talk "{talk["title"]}".
If you did not ask for this, ignore this e-mail.
"""
    return subject, body


def invitation(talk: dict[str, Any], host: str, link: str) -> tuple[str, str]:
    subject = f"Einladung zum Tischgespräch „{talk['title']}“ / invitation"
    body = f"""Guten Tag,

{host} lädt Dich zum Tischgespräch „{talk["title"]}“ ein.

Wann: {_when(talk)}

Hier kannst Du Dich anmelden, mit Konto oder einfach mit Namen und E-Mail-Adresse:
{link}

---

{host} invites you to the table talk "{talk["title"]}" ({_when(talk)}). Join with the link
above, with an account or just your name and e-mail address.
"""
    return subject, body


def guest_cancel_hint(link: str) -> str:
    return f"Falls Du doch nicht kommen kannst, gib Deinen Platz hier frei: {link}"


ACCOUNT_CANCEL_HINT = "Falls Du doch nicht kommen kannst, gib Deinen Platz bitte frei."


def leave_footer(link: str) -> str:
    """The line every mail to a guest without an account ends with."""
    return f"""Du möchtest nicht mehr teilnehmen (oder nicht mehr auf der Warteliste stehen)?
Hier meldest Du Dich ab: {link}
(You no longer want to take part or wait for a seat? Leave here: {link})"""


def settings_footer(settings: str, unsubscribe: str) -> str:
    """The end of a mail an account holder may switch off."""
    return f"""Diese Mails kannst Du in Mein Bereich abbestellen ({settings})
oder mit einem Klick: {unsubscribe}
(You can switch these mails off in Mein Bereich or with the link above.)"""


def reminder(
    talk: dict[str, Any], name: str, position: int | None, leave: str, footer: str
) -> tuple[str, str]:
    """The reminder the day before. ``position`` is None for a confirmed participant (who
    gets place and link); a person on the waiting list gets time, district and position."""
    subject = f"Erinnerung: Tischgespräch „{talk['title']}“ / reminder"
    if position is None:
        status_de = f"Wo: {_where(talk)}\n\nDen Termin für Deinen Kalender findest Du im Anhang."
        status_en = f"Where: {_where(talk)}. The calendar entry is attached (.ics)."
    else:
        district = talk.get("district") or "—"
        status_de = (
            f"Stadtteil: {district}\n\nDu stehst noch auf Platz {position} der Warteliste. "
            "Wird ein Platz frei, bekommst Du eine E-Mail mit Ort oder Link."
        )
        status_en = (
            f"You are still number {position} on the waiting list; if a seat frees up you get "
            "an e-mail with the place or link."
        )
    body = f"""Hallo {name},

bald ist es so weit: das Tischgespräch „{talk["title"]}“ beginnt in weniger als 24 Stunden.

Wann: {_when(talk)}
{status_de}

{leave}

---

Reminder: the table talk "{talk["title"]}" is on {_when(talk)}. {status_en}
"""
    if footer:
        body += f"\n--\n{footer}\n"
    return subject, body


def _names(ids: list[str], names: dict[str, str]) -> str:
    return ", ".join(names.get(i, "Gast") for i in ids)


def host_summary(host: str, items: list[dict[str, Any]], footer: str) -> tuple[str, str]:
    """The host's daily summary: one block per upcoming talk whose registrations changed.
    Each item: ``talk`` (view), ``changes`` (``notices.talk_changes``), ``names`` (id→name)."""
    blocks = []
    for item in items:
        talk, ch, names = item["talk"], item["changes"], item["names"]
        lines = [f"„{talk['title']}“ – {_when(talk)}"]
        if ch["joined"]:
            lines.append(f"  Neu angemeldet: {_names(ch['joined'], names)}")
        if ch["joined_waiting"]:
            lines.append(f"  Neu auf der Warteliste: {_names(ch['joined_waiting'], names)}")
        if ch["moved_up"]:
            lines.append(f"  Von der Warteliste nachgerückt: {_names(ch['moved_up'], names)}")
        if ch["cancelled"]:
            lines.append(f"  Abgemeldet: {ch['cancelled']}")
        if ch["full"]:
            lines.append("  Das Gespräch ist jetzt voll.")
        lines.append(
            f"  Stand: {talk['seats_taken']} von {talk['capacity']} Plätzen belegt, "
            f"{talk['waiting']} auf der Warteliste"
        )
        lines.append(f"  Gästeliste: {item['url']}")
        blocks.append("\n".join(lines))
    count = len(items)
    subject = f"Deine Tischgespräche: Neues bei den Anmeldungen ({count}) / registrations changed"
    body = f"""Hallo {host},

seit der letzten Zusammenfassung hat sich bei den Anmeldungen zu Deinen kommenden
Gesprächen etwas geändert:

{chr(10).join(blocks)}

Du bekommst höchstens eine solche Mail am Tag.

---

The registrations of your upcoming talks changed (see above: joined, waiting list, moved up,
cancelled, full). You get at most one such e-mail a day.

--
{footer}
"""
    return subject, body


def comment_hidden(name: str, body: str, url: str, comment: Any) -> tuple[str, str]:
    """The author learns that the moderation hid their comment, and why. The subject is fixed
    text (no user input reaches a header); the kit folds the body's lines for the rest."""
    subject = "Dein Kommentar wurde ausgeblendet / your comment was hidden"
    text = f"""Hallo {name or "zusammen"},

die Moderation hat Deinen Kommentar ausgeblendet.

Grund: {comment.hidden_reason}

Dein Kommentar:
{body}

An seiner Stelle steht nun „ausgeblendet: {comment.hidden_reason}“: {url}

---

The moderators hid your comment. Reason: {comment.hidden_reason}
"""
    return subject, text


def organisation_reviewed(
    name: str, organisation: str, city: str, reason: str | None, url: str
) -> tuple[str, str]:
    """A member learns that the city hid the organisation they acted for (``reason``), or
    showed it again (no reason). Fixed subject: no name a person typed reaches a header."""
    if reason is None:
        subject = "Eure Organisation wird wieder gezeigt / your organisation is shown again"
        german = (
            f"die Stadt {city} zeigt „{organisation}“ wieder bei den Projektideen. Was Ihr im\n"
            "Namen der Organisation unterstützt oder angeboten habt, zählt wieder."
        )
        english = f"The city of {city} shows “{organisation}” with its project ideas again."
    else:
        subject = "Eure Organisation wurde ausgeblendet / your organisation was hidden"
        german = (
            f"die Stadt {city} hat „{organisation}“ bei den Projektideen ausgeblendet.\n\n"
            f"Grund: {reason}\n\n"
            "Was Ihr im Namen der Organisation unterstützt oder angeboten habt, zählt nicht\n"
            "mehr und wird nirgends gezeigt; es ist nicht gelöscht. Wenn Ihr meint, das ist ein\n"
            "Irrtum, antwortet der Stadt: sie kann die Organisation wieder zeigen."
        )
        english = (
            f"The city of {city} hid “{organisation}” with its project ideas. Reason: {reason}"
        )
    text = f"""Hallo {name or "zusammen"},

{german}

Die Ideen der Stadt: {url}

---

{english}
"""
    return subject, text
