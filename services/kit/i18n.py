"""German texts for the English messages services raise.

Services raise English messages (code and logs stay English); every message a person may read
has a German text, so API error bodies carry both. Unknown messages fall back to English.

The kit holds marshmallow's and its own texts (here and in ``messages_de.py``). Everything else
is handed to it by the outer layers, never looked up by the kit: each service package registers
its ``messages_de.GERMAN`` on import, the gateway registers every service's catalogue and the
plugins' texts when it builds its app (``gateway/errors.py``), and ``plugins.manager`` registers
the installed plugins' texts when a process loads them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from services.kit.messages_de import GERMAN as _KIT_MESSAGES
from services.kit.phase_titles import PHASE_TITLES

# marshmallow's default messages and the kit's own.
_KIT_GERMAN: dict[str, str] = {
    "Missing data for required field.": "Pflichtfeld fehlt.",
    "Unknown field.": "Unbekanntes Feld.",
    "Not a valid email address.": "Keine gültige E-Mail-Adresse.",
    "Not a valid string.": "Keine gültige Zeichenkette.",
    "Not a valid integer.": "Keine gültige ganze Zahl.",
    "Not a valid number.": "Keine gültige Zahl.",
    "Not a valid boolean.": "Kein gültiger Wahrheitswert.",
    "Not a valid datetime.": "Kein gültiger Zeitpunkt.",
    "Not a valid date.": "Kein gültiges Datum.",
    "Not a valid URL.": "Keine gültige URL.",
    "Not a valid list.": "Keine gültige Liste.",
    "Not a valid mapping type.": "Kein gültiges Objekt.",
    "Invalid input type.": "Ungültiger Eingabetyp.",
    "Invalid value.": "Ungültiger Wert.",
    "Field may not be null.": "Feld darf nicht leer sein.",
    "Must be one of: {choices}.": "Muss einer dieser Werte sein: {choices}.",
    "Shorter than minimum length {min}.": "Kürzer als die Mindestlänge {min}.",
    "Longer than maximum length {max}.": "Länger als die Höchstlänge {max}.",
    "Length must be between {min} and {max}.": "Länge muss zwischen {min} und {max} liegen.",
    "Must be greater than or equal to {min}.": "Muss größer oder gleich {min} sein.",
    "Must be less than or equal to {max}.": "Muss kleiner oder gleich {max} sein.",
    "String does not match expected pattern.": "Entspricht nicht dem erwarteten Format.",
    "Must be greater than or equal to {min} and less than or equal to {max}.": (
        "Muss größer oder gleich {min} und kleiner oder gleich {max} sein."
    ),
    "Length must be {equal}.": "Länge muss {equal} sein.",
    "Some fields are invalid.": "Einige Felder sind ungültig.",
    "The request body must be a JSON object.": "Der Inhalt der Anfrage muss ein JSON-Objekt sein.",
    "The request could not be processed.": "Die Anfrage konnte nicht verarbeitet werden.",
    "Authentication required.": "Anmeldung erforderlich.",
    "You are not allowed to do this.": "Dazu bist Du nicht berechtigt.",
    "Not found.": "Nicht gefunden.",
    "This conflicts with the current state.": "Das widerspricht dem aktuellen Stand.",
    "This is not possible in the city's current phase.": (
        "Das ist in der aktuellen Phase der Stadt nicht möglich."
    ),
    "Too many requests.": "Zu viele Anfragen.",
    "An account with this e-mail address already exists.": (
        "Ein Konto mit dieser E-Mail-Adresse existiert bereits."
    ),
    "E-mail or password is wrong.": "E-Mail-Adresse oder Passwort ist falsch.",
    "The e-mail address is not verified yet.": "Die E-Mail-Adresse ist noch nicht bestätigt.",
    "The link is invalid.": "Der Link ist ungültig.",
    "The link has expired.": "Der Link ist abgelaufen.",
    "The link has already been used.": "Der Link wurde bereits verwendet.",
    "The token is invalid or expired.": "Das Token ist ungültig oder abgelaufen.",
    "Account not found.": "Konto nicht gefunden.",
    "Unknown role.": "Unbekannte Rolle.",
    "Only operators may do this.": "Nur Betreiber dürfen das.",
    "Only a city admin may do this.": "Nur die Stadtverwaltung (Admin) darf das.",
    "The password is wrong.": "Das Passwort ist falsch.",
    "Password must contain letters and digits or symbols.": (
        "Das Passwort muss Buchstaben und Ziffern oder Sonderzeichen enthalten."
    ),
    "The service is not answering, try again shortly.": (
        "Der Dienst antwortet gerade nicht, bitte versuche es gleich noch einmal."
    ),
    "The service cannot reach its data right now, try again shortly.": (
        "Der Dienst erreicht seine Daten gerade nicht, bitte versuche es gleich noch einmal."
    ),
    "The city is in phase {phase}; this needs {allowed}.": (
        "Die Stadt ist in der Phase {phase}; dafür braucht es die Phase {allowed}."
    ),
    "The CSRF token is missing or wrong.": "Das CSRF-Token fehlt oder ist falsch.",
    "Page not found.": "Seite nicht gefunden.",
    "Method not allowed.": "Methode nicht erlaubt.",
    # Operator backups and restores (services/kit/operations.py).
    "Unknown collection.": "Unbekannte Sammlung.",
    "A document needs an _id.": "Ein Dokument braucht eine _id.",
    "The document belongs to another city.": "Das Dokument gehört zu einer anderen Stadt.",
    "A document with this id or key already exists for another city.": (
        "Ein Dokument mit dieser Kennung oder diesem Schlüssel gibt es schon für eine andere Stadt."
    ),
    "Already exists.": "Existiert bereits.",
}

# Every text registered so far; messages with ``{placeholders}`` are also kept as patterns.
_GERMAN: dict[str, str] = {}
_PATTERNS: list[tuple[re.Pattern[str], str]] = []


def _add(catalogue: Mapping[str, str]) -> None:
    """Take German texts in; messages with ``{placeholders}`` are matched by pattern."""
    for english, german_text in catalogue.items():
        if _GERMAN.get(english) == german_text:
            continue  # registered before: a catalogue may be handed over more than once
        _GERMAN[english] = german_text
        if "{" in english:
            regex = re.escape(english)
            for name in re.findall(r"\{(\w+)\}", english):
                regex = regex.replace(re.escape("{" + name + "}"), f"(?P<{name}>.+?)")
            _PATTERNS.append((re.compile(f"^{regex}$"), german_text))
    # The most literal template first: "… {min} and less than or equal to {max}." must win
    # over "… {min}.", whose placeholder would swallow the rest of the sentence.
    _PATTERNS.sort(
        key=lambda entry: len(re.sub(r"\(\?P<\w+>\.\+\?\)", "", entry[0].pattern)), reverse=True
    )


_add(_KIT_GERMAN)
_add(_KIT_MESSAGES)

_sources: list[Callable[[], Mapping[str, str]]] = []


def register_messages(catalogue: Mapping[str, str]) -> None:
    """Give the kit German texts (English message → German text).

    Each service package registers its ``messages_de.GERMAN`` when it is imported
    (``services/<name>/__init__.py``), so a process knows the texts of the messages it can
    raise; the gateway registers every service's catalogue (``gateway/errors.py``).
    """
    _add(catalogue)


def register_message_source(source: Callable[[], Mapping[str, str]]) -> None:
    """Give the kit a catalogue that is read only when a message is not known yet.

    For texts that are costly to gather and rarely needed, such as the plugins' (loading them
    means loading every installed plugin): ``source()`` runs once, on the first unknown message.
    """
    if source not in _sources:
        _sources.append(source)


# Words a message names by their English title (a phase), in German; a list of them is
# written with " / " between (require_phase).
_TERMS: dict[str, str] = {english: german_title for german_title, english in PHASE_TITLES.values()}


def _terms(value: str) -> str:
    return " / ".join(_TERMS.get(part, part) for part in value.split(" / "))


def german(message: str) -> str:
    """The German text of an English message, or the message itself if none is known."""
    while message not in _GERMAN and _sources:
        _add(_sources.pop(0)())
    if message in _GERMAN:
        return _GERMAN[message]
    for pattern, template in _PATTERNS:
        match = pattern.match(message)
        if match:
            return template.format(**{k: _terms(v) for k, v in match.groupdict().items()})
    return message
