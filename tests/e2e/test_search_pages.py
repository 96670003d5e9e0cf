"""The city's search in a real browser on a phone (issue 20 acceptance): from the search field
under the navigation, an inflected word finds a project idea; the hit leads to the idea; the
empty, no-hit and hostile states read in German; axe-core finds nothing serious or critical."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect
from raw_text_support import findings, page_text
from test_dialogue_pages import Pages, _context, _table_talk_city

KEY_CODES = frozenset({"idea", "talk", "topic", "scenario", "comment", "proposed", "mobility"})


def _readable(page: Page) -> None:
    text, _links = page_text(page.content())
    assert findings(text, KEY_CODES) == [], page.url


def test_search_finds_an_idea_by_an_inflected_word_on_a_phone(
    browser: Browser, api, cities, platform, tmp_path
) -> None:
    city = _table_talk_city(api, cities, platform)
    slug = city["slug"]
    citizen = api.verified_login()
    idea = api.post(
        f"/cities/{slug}/ideas",
        {
            "title": "Sichere Radwege zur Grundschule",
            "description": "Mehr Bäume an der Hauptstraße und breite Wege für Kinder.",
            "category": "mobility",
            "district": "Nordstadt",
        },
        token=citizen["token"],
    )
    assert idea.status_code == 201, idea.text
    base, pages = api.base, Pages(tmp_path)
    phone = _context(browser, phone=True).new_page()

    phone.goto(f"{base}/stadt/{slug}/ideen")
    pages.check(phone, "ideas-with-search-field")
    search = phone.get_by_role("search")
    search.get_by_role("searchbox").fill("radwegen")  # inflected, lower case
    search.get_by_role("button", name="Suchen").click()

    expect(phone.get_by_role("heading", level=1)).to_contain_text("Suche in")
    expect(phone.get_by_role("heading", level=2)).to_have_text("Treffer für „radwegen“: 1")
    hit = phone.locator(".search-result").first
    expect(hit.locator(".kern-badge").first).to_have_text("Projektidee")
    expect(hit.locator("mark").first).to_have_text("Radwege")
    pages.check(phone, "search-hit")
    _readable(phone)

    # Umlaut and ß spelt out, filtered to ideas: still the idea.
    phone.get_by_label("Suchbegriff").fill("Baeume Hauptstrasse")
    phone.get_by_label("Art").select_option(label="Projektideen")
    phone.get_by_role("button", name="Suchen").click()
    expect(phone.get_by_role("heading", level=2)).to_have_text(
        "Treffer für „Baeume Hauptstrasse“: 1"
    )
    phone.get_by_role("link", name="Sichere Radwege zur Grundschule").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Sichere Radwege zur Grundschule")

    # No hit, and a hostile query shown as text, in German.
    phone.goto(f"{base}/stadt/{slug}/suche?q=%3Cb%3EQuanten%3C%2Fb%3E.*%28%00")
    expect(phone.get_by_text("Nichts gefunden.", exact=False)).to_be_visible()
    expect(phone.get_by_role("heading", level=2)).to_contain_text("<b>Quanten</b>.*(")
    assert phone.locator("main b").count() == 0
    pages.check(phone, "search-none")
    _readable(phone)

    # Nothing asked yet: a prompt.
    phone.goto(f"{base}/stadt/{slug}/suche")
    expect(phone.get_by_text("Gib ein Wort ein", exact=False)).to_be_visible()
    pages.check(phone, "search-empty")
    _readable(phone)
    phone.context.close()

    # On a desktop: the field beside the city's pages and the hits page.
    desktop = _context(browser, phone=False).new_page()
    desktop.goto(f"{base}/stadt/{slug}")
    desktop.get_by_role("search").get_by_role("searchbox").fill("Grundschulen")
    desktop.get_by_role("search").get_by_role("button", name="Suchen").click()
    expect(desktop.locator(".search-result mark").first).to_have_text("Grundschule")
    title = desktop.locator(".search-result h3")
    expect(title).to_have_text("Sichere Radwege zur Grundschule")  # the whole title
    pages.check(desktop, "search-hit-desktop")
    desktop.context.close()
