"""The scenario pages in a real browser: a facilitator's workspace on a desktop (factors,
influence matrix, key factors, projections, consistency matrix, a run to its end, a scenario
written and published), a citizen on a phone (the published scenario with its map, an
observation with a field error first), and the transfer (a working-group member assesses and
drafts a topic, the facilitator publishes it, the city page shows it).

Setup that is not what a test is about goes through the JSON API."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
from browser_support import accessibility_violations, fits_the_screen
from playwright.sync_api import Browser, Page, expect

from services.kit.testing import wait_until

PASSWORD = "Tischgespräch-42"
PHONE = {"width": 360, "height": 740}


def _check(page: Page, tmp_path, name: str) -> None:
    assert fits_the_screen(page), f"horizontal scrolling on {page.url}"
    assert accessibility_violations(page) == [], page.url
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def _sign_in(page: Page, base: str, person: dict) -> None:
    page.goto(base + "/anmelden")
    page.get_by_label("E-Mail-Adresse").fill(person["email"])
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("Du bist angemeldet.")).to_be_visible()


def _image_loaded(page: Page, selector: str) -> None:
    image = page.locator(selector).first
    expect(image).to_be_visible()
    wait_until(
        lambda: image.evaluate("i => i.complete && i.naturalWidth > 0"), 10, f"{selector} loaded"
    )


class Project:
    """A city in the scenario phase with a facilitator and a working-group member."""

    def __init__(self, api, cities) -> None:
        made = cities.create()
        self.api, self.slug, self.admin = api, made["slug"], made["admin"]
        self.facilitator = cities.person_with_role(self.slug, "facilitator", self.admin)
        self.member = cities.person_with_role(self.slug, "working_group_member", self.admin)
        self.base = f"/cities/{self.slug}/scenarios"

    def call(self, method: str, tail: str, body=None, who: dict | None = None, status=200):
        token = (who or self.facilitator)["token"]
        if method == "get":
            response = self.api.get(self.base + tail, token=token)
        else:
            response = getattr(self.api, method)(self.base + tail, body, token=token)
        assert response.status_code == status, response.text
        return response.json()

    def advance(self, to: str) -> None:
        if to == "scenarios":
            step = f"/cities/{self.slug}/phases/kickoff/steps/working_group_formed"
            marked = self.api.post(step, {"note": "Gruppe steht"}, token=self.admin["token"])
            assert marked.status_code == 200, marked.text
        moved = self.api.post(f"/cities/{self.slug}/phase", {"to": to}, token=self.admin["token"])
        assert moved.status_code == 200, moved.text
        wait_until(
            lambda: self.api.get(self.base + "/project").json()["phase"] == to, 15, f"phase {to}"
        )

    def start(self, key_factor_count: int = 3) -> None:
        body = {"title": "Zukunft 2040", "key_factor_count": key_factor_count}
        self.call("post", "/project", body, status=201)
        self.advance("scenarios")

    def factors(self, titles: list[str]) -> list[str]:
        return [
            self.call("post", "/factors", {"title": t}, self.member, status=201)["id"]
            for t in titles
        ]

    def published_scenario(self) -> dict:
        """Factors, ratings, projections and a finished run through the API; a published
        scenario from the run's first raw scenario."""
        ids = self.factors([f"Faktor {k}" for k in range(1, 6)])
        matrix = [[None if i == j else (i * 3 + j) % 4 for j in range(5)] for i in range(5)]
        self.call("put", "/influence/rating", {"factor_ids": ids, "matrix": matrix}, self.member)
        suggestion = self.call("get", "/influence")["suggestion"][:3]
        self.call("put", "/key-factors", {"factor_ids": suggestion, "note": "Test"})
        for k, factor_id in enumerate(suggestion):
            for p in ("steigt", "sinkt"):
                body = {"factor_id": factor_id, "title": f"Faktor {k + 1} {p}"}
                self.call("post", "/projections", body, self.member, status=201)
        order = self.call("get", "/projections")["order"]
        n = len(order)
        values = [
            [None if i // 2 == j // 2 else (5 if (i % 2) == (j % 2) else 2) for j in range(n)]
            for i in range(n)
        ]
        rated = {"projection_ids": order, "matrix": values}
        self.call("put", "/consistency/rating", rated, self.member)
        run = self.call("post", "/runs", {"top": 8}, status=202)
        wait_until(
            lambda: self.call("get", f"/runs/{run['id']}")["status"] == "finished", 60, "run"
        )
        scenario = self.call(
            "post",
            "/scenarios",
            {"run_id": run["id"], "cluster": 1, "title": "Grüne Nachbarschaften"},
            status=201,
        )
        self.call("post", f"/scenarios/{scenario['id']}/publish")
        return scenario


# Own contexts: axe-core is injected as an inline script, which the gateway's Content Security
# Policy forbids to pages; the test's browser lets only axe past it.
def _context(browser: Browser, **options) -> Iterator[Page]:
    context = browser.new_context(locale="de-DE", bypass_csp=True, **options)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport={"width": 1366, "height": 900})


