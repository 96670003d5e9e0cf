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
}
