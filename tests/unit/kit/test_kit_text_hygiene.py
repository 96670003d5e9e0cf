"""The kit's text hygiene (``services.kit.text``) and that every schema gets it."""

from __future__ import annotations

import importlib
import inspect

import pytest
from marshmallow import Schema, fields, validate

from plugins.manager import PluginHost
from plugins.shipped import barrierefrei
from services.kit.errors import Invalid
from services.kit.i18n import german
from services.kit.schemas import StrictSchema, load, multiline
from services.kit.text import (
    BIDI,
    BLANK,
    CONTROL,
    LINE_BREAK,
    LONE_SURROGATE,
    MISSING,
    clean_text,
    guard_schema,
)


def refusal(text: str, **rules: bool) -> str:
    with pytest.raises(Exception) as caught:  # marshmallow's ValidationError
        clean_text(text, **rules)
    return caught.value.messages[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a\nb", LINE_BREAK),
        ("a\r\nb", LINE_BREAK),
        ("a\rb", LINE_BREAK),
        ("a\x0bb", LINE_BREAK),
        ("a\x0cb", LINE_BREAK),
        ("a\x85b", LINE_BREAK),
        ("a\u2028b", LINE_BREAK),
        ("a\u2029b", LINE_BREAK),
        ("a\tb", CONTROL),
        ("a\x00b", CONTROL),
        ("a\x1bb", CONTROL),
        ("a\x7fb", CONTROL),
        ("a\x9bb", CONTROL),
        ("exe.\u202etxt", BIDI),
        ("a\u202ab", BIDI),
        ("a\u2066b\u2069", BIDI),
        ("a\ud800", LONE_SURROGATE),
        ("\udfff", LONE_SURROGATE),
    ],
)
def test_single_line_refusals(text: str, message: str) -> None:
    assert refusal(text) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a\x00b", CONTROL),
        ("a\x0bb", CONTROL),
        ("a\x85b", CONTROL),
        ("a\u202eb", BIDI),
        ("a\ud800", LONE_SURROGATE),
    ],
)
def test_multi_line_refusals(text: str, message: str) -> None:
    assert refusal(text, multiline=True) == message


def test_multi_line_keeps_newline_and_tab_and_turns_crlf_into_lf() -> None:
    assert clean_text("a\r\nb\rc\n\td", multiline=True) == "a\nb\nc\n\td"
    assert clean_text("Absatz\u2029Zeile\u2028", multiline=True) == "Absatz\u2029Zeile\u2028"


def test_text_is_stored_in_nfc_and_ordinary_text_is_unchanged() -> None:
    assert clean_text("Mu\u0308nchen") == "München"
    for text in ("Straße 1 – „Zukunft“ 🚲", "مرحبا \u200fRLM", "日本語", "", "  a  "):
        assert clean_text(text) == text


def test_whitespace_only_is_missing_when_required_and_blank_when_only_a_minimum() -> None:
    assert refusal("   ", blank_ok=False, required=True) == MISSING
    assert refusal("\u3000\xa0", blank_ok=False) == BLANK
    assert refusal("\t\n", blank_ok=False, required=True) == MISSING
    assert clean_text("   ") == "   "  # an optional text without a minimum


def test_every_message_has_a_german_text() -> None:
    for message in (LONE_SURROGATE, CONTROL, LINE_BREAK, BIDI, BLANK, MISSING):
        assert german(message) != message, message


class Example(StrictSchema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=50))
    note = fields.String(load_default="", metadata=multiline())
    tags = fields.List(fields.String())
    labels = fields.Dict(keys=fields.String(), values=fields.String())
    email = fields.Email(load_default=None)
    password = fields.String(load_default=None, metadata={"verbatim": True})
    update = fields.String(validate=validate.Length(min=1))


def fields_of(data: dict) -> dict:
    with pytest.raises(Invalid) as caught:
        load(Example(), data)
    return caught.value.fields


def test_a_plain_string_field_of_a_strict_schema_is_guarded_wherever_it_sits() -> None:
    assert fields_of({"title": "a\nb"}) == {"title": [LINE_BREAK]}
    assert fields_of({"title": "x", "tags": ["ok", "a\x00"]}) == {"tags.1": [CONTROL]}
    assert fields_of({"title": "x", "labels": {"k": "\u202e"}}) == {"labels.k.value": [BIDI]}
    assert fields_of({"title": "x", "email": "a\ud800@example.org"}) == {"email": [LONE_SURROGATE]}
    assert fields_of({"title": "x", "update": "  "}) == {"update": [BLANK]}
    loaded = load(Example(), {"title": "Fu\u0308r", "note": "a\r\nb", "password": " \tp\u0308 "})
    assert loaded == {"title": "Für", "note": "a\nb", "password": " \tp\u0308 ", "email": None}
    assert fields_of({"title": "x", "password": "\ud800"}) == {"password": [LONE_SURROGATE]}


def test_the_class_declaration_is_left_alone() -> None:
    # The guard changes each schema instance's own copy, never the declared field.
    assert type(Example._declared_fields["title"]) is fields.String


def test_plugin_config_schemas_are_guarded_too() -> None:
    class Config(Schema):
        name = fields.String(required=True)

    with pytest.raises(Exception) as caught:
        guard_schema(Config()).load({"name": "a\r\nBcc: x"})
    assert caught.value.messages == {"name": [LINE_BREAK]}


def test_a_plugin_config_is_loaded_with_the_hygiene() -> None:
    host = PluginHost()
    host.register(barrierefrei, "barrierefrei")
    config = {"contact_email": "a@example.org", "contact_phone": "030 1234\r\nBcc: x"}
    with pytest.raises(Invalid) as caught:
        host.validate_config("barrierefrei", config)
    assert caught.value.fields == {"contact_phone": [LINE_BREAK]}


def _schema_classes():
    for service in ("cities", "dialogue", "events", "identity", "scenarios"):
        module = importlib.import_module(f"services.{service}.schemas")
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Schema) and value is not StrictSchema:
                yield f"{service}.{name}", value


@pytest.mark.parametrize(("name", "schema"), list(_schema_classes()))
def test_every_service_schema_refuses_control_characters_in_its_texts(name, schema) -> None:  # noqa: ANN001
    assert issubclass(schema, StrictSchema), f"{name} is not a StrictSchema"
    for field_name, field in schema().fields.items():
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.String) and not field.dump_only:
            # Passwords are taken verbatim, but a lone surrogate is refused there too.
            hostile = "a\ud800b" if inner.metadata.get("verbatim") else "a\x00b"
            with pytest.raises(Exception) as caught:
                inner.deserialize(hostile)
            reason = str(caught.value)
            assert CONTROL in reason or LONE_SURROGATE in reason, f"{name}.{field_name}: {reason}"


@pytest.mark.parametrize(
    ("value", "unfit"),
    [
        ("65a1f0c2e4b0a1b2c3d4e5f6", False),
        ("stadt-musterstadt", False),
        ("Mühlbach \u202e", False),  # shown nowhere as an id; not the database's problem
        ("a\x00b", True),
        ("a\tb", True),
        ("a\x7f", True),
        ("a\ud800", True),
    ],
)
def test_an_id_with_a_control_character_or_lone_surrogate_is_unfit(value: str, unfit: bool) -> None:
    from services.kit.text import unfit_for_an_id

    assert unfit_for_an_id(value) is unfit
