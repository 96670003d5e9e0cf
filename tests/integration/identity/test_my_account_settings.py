"""Mein Bereich's account settings over HTTP against real processes: display name, e-mail
change (re-verified by mail), password change (current password required) and sessions
(listed, one ended, all others ended) — each person only ever reaching their own."""

from __future__ import annotations

import uuid

PASSWORD = "Tischgespräch-42"


def _fresh() -> str:
    return f"{uuid.uuid4().hex[:10]}@example.org"


def _german(response) -> dict[str, list[str]]:  # noqa: ANN001
    return {k: v["de"] for k, v in response.json()["error"]["fields"].items()}


def test_display_name_is_changed_with_german_errors(api) -> None:
    person = api.verified_login()
    blank = api.put("/me/display-name", {"display_name": "   "}, token=person["token"])
    assert blank.status_code == 422
    assert _german(blank) == {"display_name": ["Pflichtfeld fehlt."]}
    too_long = api.put("/me/display-name", {"display_name": "x" * 81}, token=person["token"])
    assert too_long.status_code == 422 and "display_name" in too_long.json()["error"]["fields"]
    assert api.put("/me/display-name", {"display_name": "Ada"}).status_code == 401

    changed = api.put("/me/display-name", {"display_name": " Ada Lovelace "}, token=person["token"])
    assert changed.status_code == 200, changed.text
    assert api.get("/me", token=person["token"]).json()["display_name"] == "Ada Lovelace"


def test_email_changes_only_when_the_link_to_the_new_address_is_opened(api) -> None:
    person = api.verified_login()
    old, new = person["email"], _fresh()
    mails_before = len(api.sink.wait_for(old, count=1))

    wrong = api.post("/me/email", {"email": new, "password": "falsch-123"}, token=person["token"])
    assert wrong.status_code == 403
    assert _german(wrong) == {"password": ["Das Passwort ist falsch."]}
    same = api.post(
        "/me/email", {"email": old.upper(), "password": PASSWORD}, token=person["token"]
    )
    assert same.status_code == 422
    assert _german(same) == {"email": ["Das ist schon Deine E-Mail-Adresse."]}
    bad = api.post("/me/email", {"email": "kein-at", "password": PASSWORD}, token=person["token"])
    assert bad.status_code == 422 and _german(bad) == {"email": ["Keine gültige E-Mail-Adresse."]}

    asked = api.post("/me/email", {"email": new, "password": PASSWORD}, token=person["token"])
    assert asked.status_code == 202, asked.text
    token = api.mailed_token(new)
    notice = api.sink.wait_for(old, count=mails_before + 1)[-1]
    assert "neue E-Mail-Adresse" in notice.get_body(("plain",)).get_content()
    # Not yet: the old address still signs in, the new one does not.
    assert api.post("/sessions", {"email": new, "password": PASSWORD}).status_code == 401
    assert api.get("/me", token=person["token"]).json()["email"] == old

    confirmed = api.post("/me/email/confirm", {"token": token})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["email"] == new
    assert api.post("/sessions", {"email": old, "password": PASSWORD}).status_code == 401
    assert api.post("/sessions", {"email": new, "password": PASSWORD}).status_code == 201
    told = api.sink.wait_for(old, count=mails_before + 2)[-1]
    assert "geändert" in told["Subject"]
    again = api.post("/me/email/confirm", {"token": token})
    assert again.status_code == 422 and "token" in again.json()["error"]["fields"]


def test_an_address_taken_meanwhile_is_refused_at_confirmation(api) -> None:
    person = api.verified_login()
    wanted = _fresh()
    asked = api.post("/me/email", {"email": wanted, "password": PASSWORD}, token=person["token"])
    assert asked.status_code == 202
    token = api.mailed_token(wanted)
    api.verified_login_as(wanted)  # someone else registers the address first
    taken = api.post("/me/email/confirm", {"token": token})
    assert taken.status_code == 409
    assert _german(taken) == {
        "email": ["Diese E-Mail-Adresse gehört schon zu einem anderen Konto."]
    }
    assert api.get("/me", token=person["token"]).json()["email"] == person["email"]

    # Asking for an address that has an account: the same answer, and no mail goes to it.
    owner_mails = len(api.sink.wait_for(wanted, count=2))
    same = api.post("/me/email", {"email": wanted, "password": PASSWORD}, token=person["token"])
    assert same.status_code == 202
    free = _fresh()
    api.post("/me/email", {"email": free, "password": PASSWORD}, token=person["token"])
    api.sink.wait_for(free, count=1)  # mailed after the refused one
    assert len([m for m in api.sink.messages if m["To"] == wanted]) == owner_mails


