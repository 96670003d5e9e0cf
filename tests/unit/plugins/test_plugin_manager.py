"""PluginHost: entry points, subset calls per city, config validation, metadata."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pluggy
import pytest
from marshmallow import Schema, fields

from plugins import PluginError, PluginHost, default_host, hookimpl
from plugins.shipped import barrierefrei, jugendforum, ortsteile
from services.kit.errors import Conflict, Invalid, NotFound


class LabelConfig(Schema):
    label = fields.String(required=True)
    suffix = fields.String(load_default="")


class ConfiguredPlugin:
    """Titles its step with its own config, so a test can see which config it got."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    @hookimpl
    def stadtdialog_config_schema(self) -> type[Schema]:
        return LabelConfig

    @hookimpl
    def stadtdialog_phase_steps(self, config: Mapping[str, Any]) -> list[dict[str, str]]:
        self.seen.append(dict(config))
        title = config["label"] + config["suffix"]
        return [{"key": "labelled", "title_de": title, "title_en": title}]


def _three_plugin_host(recording_plugin: type) -> tuple[PluginHost, dict[str, Any]]:
    host = PluginHost()
    plugins = {name: recording_plugin(name) for name in ("alpha", "beta", "gamma")}
    for name, plugin in plugins.items():
        host.register(plugin, name)
    return host, plugins


# --- subset calls per city ------------------------------------------------------------------


@pytest.mark.covers_hook("stadtdialog_phase_steps")
def test_subset_caller_calls_only_each_citys_enabled_plugins(recording_plugin: type) -> None:
    host, plugins = _three_plugin_host(recording_plugin)

    jena = host.caller("stadtdialog_phase_steps", ["alpha", "beta"])
    erfurt = host.caller("stadtdialog_phase_steps", ["gamma"])
    jena_results = jena(city="jena", phase="kickoff", config={})
    erfurt_results = erfurt(city="erfurt", phase="kickoff", config={})

    assert sorted(steps[0]["title_de"] for steps in jena_results) == ["alpha", "beta"]
    assert [steps[0]["title_de"] for steps in erfurt_results] == ["gamma"]
    assert [call[1] for call in plugins["alpha"].calls] == ["jena"]
    assert [call[1] for call in plugins["beta"].calls] == ["jena"]
    assert [call[1] for call in plugins["gamma"].calls] == ["erfurt"]


@pytest.mark.covers_hook("stadtdialog_phase_steps", "stadtdialog_assessment_criteria")
def test_for_city_collects_only_enabled_contributions(recording_plugin: type) -> None:
    host, plugins = _three_plugin_host(recording_plugin)

    jena = host.for_city("jena", {"alpha": None, "gamma": {}})
    erfurt = host.for_city("erfurt", {"beta": {}})

    assert [step["plugin"] for step in jena.phase_steps("transfer")] == ["alpha", "gamma"]
    assert [c["id"] for c in erfurt.assessment_criteria()] == ["beta:fit"]
    assert {call[1] for call in plugins["alpha"].calls} == {"jena"}
    assert {call[1] for call in plugins["beta"].calls} == {"erfurt"}
    assert jena.enabled == ["alpha", "gamma"]


@pytest.mark.covers_hook("stadtdialog_phase_steps", "stadtdialog_config_schema")
def test_each_plugin_receives_only_its_own_loaded_config() -> None:
    host = PluginHost()
    first, second = ConfiguredPlugin(), ConfiguredPlugin()
    host.register(first, "first")
    host.register(second, "second")

    steps = host.for_city(
        "jena", {"first": {"label": "Eins"}, "second": {"label": "Zwei", "suffix": "!"}}
    ).phase_steps("kickoff")

    assert [step["title_de"] for step in steps] == ["Eins", "Zwei!"]
    # Defaults are filled in by the schema; nobody sees the other plugin's settings.
    assert first.seen == [{"label": "Eins", "suffix": ""}]
    assert second.seen == [{"label": "Zwei", "suffix": "!"}]


