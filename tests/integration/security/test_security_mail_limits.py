"""Every request that makes the platform send mail is limited per address, per invitation and
per client: 429 with Retry-After and a German reason (issue 15: one talk invitation let anyone
mail any address without end, 80 characters of their own text each; verification resend
likewise).

The limits run on gateways of their own with tight values (``Platform.extra_gateway``): the
rest of the suite sends thousands of mails from one client address.
"""

from __future__ import annotations

import re
import sys
import uuid
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dialogue"))
from dialogue_support import create_talk, table_talk_city  # noqa: E402
from guest_support import CONSENT

pytestmark = pytest.mark.integration
TIGHT = {
    "STADTDIALOG_MAIL_LIMIT_PER_ADDRESS": "3 per minute",
    "STADTDIALOG_MAIL_LIMIT_PER_INVITATION": "5 per minute",
    "STADTDIALOG_MAIL_LIMIT_PER_CLIENT": "1000 per minute",
}


@pytest.fixture(scope="module")
def limited(platform, api) -> str:
    return platform.extra_gateway("gateway-mail-limits", TIGHT)


def _post(base: str, path: str, body: dict, token: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(f"{base}/api/v1{path}", json=body, headers=headers, timeout=30)


def _address() -> str:
    return f"postfach-{uuid.uuid4().hex[:8]}@example.org"


def _assert_limited(response: requests.Response, field: str, german_start: str) -> None:
    assert response.status_code == 429, response.text
    assert int(response.headers["Retry-After"]) >= 1
    error = response.json()["error"]
    assert error["code"] == "rate_limited"
    assert error["message"]["de"].startswith(german_start), error
    assert error["fields"][field]["de"] == [error["message"]["de"]]


def _three_then_refused(base: str, path: str, body: dict, token: str | None = None) -> None:
    answers = [_post(base, path, body, token) for _ in range(3)]
    assert [a.status_code < 300 for a in answers] == [True] * 3, [a.text for a in answers]
    _assert_limited(_post(base, path, body, token), "email", "Zu viele E-Mails an diese Adresse")


@pytest.fixture(scope="module")
def invitation(api, cities, platform) -> str:
    city = table_talk_city(api, cities, platform)
    host = api.verified_login()
    talk = create_talk(api, city["slug"], host, city["topic"]["id"], access="invitation_only")
    made = api.post(
        f"/cities/{city['slug']}/talks/{talk['id']}/invitations", {}, token=host["token"]
    )
    assert made.status_code == 201, made.text
    return made.json()["token"]


def test_guest_request_mails_are_limited(api, limited, invitation) -> None:
    victim = _address()
    body = {"token": invitation, "name": "Kaufen Sie jetzt!", "email": victim, **CONSENT}
    _three_then_refused(limited, "/talk-invitations/guest", body)
    # Exactly three mails reached the address; the fourth request was refused before sending.
    assert len(api.sink.wait_for(victim, count=3)) == 3

    # Per invitation: other addresses, but the same link, are refused after five mails.
    for _ in range(2):
        other = {**body, "email": _address()}
        assert _post(limited, "/talk-invitations/guest", other).status_code == 202
    refused = _post(limited, "/talk-invitations/guest", {**body, "email": _address()})
    _assert_limited(refused, "token", "Zu viele Gast-Anmeldungen über diese Einladung")

    # The page form shares the limit and says so in German, with Retry-After.
    browser = requests.Session()
    page = browser.get(f"{limited}/tischgespraeche/einladung", params={"token": invitation})
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {"csrf_token": csrf, "token": invitation, "name": "Erika", "email": _address()}
    refused_page = browser.post(f"{limited}/tischgespraeche/einladung", data=form, timeout=30)
    assert refused_page.status_code == 429 and "Retry-After" in refused_page.headers
    assert "Zu viele Gast-Anmeldungen über diese Einladung" in refused_page.text


def test_verification_resend_is_limited(api, limited) -> None:
    waiting = api.register()  # registered, not yet verified
    _three_then_refused(limited, "/accounts/verify/resend", {"email": waiting["email"]})
    # An unknown address is limited alike: the limit does not tell who has an account.
    _three_then_refused(limited, "/accounts/verify/resend", {"email": _address()})


def test_password_reset_mails_are_limited(api, limited) -> None:
    person = api.verified_login()
    _three_then_refused(limited, "/password-reset", {"email": person["email"]})


def test_registration_mails_are_limited(api, limited) -> None:
    taken = api.verified_login()["email"]
    body = {
        "email": taken,
        "display_name": "Erika",
        "password": "Zukunft-Stadt-9",
        "privacy_consent": True,
    }
    _three_then_refused(limited, "/accounts", body)


def test_working_group_invitation_mails_are_limited(api, cities, limited) -> None:
    city = cities.create()
    slug, admin, invited = city["slug"], city["admin"], _address()
    groups = []
    for number in range(4):
        made = api.post(
            f"/cities/{slug}/working-groups",
            {"name": f"Gruppe {number} {uuid.uuid4().hex[:4]}", "description": "Test"},
            token=admin["token"],
        )
        assert made.status_code == 201, made.text
        groups.append(made.json()["id"])
    body = {"email": invited, "organisation": "Verein e.V.", "kind": "association"}
    paths = [f"/cities/{slug}/working-groups/{g}/invitations" for g in groups]
    answers = [_post(limited, path, body, admin["token"]) for path in paths[:3]]
    assert [a.status_code for a in answers] == [201] * 3, [a.text for a in answers]
    _assert_limited(
        _post(limited, paths[3], body, admin["token"]), "email", "Zu viele E-Mails an diese"
    )


def test_mail_requests_are_limited_per_client(platform, api) -> None:
    base = platform.extra_gateway(
        "gateway-client-limit", {**TIGHT, "STADTDIALOG_MAIL_LIMIT_PER_CLIENT": "4 per minute"}
    )
    for _ in range(4):  # four addresses, one client
        assert _post(base, "/password-reset", {"email": _address()}).status_code == 202
    refused = _post(base, "/accounts/verify/resend", {"email": _address()})
    _assert_limited(refused, "_schema", "Zu viele E-Mails in kurzer Zeit von hier")
    # A newsletter's confirmation mail shares the bucket (it had none: one client could ask
    # any number of addresses to confirm, through the API or the CSRF-exempt page form).
    newsletter = _post(base, "/cities/irgendwo/newsletter/subscriptions", {"email": _address()})
    _assert_limited(newsletter, "_schema", "Zu viele E-Mails in kurzer Zeit von hier")
    page = requests.post(
        f"{base}/stadt/irgendwo/newsletter", data={"email": _address()}, timeout=30
    )
    assert page.status_code == 429 and "Zu viele E-Mails in kurzer Zeit" in page.text
    assert int(page.headers["Retry-After"]) >= 1