def test_password_change_needs_the_current_one_and_ends_other_sessions(api) -> None:
    person = api.verified_login()
    other = api.post("/sessions", {"email": person["email"], "password": PASSWORD}).json()["token"]
    path = "/me/password"
    wrong = api.put(
        path, {"current_password": "falsch-123", "new_password": "Neu-Passwort-9"},
        token=person["token"],
    )  # fmt: skip
    assert wrong.status_code == 403
    assert _german(wrong) == {"current_password": ["Das Passwort ist falsch."]}
    weak = api.put(
        path, {"current_password": PASSWORD, "new_password": "kurz"}, token=person["token"]
    )
    assert weak.status_code == 422 and "new_password" in weak.json()["error"]["fields"]
    missing = api.put(path, {"new_password": "Neu-Passwort-9"}, token=person["token"])
    assert _german(missing) == {"current_password": ["Pflichtfeld fehlt."]}

    body = {"current_password": PASSWORD, "new_password": "Neu-Passwort-9"}
    changed = api.put(path, body, token=person["token"])
    assert changed.status_code == 200, changed.text
    assert changed.json()["ended_sessions"] == 1
    assert api.get("/me", token=other).status_code == 401  # the other session ended
    assert api.get("/me", token=person["token"]).status_code == 200  # this one stays
    old = api.post("/sessions", {"email": person["email"], "password": PASSWORD})
    assert old.status_code == 401
    new = api.post("/sessions", {"email": person["email"], "password": "Neu-Passwort-9"})
    assert new.status_code == 201


def test_sessions_are_listed_and_ended_only_by_their_owner(api) -> None:
    person = api.verified_login()
    second = api.post("/sessions", {"email": person["email"], "password": PASSWORD}).json()["token"]
    third = api.post("/sessions", {"email": person["email"], "password": PASSWORD}).json()["token"]
    stranger = api.verified_login()

    listed = api.get("/me/sessions", token=person["token"])
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert len(items) == 3 and [i["current"] for i in items].count(True) == 1
    assert all(i["kind"] == "api" for i in items)
    assert not any(second in str(i) or person["token"] in str(i) for i in items)  # no secrets
    mine = {i["id"] for i in items}
    theirs = {i["id"] for i in api.get("/me/sessions", token=stranger["token"]).json()["items"]}
    assert mine.isdisjoint(theirs)

    # Someone else cannot end my session, not even knowing its handle.
    handle = next(i["id"] for i in items if not i["current"])
    refused = api.delete(f"/me/sessions/{handle}", token=stranger["token"])
    assert refused.status_code == 404
    assert _german(refused) == {"session": ["Diese Sitzung gibt es nicht (mehr)."]}
    assert api.get("/me/sessions", token=person["token"]).json()["items"] == items

    ended = api.delete(f"/me/sessions/{handle}", token=person["token"])
    assert ended.status_code == 200 and ended.json() == {"ended": 1}
    left = [i for i in api.get("/me/sessions", token=person["token"]).json()["items"]]
    assert len(left) == 2 and handle not in {i["id"] for i in left}
    assert api.delete(f"/me/sessions/{handle}", token=person["token"]).status_code == 404

    others = api.post("/me/sessions/end-others", {}, token=person["token"])
    assert others.status_code == 200 and others.json() == {"ended": 1}
    assert api.get("/me", token=second).status_code == 401
    assert api.get("/me", token=third).status_code == 401
    assert api.get("/me", token=person["token"]).status_code == 200
    assert api.get("/me", token=stranger["token"]).status_code == 200  # untouched
    assert [
        i["current"] for i in api.get("/me/sessions", token=person["token"]).json()["items"]
    ] == [True]
