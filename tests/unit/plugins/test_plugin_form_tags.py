"""CityPlugins.form_tags: the union of every enabled plugin's tags, checked for shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from plugins import PluginError, PluginHost, hookimpl


class Tagger:
    """Returns ``tags`` for the talk documentation and records the data it was given."""

    def __init__(self, *tags: Any) -> None:
        self.tags = list(tags)
        self.seen: list[Mapping[str, Any]] = []

    @hookimpl
    def stadtdialog_form_tags(self, form: str, data: Mapping[str, Any]) -> Any:
        self.seen.append(data)
        if form != "talk_documentation":
            return None
        return self.tags


class ReturnsAsIs:
    def __init__(self, result: Any) -> None:
        self.result = result

    @hookimpl
    def stadtdialog_form_tags(self) -> Any:
        return self.result


def _host(**plugins: object) -> PluginHost:
    host = PluginHost()
    for name, plugin in plugins.items():
        host.register(plugin, name)
    return host


@pytest.mark.covers_hook("stadtdialog_form_tags")
def test_tags_of_all_enabled_plugins_are_merged_sorted_and_unique() -> None:
    alpha, beta, gamma = Tagger("youth", "evening"), Tagger("youth", "b-2"), Tagger("secret")
    city = _host(alpha=alpha, beta=beta, gamma=gamma).for_city("jena", {"alpha": {}, "beta": {}})

    assert city.form_tags("talk_documentation", {"summary": "x"}) == ["b-2", "evening", "youth"]
    assert city.form_tags("project_idea", {"title": "x"}) == []
    assert gamma.seen == []  # not enabled in Jena, so never asked
    with pytest.raises(ValueError, match="guestbook"):
        city.form_tags("guestbook", {})


@pytest.mark.covers_hook("stadtdialog_form_tags")
def test_no_plugins_means_no_tags() -> None:
    assert _host(alpha=Tagger("youth")).for_city("jena", {}).form_tags("observation", {}) == []


@pytest.mark.covers_hook("stadtdialog_form_tags")
def test_plugins_get_a_read_only_view_of_the_data() -> None:
    tagger = Tagger()
    data = {"summary": "Gut"}
    _host(t=tagger).for_city("jena", {"t": {}}).form_tags("talk_documentation", data)

    (seen,) = tagger.seen
    assert seen == data
    with pytest.raises(TypeError):
        seen["summary"] = "changed"  # type: ignore[index]


@pytest.mark.covers_hook("stadtdialog_form_tags")
@pytest.mark.parametrize(
    "result",
    [
        "youth",  # a string is not a list of tags
        {"youth": True},
        ["Youth"],
        ["youth talk"],
        ["dialogue.talk"],
        ["$youth"],
        ["youth#1"],
        [""],
        ["x" * 33],
        ["youth\n"],
        [5],
        [None],
    ],
)
def test_tags_of_the_wrong_shape_are_a_plugin_error(result: Any) -> None:
    city = _host(bad=ReturnsAsIs(result)).for_city("jena", {"bad": {}})
    with pytest.raises(PluginError, match="bad"):
        city.form_tags("talk_documentation", {})


@pytest.mark.covers_hook("stadtdialog_form_tags")
def test_the_longest_allowed_tag_and_every_allowed_character_pass() -> None:
    city = _host(ok=ReturnsAsIs(("a" * 32, "z_0-9"))).for_city("jena", {"ok": {}})
    assert city.form_tags("talk_documentation", {}) == ["a" * 32, "z_0-9"]
