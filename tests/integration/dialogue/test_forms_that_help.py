"""Forms that help (issue 17 items 5 and 8), through the real gateway and services: every error
of a submit in one answer, summarised at the top with links to the fields and the focus on it;
the in-person rule named per field; sign-in and registration return to ``next`` (local paths
only); signing in before confirming offers the confirmation mail again."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests
from dialogue_support import create_talk, table_talk_city, talk_body

pytestmark = pytest.mark.integration


def _csrf(browser: requests.Session, url: str) -> str:
    page = browser.get(url, timeout=30)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def _sign_in(api, person: dict, next_path: str | None = None) -> tuple[requests.Session, str]:
    """A browser signed in through the page; returns it and where the sign-in sent it."""
    browser = requests.Session()
    url = f"{api.base}/anmelden" + (f"?next={quote(next_path, safe='')}" if next_path else "")
    form = {
        "email": person["email"],
        "password": person["password"],
        "csrf_token": _csrf(browser, url),
    }
    if next_path is not None:
        form["next"] = next_path
    answer = browser.post(url, data=form, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text
    return browser, answer.headers["Location"]


def _next_of_links(html: str, path: str) -> list[str]:
    """The ``next`` of every link to ``path`` (sign-in or registration) on a page."""
    found = []
    for href in re.findall(r'href="([^"]+)"', html):
        parts = urlsplit(unescape(href))
        if parts.path == path:
            found.append(parse_qs(parts.query).get("next", [""])[0])
    return found


def _summary(html: str) -> str:
    found = re.search(
        r'<div class="kern-alert kern-alert--danger[^"]*" id="fehler"(.*?)</ul>', html, re.S
    )
    assert found, html[:3000]
    return unescape(found.group(0))


def test_the_talk_api_names_every_field_at_once(api, cities, platform) -> None:
    city = table_talk_city(api, cities, platform)
    host = api.verified_login()
    far = datetime.now(UTC) + timedelta(days=3 * 365)
    body = {
        "format": "in_person",
        "topic_id": "no-such-topic",
        "starts_at": far.isoformat(),
        "ends_at": (far + timedelta(hours=2)).isoformat(),
    }
    answer = api.post(f"/cities/{city['slug']}/talks", body, token=host["token"])
    assert answer.status_code == 422, answer.text
    fields = answer.json()["error"]["fields"]
    # Field errors, the in-person rule, the time rule and the topic: one answer, not four.
    assert set(fields) == {"title", "capacity", "address", "district", "starts_at", "topic_id"}
    assert fields["address"]["de"][0].startswith("Adresse fehlt:")
    assert fields["district"]["de"][0].startswith("Stadtteil fehlt:")
    # An online talk needs its link, not an address.
    online = talk_body(city["topic"]["id"], format="online", address=None, district=None)
    answer = api.post(f"/cities/{city['slug']}/talks", online, token=host["token"])
    assert answer.status_code == 422 and set(answer.json()["error"]["fields"]) == {"link"}


def test_the_host_form_shows_every_error_with_a_summary_and_keeps_the_input(
    api, cities, platform
) -> None:
    city = table_talk_city(api, cities, platform)
    host = api.verified_login()
    browser, _ = _sign_in(api, host)
    url = f"{api.base}/stadt/{city['slug']}/tischgespraeche/neu"
    page = browser.get(url, timeout=30).text
    # The conditional markers say when a field is needed.
    assert page.count("Pflicht bei Gespräch vor Ort") == 2 and "Pflicht bei Online-Gespräch" in page
    form = {
        "csrf_token": _csrf(browser, url),
        "title": "",
        "topic_id": city["topic"]["id"],
        "description": "Küchentisch <b>fett</b>",
        "format": "in_person",
        "address": "",
        "district": "",
        "link": "",
        "starts_at": "",
        "ends_at": "",
        "capacity": "6",
        "access": "open",
        "language": "de",
        "accessibility": "",
    }
    answer = browser.post(url, data=form, timeout=30)
    assert answer.status_code == 422
    summary = _summary(answer.text)
    assert "Bitte korrigiere Folgendes:" in summary and "autofocus" in summary
    for name in ("title", "address", "district", "starts_at", "ends_at"):
        assert f'href="#{name}"' in summary, name
        assert f'id="{name}-error"' in answer.text and f'id="{name}"' in answer.text
    assert "Adresse: Adresse fehlt:" in summary and "Stadtteil: Stadtteil fehlt:" in summary
    # What was typed stays, escaped.
    assert "Küchentisch &lt;b&gt;fett&lt;/b&gt;" in answer.text
    assert 'value="6"' in answer.text

    # Fixed in one go: the talk's page, the confirmation as the redirect's target.
    starts = datetime.now(UTC) + timedelta(days=5)
    form.update(
        title="Wie wohnen wir 2040?",
        address="Lindenstraße 5",
        district="Nordstadt",
        starts_at=starts.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    )
    done = browser.post(url, data=form, allow_redirects=False, timeout=30)
    assert done.status_code == 302 and done.headers["Location"].endswith("#meldung")
    talk_page = browser.get(api.base + done.headers["Location"].split("#")[0], timeout=30).text
    assert 'id="meldung" tabindex="-1"' in talk_page


def test_registration_names_every_field_at_once(api) -> None:
    browser = requests.Session()
    url = f"{api.base}/registrieren"
    form = {
        "csrf_token": _csrf(browser, url),
        "email": "kein-at",
        "display_name": "",
        "password": "kurz",
    }
    answer = browser.post(url, data=form, timeout=30)
    assert answer.status_code == 422
    summary = _summary(answer.text)
    for name in ("email", "display_name", "password", "privacy_consent"):
        assert f'href="#{name}"' in summary, name
    assert 'value="kein-at"' in answer.text and 'value="kurz"' not in answer.text


def test_sign_in_returns_to_a_local_next_only(api, cities, platform) -> None:
    city = table_talk_city(api, cities, platform)
    person = api.verified_login()
    host_form = f"/stadt/{city['slug']}/tischgespraeche/neu"
    # Signed out, the host form sends to sign-in with the way back.
    signed_out = requests.get(f"{api.base}{host_form}", timeout=30)
    assert signed_out.status_code == 401
    assert host_form in _next_of_links(signed_out.text, "/anmelden")
    login_page = requests.get(f"{api.base}/anmelden?next={quote(host_form, safe='')}", timeout=30)
    assert f'name="next" value="{host_form}"' in login_page.text
    assert set(_next_of_links(login_page.text, "/registrieren")) == {host_form}

    browser, where = _sign_in(api, person, host_form)
    assert where == host_form
    assert browser.get(f"{api.base}{where}", timeout=30).status_code == 200

    for hostile in (
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
        "/\t/evil.example",
    ):
        _, where = _sign_in(api, person, hostile)
        assert where == "/", (hostile, where)
        page = requests.get(f"{api.base}/anmelden?next={quote(hostile, safe='')}", timeout=30)
        assert 'name="next"' not in page.text, hostile


def test_registration_keeps_next_until_the_sign_in_after_confirming(api) -> None:
    back = "/stadt/irgendwo/ideen?seite=2"
    email = f"{uuid.uuid4().hex[:10]}@example.org"
    browser = requests.Session()
    url = f"{api.base}/registrieren?next={quote(back, safe='')}"
    assert f'name="next" value="{unescape(back)}"' in unescape(browser.get(url, timeout=30).text)
    form = {
        "csrf_token": _csrf(browser, url),
        "next": back,
        "email": email,
        "display_name": "Neu Hier",
        "password": "Tischgespräch-42",
        "privacy_consent": "1",
    }
    registered = browser.post(url, data=form, timeout=30)
    assert registered.status_code == 200 and "Fast geschafft" in registered.text
    # The same browser confirms: the page's sign-in link carries the way back.
    token = api.mailed_token(email)
    confirmed = browser.get(f"{api.base}/konto/bestaetigen?token={token}", timeout=30)
    assert back in _next_of_links(confirmed.text, "/anmelden")


def test_signing_in_unconfirmed_offers_the_mail_again(api) -> None:
    person = api.register()
    browser = requests.Session()
    url = f"{api.base}/anmelden"
    form = {
        "csrf_token": _csrf(browser, url),
        "email": person["email"],
        "password": person["password"],
    }
    refused = browser.post(url, data=form, timeout=30)
    assert refused.status_code == 403
    assert "Bestätigungsmail erneut senden" in refused.text
    assert 'action="/konto/bestaetigung-erneut"' in refused.text
    resend = {"csrf_token": _csrf(browser, url), "email": person["email"]}
    sent = browser.post(f"{api.base}/konto/bestaetigung-erneut", data=resend, timeout=30)
    assert sent.status_code == 200 and "E-Mail unterwegs" in sent.text
    token = api.mailed_token(person["email"], count=2)  # the second mail: a fresh link
    assert api.post("/accounts/verify", {"token": token}).status_code == 200
    # A wrong address is named in the form, like every field.
    bad = browser.post(
        f"{api.base}/konto/bestaetigung-erneut",
        data={"csrf_token": _csrf(browser, url), "email": "kein-at"},
        timeout=30,
    )
    assert bad.status_code == 422 and 'href="#email"' in _summary(bad.text)


def test_the_invitation_page_signs_in_and_comes_back_with_its_link(api, cities, platform) -> None:
    city = table_talk_city(api, cities, platform)
    host = api.verified_login()
    talk = create_talk(api, city["slug"], host, city["topic"]["id"], access="invitation_only")
    made = api.post(
        f"/cities/{city['slug']}/talks/{talk['id']}/invitations", {}, token=host["token"]
    )
    assert made.status_code == 201, made.text
    invitation = f"/tischgespraeche/einladung?token={made.json()['token']}"
    page = requests.get(f"{api.base}{invitation}", timeout=30).text
    assert "öffne den Link dann noch einmal" not in page
    assert invitation in _next_of_links(page, "/anmelden")
    guest = api.verified_login()
    browser, where = _sign_in(api, guest, invitation)
    assert where == invitation
    back = browser.get(f"{api.base}{where}", timeout=30).text
    assert "Mit meinem Konto teilnehmen" in back
    # One-time links (confirm, reset) keep their token out of the sign-in link.
    reset = requests.get(f"{api.base}/konto/passwort-neu?token=abc", timeout=30).text
    assert _next_of_links(reset, "/anmelden") == [""]
