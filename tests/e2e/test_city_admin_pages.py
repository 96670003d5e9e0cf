"""A city admin's pages in a real browser: roles (invite by e-mail, the invitation naming the
city, revoke with confirmation) → schedule (German validation, dates on the city page) → phase
change with its confirmation → history. Every page at 1,366 px and at 360 px, axe-core clean
(no serious or critical finding) and never wider than the screen."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from browser_support import accessibility_violations, fits_the_screen
from playwright.sync_api import Browser, Page, expect

from services.kit.testing import wait_until

WIDE = {"width": 1366, "height": 768}
PHONE = {"width": 360, "height": 740}
CONTEXT = {"locale": "de-DE", "bypass_csp": True}


@pytest.fixture
def wide(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=WIDE, **CONTEXT)
    yield context.new_page()
    context.close()


@pytest.fixture
def narrow(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, **CONTEXT)
    yield context.new_page()
    context.close()


def _check(*pages: Page) -> None:
    for page in pages:
        assert fits_the_screen(page), f"wider than the screen: {page.url}"
        assert accessibility_violations(page) == [], page.url


def _sign_in(page: Page, base: str, person: dict) -> None:
    page.goto(base + "/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(person["email"])
    page.get_by_label("Passwort").fill(person["password"])
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("Du bist angemeldet.")).to_be_visible()


def _rename(api, person: dict, name: str) -> None:
    answer = api.put("/me/display-name", {"display_name": name}, token=person["token"])
    assert answer.status_code == 200, answer.text


def _both(wide: Page, narrow: Page, url: str) -> None:
    """Open ``url`` in the narrow page too and check both."""
    narrow.goto(url)
    _check(wide, narrow)


def test_roles_schedule_phase_change_and_history(
    wide: Page, narrow: Page, api, cities, platform, tmp_path
) -> None:
    made = cities.create()
    slug, admin, name = made["slug"], made["admin"], made["city"]["name"]
    _rename(api, admin, "Anna Admin")
    base, admin_url = api.base, f"{api.base}/stadt/{slug}/verwaltung"
    _sign_in(wide, base, admin)
    _sign_in(narrow, base, admin)

    # ---- roles: invite by e-mail
    wide.goto(admin_url)
    wide.get_by_role("link", name="Rollen", exact=True).click()
    expect(wide.get_by_role("heading", level=1)).to_have_text(f"Rollen in {name}")
    expect(wide.get_by_text("Anna Admin")).to_be_visible()
    _both(wide, narrow, wide.url)
    wide.get_by_label("E-Mail-Adresse").fill("kein-at-zeichen")
    wide.get_by_role("button", name="Einladung senden").click()
    expect(wide.locator("#email-error")).to_have_text("Keine gültige E-Mail-Adresse.")
    _check(wide)
    email = f"paula-{slug}@example.org"
    wide.get_by_label("E-Mail-Adresse").fill(email)
    wide.get_by_label("Rolle", exact=True).select_option(label="Partner")
    wide.get_by_label(re.compile("Begründung")).fill("Stadtwerke")
    wide.get_by_role("button", name="Einladung senden").click()
    expect(wide.get_by_text(f"Die Einladung an {email} ist verschickt.")).to_be_visible()

    # ---- the invited person: the page names the city and the role
    token = api.mailed_token(email)
    paula = api.verified_login_as(email)
    _rename(api, paula, "Paula Partner")
    with narrow.context.browser.new_context(viewport=PHONE, **CONTEXT) as guest_context:
        guest = guest_context.new_page()
        guest.goto(f"{base}/einladung?token={token}")
        expect(guest.get_by_role("heading", level=1)).to_have_text(f"Einladung nach {name}")
        expect(guest.get_by_text("als „Partner“ mitzuwirken")).to_be_visible()
        _check(guest)
        _sign_in(guest, base, paula)
        guest.goto(f"{base}/einladung?token={token}")
        guest.get_by_role("button", name=f"Einladung nach {name} annehmen").click()
        expect(guest.get_by_role("heading", level=1)).to_have_text(name)

    # ---- roles: revoke with confirmation
    wide.reload()
    revoke = wide.get_by_role("link", name="Rolle „Partner“ von Paula Partner entziehen …")
    revoke.click()
    expect(wide.get_by_role("heading", level=1)).to_have_text(
        "Rolle „Partner“ von Paula Partner entziehen?"
    )
    expect(wide.get_by_text("Das Konto bleibt bestehen")).to_be_visible()
    _both(wide, narrow, wide.url)
    wide.get_by_label(re.compile("Begründung")).fill("Vertrag endet")
    wide.get_by_role("button", name="Ja, Rolle entziehen").click()
    expect(wide.get_by_text("Die Rolle ist entzogen.")).to_be_visible()
    expect(wide.get_by_text("Paula Partner")).to_have_count(0)

    # ---- schedule: German validation, then saved and shown on the city page
    wide.goto(admin_url)
    wide.get_by_role("link", name="Zeitplan der Phasen").click()
    expect(wide.get_by_role("heading", level=1)).to_have_text("Zeitplan der Phasen")
    _both(wide, narrow, wide.url)
    wide.locator("#table_talks-start").fill("2027-03-01")
    wide.locator("#table_talks-end").fill("2027-02-01")
    wide.locator("#transfer-start").fill("2027-02-01")
    wide.get_by_role("button", name="Zeitplan speichern").click()
    expect(wide.locator("#table_talks-end-error")).to_have_text(
        "Der letzte Tag darf nicht vor dem ersten liegen."
    )
    expect(wide.locator("#transfer-end-error")).to_contain_text("ersten und den letzten Tag")
    expect(wide.locator("#table_talks-end")).to_have_attribute("aria-invalid", "true")
    _check(wide)
    wide.locator("#transfer-start").fill("2027-02-01")
    wide.locator("#transfer-end").fill("2027-03-10")  # overlaps the table talks
    wide.locator("#table_talks-end").fill("2027-05-31")
    wide.get_by_role("button", name="Zeitplan speichern").click()
    expect(wide.locator("#table_talks-start-error")).to_have_text(
        "Der Zeitraum muss nach dem Ende der vorigen Phase beginnen."
    )
    _check(wide)
    wide.locator("#transfer-end").fill("2027-02-28")
    wide.get_by_role("button", name="Zeitplan speichern").click()
    expect(wide.get_by_text("Der Zeitplan ist gespeichert.")).to_be_visible()
    expect(wide.locator("#table_talks-end")).to_have_value("2027-05-31")
    wide.goto(f"{base}/stadt/{slug}")
    expect(wide.get_by_text("Geplant: 01.03.2027 – 31.05.2027")).to_be_visible()

    # ---- phase change with its confirmation (kickoff → scenarios on the page)
    marked = api.post(
        f"/cities/{slug}/phases/kickoff/steps/working_group_formed",
        {"note": "Keine Stiftung vor Ort"},
        token=admin["token"],
    )
    assert marked.status_code == 200, marked.text
    wide.goto(admin_url)
    wide.get_by_role("link", name="Nächste Phase: Szenarien …").click()
    expect(wide.get_by_role("heading", level=1)).to_have_text(
        "Phase wechseln von Auftakt zu Szenarien?"
    )
    expect(wide.get_by_text("Der Wechsel lässt sich nicht rückgängig machen.")).to_be_visible()
    _both(wide, narrow, wide.url)
    wide.get_by_role("link", name="Abbrechen").click()
    expect(wide.get_by_role("heading", name="Phase: Auftakt")).to_be_visible()
    wide.get_by_role("link", name="Nächste Phase: Szenarien …").click()
    wide.get_by_label(re.compile("Begründung")).fill("Die Gruppe steht")
    wide.get_by_role("button", name="Ja, Phase wechseln").click()
    expect(wide.get_by_role("heading", name="Phase: Szenarien")).to_be_visible()

    # Through transfer to the table talks by the API (a published topic is a fact).
    moved = api.post(f"/cities/{slug}/phase", {"to": "transfer"}, token=admin["token"])
    assert moved.status_code == 200, moved.text
    platform.publish_fact(
        "scenarios", "topic", "published", city=slug, data={"topic_id": "t1", "title": "Markt"}
    )
    wait_until(
        lambda: api.get(f"/cities/{slug}/tallies").json().get("scenarios.topic.published") == 1,
        30,
        "the topic fact counted",
    )
    moved = api.post(f"/cities/{slug}/phase", {"to": "table_talks"}, token=admin["token"])
    assert moved.status_code == 200, moved.text

    # Tischgespräche → Abschluss before the planned end: the page asks for the reason.
    wide.goto(admin_url)
    wide.get_by_role("link", name="Nächste Phase: Abschluss …").click()
    expect(wide.get_by_role("heading", level=1)).to_have_text(
        "Phase wechseln von Tischgespräche zu Abschluss?"
    )
    expect(wide.get_by_text("geplant bis 31.05.2027")).to_be_visible()
    _both(wide, narrow, wide.url)
    narrow.screenshot(path=str(tmp_path / "phase-change-360.png"), full_page=True)
    wide.get_by_role("button", name="Ja, Phase wechseln").click()
    expect(wide.get_by_role("alert").first).to_contain_text(
        "Die Zeit der Tischgespräche ist noch nicht vorbei"
    )
    expect(wide.locator("#override_reason-error")).to_contain_text("Bitte begründe")
    _check(wide)
    wide.get_by_label(re.compile("Früher abschließen")).fill("Stadtfest vorgezogen")
    wide.get_by_role("button", name="Ja, Phase wechseln").click()
    expect(wide.get_by_role("heading", name="Phase: Abschluss")).to_be_visible()

    # ---- history: who, when (German time), why; newest first; the phase history alone
    wide.goto(admin_url)
    wide.get_by_role("link", name="Protokoll und Phasenverlauf").click()
    expect(wide.get_by_role("heading", level=1)).to_have_text("Protokoll der Verwaltung")

    def revocation_listed() -> bool:
        wide.reload()
        return wide.get_by_text("Rolle „Partner“ von Paula Partner entzogen").count() == 1

    wait_until(revocation_listed, 30, "the revocation in the log")
    entries = wide.locator("ol.admin-list > li")
    expect(entries.first).to_contain_text("Phase gewechselt: Tischgespräche → Abschluss")
    expect(entries.first).to_contain_text("Anna Admin")
    expect(entries.first).to_contain_text("Früher abgeschlossen, weil: Stadtfest vorgezogen")
    expect(entries.first.locator("time")).to_have_text(
        re.compile(r"^\d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr$")
    )
    scenarios = entries.filter(has_text="Phase gewechselt: Auftakt → Szenarien")
    expect(scenarios).to_contain_text("Begründung: Die Gruppe steht")
    expect(entries.filter(has_text="Zeitplan geändert")).to_contain_text("Tischgespräche")
    expect(entries.filter(has_text="Paula Partner entzogen")).to_contain_text("Vertrag endet")
    expect(entries.filter(has_text="Als „Partner“ eingeladen")).to_contain_text(email)
    assert admin["id"] not in wide.content()
    _both(wide, narrow, wide.url)
    wide.screenshot(path=str(tmp_path / "audit-1366.png"), full_page=True)
    wide.get_by_role("link", name="Nur Phasenwechsel").click()
    expect(wide.get_by_role("heading", level=1)).to_have_text("Phasenverlauf")
    expect(wide.locator("ol.admin-list > li")).to_have_count(4)
    _check(wide)


def _outside_their_card(page: Page) -> list[str]:
    """What runs out of the card it sits in (the page itself may still fit the screen)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.kern-card')].flatMap(card => {
            const edge = card.getBoundingClientRect().right + 1;
            return [...card.querySelectorAll('*')]
                .filter(el => el.getBoundingClientRect().width > 0)
                .filter(el => el.getBoundingClientRect().right > edge)
                .map(el => `${el.tagName}.${el.className}: ${el.textContent.trim().slice(0, 40)}`);
        })"""
    )


def test_the_admin_page_and_its_plugin_forms_fit_a_phone(narrow: Page, api, cities) -> None:
    # A long German compound beside a checkbox ("Gebärdensprachdolmetschung") made its form
    # wider than the card, and the page wider than a 360 px phone.
    made = cities.create()
    _sign_in(narrow, api.base, made["admin"])
    narrow.goto(f"{api.base}/stadt/{made['slug']}/verwaltung")
    expect(narrow.get_by_label("Die Stadt vermittelt Gebärdensprachdolmetschung")).to_be_visible()
    expect(narrow.get_by_label("E-Mail-Adresse für Fragen zur Barrierefreiheit")).to_be_visible()
    _check(narrow)
    assert _outside_their_card(narrow) == []
