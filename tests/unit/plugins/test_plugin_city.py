"""CityPlugins: merging and checking what a city's plugins contribute."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from marshmallow import Schema, fields

from plugins import PluginError, PluginHost, hookimpl
from services.kit.errors import Invalid


class TalkDocumentation(Schema):
    """Stands in for the dialogue service's base documentation form."""

    summary = fields.String(required=True)


class FieldPlugin:
    """Adds one form field and one cross-field rule, both named after the plugin."""

    def __init__(self, field_name: str, message: str = "Too short.") -> None:
        self.field_name = field_name
        self.message = message

    @hookimpl
    def stadtdialog_form_fields(self, form: str) -> dict[str, fields.Field] | None:
        if form != "talk_documentation":
            return None
        return {self.field_name: fields.Integer(required=True)}

    @hookimpl
    def stadtdialog_validate_form(self, data: Mapping[str, Any]) -> dict[str, list[str]] | None:
        if data.get(self.field_name, 0) < len(data["summary"]):
            return {self.field_name: [self.message], "summary": f"{self.field_name} disagrees."}
        return None


class BadReturns:
    """Breaks every hook contract at once."""

    @hookimpl
    def stadtdialog_phase_steps(self, phase: str) -> Any:
        if phase == "kickoff":
            return {"key": "not-a-list"}
        if phase == "scenarios":
            return [{"key": "twice", "title_de": "a", "title_en": "a"}] * 2
        return [{"key": "untitled", "title_de": " ", "title_en": "x"}]

    @hookimpl
    def stadtdialog_form_fields(self) -> Any:
        return {"count": int}

    @hookimpl
    def stadtdialog_phase_changed(self) -> Any:
        return [{"audience": "everyone", "text_de": "x", "text_en": "x"}]


def _host(**plugins: object) -> PluginHost:
    host = PluginHost()
    for name, plugin in plugins.items():
        host.register(plugin, name)
    return host


@pytest.mark.covers_hook("stadtdialog_phase_steps")
def test_phase_steps_carry_plugin_and_a_global_id(recording_plugin: type) -> None:
    host = _host(alpha=recording_plugin("alpha"), beta=recording_plugin("beta"))

    steps = host.for_city("jena", {"alpha": {}, "beta": {}}).phase_steps("closing")

    assert [(s["id"], s["plugin"], s["key"]) for s in steps] == [
        ("alpha:closing_step", "alpha", "closing_step"),
        ("beta:closing_step", "beta", "closing_step"),
    ]
    with pytest.raises(ValueError, match="harvest"):
        host.for_city("jena", {"alpha": {}}).phase_steps("harvest")


@pytest.mark.covers_hook("stadtdialog_phase_steps")
@pytest.mark.parametrize(
    ("phase", "problem"), [("kickoff", "list"), ("scenarios", "duplicate"), ("transfer", "text")]
)
def test_phase_steps_that_break_the_contract_are_a_plugin_error(phase: str, problem: str) -> None:
    city = _host(bad=BadReturns()).for_city("jena", {"bad": {}})
    with pytest.raises(PluginError, match=problem):
        city.phase_steps(phase)


@pytest.mark.covers_hook("stadtdialog_form_fields")
def test_form_schema_extends_the_base_form_with_every_plugins_fields() -> None:
    city = _host(a=FieldPlugin("guests"), b=FieldPlugin("hours")).for_city(
        "jena", {"a": {}, "b": {}}
    )

    schema = city.form_schema("talk_documentation", TalkDocumentation)

    assert issubclass(schema, TalkDocumentation)
    assert set(schema().fields) == {"summary", "guests", "hours"}
    assert city.form_fields("project_idea") == {}
    with pytest.raises(ValueError, match="guestbook"):
        city.form_fields("guestbook")


