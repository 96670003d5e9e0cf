"""Search (issue 20, part 4) over the real platform: the index follows each write in the same
handler (propose, hide, cancel, a topic fact), only public things are found, a city finds only
its own, hostile queries are words, and the operator's reindex rebuilds old data."""

from __future__ import annotations

from click.testing import CliRunner
from dialogue_support import create_talk, table_talk_city

from gateway.cli import main


def _search(api, slug: str, q: str, token: str | None = None, **extra: str) -> dict:
    query = "&".join(f"{k}={v}" for k, v in {"q": q, **extra}.items())
    answer = api.get(f"/cities/{slug}/search?{query}", token=token)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _found(api, slug: str, q: str, token: str | None = None, **extra: str) -> set[tuple[str, str]]:
    return {(h["kind"], h["id"]) for h in _search(api, slug, q, token, **extra)["results"]}


def test_search_follows_writes_only_public_and_per_city(api, cities, platform, operator) -> None:
    made = table_talk_city(api, cities, platform)
    slug, admin, topic = made["slug"], made["admin"], made["topic"]
    citizen = api.verified_login()
    idea = api.post(
        f"/cities/{slug}/ideas",
        {
            "title": "Sichere Radwege zur Schule",
            "description": "Mehr Bäume an der Straße und ein Zebrastreifen.",
            "category": "mobility",
        },
        token=citizen["token"],
    )
    assert idea.status_code == 201, idea.text
    idea_key = ("idea", idea.json()["id"])

    # Found at once by an inflected word and by other spellings, with a marked snippet.
    for q in ("Radweg", "radwegen", "Baeume", "Strasse", "STRASSEN", "sicherer Radweg"):
        assert idea_key in _found(api, slug, q), q
    hit = _search(api, slug, "Bäume")["results"][0]
    assert hit["kind"] == "idea" and hit["href"].endswith(f"/ideen/{idea_key[1]}")
    assert ["Bäume", True] in hit["snippet"]
    assert idea_key not in _found(api, slug, "Radweg Spielplatz")  # every word must match
    assert _found(api, slug, "Radweg", kind="talk") == set()
    assert idea_key in _found(api, slug, "Radweg", kind="idea", status="proposed")
    assert idea_key not in _found(api, slug, "Radweg", status="realised")

    # The deep-dive topic came as a fact from the scenarios service: indexed by its handler.
    word = topic["title"].split()[0]  # "Mobilität"
    assert ("topic", topic["id"]) in _found(api, slug, word.replace("ä", "ae"))

    # A talk: found while offered, gone once cancelled.
    host = api.verified_login()
    talk = create_talk(api, slug, host, topic["id"], title="Gemeinschaftsgärten im Viertel")
    assert ("talk", talk["id"]) in _found(api, slug, "Gemeinschaftsgarten")
    cancelled = api.post(
        f"/cities/{slug}/talks/{talk['id']}/cancel",
        {"reason": "Krank geworden"},
        token=host["token"],
    )
    assert cancelled.status_code == 200, cancelled.text
    assert ("talk", talk["id"]) not in _found(api, slug, "Gemeinschaftsgarten")

    # Another city finds nothing of this one.
    other = cities.create()["slug"]
    assert _search(api, other, "Radweg")["results"] == []

    # Hostile queries are words, never patterns, and never a 500.
    for q in (".%2A", "%5E.%2B%24", "(a%2B)%2B%24", "%00%1B%5B31m", "R" * 3000, "%3Cscript%3E"):
        assert idea_key not in _found(api, slug, q)
    assert idea_key in _found(api, slug, "Radweg%7C%5B%5D%28")  # "Radweg|[](": one word
    bad = api.get(f"/cities/{slug}/search?q=Radweg&kind=everything")
    assert bad.status_code == 422 and "kind" in bad.json()["error"]["fields"]

    # A comment is found by its words and leads to its place; hidden, it is gone.
    comment = api.post(
        f"/cities/{slug}/comments/idea/{idea_key[1]}",
        {"body": "Breitere Radwege helfen unseren Kindern."},
        token=host["token"],
    )
    assert comment.status_code == 201, comment.text
    comment_key = ("comment", comment.json()["id"])
    assert comment_key in _found(api, slug, "Kind", kind="comment")
    hit = _search(api, slug, "Kindern", kind="comment")["results"][0]
    assert f"/ideen/{idea_key[1]}" in hit["href"]
    hide = api.post(
        f"/cities/{slug}/comments/{comment_key[1]}/hide", {"reason": "Test"}, token=admin["token"]
    )
    assert hide.status_code == 200, hide.text
    assert comment_key not in _found(api, slug, "Kindern")

    # The operator's reindex rebuilds entries lost (data from before the index).
    index = platform.infra.mongo()[f"{platform.infra.db_prefix}_dialogue"]["search_entries"]
    index.delete_many({"city": slug})
    assert _found(api, slug, "Radweg") == set()
    env = {"STADTDIALOG_URL": api.base, "STADTDIALOG_TOKEN": operator["token"]}
    done = CliRunner().invoke(main, ["search", "reindex", slug], env=env)
    assert done.exit_code == 0, done.output
    assert "idea 1" in done.output and "talk 0" in done.output
    assert idea_key in _found(api, slug, "Radweg")
    assert ("topic", topic["id"]) in _found(api, slug, word)
    assert api.post(f"/operations/search-index/{slug}", token=citizen["token"]).status_code == 403

    # Hidden by a moderator: nobody finds it any more, the moderator neither.
    hidden = api.post(
        f"/cities/{slug}/ideas/{idea_key[1]}/hide", {"reason": "Doppelt"}, token=admin["token"]
    )
    assert hidden.status_code == 200, hidden.text
    assert idea_key not in _found(api, slug, "Radweg")
    assert idea_key not in _found(api, slug, "Radweg", token=admin["token"])