@pytest.fixture
def second_desktop(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport={"width": 1366, "height": 900})


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    yield from _context(browser, viewport=PHONE, is_mobile=True, has_touch=True)


def test_facilitator_works_through_the_scenario_workspace(
    desktop: Page, api, cities, tmp_path
) -> None:
    project = Project(api, cities)
    project.start(key_factor_count=3)
    project.factors([f"Einflussfaktor {k}" for k in range(1, 8)])
    base, slug = api.base, project.slug
    _sign_in(desktop, base, project.facilitator)

    desktop.goto(f"{base}/stadt/{slug}")
    desktop.get_by_role("link", name="Zur Szenario-Werkstatt").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Szenario-Werkstatt")
    expect(desktop).to_have_title(re.compile("Überblick – Szenario-Werkstatt"))
    _check(desktop, tmp_path, "workspace")

    # the eighth factor through the page, after a refused empty title
    desktop.get_by_role("navigation", name="Bereiche der Szenario-Werkstatt").get_by_role(
        "link", name="Einflussfaktoren"
    ).click()
    desktop.get_by_role("button", name="Faktor hinzufügen").click()
    expect(desktop.get_by_label("Titel des Faktors")).to_have_attribute("aria-invalid", "true")
    expect(desktop.locator("#title-error")).to_be_visible()
    _check(desktop, tmp_path, "factors-error")
    desktop.get_by_label("Titel des Faktors").fill("Wohnkosten")
    desktop.get_by_role("button", name="Faktor hinzufügen").click()
    expect(desktop.get_by_text("Gespeichert.")).to_be_visible()
    expect(desktop.get_by_role("cell", name="Wohnkosten", exact=True)).to_be_visible()
    _check(desktop, tmp_path, "factors")

    # the influence matrix: one select per cell, the whole matrix in one POST
    desktop.goto(f"{base}/stadt/{slug}/szenarien/werkstatt/einfluss")
    selects = desktop.locator("form.matrix-form select")
    expect(selects).to_have_count(8 * 7)
    expect(desktop.get_by_label("Einfluss von Einflussfaktor 1 auf Wohnkosten")).to_be_visible()
    for k in range(8 * 7):
        selects.nth(k).select_option(str((k * 5 + k // 7) % 4))
    desktop.get_by_role("button", name="Matrix speichern").click()
    expect(desktop.get_by_text("Gespeichert.")).to_be_visible()
    expect(desktop.get_by_text("Bewertet: 56 von 56 Feldern.")).to_be_visible()
    expect(
        desktop.get_by_label("Einfluss von Einflussfaktor 2 auf Einflussfaktor 1")
    ).to_have_value(str((7 * 5 + 1) % 4))
    # the facilitator's view: aggregate, suggestion, system grid
    expect(desktop.get_by_role("heading", name="Mittlerer Einfluss")).to_be_visible()
    expect(desktop.get_by_text("Vorschlag der Analyse:")).to_be_visible()
    _image_loaded(desktop, "img[src$='systemgrid.svg']")
    _check(desktop, tmp_path, "influence")
    desktop.get_by_role("button", name="Schlüsselfaktoren festlegen").click()
    expect(desktop.get_by_text("Gespeichert.")).to_be_visible()
    key = project.call("get", "/key-factors")["factors"]
    assert len(key) == 3

    # projections: one through the page, the others through the API
    desktop.goto(f"{base}/stadt/{slug}/szenarien/werkstatt/projektionen")
    card = desktop.locator(f"#kf-{key[0]['id']}")
    card.get_by_label("Projektion").fill("steigt stark")
    card.get_by_role("button", name="Projektion hinzufügen").click()
    expect(desktop.locator(f"#kf-{key[0]['id']}").get_by_text("steigt stark")).to_be_visible()
    _check(desktop, tmp_path, "projections")
    project.call("post", "/projections", {"factor_id": key[0]["id"], "title": "sinkt"}, status=201)
    for factor in key[1:]:
        for title in ("steigt", "sinkt"):
            body = {"factor_id": factor["id"], "title": title}
            project.call("post", "/projections", body, status=201)

    # the consistency matrix: only pairs of different key factors have a cell
    desktop.goto(f"{base}/stadt/{slug}/szenarien/werkstatt/konsistenz")
    selects = desktop.locator("form.matrix-form select")
    expect(selects).to_have_count(12)
    for k in range(12):
        selects.nth(k).select_option(str(4 if k % 3 else 2))
    desktop.get_by_role("button", name="Matrix speichern").click()
    expect(desktop.get_by_text("Bewertet: 12 von 12 Paaren.")).to_be_visible()
    expect(desktop.get_by_text("Paare ohne Wert: 0")).to_be_visible()
    # a second rater (through the API) disagrees on a third of the pairs: the facilitator
    # sees them as disputed and settles one
    layout = project.call("get", "/projections")
    factor_of = {p["id"]: kf["id"] for kf in layout["key_factors"] for p in kf["projections"]}
    order = layout["order"]
    other = [[None if factor_of[a] == factor_of[b] else 5 for b in order] for a in order]
    rated = {"projection_ids": order, "matrix": other}
    project.call("put", "/consistency/rating", rated, project.member)
    desktop.reload()
    pairs = desktop.locator("form.pair-form")
    expect(pairs).to_have_count(4)
    _check(desktop, tmp_path, "consistency")
    pairs.first.get_by_label("Festgelegter Wert").select_option("3")
    pairs.first.get_by_label(re.compile("Notiz")).fill("Im Workshop geklärt")
    pairs.first.get_by_role("button", name="Paar klären").click()
    expect(desktop.get_by_text("Gespeichert.")).to_be_visible()
    expect(desktop.get_by_role("heading", name="Geklärte Paare")).to_be_visible()
    expect(desktop.get_by_text("Im Workshop geklärt")).to_be_visible()

    # the observation intake: link to a factor, mark as candidate, hide only with a reason
    said = {"kind": "observation", "text": "Die Mieten steigen schneller als die Löhne."}
    observation = project.call("post", "/observations", said, project.member, status=201)
    desktop.goto(f"{base}/stadt/{slug}/szenarien/werkstatt/beobachtungen")
    card = desktop.locator(f"#obs-{observation['id']}")
    card.get_by_label("Einem Faktor zuordnen").select_option(label="Wohnkosten")
    card.get_by_label("Als möglichen neuen Faktor vormerken").check()
    card.get_by_role("button", name="Zuordnung speichern").click()
    expect(desktop.get_by_text("Gespeichert.")).to_be_visible()
    card = desktop.locator(f"#obs-{observation['id']}")
    expect(card).to_contain_text("Faktor-Kandidat")
    expect(card).to_contain_text("Faktor: Wohnkosten")
    card.get_by_role("button", name="Ausblenden").click()
    reason = desktop.locator(f"#obs-{observation['id']}").get_by_label("Grund für das Ausblenden")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(desktop.locator(f"#obs-{observation['id']}-reason-error")).to_be_visible()
    _check(desktop, tmp_path, "intake")
    desktop.locator(f"#obs-{observation['id']}").get_by_label("Grund für das Ausblenden").fill(
        "Doppelt eingereicht"
    )
    desktop.locator(f"#obs-{observation['id']}").get_by_role("button", name="Ausblenden").click()
    expect(desktop.locator(f"#obs-{observation['id']}")).to_contain_text("ausgeblendet")

    # a run: the progress page refreshes itself until the run is done
    desktop.goto(f"{base}/stadt/{slug}/szenarien/werkstatt/laeufe")
    _check(desktop, tmp_path, "runs")
    desktop.get_by_label("Anzahl der besten Bündel").fill("8")
    desktop.get_by_role("button", name="Berechnung starten").click()
    expect(desktop).to_have_url(re.compile(r"/laeufe/[0-9a-f]{24}$"))
    expect(desktop.get_by_role("heading", name="Rohszenarien")).to_be_visible(timeout=60_000)
    expect(desktop.get_by_role("status")).to_contain_text("fertig")
    _image_loaded(desktop, "img[src$='karte.svg']")
    _check(desktop, tmp_path, "run")

    raw = desktop.locator("#raw-1")
    raw.get_by_label("Titel des Szenarios").fill("Die Stadt der kurzen Wege")
    raw.get_by_label(re.compile("Erzählung")).fill("Alles Nötige liegt um die Ecke.")
    raw.get_by_role("button", name="Szenario aus Rohszenario 1 schreiben").click()
    expect(desktop.get_by_text("Gespeichert.")).to_be_visible()
    expect(desktop.get_by_text("Entwurf")).to_be_visible()
    _check(desktop, tmp_path, "scenarios")
    public_map = f"{base}/stadt/{slug}/szenarien/karte.svg"
    assert requests.get(public_map, timeout=30).status_code == 404  # nothing published yet
    desktop.get_by_role("link", name="„Die Stadt der kurzen Wege“ veröffentlichen").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text(
        "Szenario „Die Stadt der kurzen Wege“ veröffentlichen?"
    )
    desktop.get_by_role("button", name="Veröffentlichen", exact=True).click()
    expect(desktop.locator(".scenario-card .kern-badge")).to_have_text("veröffentlicht")
    published = [s for s in project.call("get", "/scenarios") if s["status"] == "published"]
    assert [s["title"] for s in published] == ["Die Stadt der kurzen Wege"]
    drawn = requests.get(public_map, timeout=30)
    assert drawn.status_code == 200 and drawn.headers["Content-Type"].startswith("image/svg+xml")
    assert "Szenariokarte" in drawn.text


def test_citizen_reads_scenarios_and_shares_an_observation_on_a_phone(
    phone: Page, api, cities, tmp_path
) -> None:
    project = Project(api, cities)
    project.start()
    scenario = project.published_scenario()
    citizen = api.verified_login()
    base, slug = api.base, project.slug
    # the city's district plugin adds a required field to the observation form
    config = {"districts": ["Altstadt", "Nord"], "forms": ["observation"]}
    enabled = api.put(
        f"/cities/{slug}/plugins/ortsteile", {"config": config}, token=project.admin["token"]
    )
    assert enabled.status_code == 200, enabled.text

    phone.goto(f"{base}/stadt/{slug}")
    phone.get_by_role("link", name="Grüne Nachbarschaften").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(re.compile("Zukunftsszenarien"))
    expect(phone).to_have_title(re.compile("^Szenarien – "))
    _image_loaded(phone, "img[src$='karte.svg']")
    # on a phone the profile chart (unreadably small there) gives way to its shares in words
    expect(phone.locator(f"img[src$='{scenario['id']}/profil.svg']")).to_be_hidden()
    expect(phone.locator(f"#s-{scenario['id']} dd").first).to_be_visible()
    expect(phone.locator(f"#s-{scenario['id']} dd .profile-share").first).to_have_text(
        re.compile(r"^\(in \d{1,3} % der verwandten Bündel\)$")
    )
    _check(phone, tmp_path, "scenarios-phone")

    _sign_in(phone, base, citizen)

    def district_field() -> bool:  # the plugin change reaches the service through a fact
        phone.goto(f"{base}/stadt/{slug}/beobachtungen")
        return phone.get_by_label("Stadtteil", exact=True).count() == 1

    wait_until(district_field, 15, "the plugin's district field on the form")
    _check(phone, tmp_path, "observations-phone")
    phone.get_by_label("Das erwarte ich …").check()
    phone.get_by_label("Stadtteil", exact=True).select_option("Nord")
    phone.get_by_role("button", name="Beitrag senden").click()
    text = phone.get_by_label("Dein Text")
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#text-error")).to_be_visible()
    expect(phone.get_by_label("Das erwarte ich …")).to_be_checked()
    expect(phone.get_by_label("Stadtteil", exact=True)).to_have_value("Nord")
    expect(phone.locator(".kern-error")).to_have_count(1)
    _check(phone, tmp_path, "observation-error-phone")

    text.fill("Mehr Menschen werden im Quartier arbeiten.")
    phone.get_by_label(re.compile("Passt zu diesem Einflussfaktor")).select_option(label="Faktor 1")
    phone.get_by_role("button", name="Beitrag senden").click()
    expect(phone.get_by_text("Danke! Dein Beitrag ist angekommen.")).to_be_visible()
    expect(phone.get_by_text("Mehr Menschen werden im Quartier arbeiten.")).to_be_visible()
    _check(phone, tmp_path, "observation-sent-phone")
    listed = api.get(project.base + "/observations").json()
    assert [o["kind"] for o in listed] == ["forecast"]
    assert listed[0]["factor_id"] is not None
    assert listed[0]["extra"] == {"district": "Nord", "further_districts": []}

    phone.goto(f"{base}/stadt/{slug}/szenarien?lang=en")
    expect(phone.get_by_role("heading", level=1)).to_have_text(re.compile("^Future scenarios for"))
    phone.goto(f"{base}/stadt/{slug}/szenarien?lang=de")
    refused = phone.goto(f"{base}/stadt/{slug}/szenarien/werkstatt")
    assert refused.status == 403
    expect(phone.get_by_role("heading", level=1)).to_have_text("Kein Zugriff")


def test_transfer_assessment_and_a_published_topic_on_the_city_page(
    desktop: Page, second_desktop: Page, api, cities, tmp_path
) -> None:
    project = Project(api, cities)
    project.start()
    scenario = project.published_scenario()
    project.advance("transfer")
    base, slug = api.base, project.slug
    # the district plugin adds an assessment criterion of its own
    config = {"districts": ["Altstadt", "Nord"], "forms": []}
    enabled = api.put(
        f"/cities/{slug}/plugins/ortsteile", {"config": config}, token=project.admin["token"]
    )
    assert enabled.status_code == 200, enabled.text

    _sign_in(desktop, base, project.member)

    def plugin_criterion() -> bool:  # the plugin change reaches the service through a fact
        desktop.goto(f"{base}/stadt/{slug}/transfer")
        return desktop.get_by_label(re.compile("Relevanz für die Stadtteile")).count() == 1

    wait_until(plugin_criterion, 15, "the plugin's criterion on the transfer page")
    expect(desktop).to_have_title(re.compile("^Transfer – "))
    _check(desktop, tmp_path, "transfer")
    card = desktop.locator(f"#bewertung-{scenario['id']}")
    card.get_by_label("Wahrscheinlichkeit").select_option("4")
    card.get_by_label("Auswirkung auf die Stadt").select_option("5")
    card.get_by_role("button", name=re.compile("^Bewertung von")).click()
    card = desktop.locator(f"#bewertung-{scenario['id']}")
    expect(card.get_by_label("Wünschbarkeit")).to_have_attribute("aria-invalid", "true")
    expect(card.get_by_label("Wahrscheinlichkeit")).to_have_value("4")
    _check(desktop, tmp_path, "transfer-error")
    card.get_by_label("Wahrscheinlichkeit").select_option("4")
    card.get_by_label("Wünschbarkeit").select_option("5")
    card.get_by_label("Auswirkung auf die Stadt").select_option("5")
    card.get_by_label(re.compile("Relevanz für die Stadtteile")).select_option("2")
    card.get_by_role("button", name=re.compile("^Bewertung von")).click()
    expect(desktop.get_by_text("Gespeichert.")).to_be_visible()
    portfolio_head = desktop.locator("#portfolio ~ div table thead")
    expect(portfolio_head).to_contain_text("Relevanz für die Stadtteile")
    portfolio = desktop.locator("#portfolio ~ div table")
    expect(portfolio.get_by_role("row", name=re.compile("Grüne Nachbarschaften"))).to_contain_text(
        "vorbereiten"
    )
    _image_loaded(desktop, "img[src$='portfolio.svg']")

    desktop.get_by_label("Titel des Themas").fill("Wohnen für alle")
    desktop.get_by_label("Leitfrage").fill("Wie bleibt Wohnen bezahlbar?")
    desktop.get_by_role("checkbox", name="Grüne Nachbarschaften").check()
    desktop.get_by_label(re.compile("Fragen für die Tischgespräche")).fill(
        "Wo wohnst Du gern?\nWas fehlt Dir?"
    )
    desktop.get_by_role("button", name="Thema als Entwurf anlegen").click()
    expect(desktop.get_by_text("Gespeichert.")).to_be_visible()
    desktop.get_by_role("button", name="„Wohnen für alle“ zur Durchsicht geben").click()
    expect(desktop.locator(".topic-card .kern-badge")).to_have_text("zur Durchsicht")
    _check(desktop, tmp_path, "transfer-topic")

    _sign_in(second_desktop, base, project.facilitator)
    second_desktop.goto(f"{base}/stadt/{slug}/transfer")
    second_desktop.get_by_role("link", name="„Wohnen für alle“ veröffentlichen").click()
    second_desktop.get_by_role("button", name="Veröffentlichen", exact=True).click()
    expect(second_desktop.locator(".topic-card .kern-badge")).to_have_text("veröffentlicht")
    # the facilitator adds an own assessment criterion (a refused empty name first)
    second_desktop.get_by_role("button", name="Kriterium hinzufügen").click()
    expect(second_desktop.get_by_label("Name des Kriteriums")).to_have_attribute(
        "aria-invalid", "true"
    )
    second_desktop.get_by_label("Name des Kriteriums").fill("Kosten für die Stadt")
    second_desktop.get_by_role("button", name="Kriterium hinzufügen").click()
    expect(second_desktop.locator(".criteria-list")).to_contain_text("Kosten für die Stadt")
    # rated on each published scenario, optional
    expect(second_desktop.get_by_label(re.compile("^Kosten für die Stadt")).first).to_be_visible()
    _check(second_desktop, tmp_path, "transfer-criteria")

    # the city page (anonymous, served from the public cache until the fact empties it)
    anonymous = second_desktop.context.browser.new_context(
        locale="de-DE", bypass_csp=True
    ).new_page()

    def topic_shown() -> bool:
        anonymous.goto(f"{base}/stadt/{slug}")
        return anonymous.get_by_text("Wie bleibt Wohnen bezahlbar?").count() > 0

    wait_until(topic_shown, 15, "the published topic on the city page")
    expect(anonymous.get_by_role("heading", name="Szenarien und Vertiefungsthemen")).to_be_visible()
    _check(anonymous, tmp_path, "city-topics")
    anonymous.context.close()
