"""Comments in a real browser on a phone: a citizen comments on an idea, another replies and
reports the comment, the city admin hides it with a reason, and everyone reads
"ausgeblendet: <Grund>" in its place; the author is mailed. Every page: axe-core, fits the
phone, no raw keys."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import assert_no_raw_keys
from playwright.sync_api import Browser, Page, expect
from test_dialogue_pages import Pages, _context, _person, _sign_in, _table_talk_city

from services.kit.testing import wait_until

REASON = "Werbung für ein Geschäft"


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = _context(browser, phone=True)
    yield context.new_page()
    context.close()


def test_comment_reply_report_and_hide_on_a_phone(
    phone: Page, browser: Browser, api, cities, platform, tmp_path
) -> None:
    city = _table_talk_city(api, cities, platform)
    slug, base, admin = city["slug"], api.base, city["admin"]
    idea = api.post(
        f"/cities/{slug}/ideas",
        {
            "title": "Bänke am Fluss",
            "description": "Mehr Bänke am Ufer.",
            "category": "social",
            "district": "Nordstadt",  # the city's Ortsteile plugin asks for it
        },
        token=admin["token"],
    )
    assert idea.status_code == 201, idea.text
    idea_url = f"{base}/stadt/{slug}/ideen/{idea.json()['id']}"
    pages = Pages(tmp_path)
    anna, bert = _person(api, "Anna Ufer"), _person(api, "Bert Brücke")

    _sign_in(phone, base, anna)
    phone.goto(idea_url)
    expect(phone.get_by_role("heading", name="Kommentare (0)")).to_be_visible()
    expect(phone.get_by_text("15 Minuten lang ändern", exact=False)).to_be_visible()
    phone.locator("#kommentar-neu").fill("Bitte auch <b>Schatten</b> unter Bäumen!")
    phone.get_by_role("button", name="Kommentar senden").click()
    expect(phone.get_by_text("Dein Kommentar ist veröffentlicht.")).to_be_visible()
    comment = phone.locator("article.comment").first
    expect(comment).to_contain_text("Bitte auch <b>Schatten</b> unter Bäumen!")  # escaped
    comment_id = (comment.get_attribute("id") or "").removeprefix("kommentar-")
    pages.check(phone, "comment-posted")
    assert_no_raw_keys(phone)

    other = _context(browser, phone=True)
    neighbour = other.new_page()
    _sign_in(neighbour, base, bert)
    neighbour.goto(idea_url)
    neighbour.locator(".comment-reply-form > summary").first.click()
    neighbour.locator(f"#antwort-{comment_id}").fill("Gute Idee, ich helfe mit.")
    neighbour.get_by_role("button", name="Antwort senden").click()
    expect(neighbour.get_by_text("Deine Antwort ist veröffentlicht.")).to_be_visible()
    expect(neighbour.locator(".comment-replies article")).to_contain_text("Bert Brücke")
    neighbour.locator(f"#kommentar-{comment_id} summary", has_text="Melden").click()
    neighbour.locator(f"#melden-{comment_id}").fill("Das ist Werbung.")
    neighbour.get_by_role("button", name="Kommentar melden").click()
    expect(neighbour.get_by_text("Danke, die Moderation schaut sich das an.")).to_be_visible()
    pages.check(neighbour, "comment-reported")
    other.close()

    moderator = _context(browser, phone=True)
    page = moderator.new_page()
    _sign_in(page, base, admin)
    page.goto(f"{base}/stadt/{slug}/moderation")
    queue = page.locator("section[aria-labelledby=kommentare]")
    expect(queue).to_contain_text("Das ist Werbung.")
    pages.check(page, "moderation-queue")
    queue.get_by_role("link", name="Zum Kommentar").click()
    expect(page.locator(f"#kommentar-{comment_id}")).to_contain_text("Meldungen: 1")
    page.locator(f"#kommentar-{comment_id} summary", has_text="Ausblenden").click()
    page.locator(f"#ausblenden-{comment_id}").fill(REASON)
    page.get_by_role("button", name="Kommentar ausblenden").click()
    expect(page.get_by_text("Der Kommentar ist ausgeblendet", exact=False)).to_be_visible()
    pages.check(page, "comment-hidden-moderator")
    moderator.close()

    phone.goto(idea_url)
    hidden = phone.locator(f"#kommentar-{comment_id}")
    expect(hidden).to_contain_text(f"ausgeblendet: {REASON}")
    expect(hidden).not_to_contain_text("Schatten")
    expect(phone.locator(".comment-replies")).to_contain_text("Gute Idee, ich helfe mit.")
    pages.check(phone, "comment-hidden")
    assert_no_raw_keys(phone)
    phone.set_viewport_size({"width": 1366, "height": 900})
    pages.check(phone, "comment-hidden-wide")

    # The same section under a topic (its own page, linked from the city page).
    topic = next(t for t in api.get(f"/cities/{slug}/topics").json() if t["source"] == "deep_dive")
    phone.goto(f"{base}/stadt/{slug}/themen/{topic['id']}")
    expect(phone.get_by_role("heading", level=1)).to_have_text(topic["title"])
    phone.locator("#kommentar-neu").fill("Mehr Busse am Sonntag!")
    phone.get_by_role("button", name="Kommentar senden").click()
    expect(phone.locator("article.comment")).to_contain_text("Mehr Busse am Sonntag!")
    pages.check(phone, "topic-comment")
    # Commenting made her follow the topic (the comment fact's consumer): she may stop, and
    # follow again with the button.
    stop = phone.get_by_role("button", name="Nicht mehr folgen")
    wait_until(lambda: phone.reload() and stop.count(), 30, "the commenter following the topic")
    stop.click()
    phone.get_by_role("button", name="Thema folgen").click()
    expect(phone.get_by_text("Du folgst und bekommst Neuigkeiten")).to_be_visible()
    assert_no_raw_keys(phone)
    # Her mails also hold news of what she follows (a digest may come first): find the one.
    wait_until(
        lambda: [
            m
            for m in api.sink.messages
            if m["To"] == anna["email"]
            and str(m["Subject"]).startswith("Dein Kommentar wurde ausgeblendet")
        ],
        60,
        "the mail telling the author her comment was hidden",
    )
