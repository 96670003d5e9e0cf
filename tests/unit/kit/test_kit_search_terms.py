"""German search terms (services/kit/search_terms.py): inflections meet, umlauts and ß fold the
same way on both sides, and a query is words, never a pattern."""

from __future__ import annotations

import pytest

from services.kit import search_terms as st


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Radwege", "Radweg"),
        ("Radwegen", "Radweg"),
        ("Straße", "Strasse"),
        ("Straßen", "STRASSE"),
        ("Bäume", "Baume"),
        ("Bäume", "Baeume"),
        ("Bäumen", "Baum"),
        ("Spielplätze", "Spielplatz"),
        ("Fußgänger", "Fussgaenger"),
        ("Grünflächen", "Gruenflaeche"),
        ("Bürgerinitiativen", "Bürgerinitiative"),
        ("Café", "Cafe"),
    ],
)
def test_inflections_and_spellings_meet(one: str, other: str) -> None:
    assert st.query_terms(one) == st.query_terms(other)
    assert st.query_terms(one)[0] in st.document_terms(other)[0]


def test_distinct_words_stay_distinct() -> None:
    assert st.query_terms("Radweg") != st.query_terms("Rathaus")
    assert st.query_terms("Schule") != st.query_terms("Schulden")


def test_terms_fold_umlauts_and_sharp_s() -> None:
    assert st.query_terms("Straße") == ["strass"]
    assert st.query_terms("Bäume") == ["baum"]


def test_regex_and_control_characters_are_not_words() -> None:
    assert st.query_terms(".*") == []
    assert st.query_terms("(a+)+$") == ["a"]
    assert st.query_terms("Rad\x00weg\x1b[31m") == st.query_terms("Rad weg 31m")
    assert st.query_terms("<script>alert(1)</script>") == ["script", "alert", "1"]
    assert st.query_terms("Radweg|Spielplatz") == ["radweg", "spielplatz"]


def test_a_long_query_is_cut_and_bounded() -> None:
    terms = st.query_terms("Radweg " * 10_000 + "".join(f"wort{i} " for i in range(100)))
    assert terms == ["radweg"]  # only the first MAX_QUERY_CHARS are read
    many = st.query_terms(" ".join(f"a{i}" for i in range(50)))
    assert len(many) == st.MAX_QUERY_TERMS
    assert all(len(t) <= st.MAX_TERM_CHARS for t in st.query_terms("x" * 500))


def test_stopwords_and_repeats_dropped() -> None:
    assert st.query_terms("der Radweg und die Radwege") == ["radweg"]
    assert st.query_terms("und der die") == []


def test_document_terms_keep_title_apart() -> None:
    terms, title = st.document_terms("Neue Radwege", "Mehr Bäume an der Straße")
    assert title == ["neu", "radweg"]
    assert {"baum", "strass", "radweg", "mehr"} <= set(terms)


def test_score_prefers_title_hits() -> None:
    wanted = st.query_terms("Radweg")
    in_title = st.score(wanted, st.document_terms("Radweg am Fluss")[1], "Radweg am Fluss")
    in_text = st.score(wanted, st.document_terms("Am Fluss")[1], "Am Fluss ein Radweg")
    assert in_title > in_text > 0
    spam = st.score(wanted, [], "Radweg " * 100)
    assert spam == 5  # repeats are capped


def test_snippet_marks_inflected_hits_and_is_plain_text() -> None:
    text = "Einleitung. " * 30 + "Wir wünschen uns sichere Radwege zur <b>Schule</b>. Danke."
    pieces = st.snippet(text, st.query_terms("Radweg"))
    assert ("Radwege", True) in pieces
    joined = "".join(p for p, _ in pieces)
    assert joined.startswith("… ") and "<b>Schule</b>" in joined
    assert len(joined) <= st.SNIPPET_CHARS + 6
    assert st.snippet("", ["radweg"]) == []
    title = "Sichere Radwege zur Grundschule"
    whole = st.snippet(title, st.query_terms("Grundschulen"), len(title) + 1)
    assert whole == [("Sichere Radwege zur ", False), ("Grundschule", True)]
