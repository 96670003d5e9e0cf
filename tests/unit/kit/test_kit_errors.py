"""Domain errors: they cross nameko RPC as the same class and speak German and English."""

from __future__ import annotations

import json

import pytest
from marshmallow import Schema, ValidationError, fields
from nameko.exceptions import RemoteError, deserialize, serialize

from services.kit.errors import (
    ALL_ERRORS,
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    PhaseClosed,
    RateLimited,
    Unauthenticated,
    Unavailable,
)
from services.kit.i18n import german

DOCUMENTED_STATUS = {
    Invalid: 422,
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    PhaseClosed: 409,
    RateLimited: 429,
    Unavailable: 503,
}


def over_the_wire(exc: Exception) -> Exception:
    """What an RPC caller receives: nameko's serialisation, as JSON, and back."""
    return deserialize(json.loads(json.dumps(serialize(exc))))


def test_every_error_has_its_documented_status():
    assert set(ALL_ERRORS) == set(DOCUMENTED_STATUS)
    for error_class in ALL_ERRORS:
        assert error_class.status == DOCUMENTED_STATUS[error_class], error_class.__name__
        assert issubclass(error_class, DomainError)


def test_error_codes_are_unique_snake_case():
    codes = [error_class.code for error_class in ALL_ERRORS]
    assert len(set(codes)) == len(codes)
    assert all(code.replace("_", "").isalpha() and code.islower() for code in codes)


@pytest.mark.parametrize("error_class", ALL_ERRORS, ids=lambda c: c.__name__)
def test_error_with_default_message_survives_rpc(error_class):
    received = over_the_wire(error_class())

    assert type(received) is error_class
    assert received.message == error_class.default_message
    assert received.fields == {}
    assert received.status == error_class.status


@pytest.mark.parametrize("error_class", ALL_ERRORS, ids=lambda c: c.__name__)
def test_error_with_message_and_fields_survives_rpc(error_class):
    sent = error_class(
        "Shorter than minimum length 10.",
        {"password": ["Shorter than minimum length 10."], "form": {"answers": ["Invalid value."]}},
    )
    received = over_the_wire(sent)

    assert type(received) is error_class
    assert received.message == sent.message
    assert (
        received.fields
        == sent.fields
        == {
            "password": ["Shorter than minimum length 10."],
            "form.answers": ["Invalid value."],
        }
    )
    assert received.to_dict() == sent.to_dict()


def test_a_foreign_exception_does_not_pass_for_a_domain_error():
    received = over_the_wire(KeyError("boom"))
    assert isinstance(received, RemoteError)
    assert not isinstance(received, DomainError)


def test_to_dict_names_code_message_and_fields_in_german_and_english():
    body = Invalid(fields={"email": ["Not a valid email address."]}).to_dict()

    assert body == {
        "error": {
            "code": "invalid",
            "message": {"de": "Einige Felder sind ungültig.", "en": "Some fields are invalid."},
            "fields": {
                "email": {
                    "de": ["Keine gültige E-Mail-Adresse."],
                    "en": ["Not a valid email address."],
                }
            },
        }
    }


@pytest.mark.parametrize("error_class", ALL_ERRORS, ids=lambda c: c.__name__)
def test_default_message_of_every_error_has_a_german_text(error_class):
    message = error_class().to_dict()["error"]["message"]
    assert message["en"] == error_class.default_message
    assert message["de"] != message["en"]
    assert message["de"] == german(error_class.default_message)


def test_to_dict_is_json():
    body = Conflict("An account with this e-mail address already exists.").to_dict()
    assert json.loads(json.dumps(body)) == body
    assert body["error"]["message"]["de"] == (
        "Ein Konto mit dieser E-Mail-Adresse existiert bereits."
    )


def test_nested_marshmallow_messages_flatten_to_dotted_paths():
    class Answer(Schema):
        text = fields.String(required=True)

    class Form(Schema):
        title = fields.String(required=True)
        answers = fields.List(fields.Nested(Answer))
        address = fields.Nested(Schema.from_dict({"zip": fields.Integer()}))

    with pytest.raises(ValidationError) as caught:
        Form().load({"answers": [{"text": "ok"}, {}], "address": {"zip": "abc"}})
    error = Invalid(fields=caught.value.messages)

    assert error.fields == {
        "title": ["Missing data for required field."],
        "answers.1.text": ["Missing data for required field."],
        "address.zip": ["Not a valid integer."],
    }
    assert error.to_dict()["error"]["fields"]["answers.1.text"]["de"] == ["Pflichtfeld fehlt."]


def test_single_string_message_becomes_a_list():
    assert Invalid(fields={"city": "Unknown field."}).fields == {"city": ["Unknown field."]}


def test_messages_without_a_field_land_under_schema():
    assert Invalid(fields={"": ["Invalid value."]}).fields == {"_schema": ["Invalid value."]}


def test_several_messages_for_one_field_are_kept_in_order():
    error = Invalid(fields={"password": ["Shorter than minimum length 10.", "Invalid value."]})
    assert error.fields["password"] == ["Shorter than minimum length 10.", "Invalid value."]
    assert error.to_dict()["error"]["fields"]["password"]["de"] == [
        "Kürzer als die Mindestlänge 10.",
        "Ungültiger Wert.",
    ]


def test_error_args_are_json_serialisable():
    error = Invalid("Some fields are invalid.", {"a": {"b": ["Invalid value."]}})
    assert json.loads(json.dumps(error.args)) == [
        "Some fields are invalid.",
        {"a.b": ["Invalid value."]},
    ]
