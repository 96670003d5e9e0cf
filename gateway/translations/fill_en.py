"""Fill the English catalogue: ``python gateway/translations/fill_en.py`` after extracting.

German is the source language of the pages; ``en.json`` next to this script is the English of
every text (German text → English text; one JSON object, so the table is data, not code). A
text missing there fails ``tests/unit/gateway/test_translations.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).parent
ENGLISH: dict[str, str] = json.loads((HERE / "en.json").read_text(encoding="utf-8"))

if __name__ == "__main__":
    path = HERE / "en" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if message.id and message.id in ENGLISH:
            message.string = ENGLISH[message.id]
            message.flags.discard("fuzzy")  # our own English: gettext skips fuzzy entries
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100)
