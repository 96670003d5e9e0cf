"""Links in guests' mails (confirm, cancel) carry no personal data and end with a cancellation.

Findings of issue 15: the guest confirmation link carried the guest's name and e-mail address
(readable base64 in the URL, so in logs and browser histories), and after cancelling, the
confirmation link registered the guest again.
"""

from __future__ import annotations

import json
import re
import sys
import uuid
import zlib
from pathlib import Path

import pytest
import requests
from itsdangerous.encoding import base64_decode

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dialogue"))
from dialogue_support import create_talk, table_talk_city  # noqa: E402
from guest_support import CONSENT

pytestmark = pytest.mark.integration
NO_LONGER_VALID = "Diese Anmeldung wurde zurückgenommen; der Link ist nicht mehr gültig."


@pytest.fixture(scope="module")
def invitation(api, cities, platform) -> dict:
    city = table_talk_city(api, cities, platform)
    host = api.verified_login()
    talk = create_talk(api, city["slug"], host, city["topic"]["id"], access="invitation_only")
    path = f"/cities/{city['slug']}/talks/{talk['id']}"
    made = api.post(f"{path}/invitations", {}, token=host["token"])
    assert made.status_code == 201, made.text
    return {"token": made.json()["token"], "path": path, "host": host}


def _links(message) -> list[str]:  # noqa: ANN001
    body = message.get_body(("plain",)).get_content()
    return re.findall(r"https?://\S+", body)


def _payload(link: str) -> str:
    """What anyone holding the link can read: the token's payload, decoded (signing is not
    encryption)."""
    token = link.split("token=")[1]
    data = token.split(".")[1] if token.startswith(".") else token.split(".")[0]
    raw = base64_decode(data)
    return (zlib.decompress(raw) if token.startswith(".") else raw).decode()


def _guest(api, invitation: dict) -> dict:
    tag = uuid.uuid4().hex[:8]
    guest = {"name": f"Erika Gastlich{tag}", "email": f"erika-{tag}@example.org"}
    asked = api.post("/talk-invitations/guest", {"token": invitation["token"], **guest, **CONSENT})
    assert asked.status_code == 202, asked.text
    return guest


def _leaks(text: str, guest: dict) -> bool:
    lowered = text.lower()
    local = guest["email"].split("@")[0]
    return any(v.lower() in lowered for v in (guest["name"], guest["email"], local))


def test_guest_links_carry_no_personal_data(api, invitation) -> None:
    guest = _guest(api, invitation)
    confirm_mail = api.sink.wait_for(guest["email"], count=1)[0]
    confirm = next(link for link in _links(confirm_mail) if "gast-bestaetigen" in link)
    assert not _leaks(confirm, guest) and not _leaks(_payload(confirm), guest), _payload(confirm)
    json.loads(_payload(confirm))  # really the decoded payload, not noise

    joined = api.post("/talk-invitations/guest/confirm", {"token": confirm.split("token=")[1]})
    assert joined.status_code == 200, joined.text
    seat_mail = api.sink.wait_for(guest["email"], count=2)[1]
    cancel = next(link for link in _links(seat_mail) if "gast-absagen" in link)
    assert not _leaks(cancel, guest) and not _leaks(_payload(cancel), guest), _payload(cancel)
    # The guest still shows on the host's list under the name given (kept server-side).
    guests = api.get(f"{invitation['path']}/guests", token=invitation["host"]["token"]).json()
    assert guest["name"] in [g["display_name"] for g in guests["confirmed"]]


def _page_post(api, path: str, token: str) -> requests.Response:
    """The link as a guest opens it: the page with its button, then the button pressed."""
    browser = requests.Session()
    page = browser.get(f"{api.base}{path}", params={"token": token}, timeout=30)
    assert page.status_code == 200, page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return browser.post(f"{api.base}{path}", data={"csrf_token": csrf, "token": token}, timeout=30)


def test_guest_links_stop_working_after_cancellation(api, invitation) -> None:
    guest = _guest(api, invitation)
    confirm = api.mailed_token(guest["email"])
    joined = api.post("/talk-invitations/guest/confirm", {"token": confirm})
    assert joined.status_code == 200, joined.text
    # A second click before cancelling finds the same registration.
    again = api.post("/talk-invitations/guest/confirm", {"token": confirm})
    assert again.json()["registration_id"] == joined.json()["registration_id"]

    cancel = api.mailed_token(guest["email"], count=2)
    cancelled = _page_post(api, "/tischgespraeche/gast-absagen", cancel)
    assert cancelled.status_code == 200 and "Abgemeldet" in cancelled.text

    for path, token in (("/confirm", confirm), ("/cancel", cancel)):
        refused = api.post(f"/talk-invitations/guest{path}", {"token": token})
        assert refused.status_code == 409, refused.text
        assert refused.json()["error"]["fields"]["token"]["de"] == [NO_LONGER_VALID]
    for path, token in (("gast-bestaetigen", confirm), ("gast-absagen", cancel)):
        page = _page_post(api, f"/tischgespraeche/{path}", token)
        assert page.status_code == 409 and NO_LONGER_VALID in page.text, page.text
    guests = api.get(f"{invitation['path']}/guests", token=invitation["host"]["token"]).json()
    listed = [g["display_name"] for g in guests["confirmed"] + guests["waiting"]]
    assert guest["name"] not in listed

    # Asking again through the invitation is a new request with working links.
    api.post("/talk-invitations/guest", {"token": invitation["token"], **guest, **CONSENT})
    fresh = api.mailed_token(guest["email"], count=3)
    assert api.post("/talk-invitations/guest/confirm", {"token": fresh}).status_code == 200
