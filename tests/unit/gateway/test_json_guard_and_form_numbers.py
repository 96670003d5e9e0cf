"""The gateway's JSON reader (depth, lone surrogates) and page-form numbers (ASCII digits)."""

from __future__ import annotations

import json

import pytest
from flask import Flask

from gateway.json_guard import MAX_DEPTH, GuardedJSONProvider, json_or_none, nesting_depth
from gateway.pages.dialogue.forms import values_from_form
from gateway.schema_forms import config_from_form, form_int, form_number
from services.kit.errors import Invalid


class Form(dict):
    """Enough of werkzeug's MultiDict for the form readers."""

    def getlist(self, key: str) -> list:
        return [self[key]] if key in self else []


@pytest.fixture
def provider() -> GuardedJSONProvider:
    return GuardedJSONProvider(Flask(__name__))


def test_depth_counts_brackets_outside_strings_only() -> None:
    assert nesting_depth('{"a": [1, {"b": "[[[[{{{{"}], "c": "\\"]]"}') == 3
    assert nesting_depth("[" * 10 + "]" * 10) == 10
    assert nesting_depth("[" * 100_000) == MAX_DEPTH + 1  # stops counting past the bound


def test_too_deep_json_is_invalid_before_parsing(provider) -> None:  # noqa: ANN001
    assert provider.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    for body in ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "[" * 100_000, '{"a":' * 5000):
        with pytest.raises(Invalid) as caught:
            provider.loads(body.encode())
        assert "nested too deeply" in caught.value.message


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (b'{"display_name": "\\ud800"}', "display_name"),
        (b'{"contact": {"name": "a\\udc00b"}}', "contact.name"),
        (b'{"ideas": ["ok", "\\udfff\\ud800"]}', "ideas.1"),
        (b'{"\\ud800": 1}', "_schema"),
        (b'{"name": "' + b"\xed\xa0\x80" + b'"}', "name"),  # raw UTF-8 of a surrogate
    ],
)
def test_lone_surrogates_are_invalid_naming_where(provider, body: bytes, path: str) -> None:  # noqa: ANN001
    with pytest.raises(Invalid) as caught:
        provider.loads(body)
    assert list(caught.value.fields) == [path]


def test_real_text_passes_unchanged(provider) -> None:  # noqa: ANN001
    data = {"title": "Grüße 🚲 \u202f", "n": [1, 2.5, None, True]}
    assert provider.loads(json.dumps(data).encode()) == data
    assert provider.loads(json.dumps(data, ensure_ascii=False).encode("utf-16")) == data


@pytest.mark.parametrize("typed", ["²", "①", "1²", "٣", "３", "1e3", " 1", "--1", ""])
def test_page_form_integers_take_ascii_digits_only(typed: str) -> None:
    assert form_int(typed) == typed  # as typed: the service names the field in German


def test_page_form_numbers() -> None:
    assert form_int("42") == 42 and form_int("-3") == -3
    assert form_number("0,5") == 0.5 and form_number("-1.25") == -1.25
    for typed in ("١٫٥", "½", "0,5²", "nan", "inf", "1e3"):
        assert form_number(typed) == typed


def test_unicode_digits_in_every_form_reader_are_passed_on_as_typed() -> None:
    schema = {"properties": {"n": {"type": "integer"}, "x": {"type": "number"}}}
    form = Form({"n": "²", "x": "①", "config.n": "①", "config.x": "²"})
    assert values_from_form(schema, form) == {"n": "²", "x": "①"}
    assert config_from_form(schema, form) == {"n": "①", "x": "²"}
    rows = {
        "properties": {
            "insights": {
                "type": "array",
                "items": {"type": "object", "properties": {"answer": {"type": "string"}}},
            }
        }
    }
    # "insights.².answer" was int("²"): a 500. Not an index, so no row.
    assert values_from_form(rows, Form({"insights.².answer": "Ja"})) == {"insights": []}


@pytest.mark.parametrize(
    "body", ['{"email": "a@b.de", "password": "\\ud800"}', "[" * (MAX_DEPTH + 1)]
)
def test_readers_that_only_peek_at_a_body_never_raise_on_a_hostile_one(body: str) -> None:
    """A rate limit's key and the token cache's look at a write's ``account_id`` read the JSON
    body too; the guard's refusal is the view's to answer (422), never theirs: a limiter swallows
    a key function's error (the request then goes unlimited) and an after-request hook's error
    would turn a write that succeeded into an error answer."""
    from gateway import mail_limits, security, token_cache

    app = Flask(__name__)
    app.json = GuardedJSONProvider(app)
    headers = {"Content-Type": "application/json"}
    with app.test_request_context("/", method="POST", data=body, headers=headers):
        from flask import request

        assert json_or_none(request) is None
        assert security.login_key().endswith("|")  # no address read: the client's key alone
        assert mail_limits._field("email") == ""
        assert token_cache._account_named(request) is None
