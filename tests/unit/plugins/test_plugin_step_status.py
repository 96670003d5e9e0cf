"""CityPlugins.step_status / step_statuses: routing to the owning plugin and shape checks."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import pytest
from marshmallow import Schema, fields

from plugins import PluginError, PluginHost, hookimpl

TALLY = "dialogue.talk.documented"


class GoalConfig(Schema):
    goal = fields.Integer(load_default=2)


class CountingPlugin:
    """One table-talk step ``count`` done at ``goal`` talks, one manual step ``by_hand``.

    Records every call so a test can see which plugin was asked about what.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.status_calls: list[tuple[str, str, str, dict[str, int], dict[str, Any]]] = []
        self.received: list[Mapping[str, int]] = []

    @hookimpl
    def stadtdialog_config_schema(self) -> type[Schema]:
        return GoalConfig

    @hookimpl
    def stadtdialog_phase_steps(self, phase: str) -> list[dict[str, str]] | None:
        if phase != "table_talks":
            return None
        return [
            {"key": "count", "title_de": f"Zählen {self.name}", "title_en": "Count"},
            {"key": "by_hand", "title_de": "Von Hand", "title_en": "By hand"},
        ]

    @hookimpl
    def stadtdialog_step_status(
        self,
        city: str,
        phase: str,
        step_key: str,
        tallies: Mapping[str, int],
        config: Mapping[str, Any],
    ) -> dict[str, Any] | None:
        self.status_calls.append((city, phase, step_key, dict(tallies), dict(config)))
        self.received.append(tallies)
        if step_key != "count":
            return None
        seen = tallies.get(TALLY, 0)
        return {
            "done": seen >= config["goal"],
            "progress_de": f"{seen} von {config['goal']}",
            "progress_en": f"{seen} of {config['goal']}",
        }


class StepsOnly:
    """Contributes a step but has no automatic rule for it (does not implement the hook)."""

    @hookimpl
    def stadtdialog_phase_steps(self) -> list[dict[str, str]]:
        return [{"key": "manual", "title_de": "Von Hand", "title_en": "By hand"}]


class BadStatus:
    """Returns whatever the test put into ``status`` for its one step."""

    def __init__(self, status: Any) -> None:
        self.status = status

    @hookimpl
    def stadtdialog_phase_steps(self) -> list[dict[str, str]]:
        return [{"key": "bad", "title_de": "Kaputt", "title_en": "Broken"}]

    @hookimpl
    def stadtdialog_step_status(self) -> Any:
        return self.status


def _host(**plugins: object) -> PluginHost:
    host = PluginHost()
    for name, plugin in plugins.items():
        host.register(plugin, name)
    return host


# --- routing --------------------------------------------------------------------------------


@pytest.mark.covers_hook("stadtdialog_step_status")
def test_only_the_owning_plugin_is_asked_with_its_own_key_and_config() -> None:
    alpha, beta = CountingPlugin("alpha"), CountingPlugin("beta")
    city = _host(alpha=alpha, beta=beta).for_city("jena", {"alpha": {"goal": 3}, "beta": {}})

    status = city.step_status("table_talks", "alpha:count", {TALLY: 3})

    assert status == {"done": True, "progress_de": "3 von 3", "progress_en": "3 of 3"}
    # The plugin sees its own key without the "alpha:" prefix, and its own config only.
    assert alpha.status_calls == [("jena", "table_talks", "count", {TALLY: 3}, {"goal": 3})]
    assert beta.status_calls == []


@pytest.mark.covers_hook("stadtdialog_step_status")
def test_a_disabled_plugins_step_is_never_asked() -> None:
    alpha, beta = CountingPlugin("alpha"), CountingPlugin("beta")
    city = _host(alpha=alpha, beta=beta).for_city("jena", {"alpha": {}})

    assert city.step_status("table_talks", "beta:count", {TALLY: 99}) is None
    assert city.step_status("table_talks", "omega:count", {TALLY: 99}) is None
    assert beta.status_calls == []
    assert [step["id"] for step in city.phase_steps("table_talks")] == [
        "alpha:count",
        "alpha:by_hand",
    ]
    assert list(city.step_statuses("table_talks", {TALLY: 99})) == ["alpha:count"]
    assert beta.status_calls == []


