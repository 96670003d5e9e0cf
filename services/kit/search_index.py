"""A service's own token index of its public documents, and the search over it.

FerretDB has no ``$text``; so each service keeps one entry per public document (talk, idea,
topic, scenario, comment …) with its German terms (``search_terms``), and a search asks for
the entries of one city holding every term of the query (``$all`` on equal strings: nothing a
person typed is ever a pattern). Ranking and snippets are computed here from the few hits.

A handler keeps the index in step in the same handler as its write, in one line:

    self.search_index.put(city, "idea", str(idea.id), idea.title, idea.description,
                          status=idea.status)
    self.search_index.drop(city, "idea", idea_id)        # hidden, withdrawn, deleted

Only public content goes in: a hidden or withdrawn thing is dropped, never flagged.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mongoengine import DateTimeField, ListField, StringField

from services.kit import search_terms
from services.kit.tenancy import TenantDocument

STORED_TEXT = 2000  # what a snippet is cut from (the full text stays in the document itself)
MAX_HITS = 500  # ranked in Python: a query matching more is too broad to read anyway
PAGE = 50


def _now() -> datetime:
    return datetime.now(UTC)


def _key(city: str, kind: str, ref_id: str) -> str:
    return f"{city}:{kind}:{ref_id}"


def search_entry_document(alias: str, module: str) -> type[TenantDocument]:
    """The service's ``SearchEntry`` (collection ``search_entries``) under its database alias."""
    attrs = {
        "__module__": module,
        "__doc__": "One public document in the service's search index (services/kit/search_index).",
        # "<city>:<kind>:<ref_id>": a write finds its entry by _id, the one filter FerretDB
        # serves from an index (any other filter scans: measured 75 ms per upsert at 3,000).
        "id": StringField(primary_key=True, max_length=200),
        "kind": StringField(required=True, max_length=20),
        "ref_id": StringField(required=True, max_length=64),
        "title": StringField(required=True, max_length=300),
        "text": StringField(max_length=STORED_TEXT, default=""),
        "terms": ListField(StringField(max_length=64)),
        "title_terms": ListField(StringField(max_length=64)),
        "status": StringField(max_length=40),  # a filter where the kind has one (idea status)
        "parent_id": StringField(max_length=64),  # a comment's target, for its link
        "parent_kind": StringField(max_length=20),
        "at": DateTimeField(default=_now),
        "meta": {
            "db_alias": alias,
            "collection": "search_entries",
            "indexes": [
                ("city", "kind", "ref_id"),
                ("city", "terms"),  # multikey on MongoDB; FerretDB scans the city's entries
            ],
        },
    }
    return type("SearchEntry", (TenantDocument,), attrs)


class SearchIndex:
    """Writes and reads one service's ``SearchEntry`` collection."""

    def __init__(self, entry: type[TenantDocument]) -> None:
        self.entry = entry

    def put(
        self,
        city: str,
        kind: str,
        ref_id: str,
        title: str,
        *texts: str | None,
        status: str | None = None,
        parent_kind: str | None = None,
        parent_id: str | None = None,
    ) -> None:
        """Add or replace the entry of one public document (idempotent)."""
        body = [t for t in texts if t]
        all_terms, title_terms = search_terms.document_terms(title or "", *body)
        self.entry.scoped(city, id=_key(city, kind, ref_id)).update_one(
            upsert=True,
            set__kind=kind,
            set__ref_id=ref_id,
            set__title=(title or "—")[:300],
            set__text=" ".join(body)[:STORED_TEXT],
            set__terms=all_terms,
            set__title_terms=title_terms,
            set__status=status,
            set__parent_kind=parent_kind,
            set__parent_id=parent_id,
            set__at=_now(),
        )

    def drop(self, city: str, kind: str, ref_id: str) -> None:
        self.entry.scoped(city, id=_key(city, kind, ref_id)).delete()

    def clear(self, city: str, kinds: tuple[str, ...]) -> int:
        """Remove a city's entries of these kinds (before a reindex)."""
        return int(self.entry.scoped(city, kind__in=list(kinds)).delete())

    def search(
        self,
        city: str,
        query: str,
        kinds: list[str] | None = None,
        status: str | None = None,
    ) -> dict[str, Any]:
        """The city's entries holding every term of the query, best first (at most ``PAGE``).

        Each hit: kind, id, title, snippet pieces, score, status, parent; ``total`` counts all
        hits (up to ``MAX_HITS``)."""
        wanted = search_terms.query_terms(query)
        if not wanted:
            return {"terms": [], "total": 0, "results": []}
        filters: dict[str, Any] = {"terms__all": wanted}
        if kinds:
            filters["kind__in"] = [k for k in kinds if isinstance(k, str)][:10]
        if status:
            filters["status"] = str(status)[:40]
        # The term lists stay in the database: the hits need only titles and text.
        found = self.entry.scoped(city, **filters).exclude("terms").limit(MAX_HITS)
        hits = []
        for entry in found:
            text = f"{entry.title} {entry.text}"
            hits.append(
                {
                    "kind": entry.kind,
                    "id": entry.ref_id,
                    "title": entry.title,
                    # the title as pieces too, its hits marked (the whole title: no cut)
                    "title_marked": search_terms.snippet(entry.title, wanted, len(entry.title) + 1),
                    "snippet": search_terms.snippet(entry.text or entry.title, wanted),
                    "score": search_terms.score(wanted, entry.title_terms, text),
                    "status": entry.status,
                    "parent_kind": entry.parent_kind,
                    "parent_id": entry.parent_id,
                    "at": entry.at.isoformat() if entry.at else None,
                }
            )
        hits.sort(key=lambda h: h["at"] or "", reverse=True)  # newest first among equals
        hits.sort(key=lambda h: h["score"], reverse=True)
        return {"terms": wanted, "total": len(hits), "results": hits[:PAGE]}
