"""German texts of the cities service's messages, handed to ``services.kit.i18n`` by
the package's ``__init__``."""

GERMAN: dict[str, str] = {
    "City not found.": "Stadt nicht gefunden.",
    "There is no cohort in this year.": "In diesem Jahr gibt es keinen Jahrgang.",
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
    "This invitation link has already been used.": (
        "Dieser Einladungslink wurde schon verwendet und gilt nicht mehr. Bitte um eine neue "
        "Einladung."
    ),
    "Confirm your e-mail address before you accept the invitation.": (
        "Bitte bestätige zuerst Deine E-Mail-Adresse und nimm dann die Einladung an."
    ),
    "The plugin is not enabled for this city.": "Das Plugin ist für diese Stadt nicht aktiviert.",
    "There is no such legal text.": "Diesen Rechtstext gibt es nicht.",
    "This text was changed meanwhile; please start from the current version.": (
        "Dieser Text wurde inzwischen geändert; bitte gehe von der aktuellen Fassung aus."
    ),
}
