"""``stadtdialog plugins`` prints the installed plugins as JSON."""

from __future__ import annotations

import json

from click.testing import CliRunner

from plugins.cli import plugins_command


def test_plugins_command_prints_valid_json_listing_the_shipped_plugins() -> None:
    result = CliRunner().invoke(plugins_command, [])

    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    names = [plugin["name"] for plugin in listed]
    assert names == sorted(names)
    assert {"barrierefrei", "jugendforum", "ortsteile"} <= set(names)
    ortsteile = next(plugin for plugin in listed if plugin["name"] == "ortsteile")
    assert ortsteile["title_de"] == "Ortsteile"
    assert ortsteile["distribution"] == "stadtdialog"
    assert ortsteile["config_schema"]["required"] == ["districts"]
    assert "stadtdialog_form_fields" in ortsteile["hooks"]


def test_plugins_command_keeps_german_text_readable() -> None:
    result = CliRunner().invoke(plugins_command, [])
    # ensure_ascii=False: "Barrierefreiheit prüfen" stays legible for operators.
    assert "Gebärdensprachdolmetschung" in result.output
