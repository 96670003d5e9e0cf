"""German texts of the events service's messages, handed to ``services.kit.i18n`` by
the package's ``__init__``."""

GERMAN: dict[str, str] = {
    "Closing event not found.": "Abschlussveranstaltung nicht gefunden.",
    "The closing event is cancelled.": "Die Abschlussveranstaltung ist abgesagt.",
    "Places up to number {highest} are taken; the capacity cannot be lower.": (
        "Plätze bis Nummer {highest} sind vergeben; die Kapazität kann nicht kleiner sein."
    ),
    "Registration for this closing event is closed.": (
        "Die Anmeldung für diese Abschlussveranstaltung ist geschlossen."
    ),
    "You are not registered for this closing event.": (
        "Du bist für diese Abschlussveranstaltung nicht angemeldet."
    ),
    "Project idea not found.": "Projektidee nicht gefunden.",
    "Next step not found.": "Nächster Schritt nicht gefunden.",
    "The end must be after the start.": "Das Ende muss nach dem Beginn liegen.",
    "Registration must close before the event starts.": (
        "Die Anmeldung muss vor Beginn der Veranstaltung schließen."
    ),
    "Registration must open before it closes and before the event starts.": (
        "Die Anmeldung muss vor dem Anmeldeschluss und vor dem Beginn öffnen."
    ),
}
