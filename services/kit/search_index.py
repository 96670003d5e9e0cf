"""A service's own token index of its public documents, and the search over it.

FerretDB has no ``$text``; so each service keeps one entry per public document (talk, idea,
topic, scenario, comment …) with its German terms (``search_terms``), and a search asks for
the entries of one city holding every term of the query (``$all`` on equal strings: nothing a
person typed is ever a pattern). Ranking and snippets are computed here from the few hits.

Speed on FerretDB (docs/performance.md, "Search"): FerretDB v1.24 on PostgreSQL writes only
plain equalities into SQL (``_jsonb->'terms' @> '"radweg"'``, which holds for an array that
contains the term) and filters every operator such as ``$all`` or ``$in`` in Go after decoding
each document. So the query names one term twice, as an equality the database can apply
(``pivot_term``) and inside ``$all``: PostgreSQL hands FerretDB only the entries holding the
pivot, not the whole collection (a rare word at 10,000 entries: 1.4 s → 52 ms). MongoDB
serves the same filter from the ``(city, terms)`` multikey index.

A handler keeps the index in step in the same handler as its write, in one line:

    self.search_index.put(city, "idea", str(idea.id), idea.title, idea.description,
                          status=idea.status)
    self.search_index.drop(city, "idea", idea_id)        # hidden, withdrawn, deleted

Only public content goes in: a hidden or withdrawn thing is dropped, never flagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


def pivot_term(wanted: list[str]) -> str:
    """The query term the database filters by equality: the longest stem, first among equals.

    Why the longest: short stems are the common words of a city ("stadt", "jahr", "leb"),
    long ones the specific ("sonderwort", "schwimmbad"); a rarer pivot means fewer entries
    decoded. A heuristic without statistics (counts kept per term would be updated in place,
    which FerretDB does not do atomically); a wrong guess costs time, never a hit."""
    return max(wanted, key=len)


def term_filter(wanted: list[str]) -> dict[str, Any]:
    """The filter on ``terms`` for a query's (non-empty, distinct) terms: every term held, and
    the pivot also as a plain equality, the one form FerretDB pushes into SQL."""
    pivot = pivot_term(wanted)
    if len(wanted) == 1:
        return {"terms": pivot}
    return {"terms": {"$eq": pivot, "$all": list(wanted)}}


def entry_fields(
    kind: str,
    ref_id: str,
    title: str,
    *texts: str | None,
    status: str | None = None,
    parent_kind: str | None = None,
    parent_id: str | None = None,
) -> dict[str, Any]:
    """The stored fields of one entry (besides ``_id`` and ``city``), terms made here."""
    body = [t for t in texts if t]
    all_terms, title_terms = search_terms.document_terms(title or "", *body)
    return {
        "kind": kind,
        "ref_id": ref_id,
        "title": (title or "—")[:300],
        "text": " ".join(body)[:STORED_TEXT],
        "terms": all_terms,
        "title_terms": title_terms,
        "status": status,
        "parent_kind": parent_kind,
        "parent_id": parent_id,
        "at": _now(),
    }


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
                # multikey on MongoDB; FerretDB has it too but PostgreSQL cannot use it for
                # its @> filter: there the pivot equality narrows a scan done in SQL
                ("city", "terms"),
            ],
        },
    }
    return type("SearchEntry", (TenantDocument,), attrs)


class SearchIndex:
    """Writes and reads one service's ``SearchEntry`` collection."""

    # the filter on terms (bench/search.py swaps in the former plain ``$all`` to compare)
    term_filter = staticmethod(term_filter)

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
        fields = entry_fields(
            kind, ref_id, title, *texts, status=status, parent_kind=parent_kind, parent_id=parent_id
        )
        self.entry.scoped(city, id=_key(city, kind, ref_id)).update_one(
            upsert=True, **{f"set__{name}": value for name, value in fields.items()}
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
        hits = ranked(self.matching(city, wanted, kinds, status), wanted)
        return {"terms": wanted, "total": len(hits), "results": hits[:PAGE]}

    def matching(
        self,
        city: str,
        wanted: list[str],
        kinds: list[str] | None = None,
        status: str | None = None,
    ) -> Any:
        """The query for the city's entries holding every term (at most ``MAX_HITS``). Its
        filter stays flat, ``{city, terms, kind, status}``: FerretDB pushes no equality nested
        in ``$and`` into SQL."""
        filters: dict[str, Any] = {"__raw__": self.term_filter(wanted)}
        if kinds:
            filters["kind__in"] = [k for k in kinds if isinstance(k, str)][:10]
        if status:
            filters["status"] = str(status)[:40]
        # The term lists stay in the database: the hits need only titles and text. Plain rows,
        # not documents: building 500 mongoengine documents cost as much as ranking them.
        return self.entry.scoped(city, **filters).exclude("terms").limit(MAX_HITS).as_pymongo()


def ranked(
    found: Iterable[Mapping[str, Any]], wanted: list[str], page: int = PAGE
) -> list[dict[str, Any]]:
    """The found entries (stored rows) as hits, best first (newest first among equals); the
    first ``page`` with their marked title and snippet (cutting them stems the whole text
    again: for up to 500 hits that was most of a broad search's time, for rows no page
    shows)."""
    hits = []
    for entry in found:
        title, text, at = entry.get("title") or "—", entry.get("text") or "", entry.get("at")
        hits.append(
            {
                "kind": entry["kind"],
                "id": entry["ref_id"],
                "title": title,
                "score": search_terms.score(
                    wanted, entry.get("title_terms") or (), f"{title} {text}"
                ),
                "status": entry.get("status"),
                "parent_kind": entry.get("parent_kind"),
                "parent_id": entry.get("parent_id"),
                "at": at.isoformat() if at else None,
                "_text": text,
            }
        )
    hits.sort(key=lambda h: h["at"] or "", reverse=True)  # newest first among equals
    hits.sort(key=lambda h: h["score"], reverse=True)
    for n, hit in enumerate(hits):
        text = hit.pop("_text")
        if n < page:
            title = hit["title"]
            # the title as pieces too, its hits marked (the whole title: no cut)
            hit["title_marked"] = search_terms.snippet(title, wanted, len(title) + 1)
            hit["snippet"] = search_terms.snippet(text or title, wanted)
    return hits
