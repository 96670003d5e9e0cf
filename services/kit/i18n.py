"""German texts for the English messages services raise.

Services raise English messages (code and logs stay English); every message a person may read
has its German text here, so API error bodies carry both. Unknown messages fall back to English.
"""

from __future__ import annotations

import re

# marshmallow's default messages and the kit's own.
_GERMAN: dict[str, str] = {
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
    "The city is in phase {phase}; this needs {allowed}.": (
        "Die Stadt ist in der Phase {phase}; dafür braucht es {allowed}."
    ),
    "City not found.": "Stadt nicht gefunden.",
    "The city is archived.": "Die Stadt ist archiviert.",
    "This slug is taken.": "Dieses Kürzel ist schon vergeben.",
    "The cohort of this year is full (at most ten cities per year).": (
        "Der Jahrgang ist voll (höchstens zehn Städte pro Jahr)."
    ),
    "Unknown phase.": "Unbekannte Phase.",
    "Unknown step.": "Unbekannter Schritt.",
    "The next phase after {current} is {next}.": "Die nächste Phase nach {current} ist {next}.",
    "The phase cannot change yet.": "Die Phase kann noch nicht wechseln.",
    "The kickoff needs a formed working group (all four kinds, or a recorded reason).": (
        "Für den Auftakt braucht es eine gebildete Arbeitsgruppe (alle vier Gruppen oder eine "
        "festgehaltene Begründung)."
    ),
    "Table talks need at least one published deep-dive topic.": (
        "Für Tischgespräche braucht es mindestens ein veröffentlichtes Vertiefungsthema."
    ),
    "The table-talk window has not ended: give a reason to close early.": (
        "Die Zeit der Tischgespräche ist noch nicht vorbei: Bitte begründe den früheren Abschluss."
    ),
    "The end must be after the start.": "Das Ende muss nach dem Beginn liegen.",
    "The window must start after the {previous_phase} window ends.": (
        "Der Zeitraum muss nach dem Ende der Phase {previous_phase} beginnen."
    ),
    "This step completes by itself; give a note to mark it done by hand.": (
        "Dieser Schritt erledigt sich von selbst; für ein Abhaken von Hand braucht es eine Notiz."
    ),
    "Working group not found.": "Arbeitsgruppe nicht gefunden.",
    "This person is already invited to this working group.": (
        "Diese Person ist bereits in diese Arbeitsgruppe eingeladen."
    ),
    "This invitation was sent to another e-mail address.": (
        "Diese Einladung ging an eine andere E-Mail-Adresse."
    ),
    "The invitation was withdrawn.": "Die Einladung wurde zurückgezogen.",
    "The plugin is not enabled for this city.": "Das Plugin ist für diese Stadt nicht aktiviert.",
    "The CSRF token is missing or wrong.": "Das CSRF-Token fehlt oder ist falsch.",
    "Page not found.": "Seite nicht gefunden.",
    "Method not allowed.": "Methode nicht erlaubt.",
}

# Messages with numbers in them ("Shorter than minimum length 10.") are matched by pattern.
_PATTERNS: list[tuple[re.Pattern[str], str]] = []
for _en, _de in _GERMAN.items():
    if "{" in _en:
        _regex = re.escape(_en)
        for _name in re.findall(r"\{(\w+)\}", _en):
            _regex = _regex.replace(re.escape("{" + _name + "}"), f"(?P<{_name}>.+?)")
        _PATTERNS.append((re.compile(f"^{_regex}$"), _de))


def german(message: str) -> str:
    """The German text of an English message, or the message itself if none is known."""
    if message in _GERMAN:
        return _GERMAN[message]
    for pattern, template in _PATTERNS:
        match = pattern.match(message)
        if match:
            return template.format(**match.groupdict())
    return message
