"""The search index's pure parts (services/kit/search_index.py): which query term the database
filters by plain equality and the filter on terms, an entry's stored
fields and key, and ranking with snippets cut only for the page shown. The query as sent to
the database is checked in tests/integration/kit/test_kit_search_index.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.kit import search_index as si
from services.kit import search_terms as st


def test_pivot_is_the_longest_term_first_among_equals() -> None:
    assert si.pivot_term(["stadt", "sonderwort7", "baum"]) == "sonderwort7"
    assert si.pivot_term(["radweg", "schule"]) == "radweg"  # equal length: the first typed
    assert si.pivot_term(["kino"]) == "kino"


def test_one_term_is_a_plain_equality_more_terms_add_all() -> None:
    assert si.term_filter(["radweg"]) == {"terms": "radweg"}
    assert si.term_filter(["baum", "radweg"]) == {
        "terms": {"$eq": "radweg", "$all": ["baum", "radweg"]}
    }


def test_entry_key_and_fields() -> None:
    assert si._key("musterstadt", "idea", "abc") == "musterstadt:idea:abc"
    fields = si.entry_fields(
        "idea", "abc", "Radwege zur Schule", "x" * 3000, None, status="proposed"
    )
    assert fields["terms"] == sorted(set(fields["terms"]))
    assert {"radweg", "schul"} <= set(fields["title_terms"]) <= set(fields["terms"])
    assert len(fields["text"]) == si.STORED_TEXT
    assert fields["status"] == "proposed" and fields["kind"] == "idea"
    assert si.entry_fields("talk", "t", "")["title"] == "—"


def _entry(n: int, title: str, text: str, at: datetime) -> dict[str, object]:
    """A stored row as the database returns it (fields left unset are absent)."""
    return {
        "_id": f"musterstadt:idea:id{n}",
        "kind": "idea",
        "ref_id": f"id{n}",
        "title": title,
        "text": text,
        "title_terms": st.document_terms(title)[1],
        "at": at,
    }


def test_ranked_best_first_and_snippets_only_for_the_page() -> None:
    now = datetime(2026, 12, 6, tzinfo=UTC)
    found = [
        _entry(0, "Markt", "Ein Radweg am Markt.", now),
        _entry(1, "Radwege", "Radwege, Radwege.", now - timedelta(days=1)),
        _entry(2, "Markt", "Noch ein Radweg.", now - timedelta(days=2)),
    ]
    hits = si.ranked(found, ["radweg"], page=2)
    assert [h["id"] for h in hits] == ["id1", "id0", "id2"]  # title first; then the newest
    assert hits[0]["score"] > hits[1]["score"] == hits[2]["score"]
    assert ("Radweg", True) in hits[1]["snippet"]
    assert hits[0]["title_marked"] == [("Radwege", True)]
    assert "snippet" not in hits[2] and "title_marked" not in hits[2]
    assert all("_text" not in h for h in hits)
    assert hits[0]["status"] is None and hits[0]["at"] == "2026-12-05T00:00:00+00:00"
