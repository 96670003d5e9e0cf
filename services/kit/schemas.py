"""Loading input with marshmallow: errors become ``Invalid`` naming each field.

Every string field of a ``StrictSchema`` gets the kit's text hygiene when it is bound
(``services.kit.text``): single-line unless its metadata says ``multiline``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError
from marshmallow.fields import Field

from services.kit.errors import Invalid
from services.kit.text import guard_field


class StrictSchema(Schema):
    """Unknown fields are an error, not silently dropped: a typo must not pass unnoticed."""

    class Meta:
        unknown = RAISE

    def on_bind_field(self, field_name: str, field_obj: Field) -> None:
        # Here rather than in a field class of our own: a plain ``fields.String`` written
        # tomorrow, or added by a plugin to a form, is guarded all the same.
        guard_field(field_obj)


def multiline(**metadata: Any) -> dict[str, Any]:
    """Metadata of a field that may hold line breaks (descriptions, notes, narratives)."""
    return {**metadata, "multiline": True}


# A rule beyond the schema (a time window, a reference to another document): it gets what
# loaded and answers {field: [messages]} (empty when all is well).
Check = Callable[[dict[str, Any]], Mapping[str, list[str]] | None]


def load(schema: Schema, data: Any, *checks: Check) -> dict[str, Any]:
    """``data`` through ``schema`` and ``checks``; one ``Invalid`` naming every field at once.

    The checks run on the fields that loaded even when others did not, so a form is not
    refused in rounds (first the missing title, then the time, then the topic). A field's own
    complaint comes first: a check does not add to a field the schema already refused. Checks
    must therefore cope with absent fields."""
    if not isinstance(data, dict):
        raise Invalid("The request body must be a JSON object.")
    errors: dict[str, Any] = {}
    try:
        values = schema.load(data)
    except ValidationError as exc:
        if not isinstance(exc.messages, dict):
            raise Invalid() from exc
        errors = dict(exc.messages_dict)
        values = exc.valid_data if isinstance(exc.valid_data, dict) else {}
    for check in checks:
        for name, messages in (check(values) or {}).items():
            errors.setdefault(name, list(messages))
    if errors:
        raise Invalid(fields=errors)
    return values
