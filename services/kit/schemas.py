"""Loading input with marshmallow: errors become ``Invalid`` naming each field."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError

from services.kit.errors import Invalid


class StrictSchema(Schema):
    """Unknown fields are an error, not silently dropped: a typo must not pass unnoticed."""

    class Meta:
        unknown = RAISE


def load(schema: Schema, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise Invalid("The request body must be a JSON object.")
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise Invalid(fields=exc.messages_dict if isinstance(exc.messages, dict) else None) from exc
