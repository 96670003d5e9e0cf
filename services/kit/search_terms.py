"""German-aware search terms: text in, index terms out (pure: no I/O, no database).

One function turns a document and a query into terms the same way, so whatever a person
types matches what was written: "Radwege" and "Radweg" both become ``radweg``; "Straße" and
"Strasse" ``strass``; "Bäume", "Baeume" and "Baume" ``baum``. The stemmer is Snowball's German
algorithm through PyStemmer (the C build of the Snowball project's own code): it folds ß to
ss and ä/ö/ü to a/o/u itself, and since Snowball 3 it reads ae/oe/ue as umlauts, so both
spellings meet. Letters with other marks (é, ç) are folded after stemming.

A query is never a pattern: it is cut into words (``[^\\W_]+``), and only those words, stemmed,
are compared for equality with stored terms. Regex characters, control characters and markup
simply are not words.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

import Stemmer

MAX_QUERY_CHARS = 200  # a longer query is cut here (a search box, not a document)
MAX_QUERY_TERMS = 8
MAX_TERM_CHARS = 40  # longer "words" are noise (hashes, links); cut, still matchable
SNIPPET_CHARS = 180

_WORD = re.compile(r"[^\W_]+")
# Words so common that requiring them would only lose hits; checked before stemming.
STOPWORDS = frozenset(
    [
        "aber",
        "als",
        "am",
        "an",
        "auch",
        "auf",
        "aus",
        "bei",
        "bin",
        "bis",
        "das",
        "dass",
        "dem",
        "den",
        "der",
        "des",
        "die",
        "dies",
        "diese",
        "doch",
        "du",
        "ein",
        "eine",
        "einem",
        "einen",
        "einer",
        "eines",
        "er",
        "es",
        "fur",
        "für",
        "hat",
        "ich",
        "ihr",
        "im",
        "in",
        "ist",
        "ja",
        "mit",
        "nach",
        "nicht",
        "noch",
        "nur",
        "oder",
        "sich",
        "sie",
        "so",
        "und",
        "uns",
        "von",
        "vor",
        "war",
        "was",
        "wie",
        "wir",
        "zu",
        "zum",
        "zur",
        "uber",
        "über",
    ]
)

_stemmer = Stemmer.Stemmer("german")


_GERMAN = frozenset("äöüß")


def _fold_marks(word: str) -> str:
    """é → e, ç → c before stemming, so "Café" meets "Cafe"; ä/ö/ü/ß stay for the stemmer,
    whose rules know them (it folds them itself)."""
    if word.isascii():
        return word
    out = []
    for char in word:
        if char in _GERMAN:
            out.append(char)
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


def words(text: str) -> list[str]:
    """The words of a text, lower-cased and normalised (NFKC, so full-width letters count)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text or "").lower())


def stem(word: str) -> str:
    # Only the word's first MAX_TERM_CHARS count: the cache is keyed on them, so a text of
    # very long "words" cannot make the cache's keys grow with it.
    return _stem_cut(word[:MAX_TERM_CHARS])


@functools.lru_cache(maxsize=65536)
def _stem_cut(word: str) -> str:
    # Cached: a search scores up to 500 hits by stemming their texts again, and a city's
    # texts share a vocabulary of a few thousand words (bench/search.py: 220 → ~10 ms).
    return _stemmer.stemWord(_fold_marks(word))


def terms(text: str) -> list[str]:
    """Every term of a text, in order, repeats kept (for counting)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def query_terms(query: str) -> list[str]:
    """The distinct terms of what a person typed, at most ``MAX_QUERY_TERMS``; cut and
    cleaned first, so a hostile query costs no more than a short one."""
    text = (query or "")[:MAX_QUERY_CHARS]
    if len(query or "") > MAX_QUERY_CHARS and _WORD.match(query[MAX_QUERY_CHARS]):
        text = re.sub(r"[^\W_]+$", "", text)  # a word cut in two is no word
    seen: list[str] = []
    for term in terms(text):
        if term and term not in seen:
            seen.append(term)
    return seen[:MAX_QUERY_TERMS]


def document_terms(title: str, *texts: str) -> tuple[list[str], list[str]]:
    """(all distinct terms, the title's distinct terms) of one document, for its index entry."""
    title_terms = sorted(set(terms(title)))
    body: set[str] = set(title_terms)
    for text in texts:
        body.update(terms(text))
    return sorted(body), title_terms


def score(wanted: Iterable[str], title_terms: Iterable[str], text: str) -> float:
    """Rank of a hit: a query term in the title counts three, each time in the text one
    (capped, so repeating a word does not buy the top place)."""
    titles = set(title_terms)
    counts: dict[str, int] = {}
    for term in terms(text):
        counts[term] = counts.get(term, 0) + 1
    return float(sum(3 * (t in titles) + min(counts.get(t, 0), 5) for t in wanted))


def snippet(text: str, wanted: Iterable[str], size: int = SNIPPET_CHARS) -> list[tuple[str, bool]]:
    """A short passage around the first hit, as (piece, is_hit) pairs for the page to mark
    (the page escapes each piece; nothing here is markup)."""
    text = " ".join((text or "").split())
    want = set(wanted)
    matches = list(re.finditer(r"[^\W_]+", text))
    first = next((m for m in matches if stem(m.group().lower()) in want), None)
    # A text that fits is shown whole; a longer one from a little before the first hit.
    start = 0 if len(text) <= size else max(0, (first.start() if first else 0) - size // 3)
    if start:  # begin at a word
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = min(len(text), start + size)
    pieces: list[tuple[str, bool]] = [("… ", False)] if start else []
    at = start
    for m in matches:
        if m.start() < start or m.end() > end:
            continue
        if stem(m.group().lower()) in want:
            if m.start() > at:
                pieces.append((text[at : m.start()], False))
            pieces.append((m.group(), True))
            at = m.end()
    if end > at:
        pieces.append((text[at:end], False))
    if end < len(text):
        pieces.append((" …", False))
    return pieces
