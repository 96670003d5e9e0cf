"""One hygiene for every free text a person sends (issue 15): applied to every string field
of every ``StrictSchema`` (``services.kit.schemas``) and to plugin config schemas.

A text is refused, never silently repaired, when it holds what no person types on purpose but
breaks something downstream: a lone surrogate (cannot be encoded as UTF-8: database, mail,
logs), control characters (NUL, escape …), text direction overrides (U+202E makes
``exe.txt`` look like ``txt.exe``), and in single-line fields any line break (a title becomes
a mail header: one ``\\r\\n`` there stopped every mail). Multi-line fields keep newline and tab;
a browser's CRLF becomes LF. Everything accepted is stored in Unicode NFC, so the same word
is the same string whether it was typed as ``ü`` or ``u`` + ``◌̈``.

Field options (marshmallow ``metadata``): ``multiline=True`` for descriptions, notes and
narratives; ``verbatim=True`` for passwords (only lone surrogates refused, nothing changed:
a stored hash must keep matching). Every other string field is single-line: a new field is
safe without anyone remembering it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from marshmallow import fields, validate
from marshmallow.exceptions import ValidationError

LONE_SURROGATE = "Contains an invalid character (a lone surrogate)."
CONTROL = "Must not contain control characters."
LINE_BREAK = "Must not contain line breaks."
BIDI = "Must not contain text direction controls."
BLANK = "Must not be blank."
MISSING = "Missing data for required field."  # marshmallow's: only spaces are nothing

_SURROGATE = re.compile("[\ud800-\udfff]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Line breaks as Unicode (and Python's str.splitlines) know them.
_BREAKS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# C0 and C1 controls and DEL; newline and tab are looked at separately.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TAB_OR_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def has_lone_surrogate(text: str) -> bool:
    return _SURROGATE.search(text) is not None


_NOT_IN_AN_ID = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def unfit_for_an_id(text: str) -> bool:
    """A control character or a lone surrogate: no id, slug or key holds one, and a NUL
    reached a query as it was (Postgres under FerretDB refuses it: a false 503)."""
    return _NOT_IN_AN_ID.search(text) is not None


def clean_text(
    text: str, *, multiline: bool = False, blank_ok: bool = True, required: bool = False
) -> str:
    """``text`` in NFC (multi-line: CRLF and CR as LF), or ``ValidationError`` saying why not.

    ``blank_ok=False``: only white space is refused too, as missing when ``required``.
    """
    if has_lone_surrogate(text):
        # First: every other step (and any encoder after it) would trip over it.
        raise ValidationError(LONE_SURROGATE)
    if not blank_ok and text and not text.strip():
        raise ValidationError(MISSING if required else BLANK)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if _CONTROLS.search(text.replace("\n", "")):
            raise ValidationError(CONTROL)
    else:
        if _BREAKS.search(text):
            raise ValidationError(LINE_BREAK)
        if _TAB_OR_CONTROL.search(text):
            raise ValidationError(CONTROL)
    if _BIDI.search(text):
        raise ValidationError(BIDI)
    return unicodedata.normalize("NFC", text)


class _TextGuard(fields.String):
    """Put in front of a bound string field's own class (see ``guard_field``); a subclass of
    ``String`` itself, else Python refuses the class swap ("layout differs")."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        metadata = self.metadata
        if not isinstance(text, str):
            return text
        if metadata.get("verbatim"):
            if has_lone_surrogate(text):
                raise ValidationError(LONE_SURROGATE)
            return text
        return clean_text(
            text,
            multiline=bool(metadata.get("multiline")),
            blank_ok=not _must_have_text(self),
            required=self.required,
        )


def _must_have_text(field: Any) -> bool:
    """Required, or a minimum length: then only spaces are as good as nothing."""
    if field.required:
        return True
    return any(
        isinstance(v, validate.Length) and (v.min or v.equal or 0) > 0 for v in field.validators
    )


@functools.cache
def _guarded_class(cls: type[fields.String]) -> type[fields.String]:
    # Same name and all of the field's own behaviour (Email, Url … keep their validation,
    # apispec finds the base class in the MRO); only the text hygiene runs first.
    return type(cls.__name__, (_TextGuard, cls), {"__module__": cls.__module__})


def guard_field(field: fields.Field) -> None:
    """Give a bound field, and the fields inside it (lists, tuples, dicts), the text hygiene.

    The field object is the schema instance's own copy (marshmallow copies declared fields
    per instance), so changing its class touches no other schema. Nested schemas guard
    themselves when they are ``StrictSchema``s; ``guard_schema`` does it for any other.
    """
    if isinstance(field, fields.String) and not isinstance(field, _TextGuard):
        field.__class__ = _guarded_class(type(field))
    elif isinstance(field, fields.List):
        guard_field(field.inner)
    elif isinstance(field, fields.Tuple):
        for inner in field.tuple_fields:
            guard_field(inner)
    elif isinstance(field, fields.Mapping):  # Dict: keys and values
        for inner in (field.key_field, field.value_field):
            if inner is not None:
                guard_field(inner)


def guard_schema(schema: Any) -> Any:
    """Guard every field of a schema instance that is not a ``StrictSchema`` (plugin configs)."""
    for field in schema.fields.values():
        guard_field(field)
        if isinstance(field, fields.Nested):
            guard_schema(field.schema)
        elif isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
            guard_schema(field.inner.schema)
    return schema
