"""The event catalogue is a contract: valid AsyncAPI 3, in step with the schemas and with the code.

A type that a service emits (``self.outbox.add(...)`` in its source) but that is not catalogued
fails here, and so does a catalogued type that no service emits any more, a public/internal
mismatch, or a literal ``data`` dict whose keys differ from the type's schema.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from gateway.event_catalogue import (
    ASYNCAPI_FILE,
    SCHEMAS_DIR,
    build_asyncapi,
    load_catalogue,
    render_asyncapi,
    validation_errors,
)
from gateway.event_scan import SERVICES_DIR, scan
from services.kit.events import make_envelope

SPEC = Path(__file__).parent / "asyncapi_spec" / "asyncapi-3.0.0.json"
# Words that would name a person in a public fact; public facts carry ids and counts only.
PERSONAL = {
    "email",
    "e_mail",
    "display_name",
    "first_name",
    "last_name",
    "phone",
    "account_id",
    "user_id",
    "address",
    "host_name",
}
HOW_TO = "see docs/events.md, 'Adding an event type'"


@pytest.fixture(scope="module")
def asyncapi_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SPEC.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@pytest.fixture(scope="module")
def catalogue():  # noqa: ANN201
    return load_catalogue()


@pytest.fixture(scope="module")
def emitted():  # noqa: ANN201
    return scan()


def test_asyncapi_document_is_valid_asyncapi_3(asyncapi_validator) -> None:
    document = yaml.safe_load(ASYNCAPI_FILE.read_text())
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in asyncapi_validator.iter_errors(document)
    ]
    assert errors == []
    assert document["asyncapi"] == "3.0.0"


def test_the_validator_rejects_a_broken_document(asyncapi_validator) -> None:
    """Proof that the check above can fail: the official schema catches real mistakes."""
    document = build_asyncapi()
    broken = copy.deepcopy(document)
    del broken["info"]["version"]
    assert list(asyncapi_validator.iter_errors(broken))
    misspelt = copy.deepcopy(document)
    channel = next(iter(misspelt["channels"].values()))
    channel["adress"] = channel.pop("address")
    assert list(asyncapi_validator.iter_errors(misspelt))
    wrong_action = copy.deepcopy(document)
    next(iter(wrong_action["operations"].values()))["action"] = "publish"  # AsyncAPI 2 wording
    assert list(asyncapi_validator.iter_errors(wrong_action))


def test_asyncapi_document_is_generated_from_the_schemas() -> None:
    assert ASYNCAPI_FILE.read_text() == render_asyncapi(), (
        "docs/asyncapi.yaml is out of date: run .venv/bin/python -m gateway.event_catalogue"
    )


def test_every_emitted_type_is_catalogued(emitted, catalogue) -> None:
    assert emitted.undecidable == [], HOW_TO
    missing = sorted(
        f"{e.type} ({e.file}:{e.line})" for e in emitted.emissions if e.type not in catalogue
    )
    assert missing == [], f"emitted but not catalogued in {SCHEMAS_DIR}: {missing}; {HOW_TO}"


def test_every_catalogued_type_is_emitted(emitted, catalogue) -> None:
    # A service that is not in the tree yet may have its contract catalogued ahead of it.
    built = {path.parent.name for path in SERVICES_DIR.glob("*/service.py")}
    stale = sorted(t for t, spec in catalogue.items() if spec.service in built)
    stale = [t for t in stale if t not in emitted.types]
    assert stale == [], f"catalogued but emitted by no service: {stale}; {HOW_TO}"


def test_visibility_matches_the_code(emitted, catalogue) -> None:
    wrong = []
    for emission in emitted.emissions:
        spec = catalogue.get(emission.type)
        if spec is None or emission.public is None:
            continue
        if emission.public != spec.public:
            wrong.append(f"{emission.type} ({emission.file}:{emission.line}) is {spec.visibility}")
    assert wrong == [], f"public=... in the code differs from x-visibility: {wrong}"


def test_literal_data_matches_the_schema(emitted, catalogue) -> None:
    wrong = []
    for emission in emitted.emissions:
        spec = catalogue.get(emission.type)
        if spec is None or emission.data_keys is None:
            continue
        allowed = set(spec.data_schema["properties"])
        required = set(spec.data_schema.get("required", ()))
        if extra := emission.data_keys - allowed:
            wrong.append(f"{emission.type} at {emission.file}:{emission.line} adds {sorted(extra)}")
        if lacking := required - emission.data_keys:
            wrong.append(
                f"{emission.type} at {emission.file}:{emission.line} lacks {sorted(lacking)}"
            )
    assert wrong == [], f"data differs from the schema: {wrong}"


def test_schemas_are_valid_and_their_examples_match(catalogue) -> None:
    for spec in catalogue.values():
        jsonschema.Draft7Validator.check_schema(spec.data_schema)
        # Published open: a consumer validating against it survives an added optional field.
        assert spec.data_schema.get("additionalProperties") is True, spec.type
        for example in spec.data_schema["examples"]:
            jsonschema.validate(example, spec.data_schema, cls=jsonschema.Draft7Validator)


def test_public_types_carry_no_personal_data(catalogue) -> None:
    for spec in catalogue.values():
        if spec.public:
            assert not set(spec.data_schema["properties"]) & PERSONAL, spec.type


def test_identity_facts_are_internal(catalogue) -> None:
    identity = [s for s in catalogue.values() if s.service == "identity"]
    assert identity and all(not s.public for s in identity)


def test_an_envelope_of_each_type_validates_and_a_tampered_one_does_not(catalogue) -> None:
    for spec in catalogue.values():
        envelope = make_envelope(
            service=spec.service,
            entity=spec.entity,
            action=spec.action,
            version=spec.version,
            data=dict(spec.example),
            city="musterstadt",
            subject="x",
        )
        assert validation_errors(envelope, catalogue) == [], spec.type
        leaking = {**envelope, "data": {**envelope["data"], "email": "a@example.org"}}
        assert any("email" in e for e in validation_errors(leaking, catalogue)), spec.type
        foreign = {**envelope, "source": "/stadtdialog/elsewhere"}
        assert validation_errors(foreign, catalogue), spec.type
    unknown = make_envelope(service="cities", entity="nothing", action="happened", data={})
    assert validation_errors(unknown, catalogue) == [
        "type 'stadtdialog.cities.nothing.happened.v1' is not catalogued"
    ]


def test_a_consumer_with_the_published_schema_accepts_an_added_field(catalogue) -> None:
    """The rule of evolution: a version gains optional fields only, and a consumer that
    validates with the published schema (not strict) keeps accepting its messages; the
    platform's own strict check still refuses a field the catalogue does not name."""
    for spec in catalogue.values():
        envelope = make_envelope(
            service=spec.service,
            entity=spec.entity,
            action=spec.action,
            version=spec.version,
            data={**spec.example, "added_later": {"any": ["value", 1]}},
            city="musterstadt",
            subject="x",
        )
        grown = {
            **envelope,
            "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        }
        assert validation_errors(grown, catalogue, strict=False) == [], spec.type
        published = json.loads((SCHEMAS_DIR / f"{spec.type}.json").read_text())
        jsonschema.validate(grown["data"], published, cls=jsonschema.Draft7Validator)
        assert any("added_later" in e for e in validation_errors(grown, catalogue)), spec.type


def test_public_channels_use_the_public_routing_key(catalogue) -> None:
    document = build_asyncapi(catalogue)
    for spec in catalogue.values():
        channel = document["channels"][
            f"{'public' if spec.public else 'internal'}.{spec.component}"
        ]
        exchange = channel["bindings"]["amqp"]["exchange"]["name"]
        if spec.public:
            assert exchange == "stadtdialog.public"
            assert channel["address"] == f"{{city}}.{spec.service}.{spec.entity}.{spec.action}"
        else:
            assert exchange == f"{spec.service}.events" and channel["address"] == spec.type
