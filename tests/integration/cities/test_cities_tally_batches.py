"""The cities service counts public facts in lists (services/kit/batches.py): a burst costs
fewer inserts than facts, a malformed message in a list does not keep the others from being
counted, and a fact delivered twice still counts once."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import requests
from kombu import Connection

from services.kit.events import make_envelope
from services.kit.outbox import public_exchange
from services.kit.testing import wait_until

pytestmark = pytest.mark.integration

METHOD = "count_public_fact"


def _metrics(platform) -> str:  # noqa: ANN001
    url = f"http://127.0.0.1:{platform.metrics_ports['cities']}/metrics"
    return requests.get(url, timeout=10).text


def _sample(text: str, name: str, **labels: str) -> float:
    """The sum of the samples of ``name`` whose labels include ``labels``."""
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def _inserts(platform) -> float:  # noqa: ANN001
    return _sample(
        _metrics(platform),
        "stadtdialog_db_commands_total",
        service="cities",
        origin=f"event:{METHOD}",
        command="insert",
    )


def _handled(platform, kind: str) -> float:  # noqa: ANN001
    return _sample(
        _metrics(platform),
        "stadtdialog_service_events_handled_total",
        service="cities",
        type=kind,
        outcome="ok",
    )


def _publish_at_once(platform, bodies: list, slug: str) -> None:  # noqa: ANN001
    """Straight onto the public exchange, without waiting for a confirm after each message:
    the burst arrives together, as a crowd's facts do."""
    with Connection(platform.infra.amqp_uri) as connection:
        producer = connection.Producer()
        for body in bodies:
            kind = body.get("type", "") if isinstance(body, dict) else ""
            service = kind.split(".")[1] if kind.count(".") > 2 else "dialogue"
            producer.publish(
                body,
                exchange=public_exchange(),
                routing_key=f"{slug}.{service}.fact",
                declare=[public_exchange()],
                serializer="json",
                delivery_mode=2,
            )


def _fact(slug: str, action: str, n: int) -> dict:
    return make_envelope(
        service="dialogue", entity="talk", action=action, data={"talk_id": f"t{n}"}, city=slug
    )


def _tallies(api, slug: str) -> dict:  # noqa: ANN001
    return api.get(f"/cities/{slug}/tallies").json()


def test_a_burst_of_facts_is_counted_with_fewer_inserts_than_facts(api, cities, platform) -> None:
    slug = cities.create()["slug"]
    facts = [_fact(slug, "created", n) for n in range(60)]
    before = _inserts(platform)
    _publish_at_once(platform, facts, slug)
    wait_until(
        lambda: _tallies(api, slug).get("dialogue.talk.created") == len(facts),
        30,
        "every fact of the burst counted",
    )
    inserts = _inserts(platform) - before
    assert 1 <= inserts < len(facts) / 2, inserts


def test_a_malformed_message_in_a_list_does_not_stop_the_others(api, cities, platform) -> None:
    slug = cities.create()["slug"]
    started = datetime.now(UTC)
    # An id that is not a string: the tally cannot store it (a ValidationError, every time).
    poison = _fact(slug, "documented", 999)
    poison["id"] = {"not": "a string"}
    good = [_fact(slug, "documented", n) for n in range(8)]
    bodies = [*good[:4], "kein Umschlag", poison, {"city": slug}, *good[4:]]
    _publish_at_once(platform, bodies, slug)
    wait_until(
        lambda: _tallies(api, slug).get("dialogue.talk.documented") == len(good),
        30,
        "every good fact counted",
    )
    retries = platform.infra.database("cities")["consumer_retries"]
    rows = wait_until(
        lambda: list(retries.find({"queue": "cities.tallies", "created_at": {"$gte": started}})),
        20,
        "the malformed fact set aside for a retry",
    )
    # Only the fact at fault: the string and the envelope-less dict are skipped, not failed.
    assert len(rows) == 1 and "ValidationError" in rows[0]["last_error"], rows
    assert _tallies(api, slug)["dialogue.talk.documented"] == len(good)


def test_the_same_fact_twice_in_a_list_and_later_again_counts_once(api, cities, platform) -> None:
    slug = cities.create()["slug"]
    kind = "stadtdialog.dialogue.talk.cancelled.v1"
    first, second, third = (_fact(slug, "cancelled", n) for n in range(3))
    handled = _handled(platform, kind)
    # Twice in one list (one insert meets its own duplicate) and once more alone, later.
    _publish_at_once(platform, [first, first, second], slug)
    wait_until(
        lambda: _tallies(api, slug).get("dialogue.talk.cancelled") == 2, 30, "two facts counted"
    )
    _publish_at_once(platform, [second], slug)
    _publish_at_once(platform, [third, first], slug)
    wait_until(lambda: _handled(platform, kind) - handled == 6, 30, "all six deliveries handled")
    assert _tallies(api, slug)["dialogue.talk.cancelled"] == 3
