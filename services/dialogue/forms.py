"""Forms as JSON schema, so pages and third parties can render them (no nameko, no database).

``describe_schema`` (the plugin host's converter) gives types, limits, enums and required
fields; the German and English titles that the base schema and the plugins keep in each
field's ``metadata`` (``title_de``/``title_en``) are added as ``title`` (German, shown first)
and ``x-title-en``.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from plugins.manager import describe_schema


def _titled(field: fields.Field, prop: dict[str, Any]) -> None:
    meta = field.metadata or {}
    if meta.get("title_de"):
        prop["title"] = meta["title_de"]
    if meta.get("title_en"):
        prop["x-title-en"] = meta["title_en"]
    if meta.get("description_de"):
        prop["description"] = meta["description_de"]


def json_schema(schema: type[Schema]) -> dict[str, Any]:
    described = describe_schema(schema)
    properties = described.get("properties", {})
    for name, field in schema._declared_fields.items():
        key = field.data_key or name
        if key in properties:
            _titled(field, properties[key])
    return described
