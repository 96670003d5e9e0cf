"""The pages of the participation between the tables (comments, follow and news, the
newsletter, search, the district map, organisations) in English, on a phone: one signed-in
city admin walks them with ``?lang=en``; no German text of the page catalogue is left where
the catalogue has English (english_support), no raw key, nothing wider than the phone.
The German pages are checked by their own journeys (test_comment_pages and the others)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from browser_support import fits_the_screen
from english_support import german_left, readable
from playwright.sync_api import Browser, Page, expect
from raw_text_support import findings
from test_dialogue_pages import _context, _sign_in, _table_talk_city

from services.kit.mail_choices import PATH as UNSUBSCRIBE
from services.kit.testing import wait_until

DISTRICTS = (
    Path(__file__).resolve().parents[2] / "gateway" / "demo" / "musterstadt_districts.geojson"
)


def _english(page: Page, url: str, shots: Path, name: str, *expected: str) -> None:
    page.goto(url + ("&" if "?" in url else "?") + "lang=en")
    assert page.locator("html").get_attribute("lang") == "en", url
    for text in expected:
        expect(page.locator("body")).to_contain_text(text)
    html = page.content()
    assert german_left(html) == [], (url, german_left(html))
    assert findings(readable(html)) == [], (url, findings(readable(html)))
    assert fits_the_screen(page), f"horizontal scrolling on {url}"
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def test_the_participation_pages_read_in_english(
    browser: Browser, api, cities, platform, tmp_path
) -> None:
    city = _table_talk_city(api, cities, platform)
    slug, admin, base = city["slug"], city["admin"], api.base
    token = admin["token"]
    idea_body = {"title": "Bänke am Fluss", "description": "Mehr Bänke am Ufer.",
                 "category": "social", "district": "Nordstadt"}  # fmt: skip
    idea = api.post(f"/cities/{slug}/ideas", idea_body, token=token).json()["id"]
    neighbour = api.verified_login()
    said = api.post(f"/cities/{slug}/comments/idea/{idea}", {"body": "Gern!"}, neighbour["token"])
    assert said.status_code == 201, said.text
    organisation = {"name": f"Heimatverein {uuid.uuid4().hex[:4]}", "kind": "association"}
    assert api.post("/me/organisations", organisation, token=token).status_code == 201
    assert api.put(
        f"/cities/{slug}/districts", json.loads(DISTRICTS.read_text("utf-8")), token=token
    ).ok
    issue = {"title": "Abschlussabend", "body": "## Programm\n\n- Rückblick"}
    made = api.post(f"/cities/{slug}/newsletter/issues", issue, token=token)
    assert made.status_code == 201, made.text
    letter = f"{base}/stadt/{slug}/verwaltung/newsletter/{made.json()['id']}"
    topic = next(t for t in api.get(f"/cities/{slug}/topics").json() if t["source"] == "deep_dive")

    context = _context(browser, phone=True)
    page = context.new_page()
    _sign_in(page, base, admin)
    # The neighbour's comment reaches the idea's proposer as news (the header's badge).
    page.goto(f"{base}/konto?lang=en")
    news = page.locator("#header-notifications")
    wait_until(
        lambda: page.reload() and "unread" in (news.get_attribute("aria-label") or ""),
        60,
        "the unread news in the header",
    )
    expect(news).to_have_attribute("aria-label", "News, 1 unread")
    on = f"{base}/stadt/{slug}"
    _english(
        page,
        f"{base}/konto",
        tmp_path,
        "my-area",
        "News of what I follow",
        "A new comment: Bänke am Fluss",
        "My organisations",
        "News by e-mail",
    )
    _english(
        page,
        f"{on}/ideen/{idea}",
        tmp_path,
        "idea",
        "Comments (1)",
        "Report",
        f"Support in the name of {organisation['name']}",
        "Stop following",
    )
    # An empty comment: the error at the form, in English too (the service's own message).
    page.get_by_role("button", name="Send comment").click()
    expect(page.locator(".comment-form [role=alert]")).to_be_visible()
    assert german_left(page.content()) == [], german_left(page.content())
    page.screenshot(path=str(tmp_path / "comment-error.png"), full_page=True)
    _english(
        page,
        f"{on}/themen/{topic['id']}",
        tmp_path,
        "topic",
        "Follow this topic",
        "Write a comment",
    )
    _english(page, f"{on}/suche?q=Bank", tmp_path, "search", "Results for", "Project idea")
    _english(
        page,
        f"{on}/stadtteile",
        tmp_path,
        "districts",
        "Where are people talking?",
        "Colour: number of table talks",
    )
    _english(
        page, f"{on}/verwaltung/stadtteile", tmp_path, "districts-admin", "Replace the districts"
    )
    _english(page, f"{on}/newsletter", tmp_path, "newsletter", "Subscribe to the newsletter")
    _english(
        page,
        f"{base}/newsletter/bestaetigen?token=x",
        tmp_path,
        "newsletter-confirm",
        "Confirm the newsletter",
    )
    _english(
        page,
        f"{base}{UNSUBSCRIBE}?token=x",
        tmp_path,
        "unsubscribe-refused",
        "Unsubscribing is not possible",
    )
    _english(
        page,
        f"{on}/verwaltung/newsletter",
        tmp_path,
        "newsletter-admin",
        "Write a new issue",
        "Draft",
    )
    _english(page, letter, tmp_path, "newsletter-edit", "Text (Markdown)")
    _english(page, f"{letter}/vorschau", tmp_path, "newsletter-preview", "Send a test mail")
    _english(page, f"{letter}/senden", tmp_path, "newsletter-send", "Publish in the archive only")
    _english(page, f"{on}/moderation", tmp_path, "moderation", "Reported comments")
    # The check finds German where it stands: the same idea page in German.
    page.goto(f"{on}/ideen/{idea}?lang=de")
    assert "Kommentar senden" in german_left(page.content())
    context.close()
