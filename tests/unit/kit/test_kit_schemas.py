"""``services.kit.schemas.load``: input errors become ``Invalid`` naming each field."""

from __future__ import annotations

import pytest
from marshmallow import fields, validate

from services.kit.errors import Invalid
from services.kit.schemas import StrictSchema, load


class Topic(StrictSchema):
    title = fields.String(required=True, validate=validate.Length(min=3))
    tags = fields.List(fields.String())


class Talk(StrictSchema):
    topic = fields.Nested(Topic, required=True)
    seats = fields.Integer(load_default=6)


def test_valid_input_is_loaded_with_defaults():
    assert load(Talk(), {"topic": {"title": "Mobilität"}}) == {
        "topic": {"title": "Mobilität"},
        "seats": 6,
    }


@pytest.mark.parametrize("body", [None, [], ["topic"], "topic", 3])
def test_non_object_body_is_invalid(body):
    with pytest.raises(Invalid) as caught:
        load(Talk(), body)
    assert caught.value.message == "The request body must be a JSON object."
    assert caught.value.status == 422
    assert caught.value.to_dict()["error"]["message"]["de"] == (
        "Der Inhalt der Anfrage muss ein JSON-Objekt sein."
    )


def test_unknown_field_is_invalid_and_named():
    with pytest.raises(Invalid) as caught:
        load(Talk(), {"topic": {"title": "Mobilität"}, "sesats": 4})
    assert caught.value.fields == {"sesats": ["Unknown field."]}


def test_unknown_nested_field_is_named_by_its_path():
    with pytest.raises(Invalid) as caught:
        load(Talk(), {"topic": {"title": "Mobilität", "colour": "red"}})
    assert caught.value.fields == {"topic.colour": ["Unknown field."]}


def test_every_bad_field_is_named():
    with pytest.raises(Invalid) as caught:
        load(Talk(), {"topic": {"title": "ab", "tags": ["ok", 5]}, "seats": "many"})
    assert caught.value.fields == {
        "topic.title": ["Shorter than minimum length 3."],
        "topic.tags.1": ["Not a valid string."],
        "seats": ["Not a valid integer."],
    }


def test_missing_required_field_is_named():
    with pytest.raises(Invalid) as caught:
        load(Talk(), {})
    assert caught.value.fields == {"topic": ["Missing data for required field."]}
    assert caught.value.message == "Some fields are invalid."
