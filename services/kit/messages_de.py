"""German texts of the kit's own messages that are not in ``services.kit.i18n`` (which reads
this table when it is imported)."""

GERMAN: dict[str, str] = {
    "Repeat the city's slug to confirm.": "Wiederhole zur Bestätigung den Kurznamen der Stadt.",
    # Text hygiene (services/kit/text.py) and the gateway's JSON guard (gateway/json_guard.py).
    "Contains an invalid character (a lone surrogate).": (
        "Enthält ein ungültiges Zeichen (ein einzelnes Surrogat)."
    ),
    "Must not contain control characters.": "Darf keine Steuerzeichen enthalten.",
    "Must not contain line breaks.": "Darf keine Zeilenumbrüche enthalten.",
    "Must not contain text direction controls.": (
        "Darf keine Steuerzeichen für die Schreibrichtung enthalten."
    ),
    "Must not be blank.": "Darf nicht nur aus Leerzeichen bestehen.",
    "The request body is nested too deeply (at most {limit} levels).": (
        "Der Inhalt der Anfrage ist zu tief verschachtelt (höchstens {limit} Ebenen)."
    ),
    "The request body is not valid JSON.": "Der Inhalt der Anfrage ist kein gültiges JSON.",
}
