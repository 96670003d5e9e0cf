"""German texts of the dialogue service's messages, handed to ``services.kit.i18n`` by
the package's ``__init__``."""

GERMAN: dict[str, str] = {
    "City not found.": "Stadt nicht gefunden.",
    "Talk not found.": "Tischgespräch nicht gefunden.",
    "Topic not found.": "Thema nicht gefunden.",
    "Idea not found.": "Idee nicht gefunden.",
    "Invitation not found.": "Einladung nicht gefunden.",
    "Only the host may do this.": "Das darf nur die Gastgeberin oder der Gastgeber.",
    "No topic with this id in this city.": "Diese Stadt hat kein Thema mit dieser Kennung.",
    "The end must be after the start.": "Das Ende muss nach dem Beginn liegen.",
    "A talk lasts at most 24 hours.": "Ein Tischgespräch dauert höchstens 24 Stunden.",
    "A talk in person needs an address and a district.": (
        "Ein Gespräch vor Ort braucht eine Adresse und einen Stadtteil."
    ),
    "A talk in person needs an address.": (
        "Adresse fehlt: Ein Gespräch vor Ort braucht eine Adresse, damit die Gäste hinfinden."
    ),
    "A talk in person needs a district.": (
        "Stadtteil fehlt: Ein Gespräch vor Ort braucht einen Stadtteil; er erscheint in der Liste."
    ),
    "An online talk needs a link.": (
        "Link fehlt: Ein Online-Gespräch braucht einen Link zum Online-Treffen."
    ),
    "The start must lie in the future.": "Der Beginn muss in der Zukunft liegen.",
    "A talk may start at most two years ahead.": (
        "Ein Tischgespräch darf höchstens zwei Jahre im Voraus beginnen."
    ),
    "Seats above this capacity are taken; it can only be lowered to free seats.": (
        "Plätze oberhalb dieser Platzzahl sind vergeben; sie lässt sich nur bis zu freien "
        "Plätzen senken."
    ),
    "The talk was cancelled.": "Das Tischgespräch wurde abgesagt.",
    "The talk is over.": "Das Tischgespräch ist schon vorbei.",
    "The talk has begun; joining is no longer possible.": (
        "Das Tischgespräch hat schon begonnen; anmelden kann man sich nicht mehr."
    ),
    "This talk is by invitation only.": "Zu diesem Tischgespräch kommt man nur mit Einladung.",
    "This invitation is for another talk.": "Diese Einladung gilt für ein anderes Gespräch.",
    "The invitation was revoked.": "Die Einladung wurde zurückgezogen.",
    "This registration was cancelled; the link is no longer valid.": (
        "Diese Anmeldung wurde zurückgenommen; der Link ist nicht mehr gültig."
    ),
    "You host this talk.": "Du bist Gastgeberin oder Gastgeber dieses Gesprächs.",
    "Account not found.": "Konto nicht gefunden.",
    "The draft is too long.": "Der Entwurf ist zu lang.",
    "Not a guiding question of the talk's topic.": "Keine Leitfrage des Themas dieses Gesprächs.",
    "A talk is documented once it has begun.": (
        "Ein Tischgespräch wird dokumentiert, sobald es begonnen hat."
    ),
    "This talk is documented already.": "Dieses Tischgespräch ist schon dokumentiert.",
    "No documented talk with this id in this city.": (
        "In dieser Stadt gibt es kein dokumentiertes Tischgespräch mit dieser Kennung."
    ),
    "This idea is closed.": "Diese Idee ist abgeschlossen.",
    "An idea cannot move from {current} to {target}.": (
        "Eine Idee kann nicht von {current} zu {target} wechseln."
    ),
    "Must be one of: table_talk, scenario_conversation.": (
        "Muss einer dieser Werte sein: table_talk, scenario_conversation."
    ),
    "Agree to the privacy notice to join as a guest.": (
        "Bitte stimme der Datenschutzerklärung zu, um als Gast teilzunehmen."
    ),
    "Too many comments in a short time: wait a minute.": (
        "Zu viele Kommentare in kurzer Zeit: Bitte warte eine Minute."
    ),
    "Too many comments today: at most 50 a day.": (
        "Zu viele Kommentare heute: höchstens 50 am Tag."
    ),
    "A reply cannot be answered; answer the comment above it.": (
        "Auf eine Antwort kann nicht geantwortet werden; antworte auf den Kommentar darüber."
    ),
    "A comment can be changed only in the first 15 minutes.": (
        "Ein Kommentar kann nur in den ersten 15 Minuten geändert werden."
    ),
    "Nothing to comment on with this id in this city.": (
        "Hier gibt es nichts zu kommentieren: Diese Stadt hat nichts mit dieser Kennung."
    ),
    "Comment not found.": "Kommentar nicht gefunden.",
    "Only the author may change a comment.": (
        "Nur wer den Kommentar geschrieben hat, darf ihn ändern."
    ),
    "Only its members may act for this organisation.": (
        "Im Namen dieser Organisation dürfen nur ihre Mitglieder handeln (eingetragen im "
        "eigenen Konto oder in einer Arbeitsgruppe der Stadt)."
    ),
    "The city has hidden this organisation: nobody can act in its name here.": (
        "Die Stadt hat diese Organisation ausgeblendet: In ihrem Namen kann hier niemand handeln."
    ),
    "Organisation not found.": "Organisation nicht gefunden.",
    "No district with this name in this city: choose one from the list.": (
        "Diesen Stadtteil gibt es in dieser Stadt nicht: Bitte wähle einen aus der Liste."
    ),
    "One can follow an idea, a talk, a topic or a city.": (
        "Folgen kann man einer Projektidee, einem Tischgespräch, einem Thema oder einer Stadt."
    ),
    "Nothing to follow with this id in this city.": (
        "Hier gibt es nichts zu folgen: Diese Stadt hat nichts mit dieser Kennung."
    ),
    "Notification not found.": "Benachrichtigung nicht gefunden.",
}
