"""Helpers of the dialogue tests: a city moved to the phase a test needs, talk bodies, RPC
callers and a crowd of real accounts for the concurrency tests."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from nameko.standalone.rpc import ClusterRpcProxy

from services.kit.context import Caller
from services.kit.outbox import stored_rows
from services.kit.testing import caller_context, wait_until

GUIDING_QUESTION = "Wie bewegen wir uns 2040 durch unsere Stadt?"


def advance(api, slug: str, admin: dict, to: str, **extra: Any) -> requests.Response:
    return api.post(f"/cities/{slug}/phase", {"to": to, **extra}, token=admin["token"])


def to_scenarios(api, slug: str, admin: dict) -> None:
    step = f"/cities/{slug}/phases/kickoff/steps/working_group_formed"
    assert api.post(step, {"note": "Für den Test gebildet"}, token=admin["token"]).ok
    assert advance(api, slug, admin, "scenarios").status_code == 200


def until_status(call, status: int, what: str, timeout: float = 15) -> requests.Response:
    """Repeat ``call`` until it answers ``status``: the dialogue service learns of a city's
    changes (phase, schedule, plugins) from an event, a moment after the cities service."""
    last: list[requests.Response] = []

    def answered() -> bool:
        last[:] = [call()]
        return last[0].status_code == status

    wait_until(answered, timeout, what)
    return last[0]  # (a Response is falsy for 4xx, so wait_until cannot hand it back)


def publish_topic(platform, slug: str, title: str = "Mobilität", **data: Any) -> str:
    """A deep-dive topic fact as the scenarios service publishes it; returns its topic_id."""
    topic_id = data.pop("topic_id", f"topic-{uuid.uuid4().hex[:8]}")
    body = {"topic_id": topic_id, "title": title, "guiding_question": GUIDING_QUESTION, **data}
    platform.publish_fact("scenarios", "topic", "published", body, city=slug)
    return topic_id


def dialogue_topic(api, slug: str, title: str) -> dict:
    """Our copy of a published topic, once the dialogue service has consumed the fact."""
    return wait_until(
        lambda: next(
            (t for t in api.get(f"/cities/{slug}/topics").json() if t["title"] == title), None
        ),
        30,
        f"topic {title} in the dialogue service",
    )


def table_talk_city(api, cities, platform, schedule: dict | None = None) -> dict:
    """A new city in the table-talk phase with one published deep-dive topic."""
    made = cities.create()
    slug, admin = made["slug"], made["admin"]
    if schedule:
        assert api.put(f"/cities/{slug}/schedule", schedule, token=admin["token"]).ok
    to_scenarios(api, slug, admin)
    assert advance(api, slug, admin, "transfer").status_code == 200
    title = f"Mobilität {uuid.uuid4().hex[:6]}"
    publish_topic(platform, slug, title)
    wait_until(
        lambda: api.get(f"/cities/{slug}/tallies").json().get("scenarios.topic.published") == 1,
        30,
        "the topic counted by the cities service",
    )
    assert advance(api, slug, admin, "table_talks").status_code == 200
    topic = dialogue_topic(api, slug, title)
    return {"slug": slug, "admin": admin, "topic": topic}


def talk_body(topic_id: str | None, **overrides: Any) -> dict:
    starts = datetime.now(UTC) + timedelta(days=7)
    body = {
        "title": "Wie wollen wir wohnen?",
        "topic_id": topic_id,
        "description": "Ein Abend am Küchentisch",
        "format": "in_person",
        "address": "Lindenstraße 5",
        "district": "Nordstadt",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "capacity": 6,
        "access": "open",
        "language": "de",
        "accessibility": "Stufenloser Zugang",
    }
    body.update(overrides)
    return body


def create_talk(api, slug: str, host: dict, topic_id: str | None, **overrides: Any) -> dict:
    response = api.post(
        f"/cities/{slug}/talks", talk_body(topic_id, **overrides), token=host["token"]
    )
    assert response.status_code == 201, response.text
    return response.json()


def register_crowd(api, count: int, prefix: str) -> list[dict]:
    """``count`` real accounts (registered through the API, each with its own display name).

    The concurrency tests call the service by RPC as these accounts, so they need no login:
    the service asks the identity service for each person's display name."""

    def one(index: int) -> dict:
        email = f"{prefix}-{index}-{uuid.uuid4().hex[:6]}@example.org"
        name = f"{prefix} Gast {index:03d}"
        body = {
            "email": email,
            "display_name": name,
            "password": "Tischgespräch-42",
            "privacy_consent": True,
        }
        response = api.post("/accounts", body)
        assert response.status_code == 201, response.text
        return {"id": response.json()["id"], "email": email, "display_name": name}

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(count)))


def rpc_as(platform, account_id: str, timeout: float = 120) -> ClusterRpcProxy:
    """A standalone proxy (one per thread) that calls services as ``account_id``."""
    return ClusterRpcProxy(
        {"AMQP_URI": platform.infra.amqp_uri, "serializer": "json"},
        timeout=timeout,
        context_data=caller_context(Caller(user_id=account_id)),
    )


def outbox_events(platform, talk_id: str) -> list[dict]:
    """Every envelope the dialogue service stored about this talk (published or not)."""
    outbox = platform.infra.database("dialogue")["outbox"]
    return [row["envelope"] for row in stored_rows(outbox, {"envelope.data.talk_id": talk_id})]
