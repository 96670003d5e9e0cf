"""Comments under a published scenario and under a documented talk's public summary, in a real
browser on a phone: a citizen comments on both, a neighbour replies on both and reports the
talk comment, the city admin hides it in place with a reason and the author reads
"ausgeblendet: <Grund>" where her text stood. Both pages: axe-core, fits the phone, no raw
keys. (Comments under an idea and a topic: test_comment_pages.py.)"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from browser_support import assert_no_raw_keys
from english_support import german_left
from playwright.sync_api import Browser, Page, expect
from talk_time_support import begun
from test_dialogue_pages import Pages, _context, _person, _sign_in

from services.kit.testing import wait_until

sys.path.insert(0, str(Path(__file__).parents[1] / "integration" / "scenarios"))
from scenarios_support import (  # noqa: E402
    make_scenario_city,
    publish_scenarios,
    small_project,
    to_table_talks,
)

REASON = "Persönliche Angaben über Dritte"


def _published_scenario_and_documented_talk(api, cities, platform) -> dict:  # noqa: ANN001
    """A city with one published scenario, then in the table talks with one talk held and
    documented by its host (the city admin): the two pages' paths."""
    city = make_scenario_city(api, cities)
    scenario = publish_scenarios(city, small_project(city)["run"], 1)[0]
    city.advance("transfer")
    to_table_talks(city)
    slug, token = city.slug, city.admin["token"]
    topics = wait_until(
        lambda: api.get(f"/cities/{slug}/topics").json(), 60, "the topic in the dialogue service"
    )
    starts = datetime.now(UTC) + timedelta(days=1)  # created ahead, then the evening comes
    body = {"title": "Abend am Marktplatz", "topic_id": topics[0]["id"], "format": "in_person",
            "address": "Marktplatz 1", "district": "Altstadt",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(), "capacity": 6}  # fmt: skip
    talk = api.post(f"/cities/{slug}/talks", body, token=token)
    assert talk.status_code == 201, talk.text
    talk_id = talk.json()["id"]
    begun(platform, talk_id)
    summary = {"participants": 5, "summary": "Wir sprachen über Bänke und Schatten am Markt."}
    done = api.post(f"/cities/{slug}/talks/{talk_id}/documentation", summary, token=token)
    assert done.status_code == 200, done.text
    return {
        "admin": city.admin,
        "scenario": f"{api.base}/stadt/{slug}/szenarien/{scenario}",
        "talk": f"{api.base}/stadt/{slug}/tischgespraeche/{talk_id}",
    }


def _comment(page: Page, text: str) -> str:
    """Writes a comment on the open page; its id."""
    page.locator("#kommentar-neu").fill(text)
    page.get_by_role("button", name="Kommentar senden").click()
    expect(page.get_by_text("Dein Kommentar ist veröffentlicht.")).to_be_visible()
    comment = page.locator("article.comment", has_text=text)
    return (comment.get_attribute("id") or "").removeprefix("kommentar-")


def _reply(page: Page, comment_id: str, text: str) -> None:
    page.locator(".comment-reply-form > summary").first.click()
    page.locator(f"#antwort-{comment_id}").fill(text)
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.get_by_text("Deine Antwort ist veröffentlicht.")).to_be_visible()
    expect(page.locator(".comment-replies article")).to_contain_text(text)


def test_comments_on_a_scenario_and_a_documented_talk_on_a_phone(
    browser: Browser, api, cities, platform, tmp_path
) -> None:
    urls = _published_scenario_and_documented_talk(api, cities, platform)
    pages = Pages(tmp_path)
    anna, bert = _person(api, "Anna Ufer"), _person(api, "Bert Brücke")
    contexts = [_context(browser, phone=True) for _ in range(3)]
    author, neighbour, moderator = (context.new_page() for context in contexts)
    _sign_in(author, api.base, anna)
    _sign_in(neighbour, api.base, bert)
    _sign_in(moderator, api.base, urls["admin"])

    # The published scenario: comment and reply.
    author.goto(urls["scenario"])
    expect(author.get_by_role("heading", level=1)).to_have_text("Zukunft 1")
    expect(author.get_by_role("heading", name="Kommentare (0)")).to_be_visible()
    on_scenario = _comment(author, "So eine Zukunft wünsche ich mir für <i>alle</i>.")
    expect(author.locator(f"#kommentar-{on_scenario}")).to_contain_text("<i>alle</i>")  # escaped
    neighbour.goto(urls["scenario"])
    _reply(neighbour, on_scenario, "Ich auch, aber mit mehr Bussen.")
    expect(neighbour.get_by_role("heading", name="Kommentare (2)")).to_be_visible()
    pages.check(neighbour, "scenario-comments")
    assert_no_raw_keys(neighbour)

    # The documented talk's public summary: comment, reply, report.
    author.goto(urls["talk"])
    expect(author.get_by_role("heading", name="Was besprochen wurde")).to_be_visible()
    on_talk = _comment(author, "Frau Müller aus Nr. 3 war auch da und ist immer laut.")
    neighbour.goto(urls["talk"])
    _reply(neighbour, on_talk, "Schön, dass so viele kamen.")
    neighbour.locator(f"#kommentar-{on_talk} summary", has_text="Melden").click()
    neighbour.locator(f"#melden-{on_talk}").fill("Nennt eine Nachbarin mit Namen.")
    neighbour.get_by_role("button", name="Kommentar melden").click()
    expect(neighbour.get_by_text("Danke, die Moderation schaut sich das an.")).to_be_visible()
    pages.check(neighbour, "talk-comment-reported")

    # The admin hides it in place, on the talk page itself.
    moderator.goto(urls["talk"])
    expect(moderator.locator(f"#kommentar-{on_talk}")).to_contain_text("Meldungen: 1")
    moderator.locator(f"#kommentar-{on_talk} summary", has_text="Ausblenden").click()
    moderator.locator(f"#ausblenden-{on_talk}").fill(REASON)
    moderator.get_by_role("button", name="Kommentar ausblenden").click()
    expect(moderator.get_by_text("Der Kommentar ist ausgeblendet", exact=False)).to_be_visible()

    author.goto(urls["talk"])
    hidden = author.locator(f"#kommentar-{on_talk}")
    expect(hidden).to_contain_text(f"ausgeblendet: {REASON}")
    expect(hidden).not_to_contain_text("Frau Müller")
    expect(author.locator(".comment-replies")).to_contain_text("Schön, dass so viele kamen.")
    pages.check(author, "talk-comment-hidden")
    assert_no_raw_keys(author)

    # Both pages in English (the other pages of comments: test_english_pages).
    for name, url in (("scenario", urls["scenario"]), ("talk", urls["talk"])):
        author.goto(f"{url}?lang=en")
        expect(author.get_by_role("heading", name="Comments (2)")).to_be_visible()
        assert german_left(author.content()) == [], (url, german_left(author.content()))
        author.screenshot(path=str(tmp_path / f"{name}-en.png"), full_page=True)
    expect(author.locator(f"#kommentar-{on_talk}")).to_contain_text(f"hidden: {REASON}")
    for context in contexts:
        context.close()
