"""Loading input with marshmallow: errors become ``Invalid`` naming each field.

Every string field of a ``StrictSchema`` gets the kit's text hygiene when it is bound
(``services.kit.text``): single-line unless its metadata says ``multiline``.
"""

from __future__ import annotations

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


def load(schema: Schema, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise Invalid("The request body must be a JSON object.")
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise Invalid(fields=exc.messages_dict if isinstance(exc.messages, dict) else None) from exc