def test_enabled_plugin_that_is_not_installed_is_a_clear_error(recording_plugin: type) -> None:
    host, _ = _three_plugin_host(recording_plugin)

    with pytest.raises(NotFound) as caught:
        host.caller("stadtdialog_phase_steps", ["alpha", "omega"])
    assert "omega" in caught.value.message
    assert caught.value.fields == {"plugins": ["Plugin 'omega' is not installed."]}

    with pytest.raises(NotFound):
        host.for_city("jena", {"omega": {}})


def test_unknown_hook_name_is_refused(recording_plugin: type) -> None:
    host, _ = _three_plugin_host(recording_plugin)
    with pytest.raises(ValueError, match="stadtdialog_nope"):
        host.caller("stadtdialog_nope", ["alpha"])


@pytest.mark.covers_hook("stadtdialog_phase_steps")
def test_call_order_is_tryfirst_then_by_name_not_by_registration() -> None:
    class Early:
        @hookimpl(tryfirst=True)
        def stadtdialog_phase_steps(self) -> list[dict[str, str]]:
            return [{"key": "early", "title_de": "früh", "title_en": "early"}]

    class Plain:
        @hookimpl
        def stadtdialog_phase_steps(self) -> list[dict[str, str]]:
            return [{"key": "plain", "title_de": "normal", "title_en": "plain"}]

    host = PluginHost()
    host.register(Plain(), "zulu")
    host.register(Plain(), "bravo")
    host.register(Early(), "yankee")

    enabled = {"zulu": {}, "bravo": {}, "yankee": {}}
    pairs = host.call_each("stadtdialog_phase_steps", "jena", enabled, phase="kickoff")

    assert [name for name, _ in pairs] == ["yankee", "bravo", "zulu"]


# --- entry points and metadata --------------------------------------------------------------


def test_entry_points_find_the_shipped_plugins() -> None:
    host = PluginHost.from_entry_points()

    assert {"barrierefrei", "jugendforum", "ortsteile"} <= set(host.names())
    assert host.plugin("barrierefrei") is barrierefrei
    assert host.plugin("jugendforum") is jugendforum
    assert host.plugin("ortsteile") is ortsteile
    by_name = {meta["name"]: meta for meta in host.installed()}
    for name in ("barrierefrei", "jugendforum", "ortsteile"):
        # Found like a third party's plugin: through the distribution's entry point.
        assert by_name[name]["distribution"] == "stadtdialog"
        assert by_name[name]["version"]


def test_default_host_is_loaded_once_per_process() -> None:
    assert default_host() is default_host()
    assert {"barrierefrei", "jugendforum", "ortsteile"} <= set(default_host().names())


@pytest.mark.covers_hook("stadtdialog_config_schema")
def test_installed_describes_texts_hooks_and_config_schema(shipped_host: PluginHost) -> None:
    meta = {item["name"]: item for item in shipped_host.installed()}

    assert list(meta) == ["barrierefrei", "jugendforum", "ortsteile"]
    assert meta["barrierefrei"]["title_de"] == "Barrierefreiheit"
    assert meta["ortsteile"]["title_en"] == "Districts"
    assert "stadtdialog_assessment_criteria" in meta["ortsteile"]["hooks"]
    assert "stadtdialog_assessment_criteria" not in meta["barrierefrei"]["hooks"]
    # Registered by hand, not from a distribution.
    assert meta["ortsteile"]["distribution"] is None
    schema = meta["ortsteile"]["config_schema"]
    assert schema["required"] == ["districts"]
    assert schema["properties"]["districts"]["type"] == "array"
    assert schema["properties"]["districts"]["minItems"] == 1
    email = meta["barrierefrei"]["config_schema"]["properties"]["contact_email"]
    assert email["format"] == "email"


def test_installed_falls_back_to_name_and_docstring(recording_plugin: type) -> None:
    host = PluginHost()
    host.register(recording_plugin("alpha"), "alpha")

    (meta,) = host.installed()

    assert meta["title_de"] == meta["title_en"] == "alpha"
    assert meta["description_en"].startswith("Contributes one step per phase")
    assert meta["config_schema"] is None


