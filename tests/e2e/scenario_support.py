"""Page-driving helpers of the scenario-workshop browser tests (imported as ``scenario_support``):
people who sign up and accept their invitation on the pages, a phase changed on the city admin's
page, matrices filled select by select, a look at every page (axe-core, width, screenshot).

Nothing here calls the JSON API: the only thing read outside the pages is the mail sink, where
the platform's mails arrive as they would in a person's inbox."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from browser_support import accessibility_violations, fits_the_screen
from playwright.sync_api import Locator, Page, expect

PASSWORD = "Tischgespräch-42"


def look(page: Page, shots: Path, name: str) -> None:
    """Every workshop page: no serious axe finding, no page-wide horizontal scrolling, and a
    full-page screenshot to be looked at."""
    assert fits_the_screen(page), f"horizontal scrolling on {page.url}"
    assert accessibility_violations(page) == [], page.url
    # the server draws the charts on request: the screenshot of the whole page waits until
    # every image is in, the lazy ones below the fold too
    page.evaluate(
        "document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
    )
    page.wait_for_function("[...document.images].every(i => i.complete)")
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def whole_labels(page: Page) -> list[str]:
    """Matrix column heads, row heads and key-factor block titles cut off in their box (empty:
    none)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
              '.matrix .col-label, .matrix-blocks .block-title, .matrix th.row-head')]
            .filter(e => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1)
            .map(e => e.textContent.trim())"""
    )


def cut_analysis_heads(page: Page) -> list[str]:
    """Column heads of the factors' key-figure table that lie beyond the right edge of its box
    (empty: the whole table is seen without scrolling)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.ranking-compare thead th')].filter(e => {
              const box = e.closest('.matrix-scroll').getBoundingClientRect();
              return e.getBoundingClientRect().right > box.right + 1;
            }).map(e => e.textContent.trim())"""
    )


def saved(page: Page) -> None:
    expect(page.get_by_text("Gespeichert.")).to_be_visible()


def activate(control: Locator) -> None:
    """Pressed with the keyboard: right after a full-page screenshot a mouse click can land
    while the page is laid out again, and be lost."""
    control.focus()
    control.press("Enter")


def mailed_link(sink, email: str, count: int) -> str:
    """The first link of the ``count``-th mail to ``email``, made relative to the gateway."""
    message = sink.wait_for(email, count=count)[count - 1]
    body = message.get_body(("plain",)).get_content()
    return re.search(r"https?://\S+?(/\S*token=[\w.\-]+)", body).group(1)


def sign_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(base + "/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("Du bist angemeldet.")).to_be_visible()


def sign_up_and_accept(page: Page, base: str, sink, email: str, name: str) -> None:
    """The invited person opens the registration page, confirms the address from the mail, signs
    in and accepts the invitation the mail before brought (mail 1: invitation, 2: confirmation)."""
    invitation = mailed_link(sink, email, 1)
    page.goto(base + "/registrieren")
    page.get_by_label("Name, der anderen angezeigt wird").fill(name)
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label(re.compile("^Passwort")).fill(PASSWORD)
    page.get_by_label(re.compile("^Ich habe die Datenschutzerklärung gelesen")).check()
    page.get_by_role("button", name="Konto anlegen").click()
    expect(page.get_by_role("heading", name="Fast geschafft")).to_be_visible()
    page.goto(base + mailed_link(sink, email, 2))
    expect(page.get_by_role("heading", name="E-Mail-Adresse bestätigt")).to_be_visible()
    sign_in(page, base, email)
    page.goto(base + invitation)
    page.get_by_role("button", name=re.compile("annehmen$")).click()
    expect(page).not_to_have_url(re.compile("/einladung"))


def invite_facilitator(admin: Page, base: str, slug: str, email: str) -> None:
    """The city admin grants the facilitator role by e-mail on the roles page."""
    admin.goto(f"{base}/stadt/{slug}/verwaltung/rollen")
    admin.get_by_label("E-Mail-Adresse").fill(email)
    admin.get_by_label("Rolle", exact=True).select_option("facilitator")
    admin.get_by_label(re.compile("Begründung")).fill("Moderiert die Szenario-Werkstatt")
    admin.get_by_role("button", name="Einladung senden").click()
    expect(admin.get_by_text(f"Die Einladung an {email} ist verschickt.")).to_be_visible()


def invite_group_member(admin: Page, base: str, slug: str, group: str, email: str) -> None:
    """The city admin founds a working group and invites a member into it by e-mail."""
    admin.goto(f"{base}/stadt/{slug}/verwaltung/arbeitsgruppen")
    admin.get_by_label("Name der Arbeitsgruppe").fill(group)
    admin.get_by_role("button", name="Arbeitsgruppe anlegen").click()
    expect(admin.get_by_text("Die Arbeitsgruppe ist angelegt.")).to_be_visible()
    form = admin.get_by_role("form", name=f"Einladen in {group}")
    form.get_by_label("E-Mail-Adresse").fill(email)
    form.get_by_label("Organisation", exact=True).fill("Bürgerverein Altstadt")
    form.get_by_role("button", name="Einladung senden").click()
    expect(admin.get_by_text("Einladung verschickt.")).to_be_visible()


def enter_scenario_phase(admin: Page, base: str, slug: str) -> None:
    """Kickoff's step ticked with a note, then the phase changed after its confirmation page."""
    admin.goto(f"{base}/stadt/{slug}/verwaltung")
    step = admin.locator("form.step-note").first
    step.get_by_label(re.compile("^Notiz")).fill("Die Gruppe steht")
    step.get_by_role("button", name="Als erledigt markieren").click()
    admin.get_by_role("link", name="Nächste Phase: Szenarien …").click()
    admin.get_by_label(re.compile("Begründung")).fill("Die Werkstatt beginnt")
    admin.get_by_role("button", name="Ja, Phase wechseln").click()
    expect(admin.get_by_role("heading", name="Phase: Szenarien")).to_be_visible()


def fill_matrix(page: Page, count: int, value: Callable[[int], int]) -> None:
    """Every select of the matrix form, in page order, set to ``value(k)``; then saved."""
    selects = page.locator("form.matrix-form select")
    expect(selects).to_have_count(count)
    for k in range(count):
        selects.nth(k).select_option(str(value(k)))
    page.get_by_role("button", name="Matrix speichern").click()
    saved(page)


def write_scenario(page: Page, run_url: str, raw: int, title: str) -> None:
    page.goto(run_url)
    card = page.locator(f"#raw-{raw}")
    card.get_by_label("Titel des Szenarios").fill(title)
    card.get_by_role("button", name=f"Szenario aus Rohszenario {raw} schreiben").click()
    saved(page)


def publish(page: Page, title: str, again: bool = False) -> None:
    """Published after the page that says what happens (``again``: after a withdrawal)."""
    link = f"„{title}“ erneut veröffentlichen" if again else f"„{title}“ veröffentlichen"
    page.get_by_role("link", name=link, exact=True).click()
    expect(page.locator(".confirm-consequences")).to_be_visible()
    button = "Erneut veröffentlichen" if again else "Veröffentlichen"
    activate(page.get_by_role("button", name=button, exact=True))
    card = page.locator(".scenario-card").filter(has_text=title)
    expect(card.locator(".kern-badge")).to_have_text("veröffentlicht")
