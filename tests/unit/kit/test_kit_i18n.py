"""German texts for the English messages services raise."""

from __future__ import annotations

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from services.identity.schemas import OrganisationSchema, RoleGrantSchema
from services.kit.errors import Invalid
from services.kit.i18n import german
from services.kit.schemas import load


@pytest.mark.parametrize(
    ("english", "expected"),
    [
        ("Missing data for required field.", "Pflichtfeld fehlt."),
        ("Unknown field.", "Unbekanntes Feld."),
        ("Not a valid email address.", "Keine gültige E-Mail-Adresse."),
        ("The link has expired.", "Der Link ist abgelaufen."),
        ("Only operators may do this.", "Nur Betreiber dürfen das."),
    ],
)
def test_known_messages_are_translated(english, expected):
    assert german(english) == expected


@pytest.mark.parametrize(
    ("english", "expected"),
    [
        ("Shorter than minimum length 10.", "Kürzer als die Mindestlänge 10."),
        ("Longer than maximum length 254.", "Länger als die Höchstlänge 254."),
        ("Length must be between 1 and 80.", "Länge muss zwischen 1 und 80 liegen."),
        ("Must be greater than or equal to 0.", "Muss größer oder gleich 0 sein."),
        ("Must be less than or equal to 5.", "Muss kleiner oder gleich 5 sein."),
        ("Must be one of: de, en.", "Muss einer dieser Werte sein: de, en."),
    ],
)
def test_messages_with_numbers_are_matched_by_pattern(english, expected):
    assert german(english) == expected


@pytest.mark.parametrize(
    "english",
    [
        "Something nobody translated.",
        "Shorter than minimum length",  # the pattern needs its number and the full stop
        "",
    ],
)
def test_unknown_messages_fall_back_to_english(english):
    assert german(english) == english


def marshmallow_messages(field: fields.Field, value: object) -> list[str]:
    schema = Schema.from_dict({"x": field})()
    with pytest.raises(ValidationError) as caught:
        schema.load({"x": value})
    return caught.value.messages["x"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (fields.String(required=True), None),
        (fields.String(), 5),
        (fields.Integer(), "many"),
        (fields.Float(), "much"),
        (fields.Boolean(), "perhaps"),
        (fields.DateTime(), "yesterday"),
        (fields.Date(), "soon"),
        (fields.Email(), "not-an-address"),
        (fields.URL(), "not a url"),
        (fields.List(fields.String()), "not a list"),
        (fields.Dict(), "not a mapping"),
        (fields.String(validate=validate.Length(min=3)), "ab"),
        (fields.String(validate=validate.Length(max=3)), "abcd"),
        (fields.String(validate=validate.Length(min=1, max=3)), "abcd"),
        (fields.Integer(validate=validate.Range(min=1)), 0),
        (fields.Integer(validate=validate.Range(max=1)), 2),
        (fields.String(validate=validate.OneOf(["de", "en"])), "fr"),
    ],
    ids=lambda p: type(p).__name__ if isinstance(p, fields.Field) else repr(p),
)
def test_marshmallow_messages_of_the_installed_version_have_german_texts(field, value):
    """Guards the table against marshmallow rewording its default messages."""
    for message in marshmallow_messages(field, value):
        assert german(message) != message, message


def test_unknown_field_message_of_marshmallow_has_german_text():
    class Strict(Schema):
        name = fields.String()

    with pytest.raises(ValidationError) as caught:
        Strict().load({"nmae": "x"})
    assert german(caught.value.messages["nmae"][0]) == "Unbekanntes Feld."


@pytest.mark.parametrize("schema", [RoleGrantSchema, OrganisationSchema])
def test_bad_city_slug_in_identity_schemas_is_answered_in_german(schema):
    data = {"account_id": "a-1", "role": "citizen", "city": "Köln!"}
    if schema is OrganisationSchema:
        data = {"name": "Bürgerverein", "kind": "association", "city": "Köln!"}
    with pytest.raises(Invalid) as caught:
        load(schema(), data)
    city = caught.value.to_dict()["error"]["fields"]["city"]
    assert city["en"] == ["String does not match expected pattern."]
    assert city["de"] != city["en"]


def test_the_most_literal_pattern_wins() -> None:
    # "… {min}." would otherwise swallow "2020 and less than or equal to 2100".
    assert german("Must be greater than or equal to 2020 and less than or equal to 2100.") == (
        "Muss größer oder gleich 2020 und kleiner oder gleich 2100 sein."
    )
    assert german("Must be greater than or equal to 2020.") == "Muss größer oder gleich 2020 sein."
