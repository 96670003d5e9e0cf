"""Legal texts and consents over HTTP, every process real: versions are kept, a city's part is
its admins', registration needs consent and records the version shown, a changed notice is
taken note of once, and the consent history is in the data export."""

from __future__ import annotations

import re
import uuid

import pytest
import requests

from services.kit.testbed import wait_until

pytestmark = pytest.mark.integration

PASSWORD = "Tischgespräch-42"


def _new_version(api, token: str, path: str, body: str) -> dict:
    current = api.get(path, token=token).json()
    part = current["city_part"] or current["platform"]
    saved = api.put(path, {"body": body, "base_version": part["version"]}, token=token)
    assert saved.status_code == 200, saved.text
    return saved.json()


def test_every_change_keeps_the_old_version_with_who_and_when(api, operator) -> None:
    token = operator["token"]
    first = _new_version(api, token, "/legal/terms", f"## Regeln\n\nFassung A {uuid.uuid4()}\n")
    version = first["platform"]["version"]
    assert version >= 1 and first["platform"]["template"] is False
    second = api.put(
        "/legal/terms", {"body": "## Regeln\n\nFassung B\n", "base_version": version}, token=token
    )
    assert second.status_code == 200, second.text
    assert second.json()["platform"]["version"] == version + 1

    history = api.get("/legal/terms/versions", token=token).json()
    assert [h["version"] for h in history[:2]] == [version + 1, version]
    assert "Fassung A" in history[1]["body"] and "Fassung B" in history[0]["body"]
    assert {h["changed_by"] for h in history[:2]} == {operator["id"]}
    assert all(h["changed_by_name"] == "Test Person" and h["changed_at"] for h in history[:2])

    # An editor who started from the old version does not overwrite the new one.
    stale = api.put("/legal/terms", {"body": "Veraltet", "base_version": version}, token=token)
    assert stale.status_code == 409 and "body" in stale.json()["error"]["fields"]
    assert "inzwischen geändert" in stale.json()["error"]["fields"]["body"]["de"][0]
    wait_until(
        lambda: "Fassung B" in api.get("/legal/terms").json()["platform"]["body"],
        10,
        "the public text shows the new version",
    )


def test_only_the_operator_edits_the_platform_texts(api, cities) -> None:
    made = cities.create()
    citizen = api.verified_login()
    for token in (None, citizen["token"], made["admin"]["token"]):
        refused = api.put("/legal/imprint", {"body": "Fremd"}, token=token)
        assert refused.status_code in (401, 403), refused.text
        assert api.get("/legal/imprint/versions", token=token).status_code in (401, 403)
    unknown = api.get("/legal/cookies")
    assert unknown.status_code == 404 and "kind" in unknown.json()["error"]["fields"]


def test_a_city_admin_fills_in_the_city_part_and_the_public_page_shows_it(api, cities) -> None:
    made, other = cities.create(), cities.create()
    slug, admin = made["slug"], made["admin"]
    path = f"/cities/{slug}/legal/privacy"
    shipped = api.get(path).json()
    assert shipped["city_part"]["template"] is True and shipped["city_part"]["version"] == 0
    assert shipped["city_part"]["placeholders"], "the template names what the city fills in"

    body = (
        "## Verantwortliche Stelle\n\nStadt Teststadt, Rathausplatz 1\n\n"
        "## Datenschutzbeauftragte\n\nDr. Daten Schutz, dsb@example.org\n\n"
        "<script>alert(1)</script> [Klick](javascript:alert(1))\n"
    )
    saved = _new_version(api, admin["token"], path, body)
    assert saved["city_part"]["version"] == 1 and saved["city_part"]["placeholders"] == []
    html = saved["city_part"]["html"]
    assert "<h3>Verantwortliche Stelle</h3>" in html and "<script" not in html
    assert "javascript:" not in html.replace("[Klick](javascript:alert(1))", "")
    # The platform's text stays the operator's, and the other city still shows its template.
    assert saved["platform"]["version"] == shipped["platform"]["version"]
    assert api.get(f"/cities/{other['slug']}/legal/privacy").json()["city_part"]["template"]
    # Another city's admin may not edit it.
    refused = api.put(path, {"body": "Fremd"}, token=other["admin"]["token"])
    assert refused.status_code == 403

    def page() -> str:
        return requests.get(f"{api.base}/stadt/{slug}/datenschutz", timeout=30).text

    wait_until(lambda: "Dr. Daten Schutz" in page(), 10, "the public page shows the city part")
    text = page()
    assert "&lt;script&gt;" in text and "<script>alert" not in text
    assert 'href="javascript:' not in text
    assert f'href="/stadt/{slug}/impressum"' in text  # the footer links the city's variants


