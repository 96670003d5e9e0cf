"""The Leichte-Sprache page keeps the rules a machine can check (BITV 2.0 § 4, Netzwerk
Leichte Sprache): one sentence per line, short sentences, long compounds with a hyphen, no
passive, no abbreviations, no negation. Meaning and tone need a person (and, for a city going
live, a check by readers of the target group)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

TEMPLATE = Path(__file__).parents[3] / "gateway" / "templates" / "leichte_sprache.html"
MAX_WORDS = 12
MAX_UNHYPHENATED = 13  # letters; "Barrierefreiheit" (16) must be "Barriere-Freiheit"
PASSIVE = {"wird", "werden", "wurde", "wurden", "worden"}
NEGATION = {"nicht", "kein", "keine", "keinen", "keiner", "keinem", "nie", "niemals", "nichts"}
ABBREVIATION = re.compile(
    r"\b(z|d|u|bzw|usw|ca|ggf|evtl|etc|bspw|vgl|Nr|Abs|inkl)\.|\b[A-ZÄÖÜ]{2,}\b"
)
SENTENCE_END = re.compile(r"[.?!:]$")


class _Lines(HTMLParser):
    """The text of every paragraph inside the ``easy-read`` block."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self._inside = 0
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if ("class", "easy-read") in attrs:
            self._inside = 1
        elif self._inside and tag == "div":
            self._inside += 1
        if self._inside and tag == "p":
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if self._inside and tag == "p" and self._text is not None:
            self.lines.append(" ".join("".join(self._text).split()))
            self._text = None
        elif self._inside and tag == "div":
            self._inside -= 1

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def easy_read_lines(template: str) -> list[str]:
    without_jinja = re.sub(r"\{[{%#].*?[}%#]\}", " ", template, flags=re.S)
    parser = _Lines()
    parser.feed(without_jinja)
    return parser.lines


def rule_breaks(line: str) -> list[str]:
    """Which rules one line breaks (empty: none)."""
    broken = []
    words = re.findall(r"[\wÄÖÜäöüß-]+", line)
    if not SENTENCE_END.search(line) or re.search(r"[.?!]\s+\S", line):
        broken.append("one sentence per line")
    if len(words) > MAX_WORDS:
        broken.append(f"at most {MAX_WORDS} words")
    lower = {w.lower() for w in words}
    if lower & PASSIVE:
        broken.append("no passive")
    if lower & NEGATION:
        broken.append("no negation")
    if ABBREVIATION.search(line):
        broken.append("no abbreviations")
    if any(len(w) > MAX_UNHYPHENATED and "-" not in w for w in words):
        broken.append("long compounds with a hyphen")
    return broken


def test_the_page_has_text_in_every_section() -> None:
    lines = easy_read_lines(TEMPLATE.read_text(encoding="utf-8"))
    assert len(lines) > 60
    text = " ".join(lines)
    for topic in ("Tisch-Gespräch", "Schritt 5", "Start-Seite", "Erklärung", "Barriere melden"):
        assert topic in text


def test_every_line_keeps_the_rules() -> None:
    lines = easy_read_lines(TEMPLATE.read_text(encoding="utf-8"))
    broken = {line: rule_breaks(line) for line in lines if rule_breaks(line)}
    assert broken == {}


def test_the_check_finds_a_hard_sentence() -> None:
    hard = "Die Barrierefreiheit wird z. B. von der BITV nicht immer vollständig erreicht."
    assert set(rule_breaks(hard)) == {
        "one sentence per line",  # "z. B." ends a sentence in the middle
        "no passive",
        "no negation",
        "no abbreviations",
        "long compounds with a hyphen",
    }
    assert rule_breaks("Eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn.")
    assert rule_breaks("Sie melden eine Barriere.") == []
