"""German texts of the kit's own messages that are not in ``services.kit.i18n`` (which reads
this table when it is imported)."""

GERMAN: dict[str, str] = {
    "Repeat the city's slug to confirm.": "Wiederhole zur Bestätigung den Kurznamen der Stadt.",
    # services/kit/context.py: a caller context that grants nothing
    "The caller context is not signed.": "Der Aufruferkontext ist nicht signiert.",
    "The caller context has an invalid signature.": (
        "Die Signatur des Aufruferkontexts ist ungültig."
    ),
    "The caller context has expired.": "Der Aufruferkontext ist abgelaufen.",
    "Only the platform's services may call this.": (
        "Das dürfen nur die Dienste der Plattform aufrufen."
    ),
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
    "There is no such version of the privacy notice.": (
        "Diese Fassung der Datenschutzerklärung gibt es nicht."
    ),
}
