"""Bad input answers 4xx naming the field; who may do what; cities do not see each other's
talks, guests, documentation or ideas."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from unittest import mock

import pytest
import requests
from dialogue_support import create_talk, table_talk_city, talk_body
from guest_support import CONSENT
from talk_time_support import begun

from services.kit.config import load_settings
from services.kit.tokens import SignedTokens


@pytest.fixture(scope="module")
def world(api, cities, platform) -> dict:
    """Two cities in the table-talk phase; in A a host with an upcoming talk and a confirmed
    guest, a second talk of the host that began a moment ago (so it can be documented), and an
    outsider."""
    a = table_talk_city(api, cities, platform)
    b = table_talk_city(api, cities, platform)
    host, guest, outsider = api.verified_login(), api.verified_login(), api.verified_login()
    talk = create_talk(api, a["slug"], host, a["topic"]["id"])
    joined = api.post(f"/cities/{a['slug']}/talks/{talk['id']}/registrations", token=guest["token"])
    assert joined.status_code == 200, joined.text
    held = create_talk(api, a["slug"], host, a["topic"]["id"])
    begun(platform, held["id"], minutes=5)
    return {
        "a": a, "b": b, "host": host, "guest": guest, "outsider": outsider, "talk": talk,
        "held": held,
    }  # fmt: skip


def _fields(response: requests.Response) -> dict:
    return response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": "2020-01-01T00:00:00Z"}, "ends_at"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 10_000}, "capacity"),
        ({"format": "online", "link": None}, "link"),
        ({"topic_id": "0123456789abcdef01234567"}, "topic_id"),
        ({"topic_id": None}, "topic_id"),
        ({"starts_at": "2020-01-01T00:00:00Z", "ends_at": "2020-01-01T02:00:00Z"}, "starts_at"),
        ({"language": "deutsch"}, "language"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_bad_talks_name_the_field(api, world, overrides: dict, field: str) -> None:
    slug = world["a"]["slug"]
    body = {**talk_body(world["a"]["topic"]["id"]), **overrides}
    response = api.post(f"/cities/{slug}/talks", body, token=world["host"]["token"])
    assert response.status_code == 422, response.text
    assert field in _fields(response)
    assert _fields(response)[field]["de"] and _fields(response)[field]["en"]


def test_a_guest_joins_only_with_a_yes_to_the_privacy_notice(api, world, platform) -> None:
    slug, talk, host = world["a"]["slug"], world["talk"], world["host"]
    path = f"/cities/{slug}/talks/{talk['id']}"
    token = api.post(f"{path}/invitations", token=host["token"]).json()["token"]
    email = f"gast-{uuid.uuid4().hex[:8]}@example.org"
    guest = {"token": token, "name": "Erika", "email": email}
    current = api.get("/legal").json()["privacy"]

    for body, field in (
        (guest, "privacy_consent"),  # the box not ticked: nothing sent
        ({**guest, "privacy_consent": False}, "privacy_consent"),
        ({**guest, **CONSENT, "privacy_version": current + 1}, "privacy_version"),
    ):
        refused = api.post("/talk-invitations/guest", body)
        assert refused.status_code == 422 and field in _fields(refused), refused.text
        assert "Datenschutzerklärung" in _fields(refused)[field]["de"][0]
    requests_made = platform.infra.database("dialogue")["guest_requests"]
    assert requests_made.count_documents({"email": email}) == 0  # and no mail went out

    assert api.post("/talk-invitations/guest", {**guest, **CONSENT}).status_code == 202
    stored = requests_made.find_one({"email": email})
    assert stored["privacy_version"] == current and stored["created_at"] is not None


def test_bad_invitations_name_the_token(api, world) -> None:
    slug, talk, host = world["a"]["slug"], world["talk"], world["host"]
    path = f"/cities/{slug}/talks/{talk['id']}"
    created = api.post(f"{path}/invitations", token=host["token"]).json()
    guest = {
        "token": created["token"],
        "name": "Gast",
        "email": "gast-widerruf@example.org",
        **CONSENT,
    }
    assert api.post("/talk-invitations/guest", guest).status_code == 202
    mailed = api.mailed_token("gast-widerruf@example.org")
    revoked = api.delete(f"{path}/invitations/{created['id']}", token=host["token"])
    assert revoked.status_code == 200 and revoked.json()["revoked"] is True

    for response in (
        api.post("/talk-invitations/open", {"token": created["token"]}),
        api.post("/talk-invitations/guest", guest),
        api.post("/talk-invitations/guest/confirm", {"token": mailed}),
        api.post(
            f"{path}/registrations", {"token": created["token"]}, token=world["outsider"]["token"]
        ),
    ):
        assert response.status_code == 422, response.text
        assert _fields(response)["token"]["en"] == ["The invitation was revoked."]

    # An invitation signed long ago has expired (the same key, an old timestamp).
    fresh = api.post(f"{path}/invitations", token=host["token"]).json()
    signer = SignedTokens(load_settings().secret_key, 120 * 24 * 3600)
    claims = signer.read("talk-invitation", fresh["token"])
    with mock.patch("time.time", return_value=datetime.now(UTC).timestamp() - 200 * 24 * 3600):
        old = signer.sign("talk-invitation", {k: claims[k] for k in ("c", "t", "i")})
    expired = api.post("/talk-invitations/open", {"token": old})
    assert expired.status_code == 422 and _fields(expired)["token"]["en"] == [
        "The link has expired."
    ]
    tampered = api.post("/talk-invitations/open", {"token": fresh["token"][:-3] + "abc"})
    assert tampered.status_code == 422 and "token" in _fields(tampered)
    # A link for one talk does not open another.
    other = create_talk(api, slug, host, world["a"]["topic"]["id"])
    wrong_talk = api.post(
        f"/cities/{slug}/talks/{other['id']}/registrations",
        {"token": fresh["token"]},
        token=world["outsider"]["token"],
    )
    assert wrong_talk.status_code == 422 and "token" in _fields(wrong_talk)
    bad_guest = api.post(
        "/talk-invitations/guest", {"token": fresh["token"], "name": "", "email": "x", **CONSENT}
    )
    assert bad_guest.status_code == 422 and {"name", "email"} <= _fields(bad_guest).keys()


def test_bad_documentation_and_ideas_name_the_field(api, world) -> None:
    slug, talk, host = world["a"]["slug"], world["held"], world["host"]
    path = f"/cities/{slug}/talks/{talk['id']}/documentation"
    bad = api.post(
        path,
        {
            "participants": 0,
            "summary": "kurz",
            "insights": [{"question": "Welche?", "answer": "x"}],
        },
        token=host["token"],
    )
    assert bad.status_code == 422 and {"participants", "summary"} <= _fields(bad).keys()
    not_guiding = api.post(
        path,
        {
            "participants": 3,
            "summary": "Ein gutes Gespräch am Abend.",
            "insights": [{"question": "Eine andere Frage?", "answer": "Ja."}],
        },
        token=host["token"],
    )
    assert not_guiding.status_code == 422 and "insights.0.question" in _fields(not_guiding)
    future = create_talk(api, slug, host, world["a"]["topic"]["id"])
    early = api.post(
        f"/cities/{slug}/talks/{future['id']}/documentation",
        {"participants": 3, "summary": "Ein gutes Gespräch am Abend."},
        token=host["token"],
    )
    assert early.status_code == 409 and "talk" in _fields(early)

    ideas = f"/cities/{slug}/ideas"
    citizen = world["outsider"]
    bad_idea = api.post(
        ideas, {"title": "x", "description": "kurz", "category": "space"}, token=citizen["token"]
    )
    assert bad_idea.status_code == 422
    assert {"title", "description", "category"} <= _fields(bad_idea).keys()
    no_talk = api.post(
        ideas,
        {
            "title": "Ein Dorfladen",
            "description": "Ein Laden für alle im Dorf.",
            "category": "economy",
            "talk_id": future["id"],
        },
        token=citizen["token"],
    )
    assert no_talk.status_code == 422 and "talk_id" in _fields(no_talk)
    idea = api.post(
        ideas,
        {
            "title": "Ein Dorfladen",
            "description": "Ein Laden für alle im Dorf.",
            "category": "economy",
        },
        token=citizen["token"],
    )
    assert idea.status_code == 201
    status = f"{ideas}/{idea.json()['id']}/status"
    admin = world["a"]["admin"]
    skipping = api.post(status, {"status": "realised", "reason": "Schon da"}, token=admin["token"])
    assert skipping.status_code == 422 and "status" in _fields(skipping)
    no_reason = api.post(status, {"status": "in_discussion"}, token=admin["token"])
    assert no_reason.status_code == 422 and "reason" in _fields(no_reason)
    assert (
        api.post(
            status, {"status": "in_discussion", "reason": "Wird besprochen"}, token=citizen["token"]
        ).status_code
        == 403
    )
    moved = api.post(
        status, {"status": "in_discussion", "reason": "Im Ortsbeirat"}, token=admin["token"]
    )
    assert moved.status_code == 200 and moved.json()["status_reason"] == "Im Ortsbeirat"
    assert api.get(f"{ideas}/{idea.json()['id']}").json()["status"] == "in_discussion"

    # Moderation: hidden with a reason, gone from the public list, visible to moderators.
    hide = f"{ideas}/{idea.json()['id']}/hide"
    assert api.post(hide, {"reason": "Doppelt"}, token=citizen["token"]).status_code == 403
    assert api.post(hide, {"reason": "Doppelt eingereicht"}, token=admin["token"]).ok
    assert idea.json()["id"] not in [i["id"] for i in api.get(ideas).json()]
    assert api.get(f"{ideas}/{idea.json()['id']}").status_code == 404
    moderated = api.get(f"{ideas}/{idea.json()['id']}", token=admin["token"]).json()
    assert moderated["hidden_reason"] == "Doppelt eingereicht"
    assert api.post(f"{ideas}/{idea.json()['id']}/support", token=admin["token"]).status_code == 409


def test_only_the_host_manages_a_talk(api, world) -> None:
    slug, talk = world["a"]["slug"], world["talk"]
    path = f"/cities/{slug}/talks/{talk['id']}"
    doc = {"participants": 3, "summary": "Ein gutes Gespräch am Abend."}
    for token, expected in (
        (None, 401),
        (world["guest"]["token"], 403),
        (world["outsider"]["token"], 403),
    ):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        assert (
            requests.patch(api.url(path), json={"capacity": 9}, headers=headers).status_code
            == expected
        )
        assert (
            api.post(f"{path}/cancel", {"reason": "Keine Lust"}, token=token).status_code
            == expected
        )
        assert api.get(f"{path}/guests", token=token).status_code == expected
        assert api.post(f"{path}/invitations", token=token).status_code == expected
        assert api.get(f"{path}/invitations", token=token).status_code == expected
        assert (
            api.put(f"{path}/documentation/draft", {"summary": "x"}, token=token).status_code
            == expected
        )
        assert api.post(f"{path}/documentation", doc, token=token).status_code == expected
    # Joining and hosting need a signed-in person.
    assert api.post(f"{path}/registrations").status_code == 401
    assert api.post(f"/cities/{slug}/talks", talk_body(None)).status_code == 401
    # The city admin may cancel a talk (moderation), but not read the guest list.
    assert api.get(f"{path}/guests", token=world["a"]["admin"]["token"]).status_code == 403


def test_cities_do_not_see_each_other(api, world) -> None:
    a, b, talk = world["a"]["slug"], world["b"]["slug"], world["talk"]
    host, admin_b = world["host"], world["b"]["admin"]
    # A's talk through B's paths does not exist.
    for response in (
        api.get(f"/cities/{b}/talks/{talk['id']}"),
        api.get(f"/cities/{b}/talks/{talk['id']}/guests", token=host["token"]),
        api.post(f"/cities/{b}/talks/{talk['id']}/registrations", token=world["outsider"]["token"]),
        api.post(
            f"/cities/{b}/talks/{talk['id']}/cancel",
            {"reason": "Fremde Stadt"},
            token=admin_b["token"],
        ),
        api.get(f"/cities/{b}/talks/{talk['id']}/documentation"),
    ):
        assert response.status_code == 404, response.text
    assert talk["id"] not in [t["id"] for t in api.get(f"/cities/{b}/talks").json()]
    # B's admin is nobody in A: no moderation there.
    topic_a = world["a"]["topic"]["id"]
    hide = api.post(
        f"/cities/{a}/topics/{topic_a}/hide", {"reason": "Fremde Stadt"}, token=admin_b["token"]
    )
    assert hide.status_code == 403
    assert api.get(f"/cities/{a}/reports", token=admin_b["token"]).status_code == 403
    # A topic of A cannot be used for a talk in B.
    cross = api.post(f"/cities/{b}/talks", talk_body(topic_a), token=host["token"])
    assert cross.status_code == 422 and "topic_id" in _fields(cross)
    # An invitation of A's talk does not open a talk of B.
    unknown = api.get("/cities/keine-stadt/talks")
    assert unknown.status_code == 404
    assert api.get(f"/cities/{b}/forms/talk_documentation").status_code == 200
