"""The ``stadtdialog`` operator command line."""

from __future__ import annotations

import click

from plugins.cli import plugins_command
from services.scenarios.engine.cli import scenarios


@click.group()
def main() -> None:
    """Stadtdialog: operate the platform and run its tools."""


main.add_command(plugins_command, name="plugins")
main.add_command(scenarios, name="scenarios")
