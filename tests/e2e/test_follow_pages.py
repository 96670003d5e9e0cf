"""Follow an idea on a phone: the admin changes its status, the follower sees the news with
the unread count in the header, finds it in Mein Bereich, and gets it in the next daily
digest exactly once (the digest pass run by the operator's ``ops_send_notices``, as the timer
would). Each page: axe-core without serious or critical findings, no sideways scrolling."""

from __future__ import annotations

import os
from pathlib import Path

from nameko.standalone.rpc import ClusterRpcProxy
from playwright.sync_api import Browser, expect
from test_dialogue_pages import Pages, _context, _person, _sign_in, _table_talk_city

from services.kit.context import Caller
from services.kit.testing import caller_context, wait_until

PASSWORD = "Tischgespräch-42"


def _digest_pass(platform, operator: dict) -> int:  # noqa: ANN001
    caller = Caller(user_id=operator["id"], operator=True)
    config = {"AMQP_URI": platform.infra.amqp_uri, "serializer": "json"}
    with ClusterRpcProxy(config, timeout=60, context_data=caller_context(caller)) as proxy:
        return proxy.dialogue.ops_send_notices()["notifications"]


def _digests(platform, email: str) -> list:  # noqa: ANN001
    return [
        m
        for m in platform.mail_sink.messages
        if m["To"] == email and "Zusammenfassung" in m["Subject"]
    ]


def test_follow_an_idea_and_get_its_news_once_on_a_phone(
    browser: Browser, api, cities, operator, platform, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("STADTDIALOG_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    pages = Pages(shots)
    city = _table_talk_city(api, cities, platform)
    slug, admin = city["slug"], city["admin"]
    proposer = api.verified_login()
    made = api.post(
        f"/cities/{slug}/ideas",
        {
            "title": "Trinkbrunnen am Markt",
            "description": "Wasser für alle.",
            "category": "social",
            "district": "Nordstadt",
        },
        token=proposer["token"],
    )
    assert made.status_code == 201, made.text
    idea_id = made.json()["id"]
    follower = _person(api, "Fiona Folgt")

    phone = _context(browser, phone=True).new_page()
    try:
        _sign_in(phone, api.base, follower)
        phone.goto(f"{api.base}/stadt/{slug}/ideen/{idea_id}")
        phone.get_by_role("button", name="Idee folgen").click()
        expect(phone.get_by_text("Du folgst und bekommst Neuigkeiten")).to_be_visible()
        expect(phone.get_by_role("button", name="Nicht mehr folgen")).to_be_visible()
        pages.check(phone, "idee-gefolgt")

        moved = api.post(
            f"/cities/{slug}/ideas/{idea_id}/status",
            {"status": "in_discussion", "reason": "Im Ortsbeirat."},
            token=admin["token"],
        )
        assert moved.status_code == 200, moved.text
        header = phone.locator("#header-notifications")

        def counted() -> bool:
            phone.reload()
            return header.get_attribute("aria-label") == "Neuigkeiten, 1 ungelesen"

        wait_until(counted, 30, "the unread count in the header")
        expect(header.locator(".kern-badge")).to_have_text("1")
        header.click()
        news = phone.locator("#notification-list li").first
        expect(news).to_contain_text("Neuer Stand der Projektidee: Trinkbrunnen am Markt")
        expect(news).to_contain_text("jetzt: in Diskussion")
        pages.check(phone, "mein-bereich-neuigkeiten")

        # The next digest: once, however often the pass runs.
        _digest_pass(platform, operator)  # (or the minute timer got there first)
        mails = wait_until(lambda: _digests(platform, follower["email"]) or None, 30, "digest")
        assert _digest_pass(platform, operator) == 0
        assert len(_digests(platform, follower["email"])) == len(mails) == 1
        body = mails[0].get_body(("plain",)).get_content()
        assert "Trinkbrunnen am Markt" in body and f"/stadt/{slug}/ideen/{idea_id}" in body

        phone.get_by_role("button", name="Alle als gelesen markieren").click()
        expect(phone.locator("#header-notifications .kern-badge")).to_have_count(0)
        expect(phone.get_by_text("Ungelesen:")).to_have_count(0)
        pages.check(phone, "mein-bereich-gelesen")
        # How often: immediately instead of the daily digest, kept by identity.
        phone.get_by_label("sofort").check()
        phone.get_by_role("button", name="E-Mail-Einstellungen speichern").click()
        expect(phone.get_by_text("Deine E-Mail-Einstellungen sind gespeichert.")).to_be_visible()
        expect(phone.get_by_label("sofort")).to_be_checked()
        # The same list on a wide screen, for the eye (the checks above ran at 360 px).
        phone.set_viewport_size({"width": 1366, "height": 900})
        phone.goto(f"{api.base}/stadt/{slug}/ideen/{idea_id}")
        phone.screenshot(path=str(shots / "idee-1366.png"), full_page=True)
        phone.goto(f"{api.base}/konto#my-notifications")
        phone.screenshot(path=str(shots / "mein-bereich-1366.png"))
    finally:
        phone.context.close()
