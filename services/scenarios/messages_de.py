"""German texts of the scenarios service's messages, handed to ``services.kit.i18n`` by
the package's ``__init__``."""

GERMAN: dict[str, str] = {
    "There is no scenario project for this city yet.": (
        "Für diese Stadt gibt es noch kein Szenarioprojekt."
    ),
    "This city already has a scenario project for its cohort year.": (
        "Diese Stadt hat für ihren Jahrgang bereits ein Szenarioprojekt."
    ),
    "Unknown observation.": "Unbekannte Beobachtung.",
    "Name the observation this factor comes from.": (
        "Nenne die Beobachtung, aus der dieser Faktor stammt."
    ),
    "Factor not found.": "Einflussfaktor nicht gefunden.",
    "The project already has influencing factors: a project file is imported into a "
    "project without factors.": (
        "Das Projekt hat schon Einflussfaktoren: Eine Projektdatei wird in ein Projekt ohne "
        "Einflussfaktoren übernommen."
    ),
    "Not a factor of the file.": "Kein Einflussfaktor der Datei.",
    "Not a projection of the file.": "Keine Zukunftsprojektion der Datei.",
    "A project has at most {limit} factors.": "Ein Projekt hat höchstens {limit} Einflussfaktoren.",
    "A key factor has at most {limit} projections.": (
        "Ein Schlüsselfaktor hat höchstens {limit} Zukunftsprojektionen."
    ),
    "This factor is a key factor: choose the key factors without it first.": (
        "Dieser Faktor ist ein Schlüsselfaktor: Wählt die Schlüsselfaktoren zuerst ohne ihn."
    ),
    "No influence ratings yet.": "Es gibt noch keine Einflussbewertungen.",
    "Unknown factor of this project.": "Unbekannter Einflussfaktor dieses Projekts.",
    "Unknown projection of this project.": "Unbekannte Zukunftsprojektion dieses Projekts.",
    "Listed twice.": "Doppelt aufgeführt.",
    "{missing} current factor(s) missing: list every one of them.": (
        "{missing} aktuelle(r) Einflussfaktor(en) fehlen: Bitte alle aufführen."
    ),
    "{missing} current projection(s) missing: list every one of them.": (
        "{missing} aktuelle Zukunftsprojektion(en) fehlen: Bitte alle aufführen."
    ),
    "Expected {n} rows, one per listed id, got {got}.": (
        "Erwartet werden {n} Zeilen, eine je aufgeführter Kennung, es kamen {got}."
    ),
    "Expected {n} values, got {got}.": "Erwartet werden {n} Werte, es kamen {got}.",
    "A factor is not rated against itself: leave it empty.": (
        "Ein Faktor wird nicht gegen sich selbst bewertet: Bitte leer lassen."
    ),
    "Projections of the same key factor are not rated: leave it empty.": (
        "Projektionen desselben Schlüsselfaktors werden nicht bewertet: Bitte leer lassen."
    ),
    "Differs from its mirror {mirror}.": "Weicht vom gespiegelten Wert {mirror} ab.",
    "Give a reason when the choice departs from the suggestion.": (
        "Bitte begründe, warum die Auswahl vom Vorschlag abweicht."
    ),
    "Not a key factor of this project.": "Kein Schlüsselfaktor dieses Projekts.",
    "Projection not found.": "Zukunftsprojektion nicht gefunden.",
    "Not a projection of a current key factor.": (
        "Keine Zukunftsprojektion eines aktuellen Schlüsselfaktors."
    ),
    "Choose the value that settles this disagreement.": (
        "Bitte wähle einen festgelegten Wert, der diese Uneinigkeit klärt."
    ),
    "A factor is not rated against itself.": "Ein Faktor wird nicht gegen sich selbst bewertet.",
    "Not a factor of this project.": "Kein Einflussfaktor dieses Projekts.",
    "Projections of the same key factor are not rated.": (
        "Projektionen desselben Schlüsselfaktors werden nicht bewertet."
    ),
    "The run cannot start yet.": "Die Berechnung kann noch nicht starten.",
    "Choose the key factors first.": "Wählt zuerst die Schlüsselfaktoren.",
    "This key factor has no projection yet.": (
        "Dieser Schlüsselfaktor hat noch keine Zukunftsprojektion."
    ),
    "{gaps} pair(s) of projections have no value yet: rate or resolve them, or start the run "
    "with missing = neutral.": (
        "{gaps} Projektionspaar(e) haben noch keinen Wert: Bitte bewerten oder entscheiden, "
        "oder die Berechnung mit missing = neutral starten."
    ),
    "CIB is limited to {limit} scenarios; this has {space}.": (
        "CIB ist auf {limit} Szenarien begrenzt; hier sind es {space}."
    ),
    "Pairs without a value.": "Paare ohne Wert.",
    "Run not found.": "Berechnung nicht gefunden.",
    "The run has no result yet.": "Die Berechnung hat noch kein Ergebnis.",
    "Unknown run of this city.": "Unbekannte Berechnung dieser Stadt.",
    "The run has not finished.": "Die Berechnung ist noch nicht abgeschlossen.",
    "Two runs are needed.": "Es braucht zwei Berechnungen.",
    "Choose a run.": "Bitte eine Berechnung wählen.",
    "Only finished runs can be compared.": (
        "Nur abgeschlossene Berechnungen lassen sich vergleichen."
    ),
    "Unknown projection of this run.": "Unbekannte Zukunftsprojektion dieser Berechnung.",
    "A second projection of the same key factor.": (
        "Eine zweite Zukunftsprojektion desselben Schlüsselfaktors."
    ),
    "This run has no raw scenario with this number.": (
        "Diese Berechnung hat kein Rohszenario mit dieser Nummer."
    ),
    "Scenario not found.": "Szenario nicht gefunden.",
    "Observation not found.": "Beobachtung nicht gefunden.",
    "Only published scenarios are assessed.": "Bewertet werden nur veröffentlichte Szenarien.",
    "Unknown criterion.": "Unbekanntes Kriterium.",
    "Not a published scenario of this city.": "Kein veröffentlichtes Szenario dieser Stadt.",
    "Topic not found.": "Vertiefungsthema nicht gefunden.",
    "Submit the topic for review before publishing it.": (
        "Reiche das Thema zur Durchsicht ein, bevor es veröffentlicht wird."
    ),
    "Choose a ScenarioWizard file (.scw).": "Bitte eine ScenarioWizard-Datei (.scw) auswählen.",
    "The file is too large for a ScenarioWizard project.": (
        "Die Datei ist für ein ScenarioWizard-Projekt zu groß."
    ),
    "Not a readable ScenarioWizard file (.scw).": (
        "Die Datei lässt sich nicht als ScenarioWizard-Datei (.scw) lesen."
    ),
    "Too many descriptors or variants for a workshop (at most 40 and 12).": (
        "Zu viele Deskriptoren oder Varianten für eine Werkstatt (höchstens 40 und 12)."
    ),
    "The project already has influencing factors: a ScenarioWizard file is imported into a "
    "project without factors.": (
        "Das Projekt hat schon Einflussfaktoren: Eine ScenarioWizard-Datei wird in ein Projekt "
        "ohne Einflussfaktoren übernommen."
    ),
    "A factor with this name already exists.": (
        "Einen Einflussfaktor mit diesem Namen gibt es schon (Groß- und Kleinschreibung "
        "zählen nicht)."
    ),
    "Only the facilitator removes a key factor.": (
        "Einen Schlüsselfaktor entfernt nur die Szenario-Begleitung."
    ),
    "A published scenario is not changed: withdraw it first.": (
        "Ein veröffentlichtes Szenario wird nicht geändert: Bitte zuerst zurückziehen."
    ),
    "A published scenario is not deleted: withdraw it first.": (
        "Ein veröffentlichtes Szenario wird nicht gelöscht: Bitte zuerst zurückziehen."
    ),
    "Only a published scenario is withdrawn.": (
        "Nur ein veröffentlichtes Szenario kann zurückgezogen werden."
    ),
    "A published topic is not changed: withdraw it first.": (
        "Ein veröffentlichtes Vertiefungsthema wird nicht geändert: Bitte zuerst zurückziehen."
    ),
    "Only a published topic is withdrawn.": (
        "Nur ein veröffentlichtes Vertiefungsthema kann zurückgezogen werden."
    ),
    "Version not found.": "Diese Fassung der Matrix gibt es nicht.",
    "Unknown kind of matrix.": "Unbekannte Art von Matrix.",
    "You have no ratings in this matrix.": "Du hast in dieser Matrix keine Bewertungen.",
    "Not a version of this project.": "Keine Fassung einer Matrix dieses Projekts.",
    "Criterion not found.": "Dieses Bewertungskriterium gibt es nicht.",
    "A criterion with this name already exists.": (
        "Ein Bewertungskriterium mit diesem Namen gibt es schon."
    ),
    "A project has at most {limit} own criteria.": (
        "Ein Projekt hat höchstens {limit} eigene Bewertungskriterien."
    ),
}
