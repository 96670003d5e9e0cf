"""German texts of the kit's own messages that are not in ``services.kit.i18n`` (which reads
this table when it is imported)."""

GERMAN: dict[str, str] = {
    "Repeat the city's slug to confirm.": "Wiederhole zur Bestätigung den Kurznamen der Stadt.",
}
