"""English pages in tests (imported as ``english_support``): the German texts of the page
catalogue (gateway/translations/en.json) that must not stand on a page asked for in English.
Pure: HTML in, leftovers out."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "gateway" / "translations" / "en.json"
READ = {"aria-label", "title", "alt", "placeholder"}  # what a screen reader reads, too
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def _german_texts() -> list[str]:
    """Every German text (or the literal part of one around its placeholders) that reads
    differently in English: long enough and with a space, so that it is a phrase, not a name
    ("Newsletter", "Musterstadt"), and found in no English text (the English of the account
    deletion quotes "Gelöschtes Konto")."""
    english = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    every_english = "\n".join(english.values())
    found = set()
    for german, text in english.items():
        if german == text:
            continue
        for part in PLACEHOLDER.split(" ".join(german.split())):
            part = part.strip(' .,:;!?–-()„“"')
            if len(part) >= 12 and " " in part and part not in every_english:
                found.add(part)
    return sorted(found)


GERMAN = _german_texts()


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class _English(HTMLParser):
    """The text and read labels of a page, without what is marked German on purpose
    (``lang="de"``: the footer's "Leichte Sprache" is the offer's German name) and without
    scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[bool] = []  # per open element: is it skipped?

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        skipped = (
            bool(self.open and self.open[-1])
            or tag in ("script", "style")
            or ((named.get("lang") or "").startswith("de") and tag != "html")
        )
        if not skipped:
            self.parts.extend(
                f" {value} " for key, value in attrs if key in READ and value is not None
            )
        if tag not in VOID:
            self.open.append(skipped)
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.open:
            self.open.pop()
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not (self.open and self.open[-1]):
            self.parts.append(data)


def readable(page_html: str) -> str:
    """What a person reads or hears on the page, whitespace folded."""
    parser = _English()
    parser.feed(page_html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def german_left(page_html: str) -> list[str]:
    """The catalogue's German texts on a page that should be English."""
    text = readable(page_html)
    return [german for german in GERMAN if german in text]
