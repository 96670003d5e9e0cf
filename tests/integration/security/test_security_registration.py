"""Registration answers the same whether or not an address has an account (issue 15: a 409
"already exists" told anyone which addresses are registered). The owner of a registered
address learns it by mail, with a link to set a new password."""

from __future__ import annotations

import re
import uuid

import pytest
import requests

pytestmark = pytest.mark.integration
PASSWORD = "Zukunft-Stadt-9"


def _register(api, email: str) -> requests.Response:
    body = {
        "email": email,
        "display_name": "Erika Muster",
        "password": PASSWORD,
        "privacy_consent": True,
    }
    return api.post("/accounts", body)


def _comparable(response: requests.Response) -> tuple[int, dict]:
    body = response.json()
    # The id and the time differ between any two registrations; everything else must not.
    assert set(body) >= {"id", "created_at"}, body
    return response.status_code, {k: v for k, v in body.items() if k not in ("id", "created_at")}


def _page(api, email: str) -> requests.Response:
    browser = requests.Session()
    form = browser.get(f"{api.base}/registrieren", timeout=30).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    data = {
        "csrf_token": csrf,
        "email": email,
        "display_name": "Erika Muster",
        "privacy_consent": "1",
    }
    return browser.post(f"{api.base}/registrieren", data={**data, "password": PASSWORD}, timeout=30)


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


def test_registration_does_not_reveal_existing_accounts(api) -> None:
    taken = api.verified_login()["email"]
    fresh = f"neu-{uuid.uuid4().hex[:8]}@example.org"
    # The taken address differs from the fresh one only in the address itself.
    taken_answer, fresh_answer = _register(api, taken), _register(api, fresh)
    status, body = _comparable(taken_answer)
    assert (status, {**body, "email": "x"}) == (
        _comparable(fresh_answer)[0],
        {**_comparable(fresh_answer)[1], "email": "x"},
    )
    assert status == 201 and body["email"] == taken

    pages = _page(api, taken), _page(api, f"neu-{uuid.uuid4().hex[:8]}@example.org")
    assert [p.status_code for p in pages] == [200, 200]
    assert _without_csrf(pages[0].text) == _without_csrf(pages[1].text)

    # The owner of the taken address is told, in German, with a link to a new password.
    told = api.sink.wait_for(taken, count=2)[1]
    text = told.get_body(("plain",)).get_content()
    assert "Du hast aber schon" in text and "/konto/passwort-neu?token=" in text
    reset = api.mailed_token(taken, count=2)
    changed = api.post("/password-reset/confirm", {"token": reset, "password": "Neu-und-sicher-3"})
    assert changed.status_code == 200, changed.text
    # The fresh address got the usual verification link.
    assert "/konto/bestaetigen?token=" in (
        api.sink.wait_for(fresh, count=1)[0].get_body(("plain",)).get_content()
    )
