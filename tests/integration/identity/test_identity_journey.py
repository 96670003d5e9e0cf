"""Register → verify → login → me → export → delete, over HTTP against real processes."""

from __future__ import annotations

import time
from unittest import mock

import pytest

from services.identity.tokens import VERIFY, TokenSigner
from services.kit.config import load_settings


def test_full_account_journey(api) -> None:
    email = "Journey.Person@Example.org"
    created = api.post(
        "/accounts",
        {
            "email": email,
            "display_name": "Jo Journey",
            "password": "Zukunft-Stadt-7",
            "privacy_consent": True,
        },
    )
    assert created.status_code == 201, created.text
    account = created.json()
    assert account["email"] == email.lower()
    assert account["verified"] is False
    assert "password" not in account and "password_hash" not in account

    # Not verified yet: login is refused with a reason naming the e-mail.
    early = api.post("/sessions", {"email": email, "password": "Zukunft-Stadt-7"})
    assert early.status_code == 403
    assert "email" in early.json()["error"]["fields"]

    token = api.mailed_token(email.lower())
    verified = api.post("/accounts/verify", {"token": token})
    assert verified.status_code == 200
    assert verified.json()["verified"] is True

    login = api.post("/sessions", {"email": email.upper(), "password": "Zukunft-Stadt-7"})
    assert login.status_code == 201
    bearer = login.json()["token"]

    me = api.get("/me", token=bearer)
    assert me.status_code == 200
    assert me.json()["id"] == account["id"]

    export = api.get("/me/export", token=bearer)
    assert export.status_code == 200
    assert "attachment" in export.headers["Content-Disposition"]
    assert export.json()["account"]["email"] == email.lower()
    assert export.json()["format"] == "stadtdialog.personal-data.v1"  # all services now

    wrong = api.delete("/me", {"password": "not-the-password-1"}, token=bearer)
    assert wrong.status_code == 403
    assert "password" in wrong.json()["error"]["fields"]

    deleted = api.delete("/me", {"password": "Zukunft-Stadt-7"}, token=bearer)
    assert deleted.status_code == 200
    assert api.get("/me", token=bearer).status_code == 401
    again = api.post("/sessions", {"email": email, "password": "Zukunft-Stadt-7"})
    assert again.status_code == 401
    # The address is free again: deletion kept no personal data under it.
    assert (
        api.post(
            "/accounts",
            {
                "email": email,
                "display_name": "Neu",
                "password": "Zukunft-Stadt-8",
                "privacy_consent": True,
            },
        ).status_code
        == 201
    )


def test_logout_ends_the_bearer_token(api) -> None:
    person = api.verified_login()
    assert api.get("/me", token=person["token"]).status_code == 200
    assert api.delete("/sessions/current", token=person["token"]).status_code == 200
    response = api.get("/me", token=person["token"])
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_same_email_twice_makes_no_second_account(api) -> None:
    # Was a 409 "already exists"; that told anyone which addresses have an account (issue 15).
    # The answer is now the same as for a new address, and the owner is told by mail.
    account = api.register()
    again = api.post(
        "/accounts",
        {
            "email": account["email"].upper(),
            "display_name": "Zweite",
            "password": "Zweimal-da-2",
            "privacy_consent": True,
        },
    )
    assert again.status_code == 201, again.text
    assert again.json()["id"] != account["id"]
    told = api.sink.wait_for(account["email"], count=2)[1]
    assert told["Subject"].startswith("Stadtdialog: Du hast schon ein Konto")
    login = api.post("/sessions", {"email": account["email"], "password": "Zweimal-da-2"})
    assert login.status_code == 401


def test_verification_token_is_single_use(api) -> None:
    account = api.register()
    token = api.mailed_token(account["email"])
    assert api.post("/accounts/verify", {"token": token}).status_code == 200
    reused = api.post("/accounts/verify", {"token": token})
    assert reused.status_code == 422
    assert reused.json()["error"]["fields"]["token"]["en"] == ["The link has already been used."]


@pytest.mark.parametrize("token", ["", "not-a-token", "eyJhIjoiMSJ9.AAAA.BBBB"])
def test_wrong_verification_token(api, token: str) -> None:
    response = api.post("/accounts/verify", {"token": token})
    assert response.status_code == 422
    assert "token" in response.json()["error"]["fields"]