@pytest.mark.covers_hook("stadtdialog_form_fields")
def test_form_field_clashes_are_refused() -> None:
    clash = _host(a=FieldPlugin("guests"), b=FieldPlugin("guests")).for_city(
        "jena", {"a": {}, "b": {}}
    )
    with pytest.raises(PluginError, match="both add field 'guests'"):
        clash.form_fields("talk_documentation")

    overrides_base = _host(a=FieldPlugin("summary")).for_city("jena", {"a": {}})
    with pytest.raises(PluginError, match="summary"):
        overrides_base.form_schema("talk_documentation", TalkDocumentation)

    not_a_field = _host(bad=BadReturns()).for_city("jena", {"bad": {}})
    with pytest.raises(PluginError, match="marshmallow field"):
        not_a_field.form_fields("talk_documentation")


@pytest.mark.covers_hook("stadtdialog_form_fields", "stadtdialog_validate_form")
def test_load_form_reports_field_errors_before_plugin_rules() -> None:
    city = _host(a=FieldPlugin("guests")).for_city("jena", {"a": {}})

    with pytest.raises(Invalid) as caught:
        city.load_form("talk_documentation", TalkDocumentation, {"summary": "Gut"})
    # The field is missing, so the cross-field rule (which needs the value) did not run.
    assert caught.value.fields == {"guests": ["Missing data for required field."]}


@pytest.mark.covers_hook("stadtdialog_validate_form")
def test_validation_messages_of_all_plugins_are_merged_per_field() -> None:
    city = _host(a=FieldPlugin("guests"), b=FieldPlugin("hours", "Too few.")).for_city(
        "jena", {"a": {}, "b": {}}
    )
    data = {"summary": "Lange Rede", "guests": 2, "hours": 1}

    with pytest.raises(Invalid) as caught:
        city.load_form("talk_documentation", TalkDocumentation, data)

    assert caught.value.fields == {
        "guests": ["Too short."],
        "hours": ["Too few."],
        "summary": ["guests disagrees.", "hours disagrees."],
    }
    loaded = city.load_form(
        "talk_documentation", TalkDocumentation, {"summary": "Ok", "guests": 5, "hours": 3}
    )
    assert loaded == {"summary": "Ok", "guests": 5, "hours": 3}


@pytest.mark.covers_hook("stadtdialog_assessment_criteria")
def test_assessment_criteria_of_enabled_plugins_only(recording_plugin: type) -> None:
    host = _host(alpha=recording_plugin("alpha"), beta=recording_plugin("beta"))

    criteria = host.for_city("jena", {"beta": {}}).assessment_criteria()

    assert criteria == [
        {
            "key": "fit",
            "title_de": "Passung beta",
            "title_en": "Fit beta",
            "plugin": "beta",
            "id": "beta:fit",
        }
    ]


@pytest.mark.covers_hook("stadtdialog_phase_changed")
def test_phase_changed_collects_notices_and_passes_the_event(recording_plugin: type) -> None:
    alpha, beta = recording_plugin("alpha"), recording_plugin("beta")
    host = _host(alpha=alpha, beta=beta)
    event = {"id": "evt-1", "type": "stadtdialog.cities.phase.changed.v1", "city": "jena"}

    notices = host.for_city("jena", {"alpha": {}}).phase_changed(None, "kickoff", event)

    assert notices == [
        {
            "audience": "city_admins",
            "text_de": "alpha: kickoff",
            "text_en": "kickoff",
            "plugin": "alpha",
        }
    ]
    assert alpha.calls == [
        ("phase_changed", "jena", {"old": None, "new": "kickoff", "id": "evt-1"})
    ]
    assert beta.calls == []
    with pytest.raises(ValueError):
        host.for_city("jena", {"alpha": {}}).phase_changed("kickoff", "party", event)


@pytest.mark.covers_hook("stadtdialog_phase_changed")
def test_phase_changed_refuses_unknown_audiences() -> None:
    city = _host(bad=BadReturns()).for_city("jena", {"bad": {}})
    with pytest.raises(PluginError, match="audience"):
        city.phase_changed("scenarios", "transfer", {"id": "evt-2"})
