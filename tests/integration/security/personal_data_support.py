"""Helpers of the personal-data tests: people whose name and address appear nowhere else, and
a search of every service database for them."""

from __future__ import annotations

import json
import uuid

PASSWORD = "Tischgespräch-42"


def _person(api, label: str) -> dict:
    """A signed-in account whose e-mail and name appear nowhere else."""
    tag = uuid.uuid4().hex[:8]
    email = f"{label.lower()}-{tag}@example.org"
    name = f"{label} Spurlos{tag}"
    made = api.post(
        "/accounts",
        {"email": email, "display_name": name, "password": PASSWORD, "privacy_consent": True},
    )
    assert made.status_code == 201, made.text
    verified = api.post("/accounts/verify", {"token": api.mailed_token(email)})
    assert verified.status_code == 200, verified.text
    login = api.post("/sessions", {"email": email, "password": PASSWORD})
    assert login.status_code == 201, login.text
    return {"email": email, "name": name, "token": login.json()["token"], "id": made.json()["id"]}


def _leaks(text: str, people: list[dict]) -> list[str]:
    found = []
    for person in people:
        for value in (person["email"], person["name"]):
            if value.lower() in text.lower():
                found.append(value)
    return found


def _database_leaks(platform, person: dict) -> list[str]:
    """Every document of every collection of every service database, searched as JSON."""
    client = platform.infra.mongo()
    prefix = f"{platform.infra.db_prefix}_"
    found = []
    for db_name in client.list_database_names():
        if not db_name.startswith(prefix):
            continue
        for collection in client[db_name].list_collection_names():
            for document in client[db_name][collection].find():
                text = json.dumps(document, default=str, ensure_ascii=False)
                for value in _leaks(text, [person]):
                    found.append(f"{db_name}.{collection} {document['_id']}: {value}")
    client.close()
    return found