def test_expired_verification_token(api) -> None:
    account = api.register()
    settings = load_settings()
    signer = TokenSigner(settings.secret_key, settings.token_ttl_seconds)
    # A token signed (with the platform's key) three days ago: older than the 48 h lifetime.
    three_days_ago = time.time() - 3 * 24 * 3600
    with mock.patch("itsdangerous.timed.time.time", return_value=three_days_ago):
        token = signer.issue(VERIFY, account["id"])
    response = api.post("/accounts/verify", {"token": token})
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["token"]["en"] == ["The link has expired."]
    assert response.json()["error"]["fields"]["token"]["de"] == ["Der Link ist abgelaufen."]


def test_password_reset(api) -> None:
    person = api.verified_login()
    assert api.post("/password-reset", {"email": person["email"]}).status_code == 202
    # An unknown address gets the same answer: no account enumeration.
    assert api.post("/password-reset", {"email": "nobody@example.org"}).status_code == 202
    token = api.mailed_token(person["email"], count=2)  # mail 1 was the verification

    short = api.post("/password-reset/confirm", {"token": token, "password": "kurz1"})
    assert short.status_code == 422
    assert "password" in short.json()["error"]["fields"]

    done = api.post("/password-reset/confirm", {"token": token, "password": "Neues-Passwort-9"})
    assert done.status_code == 200
    # The old session and the old password are gone; the reset link works once.
    assert api.get("/me", token=person["token"]).status_code == 401
    old = api.post("/sessions", {"email": person["email"], "password": person["password"]})
    assert old.status_code == 401
    new = api.post("/sessions", {"email": person["email"], "password": "Neues-Passwort-9"})
    assert new.status_code == 201
    reused = api.post("/password-reset/confirm", {"token": token, "password": "Drittes-Pass-3"})
    assert reused.status_code == 422
    assert "token" in reused.json()["error"]["fields"]


def test_wrong_password_is_not_told_apart_from_unknown_email(api) -> None:
    person = api.verified_login()
    wrong = api.post("/sessions", {"email": person["email"], "password": "falsch-falsch-1"})
    unknown = api.post("/sessions", {"email": "ghost@example.org", "password": "falsch-falsch-1"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_organisations_and_roles(api, platform) -> None:
    person = api.verified_login()
    added = api.post(
        "/me/organisations",
        {"name": "Bürgerverein Nord", "kind": "association", "city": "koeln"},
        token=person["token"],
    )
    assert added.status_code == 201
    assert added.json()["organisations"] == [
        {"name": "Bürgerverein Nord", "kind": "association", "city": "koeln"}
    ]
    bad_kind = api.post("/me/organisations", {"name": "X", "kind": "club"}, token=person["token"])
    assert bad_kind.status_code == 422
    assert "kind" in bad_kind.json()["error"]["fields"]
    assert api.delete("/me/organisations/0", token=person["token"]).status_code == 200
    assert api.delete("/me/organisations/5", token=person["token"]).status_code == 404

    # A citizen may not grant roles; a city admin of that city may.
    grant = {"account_id": person["id"], "city": "koeln", "role": "facilitator"}
    assert api.post("/roles", grant, token=person["token"]).status_code == 403
    admin = api.verified_login()
    platform.infra.database("identity").accounts.update_one(
        {"_id": admin["id"]}, {"$set": {"roles": [{"city": "koeln", "role": "city_admin"}]}}
    )
    granted = api.post("/roles", grant, token=admin["token"])
    assert granted.status_code == 200, granted.text
    assert {"city": "koeln", "role": "facilitator"} in granted.json()["roles"]
    elsewhere = api.post("/roles", {**grant, "city": "bonn"}, token=admin["token"])
    assert elsewhere.status_code == 403
    me = api.get("/me", token=person["token"]).json()
    assert me["roles"] == [{"city": "koeln", "role": "facilitator"}]
    assert api.delete("/roles", grant, token=admin["token"]).status_code == 200
    assert api.get("/me", token=person["token"]).json()["roles"] == []
