"""The observation form as JSON schema for pages (``views.form``): base fields, a plugin's
fields with their German and English titles, and which fields the plugins added."""

from __future__ import annotations

from marshmallow import fields, validate

from services.scenarios import views
from services.scenarios.schemas import ObservationSchema


def test_plugin_fields_are_described_with_titles_and_named_as_extra() -> None:
    extended = ObservationSchema.from_dict(
        {
            "district": fields.String(
                required=True,
                validate=validate.OneOf(["Altstadt", "Nord"]),
                metadata={"title_de": "Stadtteil", "title_en": "District"},
            ),
            "youth": fields.Boolean(load_default=False),
        }
    )
    form = views.form("observation", extended, ObservationSchema)
    assert form["form"] == "observation"
    assert form["extra"] == ["district", "youth"]
    properties = form["schema"]["properties"]
    assert properties["district"] == {
        "type": "string",
        "enum": ["Altstadt", "Nord"],
        "title": "Stadtteil",
        "x-title-en": "District",
    }
    assert properties["youth"]["type"] == "boolean" and "title" not in properties["youth"]
    assert properties["kind"]["enum"] == ["observation", "forecast"]
    assert set(form["schema"]["required"]) == {"district", "kind", "text"}


def test_a_city_without_plugin_fields_has_no_extra() -> None:
    form = views.form("observation", ObservationSchema, ObservationSchema)
    assert form["extra"] == []
    assert set(form["schema"]["properties"]) == {"kind", "text", "factor_id"}
