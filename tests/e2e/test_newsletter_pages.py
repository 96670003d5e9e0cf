"""A city's newsletter on a 360 px phone (issue 20 part 3): a visitor subscribes on the city
page, confirms from the mail sink, the admin writes, previews and sends an issue, the visitor
receives it and leaves by the ``List-Unsubscribe`` link without signing in: once by the mail
program's one-click POST, once by the page. Every page: axe-core without serious or critical
findings, no sideways scrolling, no raw key; screenshots to ``$STADTDIALOG_SCREENSHOTS``."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import requests
from browser_support import accessibility_violations, fits_the_screen
from playwright.sync_api import Browser, Page, expect
from raw_text_support import findings, page_text

from services.kit.testing import wait_until


def _check(page: Page, shots: Path, name: str) -> None:
    assert fits_the_screen(page), f"wider than the screen: {page.url}"
    assert accessibility_violations(page) == [], page.url
    text, _links = page_text(page.content())
    assert findings(text) == [], page.url
    page.screenshot(path=str(shots / f"newsletter-{name}.png"), full_page=True)


def _text(message) -> str:  # noqa: ANN001
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def _local(api, link: str) -> str:  # noqa: ANN001
    """A link of a mail, on the test's gateway."""
    return api.base + link[link.index("/", len("https://")) :]


def _subscribe(api, phone: Page, slug: str, email: str, shots: Path) -> None:  # noqa: ANN001
    phone.goto(f"{api.base}/stadt/{slug}")
    section = phone.locator("section[aria-labelledby=newsletter]")
    section.screenshot(path=str(shots / "newsletter-stadtseite-abschnitt-360.png"))
    section.get_by_label("E-Mail-Adresse").fill(email)
    section.get_by_role("button", name="Newsletter bestellen").click()
    expect(phone.get_by_role("heading", name="Fast geschafft: bitte bestätigen")).to_be_visible()
    confirm = re.search(r"https?://\S+bestaetigen\?token=\S+", _text(api.sink.wait_for(email)[-1]))
    phone.goto(_local(api, confirm.group(0)))
    _check(phone, shots, "bestaetigen-360")
    phone.get_by_role("button", name="Newsletter bestätigen").click()
    expect(phone.get_by_role("heading", name="Newsletter bestätigt")).to_be_visible()


def test_subscribe_confirm_receive_and_unsubscribe_on_a_phone(
    phone: Page,
    desktop: Page,
    browser: Browser,
    api,
    cities,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    shots = Path(os.environ.get("STADTDIALOG_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    town = cities.create()
    slug, admin = town["slug"], town["admin"]
    readers = [f"leser-{uuid.uuid4().hex[:8]}@example.org" for _ in range(2)]
    for reader in readers:
        _subscribe(api, phone, slug, reader, shots)

    # The admin, on a phone too: write, preview, send after the confirmation naming the number.
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="de-DE")
    desk = context.new_page()
    try:
        desk.goto(api.base + "/anmelden")
        desk.get_by_label("E-Mail-Adresse").fill(admin["email"])
        desk.get_by_label("Passwort").fill(admin["password"])
        desk.get_by_role("button", name="Anmelden").click()
        expect(desk.get_by_text("Du bist angemeldet.")).to_be_visible()
        desk.goto(f"{api.base}/stadt/{slug}/verwaltung/newsletter")
        _check(desk, shots, "verwaltung-360")
        desk.get_by_role("link", name="Neue Ausgabe schreiben").click()
        desk.get_by_label("Titel (Betreff der Mail)").fill("Abschlussabend am 20. Januar")
        desk.get_by_label("Text (Markdown)").fill(
            "## Programm\n\n- Rückblick\n- **Ausblick**\n\n<script>alert(1)</script>"
        )
        _check(desk, shots, "schreiben-360")
        desk.get_by_role("button", name="Speichern und Vorschau ansehen").click()
        expect(desk.get_by_role("heading", name="Programm")).to_be_visible()
        _check(desk, shots, "vorschau-360")
        desk.get_by_role("button", name="Testmail an mich schicken").click()
        expect(desk.get_by_text(f"Testmail an {admin['email']} geschickt.")).to_be_visible()
        trial = api.sink.wait_for(admin["email"], count=3)[-1]  # invitation, verification, test
        assert trial["Subject"].startswith("[Test] Newsletter")
        desk.get_by_role("link", name="Verschicken …").click()
        expect(desk.get_by_text("Empfänger dieser Ausgabe: 2 bestätigte Adressen")).to_be_visible()
        _check(desk, shots, "senden-360")
        desk.get_by_role("button", name="Jetzt an 2 Adressen verschicken").click()
        expect(desk.get_by_text("Die Ausgabe wird jetzt verschickt.")).to_be_visible()
    finally:
        context.close()

    issues = [api.sink.wait_for(reader, count=2)[-1] for reader in readers]
    for message in issues:
        assert message["Subject"].endswith("Abschlussabend am 20. Januar")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The issue joins the archive once its last batch is out (the next pass of the sender).
    wait_until(
        lambda: api.get(f"/cities/{slug}/newsletter/archive").json(), 20, "the archived issue"
    )
    phone.goto(f"{api.base}/stadt/{slug}/newsletter")
    phone.get_by_role("link", name="Abschlussabend am 20. Januar").click()
    expect(phone.get_by_role("heading", name="Programm")).to_be_visible()
    _check(phone, shots, "archiv-ausgabe-360")
    for path, name in ((f"/stadt/{slug}", "stadtseite"), (f"/stadt/{slug}/newsletter", "archiv")):
        desktop.goto(api.base + path)
        _check(desktop, shots, f"{name}-1366")

    # The first reader's mail program posts One-Click; the second opens the link in the browser.
    first = _local(api, issues[0]["List-Unsubscribe"].strip("<>"))
    clicked = requests.post(first, data={"List-Unsubscribe": "One-Click"}, timeout=10)
    assert clicked.status_code == 200 and "Abbestellt" in clicked.text
    phone.goto(_local(api, issues[1]["List-Unsubscribe"].strip("<>")))
    expect(phone.get_by_role("heading", name="E-Mails abbestellen")).to_be_visible()
    _check(phone, shots, "abbestellen-360")
    phone.get_by_role("button", name="Abbestellen").click()
    expect(phone.get_by_role("heading", name="Abbestellt")).to_be_visible()
    wait_until(
        lambda: (
            api.get(f"/cities/{slug}/newsletter/recipients", token=admin["token"]).json()
            == {"recipients": 0}
        ),
        10,
        "both readers gone",
    )
