"""What a person reads, checked for leftovers of the code: ``snake_case`` keys
(``in_discussion``, ``starts_at``), unfilled placeholders (``%(name)s``, ``{name}``, ``{{``,
``None``, ``undefined``) and ISO times (``2026-12-04T14:45:50.472443+00:00``). Pure: text in,
findings out; the demo scan (tests/integration) feeds it pages, mails and exports, and a unit
test shows that it finds what it should."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# A code word: lower-case parts joined by underscores (``starts_at``, ``by_category``).
SNAKE_CASE = re.compile(r"(?<![\w@./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])")
PLACEHOLDERS = re.compile(
    r"%\(\w+\)[sd]"  # printf-style, gettext's named form
    r"|\{\w*\}"  # str.format
    r"|\{\{|\}\}"  # Jinja's, left in the text
    r"|\bNone\b|\bundefined\b"  # Python's and JavaScript's "nothing", printed
)
# A machine's time where a German reader expects "04.12.2026, 15:45" (or "04.12.2026").
ISO_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\b")
# Legitimate text that may look like a key, removed before the scan:
ALLOWED = re.compile(
    # web addresses: paths, query strings and tokens (base64url has "_") are no words
    r"(?:https?://|www\.)\S+"
    # e-mail addresses: a local part may carry "_" (max_mustermann@example.org)
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    # a site-relative path printed as text (e.g. "/stadt/musterstadt/ideen")
    r"|(?<!\w)/[\w\-./?=&%]+"
)
# Elements whose content nobody reads as text.
_HIDDEN = {"script", "style", "template"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}  # fmt: skip


class _Text(HTMLParser):
    """The text of a page as a reader gets it: no tags, no attributes, no scripts or styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
        if tag not in _VOID:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and self._hidden:
            self._hidden -= 1
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def page_text(html: str) -> tuple[str, list[str]]:
    """The visible text of an HTML page and the targets of its links."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split()), parser.links


def findings(text: str, codes: frozenset[str] = frozenset()) -> list[str]:
    """Each leftover in ``text`` with a little of its context, e.g. ``…(starts_at, ends_at)…``.

    ``codes``: one-word codes (``environment``, ``proposed``) that must not stand in a German
    text either; a German text does not use these English words in lower case."""
    cleaned = ALLOWED.sub(" ", text)
    found = []
    patterns = [SNAKE_CASE, PLACEHOLDERS, ISO_TIME]
    if codes:
        words = "|".join(sorted(codes))
        patterns.append(re.compile(rf"(?<![\w-])(?:{words})(?![\w-])"))
    for pattern in patterns:
        for match in pattern.finditer(cleaned):
            start, end = max(match.start() - 40, 0), min(match.end() + 40, len(cleaned))
            found.append(f"{match.group(0)!r} in …{' '.join(cleaned[start:end].split())}…")
    return found