@pytest.mark.covers_hook("stadtdialog_step_status")
@pytest.mark.parametrize(
    ("phase", "step_id"),
    [
        ("table_talks", "working_group_formed"),  # a default step of the cities service
        ("table_talks", "alpha:unknown"),  # not a step the plugin contributes
        ("closing", "alpha:count"),  # the plugin contributes "count" to table_talks only
    ],
)
def test_steps_the_plugin_does_not_contribute_are_not_asked(phase: str, step_id: str) -> None:
    alpha = CountingPlugin("alpha")
    city = _host(alpha=alpha).for_city("jena", {"alpha": {}})

    assert city.step_status(phase, step_id, {TALLY: 5}) is None
    assert alpha.status_calls == []


@pytest.mark.covers_hook("stadtdialog_step_status")
def test_no_rule_means_none() -> None:
    alpha = CountingPlugin("alpha")
    city = _host(alpha=alpha, manual=StepsOnly()).for_city("jena", {"alpha": {}, "manual": {}})

    # The plugin implements the hook but returns None for its manual step ...
    assert city.step_status("table_talks", "alpha:by_hand", {}) is None
    assert [call[2] for call in alpha.status_calls] == ["by_hand"]
    # ... and a plugin without the hook has no rule for any of its steps.
    assert city.step_status("kickoff", "manual:manual", {TALLY: 1}) is None


@pytest.mark.covers_hook("stadtdialog_step_status")
def test_tallies_are_a_read_only_copy_and_absent_keys_mean_zero() -> None:
    alpha = CountingPlugin("alpha")
    city = _host(alpha=alpha).for_city("jena", {"alpha": {"goal": 1}})
    tallies: dict[str, int] = {}

    status = city.step_status("table_talks", "alpha:count", tallies)

    assert status == {"done": False, "progress_de": "0 von 1", "progress_en": "0 of 1"}
    (received,) = alpha.received
    with pytest.raises(TypeError):
        received[TALLY] = 1  # type: ignore[index]
    tallies[TALLY] = 7  # the service's later change does not leak into what was asked
    assert TALLY not in received


@pytest.mark.covers_hook("stadtdialog_step_status")
def test_step_statuses_cover_every_plugin_step_with_a_rule() -> None:
    alpha, beta = CountingPlugin("alpha"), CountingPlugin("beta")
    host = _host(alpha=alpha, beta=beta, manual=StepsOnly())
    city = host.for_city("jena", {"alpha": {"goal": 2}, "beta": {"goal": 5}, "manual": {}})

    statuses = city.step_statuses("table_talks", {TALLY: 4})

    assert statuses == {
        "alpha:count": {"done": True, "progress_de": "4 von 2", "progress_en": "4 of 2"},
        "beta:count": {"done": False, "progress_de": "4 von 5", "progress_en": "4 of 5"},
    }
    assert statuses["alpha:count"] == city.step_status("table_talks", "alpha:count", {TALLY: 4})
    assert city.step_statuses("closing", {TALLY: 4}) == {}
    with pytest.raises(ValueError, match="harvest"):
        city.step_status("harvest", "alpha:count", {})


# --- shape validation -----------------------------------------------------------------------


@pytest.mark.covers_hook("stadtdialog_step_status")
@pytest.mark.parametrize(
    ("status", "problem"),
    [
        (True, "must return a dict"),
        ([{"done": True}], "must return a dict"),
        ({"progress_de": "a", "progress_en": "a"}, "'done'"),
        ({"done": 1, "progress_de": "a", "progress_en": "a"}, "'done'"),
        ({"done": "yes", "progress_de": "a", "progress_en": "a"}, "'done'"),
        ({"done": True, "progress_de": "a"}, "progress_en"),
        ({"done": True, "progress_de": "  ", "progress_en": "a"}, "progress_de"),
        ({"done": True, "progress_de": 3, "progress_en": "a"}, "progress_de"),
        ({"done": True, "progress_de": "a", "progress_en": "a", "percent": 50}, "percent"),
    ],
)
def test_a_status_of_the_wrong_shape_is_a_plugin_error(status: Any, problem: str) -> None:
    city = _host(bad=BadStatus(status)).for_city("jena", {"bad": {}})

    with pytest.raises(PluginError, match=problem):
        city.step_status("kickoff", "bad:bad", {})
    with pytest.raises(PluginError, match=problem):
        city.step_statuses("kickoff", {})


@pytest.mark.covers_hook("stadtdialog_step_status")
def test_a_valid_status_is_returned_as_a_plain_dict() -> None:
    given = MappingProxyType({"done": False, "progress_de": "bald", "progress_en": "soon"})
    city = _host(ok=BadStatus(given)).for_city("jena", {"ok": {}})

    status = city.step_status("scenarios", "ok:bad", {})

    assert type(status) is dict
    assert status == {"done": False, "progress_de": "bald", "progress_en": "soon"}
