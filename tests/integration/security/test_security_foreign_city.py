"""Tenant isolation for every city-scoped API route, found from the gateway's url_map (so a new
route is covered the day it lands): people with every role in city A, and anonymous callers,
never change city B. Each write to B is refused (401, 403, 404, 409 or 422) and B's data in
every service database is the same afterwards. Routes that name an entity get a well-formed id
that exists nowhere; the per-service matrices (tests/integration/*/test_*_authorization.py,
test_dialogue_bad_input_and_access.py, test_events_closing.py) check real entities."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from gateway.app import create_app
from services.kit.registry import SERVICES

pytestmark = pytest.mark.integration

ROLES = ("city_admin", "partner", "facilitator", "working_group_member", "citizen")
WRITES = ("POST", "PUT", "DELETE", "PATCH")
REFUSED = {401, 403, 404, 409, 422}
PLACEHOLDER = "0123456789abcdef01234567"  # a well-formed id that names nothing


def city_write_routes() -> list[tuple[str, str]]:
    """(method, path with ``{slug}`` left to fill) of every API write under a city."""
    app = create_app()
    routes = set()
    for rule in app.url_map.iter_rules():
        path = rule.rule
        if not path.startswith("/api/v1/") or "<slug>" not in path:
            continue
        for method in sorted((rule.methods or set()) & set(WRITES)):
            concrete = path.replace("<slug>", "{slug}")
            concrete = re.sub(r"<int:[^>]+>", "2027", concrete)
            concrete = re.sub(r"<[^>]+>", PLACEHOLDER, concrete)
            routes.add((method, concrete.removeprefix("/api/v1")))
    return sorted(routes)


def snapshot(infra, slug: str) -> dict[str, list]:
    """Every document about ``slug`` in every service database (outboxes aside)."""
    found: dict[str, list] = {}
    for service in SERVICES:
        db = infra.database(service)
        for name in db.list_collection_names():
            if name in ("outbox", "outbox_published", "mail_outbox", "seen_events"):
                continue
            query = {"_id": slug} if name == "cities" else {"city": slug}
            rows = sorted(db[name].find(query), key=lambda row: str(row["_id"]))
            if rows:
                found[f"{service}.{name}"] = rows
    return found


def test_no_role_of_one_city_writes_to_another(api, cities, infra) -> None:
    home, foreign = cities.create(), cities.create()
    callers = {"anonymous": None}
    for role in ROLES:
        person = cities.person_with_role(home["slug"], role, home["admin"])
        callers[role] = person["token"]
    callers["city_admin"] = home["admin"]["token"]
    routes = city_write_routes()
    assert len(routes) > 40  # the url_map really was read

    before = snapshot(infra, foreign["slug"])

    def answer(call: tuple[str, str, str, str | None]) -> tuple[str, str, str, int]:
        method, path, who, token = call
        url = api.url(path.format(slug=foreign["slug"]))
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        status = requests.request(method, url, json={}, headers=headers, timeout=30).status_code
        return who, method, path, status

    calls = [(m, p, who, token) for m, p in routes for who, token in callers.items()]
    with ThreadPoolExecutor(max_workers=6) as pool:  # RPC-bound: six at a time, not one
        answered = list(pool.map(answer, calls))

    wrong = [a for a in answered if a[3] not in REFUSED]
    assert wrong == [], wrong
    assert snapshot(infra, foreign["slug"]) == before
