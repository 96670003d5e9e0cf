"""Idempotent consumption against the real database: an event id seen before is ignored."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from pymongo.database import Database

from services.kit.consumer import ProcessedEvents, idempotent
from services.kit.db import connect
from services.kit.events import make_envelope

pytestmark = pytest.mark.integration

SERVICE = "kittest"


@pytest.fixture
def database(infra, monkeypatch) -> Database:  # noqa: ANN001
    # The decorator connects through load_settings(): point it at the session's database.
    monkeypatch.setenv("MONGODB_URI", infra.mongodb_uri)
    monkeypatch.setenv("STADTDIALOG_DB_PREFIX", infra.db_prefix)
    database = connect(SERVICE)
    assert database.name == f"{infra.db_prefix}_{SERVICE}"
    return database


@pytest.fixture
def processed(database) -> Iterator[ProcessedEvents]:  # noqa: ANN001
    collection = database[f"processed_{uuid.uuid4().hex}"]
    yield ProcessedEvents(collection)
    collection.drop()


def envelope(n: int = 0) -> dict:
    return make_envelope(service="kittest", entity="probe", action="happened", data={"n": n})


class Handlers:
    """Stands in for a nameko service: the decorator wraps its event handler methods."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.fail_next = False

    @idempotent(SERVICE)
    def on_probe(self, event: dict) -> str:
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("handler failed half-way")
        self.calls.append(("on_probe", event["id"]))
        return "done"

    @idempotent(SERVICE)
    def without_id(self, event: dict) -> None:
        self.calls.append(("without_id", event.get("id")))

    @idempotent(SERVICE)
    def also_on_probe(self, event: dict) -> None:
        self.calls.append(("also_on_probe", event["id"]))


def test_processed_events_remember_ids_per_handler(processed):
    event_id = str(uuid.uuid4())
    assert not processed.seen("handler_a", event_id)

    processed.mark("handler_a", event_id)

    assert processed.seen("handler_a", event_id)
    assert not processed.seen("handler_b", event_id)
    assert not processed.seen("handler_a", str(uuid.uuid4()))


def test_marking_twice_is_harmless(processed):
    event_id = str(uuid.uuid4())
    processed.mark("handler_a", event_id)
    processed.mark("handler_a", event_id)  # a concurrent redelivery: no DuplicateKeyError
    assert processed.collection.count_documents({}) == 1
    assert processed.seen("handler_a", event_id)


def test_second_delivery_of_the_same_event_is_skipped(database):
    handlers, event = Handlers(), envelope()

    assert handlers.on_probe(event) == "done"
    assert handlers.on_probe(dict(event)) is None  # redelivered: same id

    assert handlers.calls == [("on_probe", event["id"])]
    key = f"{Handlers.__module__}.Handlers.on_probe:{event['id']}"
    assert database["processed_events"].find_one({"_id": key}) is not None


def test_a_new_event_id_runs_the_handler_again(database):
    handlers, first, second = Handlers(), envelope(1), envelope(1)

    handlers.on_probe(first)
    handlers.on_probe(second)
    handlers.on_probe(first)

    assert handlers.calls == [("on_probe", first["id"]), ("on_probe", second["id"])]


def test_seen_ids_are_remembered_across_instances(database):
    event = envelope()
    Handlers().on_probe(event)
    restarted = Handlers()  # as after a service restart: the record is in the database

    restarted.on_probe(event)

    assert restarted.calls == []


def test_each_handler_processes_the_event_once(database):
    handlers, event = Handlers(), envelope()

    for _ in range(2):
        handlers.on_probe(event)
        handlers.also_on_probe(event)

    assert handlers.calls == [("on_probe", event["id"]), ("also_on_probe", event["id"])]


def test_a_failed_handler_runs_again_on_redelivery(database):
    handlers, event = Handlers(), envelope()
    handlers.fail_next = True

    with pytest.raises(RuntimeError):
        handlers.on_probe(event)
    handlers.on_probe(event)

    assert handlers.calls == [("on_probe", event["id"])]


def test_an_event_without_id_is_not_deduplicated(database):
    handlers = Handlers()
    handlers.without_id({"data": {}})
    handlers.without_id({"data": {}})
    assert handlers.calls == [("without_id", None), ("without_id", None)]


def test_handler_name_is_kept_by_the_decorator():
    assert Handlers.on_probe.__name__ == "on_probe"
    assert Handlers.on_probe.__wrapped__.__qualname__ == "Handlers.on_probe"