def test_registration_without_consent_is_refused_on_the_page_and_in_the_api(api) -> None:
    email = f"ohne-{uuid.uuid4().hex[:8]}@example.org"
    body = {"email": email, "display_name": "Ohne", "password": PASSWORD}
    refused = api.post("/accounts", body)
    assert refused.status_code == 422
    reason = refused.json()["error"]["fields"]["privacy_consent"]["de"][0]
    assert "Datenschutzerklärung" in reason

    browser = requests.Session()
    form = browser.get(f"{api.base}/registrieren", timeout=30).text
    assert "Was wir speichern" in form and 'href="/datenschutz"' in form
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    page = browser.post(
        f"{api.base}/registrieren",
        data={"csrf_token": csrf, "email": email, "display_name": "Ohne", "password": PASSWORD},
        timeout=30,
    )
    assert page.status_code == 422
    assert 'id="privacy_consent-error"' in page.text and reason in page.text
    assert api.post("/sessions", {"email": email, "password": PASSWORD}).status_code == 401


def test_consent_is_recorded_a_changed_notice_is_noted_once_and_exported(api, operator) -> None:
    shown = api.get("/legal").json()["privacy"]
    person = api.verified_login()
    state = api.get("/me/consents", token=person["token"]).json()
    assert state["privacy_version"] == shown
    assert [(c["document"], c["version"], c["context"]) for c in state["consents"]] == [
        ("privacy", shown, "registration")
    ]
    # A version nobody was shown is refused, naming the field.
    future = api.post("/me/consents/privacy", {"version": shown + 50}, token=person["token"])
    assert future.status_code == 422 and "privacy_version" in future.json()["error"]["fields"]

    # The operator changes the notice; the person, signed in on the pages, is asked once.
    browser = requests.Session()
    login = browser.get(f"{api.base}/anmelden", timeout=30).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    browser.post(
        f"{api.base}/anmelden",
        data={"csrf_token": csrf, "email": person["email"], "password": PASSWORD},
        timeout=30,
    )
    assert "Die Datenschutzerklärung hat sich geändert" not in browser.get(api.base + "/").text
    changed = _new_version(
        api, operator["token"], "/legal/privacy", f"## Neu\n\nFassung {uuid.uuid4()}\n"
    )
    new = changed["platform"]["version"]
    assert new == shown + 1 or new > shown

    def start_page() -> str:
        return browser.get(f"{api.base}/konto", timeout=30).text

    wait_until(
        lambda: "Die Datenschutzerklärung hat sich geändert" in start_page(), 10, "the banner"
    )
    page = start_page()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    noted = browser.post(
        f"{api.base}/datenschutz/zur-kenntnis-genommen",
        data={"csrf_token": csrf, "version": str(new), "next": "/konto"},
        timeout=30,
    )
    assert noted.status_code == 200 and noted.url.endswith("/konto")
    assert "Die Datenschutzerklärung hat sich geändert" not in noted.text
    # An address outside the site is never where the button leads.
    outside = browser.post(
        f"{api.base}/datenschutz/zur-kenntnis-genommen",
        data={"csrf_token": csrf, "version": str(new), "next": "//evil.example/"},
        timeout=30,
        allow_redirects=False,
    )
    assert outside.status_code == 302 and outside.headers["Location"] == "/"

    state = api.get("/me/consents", token=person["token"]).json()
    assert state["privacy_version"] == new
    assert {(c["version"], c["context"]) for c in state["consents"]} == {
        (shown, "registration"),
        (new, "notice_update"),
    }
    export = api.get("/me/export", token=person["token"]).json()
    sections = export["services"]["identity"]["sections"]
    consents = next(s for s in sections if s["name"] == "consents")
    assert consents["label"] == "Einwilligungen und Kenntnisnahmen"
    assert {(c["document"], c["version"], c["context"]) for c in consents["items"]} == {
        ("privacy", shown, "registration"),
        ("privacy", new, "notice_update"),
    }
    readable = browser.get(f"{api.base}/konto/meine-daten?format=html", timeout=30).text
    assert "Einwilligungen und Kenntnisnahmen" in readable
    assert "Neue Fassung zur Kenntnis genommen" in readable


def test_the_legal_pages_and_the_openapi_document(api) -> None:
    for path in ("/impressum", "/datenschutz", "/nutzungsbedingungen", "/barrierefreiheit"):
        page = requests.get(api.base + path, timeout=30)
        assert page.status_code == 200, path
        for target in ("/impressum", "/datenschutz", "/nutzungsbedingungen", "/barrierefreiheit"):
            assert f'href="{target}"' in page.text
    statement = requests.get(api.base + "/barrierefreiheit", timeout=30).text
    assert 'href="/barrierefreiheit/melden"' in statement
    assert requests.get(api.base + "/stadt/gibt-es-nicht/impressum", timeout=30).status_code == 404
    spec = requests.get(api.url("/openapi.json"), timeout=30).json()
    assert "put" in spec["paths"]["/api/v1/cities/{slug}/legal/{kind}"]
    assert "/api/v1/me/consents/privacy" in spec["paths"]
    register = spec["components"]["schemas"]["Register"]
    assert "privacy_consent" in register["required"]
