"""The event envelope: CloudEvents 1.0 attributes plus ``city``, versioned types, routing keys."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest

from services.kit.events import (
    GLOBAL_CITY,
    PUBLIC_EXCHANGE,
    REQUIRED_ATTRIBUTES,
    SPECVERSION,
    EnvelopeError,
    event_type,
    make_envelope,
    public_routing_key,
    validate_envelope,
)

CLOUDEVENTS_ATTRIBUTES = {
    "id",
    "source",
    "specversion",
    "type",
    "time",
    "subject",
    "datacontenttype",
    "data",
}


def talk_documented(**overrides):
    arguments = {
        "service": "dialogue",
        "entity": "talk",
        "action": "documented",
        "data": {"talk_id": "t-1", "topic": "Mobilität"},
        "city": "koeln",
        "subject": "talk/t-1",
    }
    arguments.update(overrides)
    return make_envelope(**arguments)


def test_envelope_carries_every_cloudevents_attribute_plus_city():
    envelope = talk_documented()

    assert set(envelope) == CLOUDEVENTS_ATTRIBUTES | {"city"}
    assert envelope["specversion"] == SPECVERSION == "1.0"
    assert envelope["datacontenttype"] == "application/json"
    assert envelope["city"] == "koeln"
    assert envelope["subject"] == "talk/t-1"
    assert envelope["data"] == {"talk_id": "t-1", "topic": "Mobilität"}
    assert str(uuid.UUID(envelope["id"])) == envelope["id"]


def test_envelope_ids_are_unique():
    assert len({talk_documented()["id"] for _ in range(200)}) == 200


def test_envelope_time_is_rfc3339_utc_with_z():
    moment = datetime(2026, 3, 1, 12, 30, 5, 123000, tzinfo=UTC)
    envelope = talk_documented(now=moment)

    assert envelope["time"] == "2026-03-01T12:30:05.123000Z"
    assert datetime.fromisoformat(envelope["time"]) == moment


def test_envelope_time_defaults_to_now_in_utc():
    before = datetime.now(UTC)
    stamp = datetime.fromisoformat(talk_documented()["time"])
    after = datetime.now(UTC)

    assert talk_documented()["time"].endswith("Z")
    assert before <= stamp <= after


def test_envelope_is_plain_json():
    envelope = talk_documented()
    assert json.loads(json.dumps(envelope)) == envelope


def test_type_is_versioned_and_source_names_the_service():
    envelope = talk_documented(version=3)

    assert envelope["type"] == "stadtdialog.dialogue.talk.documented.v3"
    assert envelope["source"] == "/stadtdialog/dialogue"
    match = validate_envelope(envelope)
    assert (match["service"], match["entity"], match["action"], match["version"]) == (
        "dialogue",
        "talk",
        "documented",
        "3",
    )


def test_type_defaults_to_version_one():
    assert talk_documented()["type"].endswith(".v1")
    assert event_type("identity", "account", "registered") == (
        "stadtdialog.identity.account.registered.v1"
    )


def test_type_allows_underscores():
    assert event_type("events", "project_idea", "next_step_added", 2) == (
        "stadtdialog.events.project_idea.next_step_added.v2"
    )


@pytest.mark.parametrize(
    ("service", "entity", "action", "version"),
    [
        ("Dialogue", "talk", "documented", 1),  # upper case
        ("dialogue", "table-talk", "documented", 1),  # hyphen
        ("dialogue", "talk.x", "documented", 1),  # an extra segment
        ("dialogue", "talk", "", 1),  # empty action
        ("dialogue2", "talk", "documented", 1),  # digit in the service
        ("dialogue", "talk", "documented", -1),  # negative version
    ],
)
def test_bad_type_parts_are_refused(service, entity, action, version):
    with pytest.raises(EnvelopeError):
        event_type(service, entity, action, version)
    with pytest.raises(EnvelopeError):
        make_envelope(service=service, entity=entity, action=action, data={}, version=version)


def test_valid_envelope_passes_validation():
    assert validate_envelope(talk_documented())
    assert validate_envelope(talk_documented(city=None, subject=None))


def test_empty_data_object_is_valid():
    assert validate_envelope(talk_documented(data={}))


@pytest.mark.parametrize("attribute", REQUIRED_ATTRIBUTES)
def test_envelope_lacking_a_required_attribute_is_refused(attribute):
    envelope = talk_documented()
    del envelope[attribute]
    with pytest.raises(EnvelopeError, match=attribute):
        validate_envelope(envelope)


@pytest.mark.parametrize("attribute", ["id", "source", "type", "time"])
def test_envelope_with_empty_attribute_is_refused(attribute):
    envelope = talk_documented()
    envelope[attribute] = ""
    with pytest.raises(EnvelopeError, match=attribute):
        validate_envelope(envelope)


def test_envelope_with_null_data_is_refused():
    envelope = talk_documented()
    envelope["data"] = None
    with pytest.raises(EnvelopeError, match="data"):
        validate_envelope(envelope)


def test_other_specversion_is_refused():
    envelope = talk_documented()
    envelope["specversion"] = "0.3"
    with pytest.raises(EnvelopeError, match="specversion"):
        validate_envelope(envelope)


@pytest.mark.parametrize(
    "bad_type",
    [
        "stadtdialog.dialogue.talk.documented",  # no version
        "stadtdialog.dialogue.talk.documented.1",  # version without v
        "org.example.dialogue.talk.documented.v1",  # another namespace
        "stadtdialog.dialogue.documented.v1",  # no entity
        "stadtdialog.dialogue.talk.documented.v1.extra",
    ],
)
def test_envelope_with_bad_type_is_refused(bad_type):
    envelope = talk_documented()
    envelope["type"] = bad_type
    with pytest.raises(EnvelopeError, match="type"):
        validate_envelope(envelope)


def test_source_must_match_the_service_of_the_type():
    envelope = talk_documented()
    envelope["source"] = "/stadtdialog/identity"
    with pytest.raises(EnvelopeError, match="source"):
        validate_envelope(envelope)


def test_public_routing_key_is_city_service_entity_action():
    assert public_routing_key(talk_documented()) == "koeln.dialogue.talk.documented"


def test_public_routing_key_drops_the_version():
    envelope = talk_documented(version=7)
    assert public_routing_key(envelope) == "koeln.dialogue.talk.documented"


def test_public_routing_key_uses_global_when_no_city_applies():
    envelope = make_envelope(
        service="identity", entity="account", action="deleted", data={"account": "a-1"}
    )
    assert envelope["city"] is None
    assert GLOBAL_CITY == "_global"
    assert public_routing_key(envelope) == "_global.identity.account.deleted"


def test_public_routing_key_refuses_an_invalid_envelope():
    envelope = talk_documented()
    envelope["source"] = "/stadtdialog/elsewhere"
    with pytest.raises(EnvelopeError):
        public_routing_key(envelope)


def test_public_exchange_name():
    assert PUBLIC_EXCHANGE == "stadtdialog.public"
