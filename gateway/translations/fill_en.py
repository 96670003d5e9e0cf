# ruff: noqa: E501 - one text per line reads best in a translation table
"""Fill the English catalogue: ``python gateway/translations/fill_en.py`` after extracting.

German is the source language of the pages; this table is the English of every text. A
text missing here fails ``tests/unit/gateway/test_translations.py``.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

ENGLISH = {
    "Fast geschafft": "Almost there",
    "Wir haben Dir eine E-Mail geschickt. Bitte bestätige darin Deine Adresse.": "We have sent you an e-mail. Please confirm your address with it.",
    "Bestätigung fehlgeschlagen": "Confirmation failed",
    "E-Mail-Adresse bestätigt": "E-mail address confirmed",
    "Danke! Du kannst Dich jetzt anmelden.": "Thank you! You can sign in now.",
    "Zur Anmeldung": "Sign in",
    "E-Mail unterwegs": "E-mail on its way",
    "Wenn es ein Konto mit dieser Adresse gibt, bekommst Du gleich eine E-Mail.": "If there is an account with this address, you will get an e-mail shortly.",
    "Passwort geändert": "Password changed",
    "Dein neues Passwort gilt ab sofort.": "Your new password is valid now.",
    "Gespeichert.": "Saved.",
    "optional": "optional",
    "Zum Inhalt springen": "Skip to content",
    "Hauptnavigation": "Main navigation",
    "Abmelden": "Sign out",
    "Anmelden": "Sign in",
    "Registrieren": "Register",
    "Stadtdialog – die Mitmach-Plattform für die zukunftsfähige Stadt.": "Stadtdialog – the participation platform for the sustainable city.",
    "Jahrgang %(year)s": "Cohort %(year)s",
    "Aktuelle Phase:": "Current phase:",
    "Zur Verwaltung der Stadt": "Manage the city",
    "Der Weg des Stadtdialogs": "The path of the dialogue",
    "läuft": "running",
    "abgeschlossen": "finished",
    "erledigt": "done",
    "offen": "open",
    "Arbeitsgruppen": "Working groups",
    "Vereine": "Associations",
    "Initiativen": "Initiatives",
    "Stiftungen": "Foundations",
    "Verwaltung": "Administration",
    "Die Arbeitsgruppen bilden sich gerade.": "The working groups are forming.",
    "Verwaltung der Stadt": "Manage the city",
    "Phase": "Phase",
    "Begründung (wird mit dem Wechsel gespeichert)": "Reason (stored with the change)",
    "Früher abschließen, weil …": "Close early because …",
    "Nur nötig, wenn die Zeit der Tischgespräche noch nicht vorbei ist.": "Only needed while the table-talk window has not ended.",
    "Zur nächsten Phase wechseln": "Move to the next phase",
    "Nur die Stadt-Admins wechseln die Phase.": "Only the city admins change the phase.",
    "Schritte": "Steps",
    "Wieder öffnen": "Reopen",
    "Notiz": "Note",
    "Dieser Schritt erledigt sich von selbst; wer ihn von Hand abhakt, begründet es.": "This step completes by itself; marking it by hand needs a reason.",
    "Als erledigt markieren": "Mark as done",
    "Lokale Erweiterungen (Plugins)": "Local extensions (plugins)",
    "aktiv": "active",
    "Speichern und aktivieren": "Save and enable",
    "Einstellungen speichern": "Save settings",
    "Deaktivieren": "Disable",
    "Protokoll": "Log",
    "Zur Startseite": "To the start page",
    "Passwort vergessen": "Forgot password",
    "E-Mail-Adresse": "E-mail address",
    "Link zum Zurücksetzen schicken": "Send a reset link",
    "Einladung": "Invitation",
    "Einladung annehmen": "Accept the invitation",
    "Bitte melde Dich mit der E-Mail-Adresse an, an die die Einladung ging (oder registriere Dich damit), und öffne den Link dann noch einmal.": "Please sign in with the e-mail address the invitation was sent to (or register with it), then open the link again.",
    "Passwort": "Password",
    "Passwort vergessen?": "Forgot your password?",
    "Name, der anderen angezeigt wird": "Name shown to others",
    "Passwort (mindestens 10 Zeichen, Buchstaben und Ziffern oder Sonderzeichen)": "Password (at least 10 characters, letters and digits or symbols)",
    "Konto anlegen": "Create account",
    "Neues Passwort": "New password",
    "Neues Passwort festlegen": "Set a new password",
    "Passwort speichern": "Save password",
    "Willkommen": "Welcome",
    "Gestalte die Zukunft Deiner Stadt mit": "Help shape the future of your city",
    "In Arbeitsgruppen, Szenarien, Tischgesprächen und Abschlussveranstaltungen – gemeinsam mit Vereinen, Initiativen, Stiftungen und der Verwaltung.": "In working groups, scenarios, table talks and closing events – together with associations, initiatives, foundations and the administration.",
    "Jetzt registrieren": "Register now",
    "oder": "or",
    "anmelden": "sign in",
    "Du bist angemeldet.": "You are signed in.",
    "Teilnehmende Städte": "Participating cities",
    "Noch nehmen keine Städte teil.": "No cities are taking part yet.",
    "Ein Eintrag pro Zeile.": "One entry per line.",
    "Mein Konto": "My account",
    "Name": "Name",
    "Rollen": "Roles",
    "keine": "none",
    "Meine Daten": "My data",
    "Du kannst alle Daten, die wir zu Deinem Konto speichern, als JSON-Datei herunterladen.": "You can download all data we keep about your account as a JSON file.",
    "Meine Daten herunterladen": "Download my data",
    "Konto löschen": "Delete account",
    "Dein Name und Deine E-Mail-Adresse werden gelöscht. Beiträge bleiben ohne Deinen Namen erhalten.": "Your name and e-mail address are deleted. Contributions stay, without your name.",
    "Zur Bestätigung: Dein Passwort": "To confirm: your password",
    "Konto endgültig löschen": "Delete the account for good",
    "Konto gelöscht": "Account deleted",
    "Dein Konto ist gelöscht. Deine Beiträge bleiben ohne Deinen Namen erhalten.": "Your account is deleted. Your contributions stay, without your name.",
}

if __name__ == "__main__":
    path = Path(__file__).parent / "en" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if message.id and message.id in ENGLISH:
            message.string = ENGLISH[message.id]
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100)