def test_german_messages_merge_every_plugins_translations(shipped_host: PluginHost) -> None:
    german = shipped_host.german_messages()
    assert german[barrierefrei.MSG_DESCRIBE_BARRIER].startswith("Bitte beschreibe")
    assert german[ortsteile.MSG_DUPLICATE_DISTRICT].startswith("Jeder Stadtteil")


# --- registration guards --------------------------------------------------------------------


def test_register_refuses_a_misspelt_hook_and_leaves_the_host_unchanged() -> None:
    class Typo:
        @hookimpl
        def stadtdialog_phase_step(self) -> list[dict[str, str]]:  # missing "s"
            return []

    host = PluginHost()
    with pytest.raises(pluggy.PluginValidationError):
        host.register(Typo(), "typo")
    assert host.names() == []


@pytest.mark.covers_hook("stadtdialog_config_schema")
def test_register_refuses_a_config_schema_that_is_not_a_schema_class() -> None:
    class Instance:
        @hookimpl
        def stadtdialog_config_schema(self) -> Schema:
            return LabelConfig()

    host = PluginHost()
    with pytest.raises(PluginError, match="Schema class"):
        host.register(Instance(), "instance")
    assert host.names() == []


# --- config validation ----------------------------------------------------------------------


@pytest.mark.covers_hook("stadtdialog_config_schema")
def test_validate_config_names_the_missing_field(shipped_host: PluginHost) -> None:
    with pytest.raises(Invalid) as caught:
        shipped_host.validate_config("barrierefrei", {})
    assert list(caught.value.fields) == ["contact_email"]
    assert caught.value.fields["contact_email"] == ["Missing data for required field."]


@pytest.mark.covers_hook("stadtdialog_config_schema")
@pytest.mark.parametrize(
    ("plugin", "config", "field"),
    [
        ("barrierefrei", {"contact_email": "not-an-address"}, "contact_email"),
        ("barrierefrei", {"contact_email": "a@jena.de", "fax": "1"}, "fax"),
        ("ortsteile", {"districts": []}, "districts"),
        ("ortsteile", {"districts": ["Lobeda", "lobeda "]}, "districts"),
        ("ortsteile", {"districts": [""]}, "districts.0"),
        ("ortsteile", {"districts": ["Lobeda"], "forms": ["guestbook"]}, "forms.0"),
    ],
)
def test_validate_config_errors_name_the_field(
    shipped_host: PluginHost, plugin: str, config: dict[str, Any], field: str
) -> None:
    with pytest.raises(Invalid) as caught:
        shipped_host.validate_config(plugin, config)
    assert field in caught.value.fields
    assert caught.value.to_dict()["error"]["fields"][field]["en"]


def test_validate_config_returns_the_loaded_config_with_defaults(
    shipped_host: PluginHost,
) -> None:
    loaded = shipped_host.validate_config("barrierefrei", {"contact_email": "a@jena.de"})
    assert loaded == {
        "contact_email": "a@jena.de",
        "contact_phone": None,
        "interpreting_offered": False,
    }


def test_validate_config_of_unknown_plugin_is_not_found(shipped_host: PluginHost) -> None:
    with pytest.raises(NotFound) as caught:
        shipped_host.validate_config("wetter", {})
    assert caught.value.fields == {"plugin": ["Plugin 'wetter' is not installed."]}


def test_plugin_without_schema_accepts_only_an_empty_config(recording_plugin: type) -> None:
    host = PluginHost()
    host.register(recording_plugin("alpha"), "alpha")

    assert host.validate_config("alpha", {}) == {}
    with pytest.raises(Invalid) as caught:
        host.validate_config("alpha", {"colour": "blue"})
    assert caught.value.fields == {"colour": ["Unknown field."]}


@pytest.mark.covers_hook("stadtdialog_phase_steps")
def test_outdated_stored_config_is_a_conflict_naming_plugin_and_field(
    shipped_host: PluginHost,
) -> None:
    # E.g. stored before the plugin made "contact_email" required.
    with pytest.raises(Conflict) as caught:
        shipped_host.for_city("jena", {"barrierefrei": {}}).phase_steps("kickoff")
    assert "barrierefrei" in caught.value.message
    assert list(caught.value.fields) == ["plugins.barrierefrei.contact_email"]
