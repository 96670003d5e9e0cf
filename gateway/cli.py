"""The ``stadtdialog`` operator command line."""

from __future__ import annotations

import click

from plugins.cli import plugins_command


@click.group()
def main() -> None:
    """Stadtdialog: operate the platform and run its tools."""


main.add_command(plugins_command, name="plugins")

try:  # the scenario engine's commands (issue 4) arrive with its package
    from services.scenarios.engine.cli import scenarios

    main.add_command(scenarios, name="scenarios")
except ImportError:  # pragma: no cover - only while the engine is not in the tree
    pass
