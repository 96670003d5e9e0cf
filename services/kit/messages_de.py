"""German texts of the kit's own messages that are not in ``services.kit.i18n`` (read
automatically, like every service's ``messages_de``)."""

GERMAN: dict[str, str] = {
    "Repeat the city's slug to confirm.": "Wiederhole zur Bestätigung den Kurznamen der Stadt.",
}
