"""Plugin config forms rendered from the plugins' JSON schemas, and read back."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from gateway.schema_forms import config_from_form, fields_from_schema
from plugins.manager import default_host


def _schema(name: str) -> dict:
    return next(p for p in default_host().installed() if p["name"] == name)["config_schema"]


def test_fields_of_the_shipped_plugins() -> None:
    jugend = {f.name: f for f in fields_from_schema(_schema("jugendforum"))}
    assert jugend["required_talks"].widget == "number" and jugend["required_talks"].required
    assert jugend["max_age"].value == 27 and not jugend["max_age"].required
    barrier = {f.name: f for f in fields_from_schema(_schema("barrierefrei"))}
    assert barrier["contact_email"].widget == "email"
    assert barrier["interpreting_offered"].widget == "checkbox"
    districts = {
        f.name: f for f in fields_from_schema(_schema("ortsteile"), {"districts": ["Nord"]})
    }
    assert districts["districts"].widget == "lines" and districts["districts"].value == ["Nord"]
    assert districts["forms"].widget == "choices" and "project_idea" in districts["forms"].choices


def test_form_values_become_the_config_the_service_checks() -> None:
    form = MultiDict(
        [
            ("config.districts", "Nord\r\n\r\nSüd \n"),
            ("config.forms", "project_idea"),
            ("config.forms", "talk_documentation"),
        ]
    )
    assert config_from_form(_schema("ortsteile"), form) == {
        "districts": ["Nord", "Süd"],
        "forms": ["project_idea", "talk_documentation"],
    }
    jugend = config_from_form(
        _schema("jugendforum"), MultiDict({"config.required_talks": "3", "config.max_age": ""})
    )
    assert jugend == {"required_talks": 3}  # an empty optional field takes its default
    # What does not parse goes on as typed, so the service names the field and the reason.
    assert config_from_form(
        _schema("jugendforum"), MultiDict({"config.required_talks": "drei"})
    ) == {"required_talks": "drei"}
    barrier = config_from_form(
        _schema("barrierefrei"), MultiDict({"config.contact_email": "a@b.de"})
    )
    assert barrier == {"contact_email": "a@b.de", "interpreting_offered": False}
