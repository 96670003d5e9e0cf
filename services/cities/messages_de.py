"""German texts of the cities service's messages, handed to ``services.kit.i18n`` by
the package's ``__init__``."""

from services.cities.districts import MESSAGES_DE as DISTRICT_MESSAGES_DE

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
    "The window must start after the window of the phase before it ends.": (
        "Der Zeitraum muss nach dem Ende der vorigen Phase beginnen."
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
    # accessibility feedback and sign-language videos
    "Barrier report not found.": "Meldung nicht gefunden.",
    "Too many reports at once; please try again.": (
        "Gerade kommen zu viele Meldungen gleichzeitig an. Bitte versuche es noch einmal."
    ),
    "The report is already answered.": "Die Meldung ist schon beantwortet.",
    "Video not found.": "Video nicht gefunden.",
    "No sign-language video yet.": "Noch kein Gebärdensprach-Video vorhanden.",
    "Not an MP4 or WebM video.": "Kein Video im Format MP4 oder WebM.",
    "Choose a video file.": "Bitte wähle eine Video-Datei aus.",
    "The video is larger than {limit} MB.": "Das Video ist größer als {limit} MB.",
    "A part of the video is missing.": "Ein Teil des Videos fehlt.",
    "The parts do not add up to the size.": "Die Teile ergeben nicht die angegebene Größe.",
    "Not valid base64.": "Kein gültiges Base64.",
    "The part is too large.": "Der Teil ist zu groß.",
    "Reports are listed per city; give one.": (
        "Meldungen werden pro Stadt angezeigt: Bitte gib eine Stadt an."
    ),
    "There is no such legal text.": "Diesen Rechtstext gibt es nicht.",
    "This text was changed meanwhile; please start from the current version.": (
        "Dieser Text wurde inzwischen geändert; bitte gehe von der aktuellen Fassung aus."
    ),
    **DISTRICT_MESSAGES_DE,
    "Subscription not found.": "Abonnement nicht gefunden.",
    "Newsletter issue not found.": "Newsletter-Ausgabe nicht gefunden.",
    "The issue has been sent and can no longer be changed.": (
        "Die Ausgabe ist verschickt und kann nicht mehr geändert werden."
    ),
    "The number of recipients has changed; please confirm again.": (
        "Die Zahl der Empfängerinnen und Empfänger hat sich geändert; bitte bestätige erneut."
    ),
}
