"""The search index (services/kit/search_index.py) against the real database FerretDB: an entry
follows put, update and drop; a city finds only its own; several terms need every one; threads
putting different entries that share a term lose none; clear empties one city's kinds; and the
filter handed to the database keeps city and pivot term as top-level equalities (the form
FerretDB pushes into SQL)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import mongoengine
import pytest

from services.kit import search_terms
from services.kit.search_index import SearchIndex, search_entry_document

pytestmark = pytest.mark.integration


@pytest.fixture
def index(infra) -> Iterator[SearchIndex]:  # noqa: ANN001
    alias = f"kit_search_{uuid.uuid4().hex[:8]}"
    database = f"{infra.db_prefix}_kitsearch"
    mongoengine.connect(db=database, host=infra.mongodb_uri, alias=alias)
    entry = search_entry_document(alias, __name__)
    entry.drop_collection()
    yield SearchIndex(entry)
    entry.drop_collection()
    mongoengine.disconnect(alias)


def _found(index: SearchIndex, city: str, query: str, **narrow: object) -> set[str]:
    return {h["id"] for h in index.search(city, query, **narrow)["results"]}


def test_entry_follows_put_update_and_drop(index: SearchIndex) -> None:
    index.put("stadt-a", "idea", "i1", "Sichere Radwege", "An der Schule fehlt ein Zebrastreifen.")
    assert _found(index, "stadt-a", "Radweg") == {"i1"}
    assert _found(index, "stadt-a", "Zebrastreifen Schulen") == {"i1"}

    # A changed text replaces the terms: the old words no longer find it, the new ones do.
    index.put("stadt-a", "idea", "i1", "Mehr Bäume", "Am Markt ist es zu heiß.")
    assert _found(index, "stadt-a", "Radweg") == set()
    assert _found(index, "stadt-a", "Zebrastreifen") == set()
    assert _found(index, "stadt-a", "Baeume Markt") == {"i1"}
    assert index.entry.scoped("stadt-a").count() == 1

    index.drop("stadt-a", "idea", "i1")
    assert _found(index, "stadt-a", "Bäume") == set()


def test_a_city_finds_only_its_own(index: SearchIndex) -> None:
    index.put("stadt-a", "idea", "same", "Brunnen am Markt", "Wasser für alle.")
    index.put("stadt-b", "idea", "same", "Brunnen im Park", "Wasser für Kinder.")
    index.put("stadt-b", "talk", "t2", "Brunnen", "Ein Gespräch.")
    assert [h["title"] for h in index.search("stadt-a", "Brunnen")["results"]] == [
        "Brunnen am Markt"
    ]
    assert index.search("stadt-b", "Brunnen")["total"] == 2
    index.drop("stadt-a", "idea", "same")
    assert index.search("stadt-b", "Brunnen Wasser")["total"] == 1
    assert index.search("stadt-a", "Brunnen")["total"] == 0


def test_every_term_is_needed_whichever_is_the_pivot(index: SearchIndex) -> None:
    index.put("stadt-a", "idea", "pivot-only", "Schwimmbad", "Im Sommer offen.", status="proposed")
    index.put("stadt-a", "idea", "short-only", "Kino", "Am Abend offen.", status="proposed")
    index.put("stadt-a", "idea", "both", "Kino im Schwimmbad", "Filme.", status="in_discussion")
    index.put("stadt-a", "talk", "both-talk", "Kino und Schwimmbad", "Ein Gespräch.")
    assert _found(index, "stadt-a", "Kino Schwimmbad") == {"both", "both-talk"}
    assert _found(index, "stadt-a", "Schwimmbäder kino") == {"both", "both-talk"}
    assert _found(index, "stadt-a", "Kino Schwimmbad", kinds=["idea"]) == {"both"}
    assert _found(index, "stadt-a", "Schwimmbad", status="proposed") == {"pivot-only"}
    assert _found(index, "stadt-a", "Kino Quantencomputer") == set()


def test_threads_putting_entries_that_share_a_term_lose_none(index: SearchIndex) -> None:
    threads, each = 8, 6
    failed: list[BaseException] = []

    def put_some(worker: int) -> None:
        try:
            for i in range(each):
                index.put("stadt-a", "idea", f"w{worker}-{i}", f"Brunnen {worker}", f"Nummer {i}.")
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failed.append(error)

    running = [threading.Thread(target=put_some, args=(w,)) for w in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    assert failed == []
    found = index.search("stadt-a", "Brunnen")
    assert found["total"] == threads * each
    # and each can still be changed on its own while the others keep the shared term
    index.put("stadt-a", "idea", "w0-0", "Bank", "Zum Sitzen.")
    assert index.search("stadt-a", "Brunnen")["total"] == threads * each - 1


def test_clear_empties_one_citys_kinds(index: SearchIndex) -> None:
    index.put("stadt-a", "idea", "i1", "Laternen", "Mehr Licht.")
    index.put("stadt-a", "scenario", "s1", "Laternen 2040", "Hell.")
    index.put("stadt-b", "idea", "i1", "Laternen", "Mehr Licht.")
    assert index.clear("stadt-a", ("idea",)) == 1
    assert _found(index, "stadt-a", "Laterne") == {"s1"}
    assert _found(index, "stadt-b", "Laterne") == {"i1"}


def test_the_filter_sent_keeps_city_and_pivot_at_the_top(index: SearchIndex) -> None:
    wanted = search_terms.query_terms("Bäume am Sonderwort7")
    query = index.matching("stadt-a", wanted, ["idea"], "proposed")._query
    # FerretDB pushes only top-level equalities (and $eq) into SQL; "$and" would hide them.
    assert query == {
        "city": "stadt-a",
        "terms": {"$eq": "sonderwort7", "$all": wanted},
        "kind": {"$in": ["idea"]},
        "status": "proposed",
    }
